import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Bus, connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, startStack, testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { PROJECTION_TABLES } from '../src/projectionStore.ts';

import { publishEvents, scriptScenario, waitForScenario } from './scenario.ts';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;

/** Every projection row, in key order, as text: what the rebuild must reproduce exactly. */
async function dumpProjections(db: pg.Client): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of PROJECTION_TABLES) {
    dump[table] = (await db.query(`SELECT t::text AS row FROM reporting.${table} t ORDER BY 1`)).rows.map((r) => r.row);
  }
  return dump;
}

describe('pnpm --filter @trading/reporting rebuild-projections', function () {
  this.timeout(90_000);
  let stack: Stack;
  let bus: Bus;
  let db: pg.Client;

  before(async () => {
    stack = await startStack(['reporting']);
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    const scenario = scriptScenario(new Date(Date.now() - 600_000));
    await publishEvents(bus, scenario.events);
    await waitForScenario(stack.reportingUrl, scenario);
  });
  after(async () => {
    await db?.end();
    await bus?.close();
    await stack?.stop();
  });

  it('rebuilds every projection from the event store to exactly the live figures', async () => {
    const live = await dumpProjections(db);
    expect(live.symbol_stats).to.not.be.empty;
    expect(live.credential, 'the scenario issues, rotates and revokes keys').to.have.length.of.at.least(3);
    await db.query(`UPDATE reporting.symbol_stats SET trades = trades + 100`);
    await db.query(`DELETE FROM reporting.user_holding`);
    await db.query(`DELETE FROM reporting.saga_outcome`);
    await db.query(`UPDATE reporting.credential SET revoked_at = NULL`);
    expect(await dumpProjections(db)).to.not.deep.equal(live);
    const { stdout } = await run('pnpm', ['--filter', '@trading/reporting', 'rebuild-projections'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: testEnv().databaseUrl, LOG_LEVEL: 'info' },
    });
    expect(stdout).to.include('projections rebuilt from the event store');
    expect(await dumpProjections(db)).to.deep.equal(live);
  });
});
