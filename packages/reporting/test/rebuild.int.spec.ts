import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type Bus, connectBus } from '@trading/bus';
import { type DomainEvent, topology } from '@trading/contracts';
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
    // The house's cash of a BUY's capture and a SELL's credit, with fees.
    const [a] = scenario.users;
    const at = new Date().toISOString();
    const house: DomainEvent[] = [
      { type: 'FundsCaptured', user_id: a, saga_id: randomUUID(), amount: '200.2', notional: '200', fee: '0.2', released: '0', at },
      { type: 'FundsCredited', user_id: a, saga_id: randomUUID(), amount: '60', fee: '0.06', at },
    ];
    await publishEvents(bus, [...scenario.events, ...house]);
    await waitForScenario(stack.reportingUrl, { users: scenario.users, events: [...scenario.events, ...house] });
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
    expect(live.house_cash).to.have.length(1);
    expect(live.house_position).to.not.be.empty;
    await db.query(`UPDATE reporting.symbol_stats SET trades = trades + 100`);
    await db.query(`DELETE FROM reporting.user_holding`);
    await db.query(`DELETE FROM reporting.saga_outcome`);
    await db.query(`UPDATE reporting.credential SET revoked_at = NULL`);
    await db.query(`UPDATE reporting.house_cash SET cash = cash + 1`);
    await db.query(`DELETE FROM reporting.house_position`);
    expect(await dumpProjections(db)).to.not.deep.equal(live);
    const { stdout } = await run('pnpm', ['--filter', '@trading/reporting', 'rebuild-projections'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: testEnv().databaseUrl, LOG_LEVEL: 'info' },
    });
    expect(stdout).to.include('projections rebuilt from the event store');
    expect(await dumpProjections(db)).to.deep.equal(live);
  });
});
