import { Decimal, type PriceTicked, type Reply } from '@trading/contracts';
import { closeTestMarket, publishPrices, type Stack, setPrices, startStack, testEnv, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import fc from 'fast-check';
import pg from 'pg';
import { summarize, waitForInvariants } from '../src/index.ts';

/*
 * Property: whatever users do, nothing is created or destroyed. Each run adds three users to one stack (gateway,
 * payment, trade; prices set by the test; a fee of 25 bps, so fees are booked too), buys each of them about 1000 worth
 * of each symbol, then plays a random sequence of deposits, withdrawals, BUYs and SELLs (market orders, limits near
 * the price, limits beyond the 10 % band) and price moves. A burst sends a few orders at once with a price move in
 * flight, so a BUY reserved at one price may execute at another, or no longer be marketable. At the quiet moment
 * after the sequence: every invariant of the checker holds but Reporting's (no Reporting runs), among them all cash,
 * the house's included, equal to deposits minus withdrawals and every symbol's holdings summing to zero; every reply
 * is one a correct stack may give; every executed price is a tick the test published, in the replies and in
 * trade.trade (by symbol and seq).
 *
 * It can fail: the checker's own tests (invariants.int.spec.ts) break each conservation sum by its smallest unit
 * (0.00000001 of cash, 0.00001 of BTC) and see it flagged, and a trade at a seq the test never published, or at
 * another price than that tick's, is not found in `published`.
 */

const SYMBOLS = { BTC: { price: '60000', tick: 2 }, ETH: { price: '3000', tick: 2 }, XRP: { price: '0.5', tick: 4 } } as const;
type SymbolName = keyof typeof SYMBOLS;
const USERS = 3;

type Order = { side: 'BUY' | 'SELL'; user: number; symbol: SymbolName; notional: number; limitBps: number | null };
type Command =
  | { kind: 'deposit' | 'withdraw'; user: number; amount: string }
  | ({ kind: 'order' } & Order)
  | { kind: 'price'; symbol: SymbolName; moveBps: number }
  | { kind: 'burst'; orders: Order[]; symbol: SymbolName; moveBps: number };

const symbol = fc.constantFrom(...(Object.keys(SYMBOLS) as SymbolName[]));
const user = fc.nat({ max: USERS - 1 });
const money = fc.integer({ min: 1, max: 300_000 }).map((cents) => new Decimal(cents).div(100).toFixed());
/** A limit this many bps from the price (BUY: above it is marketable, SELL: below it), mostly near it, some beyond the 10 % band; or a market order. */
const limitBps = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.integer({ min: -300, max: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1500, 1500) },
);
const order = fc.record({ side: fc.constantFrom('BUY' as const, 'SELL' as const), user, symbol, notional: fc.integer({ min: 1, max: 1500 }), limitBps });
const move = fc.integer({ min: -400, max: 400 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deposit' as const), user, amount: money }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), user, amount: money }) },
  { weight: 4, arbitrary: order.map((o) => ({ kind: 'order' as const, ...o })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('price' as const), symbol, moveBps: move }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('burst' as const), orders: fc.array(order, { minLength: 2, maxLength: 4 }), symbol, moveBps: move }) },
);

/** What a correct stack may answer each request with: anything else (INTERNAL, a timeout, an off-grid refusal) fails. */
const LEGITIMATE: Record<string, readonly string[]> = {
  DEPOSIT: ['OK'],
  WITHDRAW: ['OK', 'INSUFFICIENT_FUNDS'],
  BUY: ['OK', 'INSUFFICIENT_FUNDS', 'PRICE_NOT_MARKETABLE', 'PRICE_OUT_OF_BAND'],
  SELL: ['OK', 'INSUFFICIENT_HOLDINGS', 'PRICE_NOT_MARKETABLE', 'PRICE_OUT_OF_BAND'],
};

