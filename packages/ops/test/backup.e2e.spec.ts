import { mkdirSync, rmSync } from 'node:fs';
import { Decimal, queues, serviceQueues } from '@trading/contracts';
import {
  checkInvariants,
  checkViolations,
  definitiveReply,
  type Load,
  type RequestRecord,
  sqlChecks,
  startLoad,
  summarize,
  waitForInvariants,
} from '@trading/faults';
import { rabbitmqctl, type ServiceName, startStack, TradingClient, testEnv, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { backupTool, query, servicePrivileges, type Totals, totals } from './support/backupTool.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const ALL_SERVICES: readonly ServiceName[] = ['gateway', 'payment', 'trade', 'reporting', 'market'];
/** As the fault scenarios run the stack: the market ticking every 200 ms, markets open around the clock, a short reply timeout. */
const STACK_ENV = { MARKETS_ALWAYS_OPEN: 'true', REPLY_TIMEOUT_MS: '5000', MARKET_TICK_INTERVAL_MS: '200', MARKET_SEED: '20261202', PRICE_WARMUP_MS: '3000' };

/*
 * The copy is the database at one instant in the middle of the load, so only the invariants that hold at every
 * instant are checked on it as restored. Those are the ones each service keeps inside its own transactions: an account
 * is its ledger, nothing is negative, each saga's ledger rows balance, cash and assets are conserved, Trade's holdings
 * are its trades, every trade is within its bound at a stored tick, and every saga has moved money at most once (and
 * a COMPLETED one exactly once: Trade completes a saga only on Payment's event, which Payment sends after its own
 * commit). Skipped, because one service's transaction had committed and the other's had not yet at the snapshot:
 */
const NOT_AT_EVERY_INSTANT = [
  // a BUY past TradeRecorded has its trade in trade.trade, but Payment has not captured the money yet (a SELL likewise)
  'cash-equals-flows',
  // Payment's view of holdings moves with that capture or credit
  'payment-holdings-equal-trades',
  // a SELL in flight has its trade recorded and its quantity still reserved in trade.holding, settled when it completes
  'holdings-equal-trades',
  // the sagas in flight at the snapshot are open in the copy, with their funds and holdings reserved
  'sagas-terminal',
  'nothing-held',
  // Reporting stores an event a moment after the transaction that made it
  'events-stored-once',
];
// The checks of the clients' replies (replies-exactly-once, client-view-equals-records) are not run on the copy at all:
// the replies the clients got after the snapshot are of changes the copy does not have.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a backup taken while a load runs through the gateway', function () {
  this.timeout(240_000);
  const stack = useStack(ALL_SERVICES, STACK_ENV);
  const dir = () => `${ROOT}.tmp/backups/test-${testEnv().runId}`;
  const file = () => `${dir()}/mid-load.dump`;
  const copyName = () => `${testEnv().database}_copy`;
  const copyUrl = () => {
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/${copyName()}`;
    return url.toString();
  };
  const adminUrl = () => {
    const url = new URL(testEnv().databaseUrl);
    url.pathname = '/postgres';
    return url.toString();
  };
  let load: Load;
  /** The load's users: the run's database also holds what earlier specs of the run left, which this test does not judge. */
  const loadUsers = () => [...new Set(load.records.flatMap((r) => (typeof r.body.user_id === 'string' ? [r.body.user_id] : [])))];
  let backupWindow: { started: number; ended: number };
  let copied: Totals;

  before(async function () {
    this.timeout(180_000);
    mkdirSync(dir(), { recursive: true });
    const live = testEnv().databaseUrl;
    load = await startLoad({ gatewayUrl: stack().gatewayUrl, clients: 4, durationMs: 90_000, seed: 25 });
    try {
      // The backup is taken once sagas complete, and the load goes on for 4 s after it.
      await waitFor(async () => ((await totals(live)).sagasCompleted >= 20 ? true : await sleep(200).then(() => undefined)), 90_000);
      const started = Date.now();
      const backup = await backupTool(['backup', '--out', file()], live);
      backupWindow = { started, ended: Date.now() };
      expect(backup.code, backup.stderr).to.equal(0);
      expect(backup.stdout).to.contain(`backup written: ${file()}`);
      await sleep(4000);
    } finally {
      load.stop();
    }
    await load.finished;
    await load.resendUnknown(30_000);
    await load.close();
    const restore = await backupTool(['restore', file(), '--into', copyUrl()], live);
    expect(restore.code, restore.stderr).to.equal(0);
    expect(restore.stdout).to.contain(`into database ${copyName()}`);
    copied = await totals(copyUrl());
  });

  after(async function () {
    this.timeout(30_000);
    const leftovers = await query<{ datname: string }>(adminUrl(), 'SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [copyName()]);
    for (const { datname } of leftovers) await query(adminUrl(), `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    rmSync(dir(), { recursive: true, force: true });
  });

  it('was taken while the load ran: requests were sent before it started and answered after it ended', () => {
    const before = load.records.filter((r) => r.sends[0]! < backupWindow.started);
    const after = load.records.filter((r) => r.replies.some((reply) => reply.at > backupWindow.ended));
    expect(before.length, 'requests sent before the backup').to.be.above(0);
    expect(after.length, 'requests answered after the backup').to.be.above(0);
  });

  it('restores into a new database a copy on which every invariant of a consistent snapshot holds', async () => {
    const report = await checkInvariants(copyUrl(), { skip: NOT_AT_EVERY_INSTANT, users: loadUsers() });
    expect(report.ok, summarize(report)).to.equal(true);
    expect(report.checks.map((c) => c.name)).to.include.members(['account-equals-ledger', 'cash-conserved', 'assets-conserved', 'saga-money-once']);
  });

  it('holds completed sagas and ledger rows, and no more of them than the live database', async () => {
    const live = await totals(testEnv().databaseUrl);
    expect(copied.sagasCompleted).to.be.above(0);
    expect(copied.ledgerRows).to.be.above(0);
    expect(copied.sagasCompleted).to.be.at.most(live.sagasCompleted);
    expect(copied.ledgerRows).to.be.at.most(live.ledgerRows);
    expect(copied.sagas).to.be.at.most(live.sagas);
  });

  it("keeps the services' privileges: each runtime role holds on the copy exactly what it holds on the live database", async () => {
    const [live, copy] = await Promise.all([servicePrivileges(testEnv().databaseUrl), servicePrivileges(copyUrl())]);
    expect(copy).to.include('trading_payment INSERT on payment.ledger');
    expect(copy).to.not.include('trading_payment UPDATE on payment.ledger');
    expect(copy).to.deep.equal(live);
  });

  it('refuses to restore over a database that holds data without --force, exits 3 and changes nothing', async () => {
    const liveBefore = await query(testEnv().databaseUrl, 'SELECT count(*)::int AS n FROM payment.ledger');
    const overLive = await backupTool(['restore', file()], testEnv().databaseUrl);
    expect(overLive.code).to.equal(3);
    expect(overLive.stderr).to.contain('RESTORE_TARGET_NOT_EMPTY');
    expect(await query(testEnv().databaseUrl, 'SELECT count(*)::int AS n FROM payment.ledger')).to.deep.equal(liveBefore);

    await query(copyUrl(), 'CREATE TABLE public.written_after_the_restore (n int)');
    const overCopy = await backupTool(['restore', file(), '--into', copyUrl()], testEnv().databaseUrl);
    expect(overCopy.code).to.equal(3);
    expect(overCopy.stderr).to.contain('RESTORE_TARGET_NOT_EMPTY');
    expect(await totals(copyUrl())).to.deep.equal(copied);
    expect(await query(copyUrl(), `SELECT to_regclass('public.written_after_the_restore') IS NOT NULL AS present`)).to.deep.equal([{ present: true }]);
  });

  it('with --force replaces a database that holds data by the dump, keeping the old one under another name', async () => {
    await query(copyUrl(), 'CREATE TABLE IF NOT EXISTS public.written_after_the_restore (n int)');
    const forced = await backupTool(['restore', file(), '--into', copyUrl(), '--force'], testEnv().databaseUrl);
    expect(forced.code, forced.stderr).to.equal(0);
    const keptAs = /kept as (\S+);/.exec(forced.stdout)?.[1];
    expect(keptAs, forced.stdout).to.match(new RegExp(`^${copyName()}_pre_restore_\\d{8}_\\d{6}$`));
    expect(await query(copyUrl(), `SELECT to_regclass('public.written_after_the_restore') IS NULL AS gone`)).to.deep.equal([{ gone: true }]);
    expect(await totals(copyUrl())).to.deep.equal(copied);
    const kept = new URL(copyUrl());
    kept.pathname = `/${keptAs}`;
    expect(await query(kept.toString(), `SELECT to_regclass('public.written_after_the_restore') IS NOT NULL AS present`)).to.deep.equal([{ present: true }]);
  });

  it('with the old queues purged, the services on the copy end every saga it holds, and re-sent DEPOSITs are applied once', async () => {
    await stack().stop();
    const vhost = testEnv().vhost;
    for (const queue of [...serviceQueues.payment, ...serviceQueues.trade, queues.reporting]) await rabbitmqctl('purge_queue', '-p', vhost, queue);
    const onCopy = await startStack(ALL_SERVICES, { ...STACK_ENV, DATABASE_URL: copyUrl() });
    try {
      const users = new Set(
        (await query<{ user_id: string }>(copyUrl(), 'SELECT user_id FROM payment.account WHERE user_id = ANY($1::uuid[])', [loadUsers()])).map(
          (r) => r.user_id,
        ),
      );
      const deposits = load.records.filter((r) => r.type === 'DEPOSIT' && definitiveReply(r)?.status === 'OK' && users.has(String(r.body.user_id)));
      expect(await depositedPerUser(copyUrl(), loadUsers()), 'the copy lacks the DEPOSITs committed after the snapshot').to.not.deep.equal(toldOk(deposits));
      const client = await TradingClient.connect(onCopy.gatewayUrl);
      try {
        for (const deposit of deposits) expect((await client.request(deposit.body, 10_000)).status, deposit.id).to.equal('OK');
      } finally {
        await client.close();
      }
      const report = await waitForInvariants(copyUrl(), { settleMs: 60_000, skip: ['events-stored-once'], users: loadUsers() });
      expect(report.ok, summarize(report)).to.equal(true);
      // Reporting lacks the events that were on their way to it at the snapshot (published, so gone from the outbox,
      // and not yet stored): those it may miss. Nothing is stored twice, and no event of a change the copy lost is stored.
      for (const event of await eventsAgainstFacts(copyUrl(), loadUsers())) {
        expect(Number(event.stored), `${event.type} of saga ${event.saga_id}`).to.be.below(Number(event.expected));
      }
      expect(await depositedPerUser(copyUrl(), loadUsers())).to.deep.equal(toldOk(deposits));
    } finally {
      await onCopy.stop();
    }
  });
});

