import { randomUUID } from 'node:crypto';
import { type Reply, requestRoutes } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, serviceAmqpUrl, startStack, testEnv, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import fc from 'fast-check';
import { RawClient, replyDefect, summarize, waitForInvariants } from '../src/index.ts';
import { ALL_SERVICES, SCENARIO_ENV } from './support/scenario.ts';

const RUNS = 2000;

/** Requests shaped like real ones, with every field drawn from valid, edge and garbage values. */
function requestArbitrary(user: string) {
  const garbage = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
  );
  const amount = fc.oneof(
    fc.constantFrom('1', '0.5', '10.25', '-1', '0', '1e3', 'NaN', 'Infinity', '0.0000000001', '99999999999999999999', ' 1', '1.'),
    fc.nat({ max: 10_000 }).map(String),
    garbage,
  );
  return fc.record(
    {
      type: fc.oneof(fc.constantFrom(...Object.keys(requestRoutes)), fc.string({ maxLength: 12 })),
      user_id: fc.oneof(fc.constant(user), fc.uuid(), garbage),
      amount,
      price: amount,
      symbol: fc.oneof(fc.constantFrom('BTC', 'ETH', 'XRP', 'AAPL', 'NOPE'), garbage),
      limit: fc.oneof(fc.integer({ min: -5, max: 200 }), garbage),
      extra: garbage,
    },
    { requiredKeys: [] },
  );
}

const HOSTILE_IDS = ['a\u0000b', '\ud800', 'x\udfffy', 'tab\tid', '\u0085', '\u007f', '😀'.repeat(129), '', 2 ** 53, -(2 ** 53), 1e308, 1.5];
const EXTREME_TIMES = ['-271821-04-20T00:00:00Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '1969-12-31T23:59:59Z', '10000-01-01T00:00:00Z'];
const cursorAt = (at: string) => Buffer.from(JSON.stringify([at, randomUUID()])).toString('base64url');

/** What a hostile client puts where a request expects an id, a time, a cursor or a user id: each known case, then random ones. */
function hostileRequests(user: string): { cases: Record<string, unknown>[]; random: fc.Arbitrary<Record<string, unknown>> } {
  const types = ['USER_INFO', 'TRADES', 'REPORT', 'PORTFOLIO', 'DEPOSIT', 'BUY'];
  const base = (type: string) => ({
    type,
    user_id: user,
    ...(type === 'DEPOSIT' ? { amount: '0.01' } : type === 'BUY' ? { symbol: 'BTC', amount: '0.001' } : {}),
  });
  const cases = [
    ...types.flatMap((type) => HOSTILE_IDS.map((id) => ({ ...base(type), id }))),
    ...EXTREME_TIMES.flatMap((at) => [
      { id: `from-${at}`, type: 'REPORT', from: at },
      { id: `to-${at}`, type: 'REPORT', to: at },
      { ...base('TRADES'), id: `cursor-${at}`, cursor: cursorAt(at) },
    ]),
    ...[user.toUpperCase(), `${user.slice(0, 9)}${user.slice(9).toUpperCase()}`].map((userId, i) => ({ ...base('DEPOSIT'), id: `case-${i}`, user_id: userId })),
  ];
  const random = fc.record(
    {
      id: fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.double(), fc.bigInt().map(Number)),
      type: fc.constantFrom(...types),
      user_id: fc.constantFrom(user, user.toUpperCase()),
      from: fc.constantFrom(...EXTREME_TIMES),
      cursor: fc.constantFrom(...EXTREME_TIMES).map(cursorAt),
      amount: fc.constant('0.01'),
    },
    { requiredKeys: ['type', 'user_id'] },
  );
  return { cases, random };
}

