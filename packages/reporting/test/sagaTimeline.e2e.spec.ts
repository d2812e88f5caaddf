import { randomBytes, randomUUID } from 'node:crypto';
import { closeTestMarket, type Stack, setPrices, startStack, testEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import type { SagaTimeline } from '../src/sagaTimeline.ts';
import { ADMIN_KEY } from './auth.ts';
import { getJson } from './scenario.ts';

type Refusal = { code: string; message: string; order_ids?: string[] };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET /api/sagas/<id>: a saga's stored events in order, with timing and outcome, for its user and the operator. */
describe('the timeline of a saga in Reporting (gateway + payment + trade + reporting)', function () {
  this.timeout(90_000);
  let stack: Stack;
  let operator: TradingClient;
  const users: { id: string; key: string }[] = [];
  const requestId = `buy-${randomBytes(4).toString('hex')}`;
  let completed: SagaTimeline;
  let rejected: SagaTimeline;
  const url = (path: string) => `${stack.reportingUrl}${path}`;
  const sagaOf = (id: string, key: string) => getJson<SagaTimeline & Refusal>(url(`/api/sagas/${encodeURIComponent(id)}`), key);
  /** The timeline of `id` once its saga has ended (polled gently: the API has a quota per key). */
  const ended = (id: string, key: string) =>
    waitFor(async () => {
      const { status, body } = await sagaOf(id, key);
      if (status === 200 && body.ended_at !== null) return body;
      await pause(150);
      return undefined;
    });

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade', 'reporting'], { MARKETS_ALWAYS_OPEN: 'true', TRADE_FEE_BPS: '10' });
    operator = await TradingClient.connect(stack.gatewayUrl);
    for (const deposit of ['1000', '50']) {
      const added = await operator.request({ type: 'ADD_USER' });
      users.push({ id: String(added.user_id), key: String(added.api_key) });
      expect(await operator.request({ type: 'DEPOSIT', user_id: added.user_id, amount: deposit })).to.include({ status: 'OK' });
    }
    await setPrices(operator, { AAPL: '190' });
    const [a, b] = users as [{ id: string; key: string }, { id: string; key: string }];
    // The same request id for both: a request id is the client's, unique per user, not across users.
    const buy = { id: requestId, type: 'BUY', symbol: 'AAPL', amount: '3', price: '190' };
    expect(await operator.request({ ...buy, user_id: a.id })).to.include({ status: 'OK', notional: '570', fee: '0.57' });
    expect(await operator.request({ ...buy, user_id: b.id })).to.include({ status: 'ERROR', code: 'INSUFFICIENT_FUNDS' });
    completed = await ended(requestId, a.key);
    rejected = await ended(requestId, b.key);
  });
  after(async () => {
    await operator?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  it("lists a completed BUY's events in the order they happened, with times, producers and amounts, for its user", () => {
    const [a] = users;
    expect(completed).to.include({ request_id: requestId, user_id: a?.id, side: 'BUY', symbol: 'AAPL', quantity: '3', limit_price: '190', state: 'COMPLETED' });
    expect([completed.code, completed.reason]).to.deep.equal([null, null]);
    expect(completed.steps.map((s) => `${s.producer} ${s.event} ${s.routing_key}`)).to.deep.equal([
      'trade OrderAccepted trade.order.accepted',
      'payment FundsReserved payment.funds.reserved',
      'trade TradeRecorded trade.trade.recorded',
      'payment FundsCaptured payment.funds.captured',
      'trade SagaCompleted trade.saga.completed',
    ]);
    const elapsed = completed.steps.map((s) => s.elapsed_ms);
    expect(elapsed[0]).to.equal(0);
    expect(elapsed).to.deep.equal([...elapsed].sort((x, y) => x - y));
    expect(completed.steps.map((s) => Date.parse(s.at) - Date.parse(completed.started_at))).to.deep.equal(elapsed);
    expect([completed.started_at, completed.ended_at]).to.deep.equal([completed.steps[0]?.at, completed.steps.at(-1)?.at]);
    expect(completed.duration_ms).to.be.a('number').within(0, 30_000);
    const [, reserved, recorded, captured, done] = completed.steps;
    expect(reserved?.amounts).to.deep.equal({ amount: completed.steps[0]?.amounts.reserve });
    expect(recorded?.amounts).to.include({ price: '190', notional: '570', fee: '0.57' });
    expect(captured?.amounts).to.include({ amount: '570.57', notional: '570', fee: '0.57' });
    expect(done).to.include({ outcome: 'COMPLETED', trade_id: recorded?.trade_id });
  });

  it('finds the same saga by its order id, in any case, as by the request id that placed it', async () => {
    const [a] = users;
    for (const id of [completed.order_id, completed.order_id.toUpperCase()]) {
      expect(await sagaOf(id, a?.key ?? '')).to.deep.equal({ status: 200, body: completed });
    }
  });

  it('shows a BUY rejected for insufficient funds: the rejection, its reason, and the outcome', () => {
    expect(rejected).to.include({ request_id: requestId, user_id: users[1]?.id, state: 'REJECTED', code: 'INSUFFICIENT_FUNDS' });
    expect(rejected.order_id).to.not.equal(completed.order_id);
    expect(rejected.steps.map((s) => [s.event, s.outcome ?? s.code ?? null])).to.deep.equal([
      ['OrderAccepted', null],
      ['FundsRejected', 'INSUFFICIENT_FUNDS'],
      ['SagaFailed', 'REJECTED'],
    ]);
    expect(rejected.steps[1]?.reason).to.be.a('string').and.not.empty;
    expect(rejected.reason).to.equal(rejected.steps[2]?.reason);
  });

  it("answers another user's saga 404 SAGA_NOT_FOUND, exactly as an order id nobody used", async () => {
    const [a, b] = users as [{ id: string; key: string }, { id: string; key: string }];
    const unknown = await sagaOf(randomUUID(), a.key);
    expect(unknown).to.deep.equal({ status: 404, body: { code: 'SAGA_NOT_FOUND', message: 'no saga you may see has this order id or request id' } });
    expect(await sagaOf(completed.order_id, b.key)).to.deep.equal(unknown);
    expect(await sagaOf(rejected.order_id, a.key)).to.deep.equal(unknown);
    expect(await sagaOf('a-request-id-nobody-sent', a.key)).to.deep.equal(unknown);
  });

  it("shows the operator any user's saga, audited, and a request id two users' sagas share as 409 with both order ids", async () => {
    expect(await sagaOf(completed.order_id, ADMIN_KEY)).to.deep.equal({ status: 200, body: completed });
    expect(await sagaOf(rejected.order_id, ADMIN_KEY)).to.deep.equal({ status: 200, body: rejected });
    const shared = await sagaOf(requestId, ADMIN_KEY);
    expect([shared.status, shared.body.code, [...(shared.body.order_ids ?? [])].sort()]).to.deep.equal([
      409,
      'AMBIGUOUS_REQUEST_ID',
      [completed.order_id, rejected.order_id].sort(),
    ]);
    const db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query("SELECT subject FROM reporting.audit WHERE actor = 'admin' AND action = $1", [`GET /api/sagas/${completed.order_id}`]);
      expect(rows).to.have.length(1);
    } finally {
      await db.end();
    }
  });

  it('refuses a malformed id with 400 INVALID_REQUEST (field id), whoever asks', async () => {
    for (const segment of ['x'.repeat(129), '%00', 'ab%0Acd', '%E0%A4%A']) {
      for (const key of [ADMIN_KEY, users[0]?.key ?? '']) {
        const { status, body } = await getJson<Refusal & { field: string }>(url(`/api/sagas/${segment}`), key);
        expect([segment, status, body.code, body.field]).to.deep.equal([segment, 400, 'INVALID_REQUEST', 'id']);
      }
    }
  });
});
