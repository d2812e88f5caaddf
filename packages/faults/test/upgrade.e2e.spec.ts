import { randomBytes } from 'node:crypto';
import { Decimal, queues, type Reply, serviceQueues } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { previousVersionRoot, type ServiceProcess, type Stack, serviceAmqpUrl, startStack, testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { definitiveReply, LoadClient, RawClient, type RequestRecord, resendUnknown, summarize, summarizeLoad, waitForInvariants } from '../src/index.ts';
import { SCENARIO_ENV, sleep, waitFor } from './support/scenario.ts';

/*
 * The upgrade from schema version 1 (packages/contracts/src/versions.ts) with sagas in flight. Payment and Trade first
 * run the previous version's own code (previousVersionRoot: Trade commands Payment, Payment answers on
 * `payment-response`) beside the current gateway, Reporting and market. One old Payment is paused while BUYs run, so
 * it keeps ReserveFunds and CaptureFunds commands; then both are, while BUYs and SELLs are placed, so their
 * ReserveFunds and CreditFunds commands wait too; then the old Trade is paused and the other Payment resumed, so its
 * answers wait in `trade.commands`. Every old process is killed where it stands, and the current Payment and Trade
 * take over both queues. The old services bound those queues again as they started (today's topology routes to
 * partitions, <service>.commands.<n>), so the partitions hold a copy of everything sent meanwhile: the current
 * services retire the old bindings, drain the old queues and their partitions, and their inboxes drop the copies.
 */
const CLIENTS = 4;
const USERS_PER_CLIENT = 2;
const SYMBOLS = ['BTC', 'ETH', 'XRP'] as const;
/** The fault scenarios' market and reply timeout; a saga deadline longer than the switch, so sagas end by their steps. */
const ENV = { ...SCENARIO_ENV, SAGA_TIMEOUT_MS: '30000' };
/** The old services' heartbeat outlasts their pauses: the broker never hands a paused consumer's messages to another. */
const oldEnv = () => ({ AMQP_URL: `${testEnv().amqpUrl}?heartbeat=60` });

describe('an upgrade from schema version 1 with sagas in flight', function () {
  this.timeout(110_000);
  let stack: Stack | undefined;
  let db: pg.Client | undefined;
  let raw: RawClient | undefined;
  const clients: LoadClient[] = [];

  before(async function () {
    this.timeout(90_000);
    const previous = await previousVersionRoot();
    stack = await startStack(['gateway', 'reporting', 'market'], ENV);
    // Connected first: as the broker's admin it asserts today's topology, which retires the queues' bindings from
    // before partitions, and the old services bind them again as they start.
    raw = await RawClient.connect(testEnv().amqpUrl, serviceAmqpUrl(testEnv(), 'gateway'), createLogger('dead-letters', 'silent'));
    await raw.watchDeadLetters();
    await Promise.all([
      stack.addInstance('payment', oldEnv(), { sourceRoot: previous }),
      stack.addInstance('payment', oldEnv(), { sourceRoot: previous }),
      stack.addInstance('trade', oldEnv(), { sourceRoot: previous }),
    ]);
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    for (const service of [...(stack?.services.payment ?? []), ...(stack?.services.trade ?? [])]) service.signal('SIGCONT');
    await stack?.stop();
    await raw?.close();
    await db?.end();
  });

  it('sagas started on schema version 1 finish after the upgrade, with money and holdings conserved', async () => {
    const startedAt = Date.now();
    const s = stack!;
    const [oldPaymentStuck, oldPaymentResumed] = s.services.payment as [ServiceProcess, ServiceProcess];
    const oldTrade = s.services.trade[0]!;
    const records: RequestRecord[] = [];
    const prefix = randomBytes(3).toString('hex');
    for (let i = 0; i < CLIENTS; i += 1) clients.push(await LoadClient.connect(s.gatewayUrl, i, prefix, records, 30_000));

    // On the old version: users with deposits, and holdings of every symbol, so that some orders in flight are SELLs.
    const users = (await Promise.all(clients.map((client) => createUsers(client)))).flat();
    const userIds = users.map((u) => u.id);
    const prices = await quotes(clients[0]!);
    await Promise.all(users.flatMap((user) => SYMBOLS.map((symbol) => user.client.send(buy(user.id, symbol, prices, '150')))));
    const held = await holdings(db!, userIds);
    expect(held.size, 'users holding something after their first BUYs').to.be.greaterThan(0);

    // One old Payment paused while BUYs run through the rest of the old stack: it keeps the ReserveFunds and
    // CaptureFunds commands it is handed, and the sagas the other one serves complete.
    oldPaymentStuck.signal('SIGSTOP');
    const first = records.length;
    for (const user of users) void user.client.send(buy(user.id, SYMBOLS[2], prices, '60'));
    await waitFor('the old stack is quiet but for the paused Payment', async () => (await everyOrderStarted(db!, records.slice(first))) && quiet(db!));

    // Both old Payments paused, BUYs and SELLs placed: the old Trade starts their sagas and sends their commands.
    oldPaymentResumed.signal('SIGSTOP');
    const second = records.length;
    for (const user of users) {
      void user.client.send(buy(user.id, SYMBOLS[0], prices, '120'));
      void user.client.send(buy(user.id, SYMBOLS[1], prices, '80'));
      for (const symbol of SYMBOLS) {
        const quantity = held.get(`${user.id}/${symbol}`);
        if (quantity) void user.client.send({ type: 'SELL', user_id: user.id, symbol, amount: half(quantity) });
      }
    }
    await waitFor('the old Trade has sent the command of every order', async () => (await everyOrderStarted(db!, records.slice(second))) && quiet(db!));

    // The old Trade paused, one old Payment resumed: its answers (version 1, on payment-response) wait for Trade.
    oldTrade.signal('SIGSTOP');
    oldPaymentResumed.signal('SIGCONT');
    await waitFor('the resumed old Payment has answered its share', () => quiet(db!));
    oldPaymentResumed.signal('SIGSTOP');

    // The switch: every old process dies where it stands, and the messages each held go back to its queue.
    await Promise.all([oldPaymentStuck.kill(), oldPaymentResumed.kill(), oldTrade.kill()]);
    const depth = { commands: 0, answers: 0 };
    await waitFor('what the old processes held is back in their queues', async () => {
      const before = { ...depth };
      await sleep(500);
      depth.commands = await raw!.queueDepth(queues.payment);
      depth.answers = await raw!.queueDepth(queues.trade);
      return depth.commands > 0 && depth.answers > 0 && depth.commands === before.commands && depth.answers === before.answers;
    });
    const sagas = await openSagas(db!, userIds);
    const inFlight = records.slice(first).filter((r) => !definitiveReply(r));
    expect(sagas, 'sagas open at the switch').to.have.length(inFlight.length);
    expect(depth.commands, 'version 1 commands waiting in payment.commands').to.be.greaterThan(0);
    expect(depth.answers, 'version 1 answers waiting in trade.commands').to.be.greaterThan(0);
    // The upgrade outlasts the clients' reply timeout: they have no outcome for the orders in flight.
    await waitFor('every order in flight answered REPLY_TIMEOUT', () => inFlight.every((r) => r.replies.length > 0), 15_000);

    // The current Payment and Trade take over; clients re-send by the same id what they have no outcome for.
    await Promise.all([s.addInstance('payment'), s.addInstance('trade')]);
    await resendUnknown(records, clients, 30_000);

    const summary = summarizeLoad(records);
    expect(summary.unknown, `requests without a definitive reply: ${JSON.stringify(summary.outcomes)}`).to.equal(0);
    const report = await waitForInvariants(testEnv().databaseUrl, { records, settleMs: 20_000 });
    expect(report.ok, summarize(report)).to.equal(true);
    expect(await openSagas(db!, userIds), 'sagas still open').to.deep.equal([]);
    expect(await endingsNotOnce(db!, userIds), 'sagas whose end was not stored exactly once').to.deep.equal([]);
    // The new Trade took orders only once it held the market's prices: no reserved BUY was given up for want of one.
    const unpriced = await db!.query(`SELECT count(*)::int AS n FROM trade.saga WHERE user_id = ANY($1::uuid[]) AND failure_code = 'PRICE_UNAVAILABLE'`, [
      userIds,
    ]);
    expect(unpriced.rows[0].n, 'sagas ended PRICE_UNAVAILABLE').to.equal(0);
    const allQueues = [...serviceQueues.payment, ...serviceQueues.trade];
    await waitFor('payment.commands and trade.commands drained, and their partitions', async () => {
      const depths = await Promise.all(allQueues.map((queue) => raw!.queueDepth(queue)));
      return depths.every((n) => n === 0);
    });
    const deadLetters = raw!.deadLetters.filter((d) => !(Date.parse(String(d.headers['x-failed-at'])) < startedAt));
    expect(deadLetters.map((d) => `${d.type} from ${String(d.headers['x-failed-queue'])}: ${String(d.headers['x-error'])}`)).to.deep.equal([]);

    const outcomes = await sagaOutcomes(db!, sagas);
    process.stdout.write(
      `      ${depth.commands} commands and ${depth.answers} answers of version 1 waiting at the switch for ${sagas.length} sagas; ` +
        `the sagas ${JSON.stringify(outcomes)}, the clients ${JSON.stringify(summarizeLoad(inFlight).outcomes)}; ` +
        `${summary.resends} re-sends; ${Math.round((Date.now() - startedAt) / 1000)} s\n`,
    );
  });
});

type User = { id: string; client: LoadClient };

/** Users of one client, each with a deposit. */
async function createUsers(client: LoadClient): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < USERS_PER_CLIENT; i += 1) {
    const added = await client.send({ type: 'ADD_USER' });
    if (added?.status !== 'OK' || typeof added.user_id !== 'string') throw new Error(`ADD_USER: ${JSON.stringify(added)}`);
    const deposited = await client.send({ type: 'DEPOSIT', user_id: added.user_id, amount: '5000' });
    if (deposited?.status !== 'OK') throw new Error(`DEPOSIT: ${JSON.stringify(deposited)}`);
    users.push({ id: added.user_id, client });
  }
  return users;
}

