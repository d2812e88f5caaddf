import { randomUUID } from 'node:crypto';
import { Decimal, type ErrorCode, type Reply } from '@trading/contracts';
import { type Stack, startStack, testEnv, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { summarize, waitForInvariants } from '../src/index.ts';
import { ALL_SERVICES, SCENARIO_ENV, waitFor } from './support/scenario.ts';

const BAD_AMOUNTS = ['-1', '0', '1e3', 'NaN', 'Infinity', '0.0000000001', '99999999999999999999'];
const SQL = "'; DROP TABLE payment.ledger; --";
const SCRIPT = '<script>alert(1)</script>';

/**
 * Bad input through the whole stack: each is answered with a clear ERROR code and has no effect anywhere
 * (the user's ledger, sagas, account and holdings are unchanged). The gateway's unit tests cover the codes
 * frame by frame; this suite proves nothing reaches the services' state.
 */
describe('bad input through the gateway', function () {
  this.timeout(60_000);
  let stack: Stack;
  let client: TradingClient;
  let db: pg.Client;
  let user: string;

  const effects = async (userId = user) =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM payment.ledger WHERE user_id = $1)::int AS ledger,
                (SELECT count(*) FROM trade.saga WHERE user_id = $1)::int AS sagas,
                (SELECT available || '/' || reserved FROM payment.account WHERE user_id = $1) AS account,
                (SELECT string_agg(symbol || ':' || quantity || '/' || reserved, ',') FROM trade.holding WHERE user_id = $1) AS holdings`,
        [userId],
      )
    ).rows[0];

  async function expectRefused(code: ErrorCode, send: () => Promise<Reply>, userId = user): Promise<Reply> {
    const before = await effects(userId);
    const reply = await send();
    expect(reply, JSON.stringify(reply)).to.include({ status: 'ERROR', code });
    expect(reply.message).to.be.a('string').and.not.equal('');
    expect(await effects(userId), `effects of ${JSON.stringify(reply)}`).to.deep.equal(before);
    return reply;
  }

  before(async () => {
    stack = await startStack(ALL_SERVICES, SCENARIO_ENV);
    client = await TradingClient.connect(stack.gatewayUrl);
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    user = String((await client.request({ type: 'ADD_USER' })).user_id);
    expect(await client.request({ type: 'DEPOSIT', user_id: user, amount: '1000' })).to.include({ status: 'OK' });
    await waitFor('a market price for BTC', async () => (await client.request({ type: 'QUOTE', symbol: 'BTC' })).status === 'OK', 20_000);
    expect(await client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '0.001' })).to.include({ status: 'OK' });
  });
  after(async () => {
    await client?.close();
    await db?.end();
    await stack?.stop();
  });

  describe('frames that are not JSON requests', () => {
    it('answers malformed JSON INVALID_JSON', () => expectRefused('INVALID_JSON', () => client.sendRaw(`{"type":"DEPOSIT","user_id":"${user}",`)));
    it('answers a binary frame BINARY_FRAME, even one holding a valid request', () =>
      expectRefused('BINARY_FRAME', () => client.sendRaw(Buffer.from(JSON.stringify({ id: 'b1', type: 'DEPOSIT', user_id: user, amount: '1' })))));
    it('ends the connection of an oversize frame (1006, no reply) without buffering it, and changes nothing', async () => {
      const flooder = await TradingClient.connect(stack.gatewayUrl);
      flooder.socket.send(JSON.stringify({ type: 'DEPOSIT', user_id: user, amount: '1', pad: 'x'.repeat(20_000) }));
      expect(await flooder.closed(5000)).to.equal(1006);
      expect(flooder.replies).to.deep.equal([]);
      expect(await client.request({ type: 'USER_INFO', user_id: user })).to.include({ status: 'OK' });
    });
  });

  describe('requests of unknown type or with missing or mistyped fields', () => {
    it('answers an unknown or missing type UNKNOWN_TYPE', async () => {
      await expectRefused('UNKNOWN_TYPE', () => client.request({ type: 'TRANSFER', user_id: user, amount: '1' }));
      await expectRefused('UNKNOWN_TYPE', () => client.request({ user_id: user, amount: '1' }));
    });
    it('answers missing fields INVALID_REQUEST', async () => {
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'DEPOSIT', amount: '1' }));
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'WITHDRAW', user_id: user }));
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'BUY', user_id: user, amount: '1' }));
    });
    it('answers mistyped fields INVALID_REQUEST or INVALID_AMOUNT', async () => {
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'DEPOSIT', user_id: 42, amount: '1' }));
      await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'DEPOSIT', user_id: user, amount: { value: 1 } }));
      await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'WITHDRAW', user_id: user, amount: true }));
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'SELL', user_id: user, symbol: 7, amount: '1' }));
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'DEPOSIT', user_id: user, amount: '1', admin: true }));
      const reply = await expectRefused('INVALID_REQUEST', () =>
        client.sendRaw(JSON.stringify({ id: { nested: 1 }, type: 'DEPOSIT', user_id: user, amount: '1' })),
      );
      expect(reply.id).to.be.a('string');
    });
  });

  describe('amounts that break a money rule', () => {
    for (const amount of BAD_AMOUNTS) {
      it(`answers "${amount}" INVALID_AMOUNT in DEPOSIT, WITHDRAW, BUY (amount and price) and SELL`, async () => {
        await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'DEPOSIT', user_id: user, amount }));
        await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'WITHDRAW', user_id: user, amount }));
        await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount }));
        await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '1', price: amount }));
        await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'SELL', user_id: user, symbol: 'BTC', amount, price: '100' }));
      });
    }
  });

  describe('orders off the grid, far from the market, too large or not marketable', () => {
    /** BTC's market price (the market service's walk) moved by `factor`, on its 0.01 tick. */
    const btcTimes = async (factor: number) => {
      const quote = await client.request({ type: 'QUOTE', symbol: 'BTC' });
      return new Decimal(String(quote.price)).mul(factor).toDecimalPlaces(2).toFixed();
    };
    it('answers a price off the tick or an amount off the lot INVALID_AMOUNT, naming the rule', async () => {
      const tick = await expectRefused('INVALID_AMOUNT', async () =>
        client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '0.001', price: new Decimal(await btcTimes(1)).add('0.005').toFixed() }),
      );
      expect(tick).to.include({ field: 'price', rule: 'PRICE_TICK' });
      const lot = await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '0.000001' }));
      expect(lot).to.include({ field: 'amount', rule: 'LOT_SIZE' });
    });
    it('answers a limit far from the market PRICE_OUT_OF_BAND and an order above the maximum ORDER_TOO_LARGE', async () => {
      await expectRefused('PRICE_OUT_OF_BAND', async () =>
        client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '0.001', price: await btcTimes(0.5) }),
      );
      await expectRefused('ORDER_TOO_LARGE', () => client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '100' }));
    });
    it('answers a BUY limit well below the market and a SELL limit well above it PRICE_NOT_MARKETABLE', async () => {
      await expectRefused('PRICE_NOT_MARKETABLE', async () =>
        client.request({ type: 'BUY', user_id: user, symbol: 'BTC', amount: '0.001', price: await btcTimes(0.95) }),
      );
      await expectRefused('PRICE_NOT_MARKETABLE', async () =>
        client.request({ type: 'SELL', user_id: user, symbol: 'BTC', amount: '0.001', price: await btcTimes(1.05) }),
      );
    });
  });

  describe('a user id that does not exist', () => {
    it('is answered USER_NOT_FOUND by Payment, and an order for it changes nothing', async () => {
      const ghost = randomUUID();
      await expectRefused('USER_NOT_FOUND', () => client.request({ type: 'DEPOSIT', user_id: ghost, amount: '1' }), ghost);
      await expectRefused('USER_NOT_FOUND', () => client.request({ type: 'WITHDRAW', user_id: ghost, amount: '1' }), ghost);
      await expectRefused('USER_NOT_FOUND', () => client.request({ type: 'USER_INFO', user_id: ghost }), ghost);
      await expectRefused('INSUFFICIENT_HOLDINGS', () => client.request({ type: 'SELL', user_id: ghost, symbol: 'BTC', amount: '1' }), ghost);
      const buy = await client.request({ type: 'BUY', user_id: ghost, symbol: 'BTC', amount: '0.001' });
      expect(buy).to.include({ status: 'ERROR', code: 'USER_NOT_FOUND' });
      expect(await effects(ghost)).to.include({ ledger: 0, account: null, holdings: null });
    });
  });

  describe('SQL and script text in string fields', () => {
    it('is refused where the field has a shape (user id, symbol) and never reaches a query', async () => {
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'SELL', user_id: user, symbol: SQL, amount: '1', price: '1' }));
      await expectRefused('INVALID_REQUEST', () => client.request({ type: 'DEPOSIT', user_id: SCRIPT, amount: '1' }));
      await expectRefused('INVALID_AMOUNT', () => client.request({ type: 'DEPOSIT', user_id: user, amount: SQL }));
    });
    it('is kept as plain data where any text is allowed (the request id), and echoed back verbatim', async () => {
      for (const id of [SQL, SCRIPT]) {
        const reply = await client.request({ id, type: 'USER_INFO', user_id: user });
        expect(reply).to.include({ id, status: 'OK' });
      }
      const { rows } = await db.query(`SELECT to_regclass('payment.ledger') IS NOT NULL AS present`);
      expect(rows[0]).to.deep.equal({ present: true });
    });
  });

  describe('a flood of requests from one socket', () => {
    it("answers every one of a user's flood (OK or RATE_LIMITED, never a crash), and only the accepted ones take effect", async () => {
      const flood = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      const user = String((await flood.request({ type: 'ADD_USER' })).user_id);
      const count = 1500;
      const before = await client.request({ type: 'USER_INFO', user_id: user });
      for (let i = 0; i < count; i += 1) flood.socket.send(JSON.stringify({ id: `flood-${i}`, type: 'DEPOSIT', amount: '0.01' }));
      await waitFor('a reply to every flood request', () => flood.replies.length >= count + 1, 50_000);
      const codes = flood.replies.slice(1).map((r) => r.code ?? r.status);
      const accepted = codes.filter((c) => c === 'OK').length;
      expect([...new Set(codes)].sort()).to.deep.equal(['OK', 'RATE_LIMITED']);
      expect(new Set(flood.replies.slice(1).map((r) => r.id)).size).to.equal(count);
      const after = await client.request({ type: 'USER_INFO', user_id: user });
      expect(new Decimal(String(after.amount)).minus(String(before.amount)).toFixed()).to.equal(new Decimal('0.01').mul(accepted).toFixed());
      await flood.close();
    });
  });

  describe('after all of the above', () => {
    it('every invariant of the user holds', async function () {
      this.timeout(40_000);
      const report = await waitForInvariants(testEnv().databaseUrl, { users: [user], settleMs: 30_000 });
      expect(report.ok, summarize(report)).to.equal(true);
    });
  });
});
