import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { HOUSE_USER_ID } from '@trading/contracts';
import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { type InvariantReport, readInvariants, type RequestRecord, sqlChecks } from '../src/index.ts';
import { insertEvent, insertSaga, insertWorld } from './world.ts';

const failing = (report: InvariantReport) => report.checks.filter((c) => !c.ok).map((c) => c.name);

describe('the invariant checker', () => {
  let db: pg.Client;
  let world: Awaited<ReturnType<typeof insertWorld>>;
  const check = (records?: RequestRecord[]) => readInvariants(db, { users: [world.user], ...(records ? { records } : {}) });

  beforeEach(async () => {
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    await db.query('BEGIN');
    world = await insertWorld(db);
  });
  afterEach(async () => {
    await db.query('ROLLBACK');
    await db.end();
  });

  it('passes a consistent world', async () => {
    const report = await check();
    expect(failing(report)).to.deep.equal([]);
    expect(report.totals).to.include({ users: 1, ledgerRows: 5, sagas: 2, trades: 2, events: 12 });
  });

  it('flags an account that drifted from its ledger, and the money it created', async () => {
    await db.query(`UPDATE payment.account SET available = available + 1 WHERE user_id = $1`, [world.user]);
    expect(failing(await check())).to.deep.equal(['account-equals-ledger', 'cash-equals-flows', 'cash-conserved']);
  });

  it('flags cash the house gained from nothing, to the last decimal', async () => {
    await db.query(`UPDATE payment.account SET available = available + 0.00000001 WHERE user_id = $1`, [HOUSE_USER_ID]);
    const report = await check();
    expect(failing(report)).to.deep.equal(['cash-conserved']);
    expect(report.checks.find((c) => c.name === 'cash-conserved')?.examples[0]).to.include({ difference: '0.00000001' });
  });

  it('flags a capture applied twice', async () => {
    await db.query(`INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id) VALUES ($1, 'CAPTURE', 10.01, -110.11, $2)`, [
      world.user,
      world.buy,
    ]);
    expect(failing(await check())).to.deep.equal(['account-equals-ledger', 'saga-ledger-balanced', 'saga-money-once', 'events-stored-once']);
  });

  it("flags a house fee booked without its user's payment, and a saga row without a saga", async () => {
    await db.query(`INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id) VALUES ($1, 'FEE', 0.1, 0, $2)`, [
      HOUSE_USER_ID,
      world.buy,
    ]);
    await db.query(`UPDATE payment.account SET available = available + 0.1 WHERE user_id = $1`, [HOUSE_USER_ID]);
    await db.query(`UPDATE payment.account SET available = available - 0.1 WHERE user_id = $1`, [world.user]);
    await db.query(`INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id) VALUES ($1, 'CREDIT', -0.1, 0, NULL)`, [world.user]);
    const report = await check();
    expect(failing(report)).to.deep.equal(['cash-equals-flows', 'saga-ledger-balanced', 'saga-money-once', 'events-stored-once']);
    const rows = report.checks.find((c) => c.name === 'saga-ledger-balanced')?.examples as { what: string; total: string }[];
    expect(rows.map((r) => `${r.what}:${r.total}`).sort()).to.deep.equal(['row:-0.10000000', 'saga:0.10000000']);
  });

  it('flags a symbol whose holdings, the house included, do not sum to zero', async () => {
    await db.query(`UPDATE trade.holding SET quantity = quantity + 0.00001 WHERE user_id = $1 AND symbol = 'BTC'`, [HOUSE_USER_ID]);
    const report = await check();
    expect(failing(report)).to.deep.equal(['assets-conserved']);
    const rows = report.checks.find((c) => c.name === 'assets-conserved')?.examples as { symbol: string; total: string }[];
    expect(rows.map((r) => `${r.symbol}:${r.total}`)).to.deep.equal(['BTC:0.00001000']);
  });

  it('flags a BUY above its limit, a SELL below it, and a price the market never published', async () => {
    await db.query(`UPDATE trade.trade SET price = 55.01 WHERE saga_id = $1`, [world.buy]);
    await db.query(`UPDATE trade.trade SET price = 57.99 WHERE saga_id = $1`, [world.sell]);
    const report = await check();
    expect(failing(report)).to.deep.equal(['trade-within-bound', 'trade-at-a-tick']);
    expect(report.checks.find((c) => c.name === 'trade-at-a-tick')?.violations).to.equal(2);
  });

  it('flags a trade naming a tick the market never stored, and checks no trade beyond the stored ticks', async () => {
    const { rows } = await db.query<{ last: string }>(`SELECT max(seq)::text AS last FROM market.tick WHERE symbol = 'BTC'`);
    await db.query(`UPDATE trade.trade SET tick_seq = tick_seq + 1 WHERE saga_id = $1`, [world.buy]);
    expect(failing(await check())).to.deep.equal(['trade-at-a-tick']);
    await db.query(`UPDATE trade.trade SET tick_seq = $2::bigint + 1 WHERE saga_id = $1`, [world.buy, rows[0]!.last]);
    expect(failing(await check())).to.deep.equal([]);
  });

  it('flags a trade whose money never moved', async () => {
    const saga = randomUUID();
    await insertSaga(db, { saga, user: world.user, side: 'SELL', quantity: 1, price: 60, notional: 60, state: 'COMPLETED' });
    await db.query(`INSERT INTO trade.trade (id, saga_id, user_id, side, symbol, quantity, price, notional) VALUES ($1, $2, $3, 'SELL', 'BTC', 1, 60, 60)`, [
      randomUUID(),
      saga,
      world.user,
    ]);
    await db.query(`UPDATE trade.holding SET quantity = 0 WHERE user_id = $1`, [world.user]);
    await db.query(`UPDATE payment.held_asset SET quantity = 0 WHERE user_id = $1`, [world.user]);
    expect(failing(await check())).to.deep.equal(['cash-equals-flows', 'assets-conserved', 'saga-money-once', 'events-stored-once']);
  });

  it('flags a holding that is not what was traded, in either service', async () => {
    await db.query(`UPDATE trade.holding SET quantity = 3 WHERE user_id = $1`, [world.user]);
    await db.query(`UPDATE payment.held_asset SET quantity = 0 WHERE user_id = $1`, [world.user]);
    expect(failing(await check())).to.deep.equal(['holdings-equal-trades', 'payment-holdings-equal-trades', 'assets-conserved']);
  });

  it('flags a saga that never ended and the funds it still holds', async () => {
    const saga = randomUUID();
    await insertSaga(db, { saga, user: world.user, side: 'BUY', quantity: 1, price: 10, notional: 10, state: 'CAPTURING' });
    await db.query(`INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id) VALUES ($1, 'RESERVE', -10, 10, $2)`, [
      world.user,
      saga,
    ]);
    await db.query(`UPDATE payment.account SET available = available - 10, reserved = 10 WHERE user_id = $1`, [world.user]);
    await insertEvent(db, 'FundsReserved', world.user, saga);
    expect(failing(await check())).to.deep.equal(['sagas-terminal', 'nothing-held']);
  });

  it('flags an event Reporting lost and events it stored twice', async () => {
    await db.query(`DELETE FROM reporting.event WHERE type = 'FundsWithdrawn' AND user_id = $1`, [world.user]);
    await insertEvent(db, 'FundsCaptured', world.user, world.buy);
    await insertEvent(db, 'OrderAccepted', world.user, world.sell);
    const report = await check();
    expect(failing(report)).to.deep.equal(['events-stored-once']);
    const rows = report.checks.find((c) => c.name === 'events-stored-once')?.examples as { type: string; stored: string }[];
    expect(rows.map((r) => `${r.type}:${r.stored}`).sort()).to.deep.equal(['FundsCaptured:2', 'FundsWithdrawn:0', 'OrderAccepted:2']);
  });

  it("counts schema version 1's SagaStarted as its saga's OrderAccepted, and order cancels and expiries at most once per saga", async () => {
    const older = randomUUID();
    await insertEvent(db, 'SagaStarted', world.user, older);
    await insertEvent(db, 'OrderCancelled', world.user, world.buy);
    await insertEvent(db, 'OrderExpired', world.user, world.buy);
    expect(failing(await check())).to.deep.equal([]);
    await insertEvent(db, 'SagaStarted', world.user, world.buy);
    await insertEvent(db, 'OrderExpired', world.user, world.buy);
    const report = await check();
    expect(failing(report)).to.deep.equal(['events-stored-once']);
    const rows = report.checks.find((c) => c.name === 'events-stored-once')?.examples as { type: string; stored: string }[];
    expect(rows.map((r) => `${r.type}:${r.stored}`).sort()).to.deep.equal(['OrderAccepted:2', 'OrderExpired:2']);
  });

  it("flags money the clients were not told about, from the load's records", async () => {
    const record = (type: RequestRecord['type'], amount: string, code?: 'INSUFFICIENT_FUNDS'): RequestRecord => {
      const id = randomUUID();
      const reply = code ? { id, status: 'ERROR' as const, code, message: 'no' } : { id, status: 'OK' as const, message: 'ok' };
      return { id, client: 0, type, body: { id, type, user_id: world.user, amount }, sends: [1], replies: [{ at: 2, reply }] };
    };
    const told = [record('DEPOSIT', '1000'), record('WITHDRAW', '50'), record('BUY', '2'), record('SELL', '1')];
    expect(failing(await check(told))).to.deep.equal([]);
    expect(failing(await check([...told, record('DEPOSIT', '5')]))).to.deep.equal(['client-view-equals-records']);
    expect(failing(await check([record('DEPOSIT', '1000', 'INSUFFICIENT_FUNDS'), ...told.slice(1)]))).to.deep.equal(['client-view-equals-records']);
  });

  it('`pnpm --filter @trading/faults check` prints the JSON report of every check and exits non-zero exactly when one fails', async () => {
    const { code, stdout } = await runCheck(testEnv().databaseUrl);
    const report = JSON.parse(stdout) as InvariantReport;
    expect(report.checks.map((c) => c.name)).to.deep.equal(sqlChecks.map((c) => c.name));
    expect(code).to.equal(report.ok ? 0 : 1);
  });

  it('the command fails with one line when the database cannot be reached', async () => {
    const { code, stdout } = await runCheck('postgresql://postgres@127.0.0.1:1/trading');
    expect(code).to.equal(1);
    expect(stdout).to.equal('');
  });
});

const PACKAGE = new URL('../', import.meta.url).pathname;

async function runCheck(databaseUrl: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/check.ts'], { cwd: PACKAGE, env: { ...process.env, DATABASE_URL: databaseUrl } });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout };
}