/** The price Trade quotes for every symbol, once the market's first ticks have reached it. */
async function quotes(client: LoadClient): Promise<Map<string, string>> {
  const prices = new Map<string, string>();
  await waitFor('Trade quotes every symbol', async () => {
    for (const symbol of SYMBOLS.filter((s) => !prices.has(s))) {
      const reply: Reply | undefined = await client.send({ type: 'QUOTE', symbol });
      if (reply?.status === 'OK' && typeof reply.price === 'string') prices.set(symbol, reply.price);
    }
    return prices.size === SYMBOLS.length;
  });
  return prices;
}

/** A market BUY of about `notional` at the quoted price, on the 4-decimal lot grid. */
function buy(userId: string, symbol: string, prices: ReadonlyMap<string, string>, notional: string) {
  const amount = Decimal.max(new Decimal(notional).div(prices.get(symbol)!).toDecimalPlaces(4, Decimal.ROUND_DOWN), '0.0001').toFixed();
  return { type: 'BUY' as const, user_id: userId, symbol, amount };
}

const half = (quantity: string): string => Decimal.max(new Decimal(quantity).div(2).toDecimalPlaces(4, Decimal.ROUND_DOWN), '0.0001').toFixed();

/** What each user holds and may sell, by `user/symbol`. */
async function holdings(db: pg.Client, users: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ user_id: string; symbol: string; quantity: string }>(
    'SELECT user_id, symbol, quantity::text FROM trade.holding WHERE user_id = ANY($1::uuid[]) AND quantity > 0',
    [users],
  );
  return new Map(rows.map((r) => [`${r.user_id}/${r.symbol}`, r.quantity]));
}