/** The rows of the `events-stored-once` check: each (type, user, saga) whose stored events differ from its facts of record. */
async function eventsAgainstFacts(url: string, users: readonly string[]) {
  const check = sqlChecks.find((c) => c.name === 'events-stored-once');
  if (!check) throw new Error('the invariant checker has no events-stored-once check');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await checkViolations(client, check, users)) as { type: string; saga_id: string | null; expected: string | null; stored: string }[];
  } finally {
    await client.end();
  }
}

/** Per user, the sum of the DEPOSIT rows of the ledger. */
async function depositedPerUser(url: string, users: readonly string[]): Promise<Record<string, string>> {
  const rows = await query<{ user_id: string; total: string }>(
    url,
    `SELECT user_id, sum(available_delta)::text AS total FROM payment.ledger WHERE kind = 'DEPOSIT' AND user_id = ANY($1::uuid[]) GROUP BY user_id`,
    [users],
  );
  return Object.fromEntries(rows.map((r) => [r.user_id, new Decimal(r.total).toFixed()]));
}

/** Per user, the sum of the DEPOSITs the clients were told OK for. */
function toldOk(deposits: readonly RequestRecord[]): Record<string, string> {
  const sums = new Map<string, Decimal>();
  for (const r of deposits) sums.set(String(r.body.user_id), (sums.get(String(r.body.user_id)) ?? new Decimal(0)).add(String(r.body.amount)));
  return Object.fromEntries([...sums].map(([user, sum]) => [user, sum.toFixed()]));
}
