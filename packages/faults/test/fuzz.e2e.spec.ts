import { type Reply, requestRoutes } from '@trading/contracts';
import { type Stack, startStack, testEnv, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import fc from 'fast-check';
import { replyDefect, summarize, waitForInvariants } from '../src/index.ts';
import { ALL_SERVICES, SCENARIO_ENV } from './support/scenario.ts';

const RUNS = 2000;

/** Requests shaped like real ones, with every field drawn from valid, edge and garbage values. */
function requestArbitrary(user: string) {
  const garbage = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
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

describe('fuzzed requests through the gateway', function () {
  this.timeout(120_000);
  let stack: Stack;
  let client: TradingClient;
  let user: string;

  before(async () => {
    stack = await startStack(ALL_SERVICES, SCENARIO_ENV);
    client = await TradingClient.connect(stack.gatewayUrl);
    user = String((await client.request({ type: 'ADD_USER' })).user_id);
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
});