/** The ids of the users' sagas not yet ended. */
async function openSagas(db: pg.Client, users: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM trade.saga WHERE user_id = ANY($1::uuid[]) AND state::text NOT IN ('COMPLETED', 'REJECTED', 'COMPENSATED', 'TIMED_OUT')`,
    [users],
  );
  return rows.map((r) => r.id);
}

/** Sagas whose end (SagaCompleted or SagaFailed) Reporting stored other than once. */
async function endingsNotOnce(db: pg.Client, users: string[]): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT s.id AS saga_id, s.state, count(e.id)::int AS endings
     FROM trade.saga s LEFT JOIN reporting.event e ON e.saga_id = s.id AND e.type IN ('SagaCompleted', 'SagaFailed')
     WHERE s.user_id = ANY($1::uuid[]) GROUP BY s.id, s.state HAVING count(e.id) <> 1`,
    [users],
  );
  return rows;
}

/** Every order has been answered or has a saga (its request id is the saga's). */
async function everyOrderStarted(db: pg.Client, orders: readonly RequestRecord[]): Promise<boolean> {
  const waiting = orders.filter((r) => !definitiveReply(r)).map((r) => JSON.stringify(r.id));
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM trade.saga WHERE request_id::text = ANY($1::text[])', [waiting]);
  return rows[0]!.n === waiting.length;
}

/**
 * Payment and Trade are quiet: nothing left in their outboxes (a row is deleted once the broker confirmed it), and
 * no message handled for a second (each one handled leaves an inbox key).
 */
async function quiet(db: pg.Client): Promise<boolean> {
  const read = async () =>
    JSON.stringify(
      (
        await db.query(`SELECT (SELECT count(*) FROM payment.outbox) + (SELECT count(*) FROM trade.outbox) AS unsent,
                               (SELECT count(*) FROM payment.inbox) AS payment, (SELECT count(*) FROM trade.inbox) AS trade`)
      ).rows[0],
    );
  const before = await read();
  await sleep(1000);
  const after = await read();
  return after === before && JSON.parse(after).unsent === '0';
}

/** How the sagas ended, counted by state. */
async function sagaOutcomes(db: pg.Client, sagas: string[]): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; n: number }>(
    'SELECT state::text, count(*)::int AS n FROM trade.saga WHERE id = ANY($1::uuid[]) GROUP BY 1',
    [sagas],
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
