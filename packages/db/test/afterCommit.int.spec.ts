import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import { afterCommit } from '../src/afterCommit.ts';
import { createDatabase, type Database } from '../src/database.ts';

describe('afterCommit (PostgreSQL)', () => {
  let db: Database;
  before(() => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
  });
  after(async () => {
    await db?.$disconnect();
  });

  it('runs the callbacks once the transaction committed, in order, and not before', async () => {
    const seen: string[] = [];
    await db.$transaction(async (tx) => {
      afterCommit(tx, () => seen.push('first'));
      afterCommit(tx, () => seen.push('second'));
      await tx.$queryRawUnsafe('SELECT 1');
      expect(seen).to.deep.equal([]);
    });
    expect(seen).to.deep.equal(['first', 'second']);
  });

  it('never runs them when the transaction rolls back', async () => {
    const seen: string[] = [];
    const failed = await db
      .$transaction(async (tx) => {
        afterCommit(tx, () => seen.push('counted'));
        await tx.$queryRawUnsafe('SELECT 1/0');
      })
      .catch((err: { code?: string }) => err.code);
    expect(failed).to.equal('22012');
    expect(seen).to.deep.equal([]);
  });

  it('runs at once outside a transaction', () => {
    const seen: string[] = [];
    afterCommit(db, () => seen.push('now'));
    expect(seen).to.deep.equal(['now']);
  });
});