describe('conservation under random deposits, withdrawals, orders and price moves (property)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let client: TradingClient;
  let db: pg.Client;
  const prices = new Map<SymbolName, string>();
  /** Every tick published, by `${symbol}/${seq}`: the only prices a trade may have. */
  const published = new Map<string, string>();

  const publish = (ticks: PriceTicked[]) => {
    for (const tick of ticks) {
      published.set(`${tick.symbol}/${tick.seq}`, tick.price);
      prices.set(tick.symbol as SymbolName, tick.price);
    }
  };
  const moved = (name: SymbolName, bps: number) =>
    new Decimal(prices.get(name)!)
      .mul(10_000 + bps)
      .div(10_000)
      .toDecimalPlaces(SYMBOLS[name].tick)
      .toFixed();

  before(async () => {
    // A long price age: a sequence may go on for seconds without a price change.
    stack = await startStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true', TRADE_FEE_BPS: '25', PRICE_MAX_AGE_MS: '3600000' });
    client = await TradingClient.connect(stack.gatewayUrl);
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    publish(await setPrices(client, Object.fromEntries(Object.entries(SYMBOLS).map(([name, s]) => [name, s.price]))));
  });
  after(async () => {
    await client?.close();
    await db?.end();
    await stack?.stop();
    await closeTestMarket();
  });

  /** The order's request: its amount a notional's worth at the current price, on the 0.0001 lot grid (at least one lot). */
  const orderRequest = (o: Order, users: string[]) => {
    const price = prices.get(o.symbol)!;
    const amount = Decimal.max(new Decimal(o.notional).div(price).toDecimalPlaces(4, Decimal.ROUND_DOWN), '0.0001').toFixed();
    const limit = o.limitBps === null ? {} : { price: moved(o.symbol, o.side === 'BUY' ? o.limitBps : -o.limitBps) };
    return { type: o.side, user_id: users[o.user], symbol: o.symbol, amount, ...limit };
  };

  const sent: { request: Record<string, unknown>; reply: Reply }[] = [];
  const send = async (request: Record<string, unknown> & { type: string }) => {
    const reply = await client.request(request);
    sent.push({ request, reply });
    return reply;
  };

  async function play(command: Command, users: string[]): Promise<void> {
    switch (command.kind) {
      case 'deposit':
      case 'withdraw':
        await send({ type: command.kind === 'deposit' ? 'DEPOSIT' : 'WITHDRAW', user_id: users[command.user], amount: command.amount });
        return;
      case 'order':
        await send(orderRequest(command, users));
        return;
      case 'price':
        publish(await setPrices(client, { [command.symbol]: moved(command.symbol, command.moveBps) }));
        return;
      case 'burst': {
        // The orders go out at once; the new price is published (not awaited) in their midst.
        const requests = command.orders.map((o) => orderRequest(o, users));
        const next = moved(command.symbol, command.moveBps);
        await Promise.all([...requests.map(send), publishPrices({ [command.symbol]: next }).then(publish)]);
        publish(await setPrices(client, { [command.symbol]: prices.get(command.symbol)! }));
        return;
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  }

  it('keeps all cash equal to deposits minus withdrawals and every symbol’s holdings at zero, trading only at published ticks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 12 }), async (commands) => {
        sent.length = 0;
        const users: string[] = [];
        for (let i = 0; i < USERS; i += 1) {
          const added = await client.request({ type: 'ADD_USER' });
          users.push(String(added.user_id));
          await send({ type: 'DEPOSIT', user_id: users[i], amount: '5000' });
        }
        // Every user starts with about 1000 worth of each symbol, so that sales have something to sell.
        const opening = users.flatMap((_, i) =>
          (Object.keys(SYMBOLS) as SymbolName[]).map((name) => ({ side: 'BUY' as const, user: i, symbol: name, notional: 1000, limitBps: null })),
        );
        await Promise.all(opening.map((o) => send(orderRequest(o, users))));
        for (const c of commands) await play(c, users);

        const odd = sent.filter(({ request, reply }) => !LEGITIMATE[String(request.type)]!.includes(reply.code ?? reply.status));
        expect(odd, 'replies no correct stack gives').to.deep.equal([]);
        for (const { request, reply } of sent.filter((s) => s.reply.status === 'OK' && s.reply.trade_id !== undefined)) {
          expect(
            [...published].some(([key, price]) => key.startsWith(`${String(request.symbol)}/`) && price === reply.price),
            `${reply.price} published`,
          ).to.equal(true);
        }

        const report = await waitForInvariants(testEnv().databaseUrl, { users, settleMs: 15_000, skip: ['events-stored-once'] });
        expect(report.ok, summarize(report)).to.equal(true);
        const { rows } = await db.query<{ symbol: string; seq: string; price: string }>(
          `SELECT symbol, tick_seq::text AS seq, price::text AS price FROM trade.trade WHERE user_id = ANY($1::uuid[])`,
          [users],
        );
        for (const trade of rows) {
          expect(new Decimal(trade.price).eq(published.get(`${trade.symbol}/${trade.seq}`) ?? NaN), `trade at ${JSON.stringify(trade)}`).to.equal(true);
        }
      }),
      { numRuns: 25, seed: 20_261_202, endOnFailure: true },
    );
  });
});
