import { expect } from 'chai';
import { databaseProbe } from '../src/probeDatabase.ts';
import { fakeClock } from './fakes.ts';

describe('the database health probe', () => {
  it('is up when SELECT 1 answers', async () => {
    const { clock } = fakeClock();
    const sql: string[] = [];
    const probe = databaseProbe({ query: async (text) => sql.push(text) }, clock, 1000);
    expect(await probe()).to.equal(true);
    expect(sql).to.deep.equal(['SELECT 1']);
  });

  it('is down when the query fails', async () => {
    const { clock } = fakeClock();
    const probe = databaseProbe({ query: () => Promise.reject(new Error('ECONNREFUSED')) }, clock, 1000);
    expect(await probe()).to.equal(false);
  });

  it('is down once the timeout passes on a query that hangs', async () => {
    const time = fakeClock();
    const probe = databaseProbe({ query: () => new Promise(() => undefined) }, time.clock, 1000);
    const result = probe();
    time.advance(1000);
    expect(await result).to.equal(false);
  });
});