describe('fuzzed requests through the gateway', function () {
  this.timeout(120_000);
  let stack: Stack;
  let client: TradingClient;
  let user: string;
  let userKey: string;

  before(async () => {
    stack = await startStack(ALL_SERVICES, SCENARIO_ENV);
    client = await TradingClient.connect(stack.gatewayUrl);
    const added = await client.request({ type: 'ADD_USER' });
    user = String(added.user_id);
    userKey = String(added.api_key);
    await client.request({ type: 'DEPOSIT', user_id: user, amount: '100' });
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
  });

  it(`answers each of ${RUNS} generated requests and frames with one well-formed reply, and stays up`, async () => {
    let n = 0;
    const frame = fc.oneof(
      { weight: 8, arbitrary: requestArbitrary(user).map((body) => ({ body })) },
      { weight: 1, arbitrary: fc.string({ maxLength: 64 }).map((text) => ({ text })) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 2 }).map((text) => ({ text })) },
    );
    await fc.assert(
      fc.asyncProperty(frame, async (input) => {
        let reply: Reply;
        if ('body' in input) {
          const id = `fuzz-${++n}`;
          reply = await client.request({ ...input.body, id });
          expect(reply.id).to.equal(id);
        } else {
          reply = await client.sendRaw(input.text);
        }
        expect(replyDefect(reply), JSON.stringify({ input, reply })).to.equal(undefined);
      }),
      { numRuns: RUNS, seed: 20_261_124, endOnFailure: true },
    );
    const health = await fetch(`${stack.gatewayUrl.replace('ws:', 'http:')}/health`);
    expect(health.status).to.equal(200);
    expect(await client.request({ type: 'USER_INFO', user_id: user })).to.include({ status: 'OK' });
    const report = await waitForInvariants(testEnv().databaseUrl, { users: [user], settleMs: 30_000 });
    expect(report.ok, summarize(report)).to.equal(true);
  });

  it('answers SUBSCRIBE, UNSUBSCRIBE and LOGIN with strange channels, symbols, user ids and tickets at once, following no other account', async () => {
    const garbage = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer(), fc.constant(null), fc.object({ maxDepth: 1 }));
    const streamRequest = fc.record(
      {
        type: fc.constantFrom('SUBSCRIBE', 'UNSUBSCRIBE'),
        channel: fc.oneof(fc.constantFrom('ticker', 'trades', 'account', 'ACCOUNT', 'orders'), garbage),
        symbol: fc.oneof(fc.constantFrom('BTC', 'NOPE', 'btc'), garbage),
        user_id: fc.oneof(fc.constant(user), fc.uuid(), garbage),
      },
      { requiredKeys: ['type'] },
    );
    const ticket = fc.oneof(
      garbage,
      fc.string({ maxLength: 300 }).map((text) => `st1.${text}`),
      // The shape of a real ticket (st1.<base64url payload>.<43-character MAC>), forged.
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)).map(([p, m]) => `st1.${p}.${m}`),
    );
    const owner = await TradingClient.connect(stack.gatewayUrl, { apiKey: userKey });
    const anonymous = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
    try {
      await fc.assert(
        fc.asyncProperty(streamRequest, async (body) => {
          // Well under the gateway's REPLY_TIMEOUT_MS: answered at once, never left to time out.
          const reply = await owner.request(body, 3000);
          expect(replyDefect(reply), JSON.stringify({ body, reply })).to.equal(undefined);
          if (reply.status === 'OK' && body.channel === 'account') expect(reply.user_id, 'only its own account').to.equal(user);
        }),
        { numRuns: 300, seed: 20_261_202, endOnFailure: true },
      );
      await fc.assert(
        fc.asyncProperty(ticket, async (stream_ticket) => {
          const reply = await anonymous.request({ type: 'LOGIN', stream_ticket }, 3000);
          expect(replyDefect(reply), JSON.stringify({ stream_ticket, reply })).to.equal(undefined);
          expect(reply.status, 'a forged ticket authenticates nobody').to.equal('ERROR');
        }),
        { numRuns: 200, seed: 20_261_202, endOnFailure: true },
      );
      // The flood of LOGINs has spent the anonymous socket's rate budget: once it is back, the socket still acts for nobody.
      let after = await anonymous.request({ type: 'USER_INFO', user_id: user }, 3000);
      if (after.code === 'RATE_LIMITED') {
        await new Promise((resolve) => setTimeout(resolve, Number(after.retry_after_ms) + 50));
        after = await anonymous.request({ type: 'USER_INFO', user_id: user }, 3000);
      }
      expect(after).to.include({ status: 'ERROR', code: 'UNAUTHENTICATED' });
    } finally {
      await Promise.all([owner.close(), anonymous.close()]);
    }
  });

  it('answers hostile ids, numbers, times, cursors and mixed-case user ids at once, and dead-letters none of them', async () => {
    const startedAt = Date.now();
    const watcher = await RawClient.connect(testEnv().amqpUrl, serviceAmqpUrl(testEnv(), 'gateway'), createLogger('dead-letters', 'silent'));
    await watcher.watchDeadLetters();
    const { cases, random } = hostileRequests(user);
    // Well under the gateway's REPLY_TIMEOUT_MS: a crafted request is answered, never left to time out.
    const answeredAtOnce = async (body: Record<string, unknown>) => {
      const reply = await client.sendRaw(JSON.stringify(body), 3000).catch(() => undefined);
      expect(reply, `no reply within 3 s to ${JSON.stringify(body)}`).to.not.equal(undefined);
      expect(replyDefect(reply!), JSON.stringify({ body, reply })).to.equal(undefined);
    };
    try {
      for (const body of cases) await answeredAtOnce(body);
      await fc.assert(fc.asyncProperty(random, answeredAtOnce), { numRuns: 200, seed: 20_261_202, endOnFailure: true });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const ours = watcher.deadLetters.filter((d) => !(Date.parse(String(d.headers['x-failed-at'])) < startedAt));
      expect(
        ours.map((d) => String(d.headers['x-error'])),
        'dead letters',
      ).to.deep.equal([]);
    } finally {
      await watcher.close();
    }
  });
});
