import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connectBus } from '@trading/bus';
import { exchanges, gatewayReplyKey, HOUSE_USER_ID, type Reply, requestRoutes } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { closeTestMarket, LOG_DIR, type Stack, serviceAmqpUrl, setPrices, startStack, testEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { type Account, expectRefused, inboxRowsOf, newAccount, ownedBy, query } from './support/accounts.ts';

/** Every request a client could make about one user, naming that user. */
const requestsFor = (userId: string): Record<string, unknown>[] => [
  { type: 'DEPOSIT', user_id: userId, amount: '5' },
  { type: 'WITHDRAW', user_id: userId, amount: '5' },
  { type: 'USER_INFO', user_id: userId },
  { type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001' },
  { type: 'SELL', user_id: userId, symbol: 'BTC', amount: '0.001' },
  { type: 'PORTFOLIO', user_id: userId },
  { type: 'TRADES', user_id: userId },
  { type: 'ORDER_STATUS', user_id: userId, request_id: 'any' },
  { type: 'REPORT', user_id: userId },
  { type: 'ROTATE_API_KEY', user_id: userId },
  { type: 'REMOVE_USER', user_id: userId },
];

/**
 * The whole stack tried as a hostile client would: without a key, with another user's key, with a revoked or a
 * rotated-away key, by squatting another user's request ids, by re-sending in upper case, from a foreign page, by
 * publishing to the broker directly, and by flooding. Every attempt is refused and changes nothing.
 */
describe('security: a client acts only for its own account', function () {
  this.timeout(120_000);
  let stack: Stack;
  let operator: TradingClient;
  let victim: Account;
  let attacker: Account;
  const issuedKeys: string[] = [];

  before(async function () {
    this.timeout(90_000);
    stack = await startStack(['gateway', 'payment', 'trade', 'reporting'], {
      MARKETS_ALWAYS_OPEN: 'true',
      AUTH_TIMEOUT_MS: '2000',
      ADD_USER_PER_ADDRESS_PER_HOUR: '1000',
      RATE_LIMIT_PER_CONNECTION: '20',
      RATE_LIMIT_PER_CONNECTION_BURST: '20',
    });
    operator = await TradingClient.connect(stack.gatewayUrl);
    victim = await newAccount(stack.gatewayUrl, '100');
    await setPrices(operator, { BTC: '60000' });
    expect(await victim.client.request({ type: 'BUY', symbol: 'BTC', amount: '0.001' })).to.include({ status: 'OK' });
    attacker = await newAccount(stack.gatewayUrl, '10');
    issuedKeys.push(victim.apiKey, attacker.apiKey);
  });
  after(async () => {
    for (const client of [operator, victim?.client, attacker?.client]) await client?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  /** Sends every request about the victim on `client`, checks each is refused, and that nothing of the victim changed. */
  async function refusedWithoutEffect(client: TradingClient, codes: readonly string[]): Promise<void> {
    const before = await ownedBy(operator, victim.userId);
    const inbox = await inboxRowsOf(victim.userId);
    for (const request of requestsFor(victim.userId)) expectRefused(await client.request(request), codes);
    expect(await ownedBy(operator, victim.userId)).to.deep.equal(before);
    expect(await inboxRowsOf(victim.userId), 'inbox rows of the victim').to.equal(inbox);
  }

  describe('a socket without a key', () => {
    it('is refused UNAUTHENTICATED for every request about a user, and the account is unchanged', async () => {
      const anonymous = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      await refusedWithoutEffect(anonymous, ['UNAUTHENTICATED']);
      expectRefused(await anonymous.request({ type: 'LOGIN', api_key: 'tk_not-a-key' }), ['UNAUTHENTICATED']);
      await anonymous.close();
    });

    it('is closed when it neither logs in nor creates a user within AUTH_TIMEOUT_MS', async () => {
      const idle = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      expect(await idle.closed(10_000)).to.equal(1008);
    });
  });

  describe("another user's key", () => {
    it("is refused FORBIDDEN for every request naming the victim, on the upgrade's key and after LOGIN", async () => {
      const byHeader = await TradingClient.connect(stack.gatewayUrl, { apiKey: attacker.apiKey });
      await refusedWithoutEffect(byHeader, ['FORBIDDEN']);
      await byHeader.close();
      const byLogin = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      expect(await byLogin.request({ type: 'LOGIN', api_key: attacker.apiKey })).to.include({ status: 'OK', user_id: attacker.userId });
      await refusedWithoutEffect(byLogin, ['FORBIDDEN']);
      await byLogin.close();
    });

    it("cannot squat the victim's request id: the victim's own request with that id is applied", async () => {
      const id = `squat-${randomUUID()}`;
      expectRefused(await attacker.client.request({ id, type: 'DEPOSIT', user_id: victim.userId, amount: '1' }), ['FORBIDDEN']);
      const own = await victim.client.request({ id, type: 'DEPOSIT', amount: '1' });
      expect(own).to.include({ status: 'OK', amount: '1' });
    });
  });

  describe('a revoked key', () => {
    it('is refused at the upgrade (401) and by LOGIN once its user is removed', async () => {
      const removed = await newAccount(stack.gatewayUrl);
      issuedKeys.push(removed.apiKey);
      expect(await removed.client.request({ type: 'REMOVE_USER' })).to.include({ status: 'OK' });
      expect(await removed.client.closed(5000), 'the removed user’s own socket').to.equal(1008);
      await expectUpgradeRefused(stack.gatewayUrl, removed.apiKey, 401);
      const anonymous = await TradingClient.connect(stack.gatewayUrl, { apiKey: null });
      expectRefused(await anonymous.request({ type: 'LOGIN', api_key: removed.apiKey }), ['UNAUTHENTICATED']);
      await anonymous.close();
    });
  });

  describe('a rotated-away key', () => {
    it('stops working at once: its other sockets are closed within 5 s and it is refused at the upgrade', async () => {
      const user = await newAccount(stack.gatewayUrl, '3');
      const elsewhere = await TradingClient.connect(stack.gatewayUrl, { apiKey: user.apiKey });
      const rotated = await user.client.request({ type: 'ROTATE_API_KEY' });
      expect(rotated).to.include({ status: 'OK', user_id: user.userId });
      const newKey = String(rotated.api_key);
      issuedKeys.push(user.apiKey, newKey);
      expect(newKey).to.not.equal(user.apiKey);
      expect(await elsewhere.closed(5000)).to.equal(1008);
      expect(await user.client.request({ type: 'USER_INFO' }), 'the rotating socket goes on with the new key').to.include({ status: 'OK', amount: '3' });
      await expectUpgradeRefused(stack.gatewayUrl, user.apiKey, 401);
      const withNew = await TradingClient.connect(stack.gatewayUrl, { apiKey: newKey });
      expect(await withNew.request({ type: 'USER_INFO' })).to.include({ status: 'OK', user_id: user.userId });
      await withNew.close();
      await user.client.close();
    });
  });

  describe('the same request re-sent with its user_id in upper case', () => {
    it('is applied once: a DEPOSIT and a BUY', async () => {
      const user = await newAccount(stack.gatewayUrl, '100');
      issuedKeys.push(user.apiKey);
      const deposit = { id: `dep-${randomUUID()}`, type: 'DEPOSIT', amount: '10' };
      const first = await user.client.request({ ...deposit, user_id: user.userId });
      const again = await user.client.request({ ...deposit, user_id: user.userId.toUpperCase() });
      expect(again).to.deep.equal(first);
      await setPrices(operator, { ETH: '3000' });
      const buy = { id: `buy-${randomUUID()}`, type: 'BUY', symbol: 'ETH', amount: '0.001' };
      const bought = await user.client.request({ ...buy, user_id: user.userId });
      expect(bought).to.include({ status: 'OK' });
      expect(await user.client.request({ ...buy, user_id: user.userId.toUpperCase() })).to.deep.equal(bought);
      const owned = await ownedBy(operator, user.userId);
      expect(owned.trades as unknown[]).to.have.length(1);
      await user.client.close();
    });
  });

  describe('a page from another origin', () => {
    it('cannot open a socket (403), while a client without Origin can', async () => {
      await expectUpgradeRefused(stack.gatewayUrl, undefined, 403, 'https://evil.example');
      const dashboardPage = await TradingClient.connect(stack.gatewayUrl, { apiKey: null, origin: stack.reportingUrl });
      await dashboardPage.close();
    });
  });

  describe('a message published to the broker without a gateway stamp', () => {
    it('is answered FORBIDDEN by Payment and Trade and changes nothing', async () => {
      const before = await ownedBy(operator, victim.userId);
      const bus = await connectBus({ url: serviceAmqpUrl(testEnv(), 'trade'), logger: createLogger('forger', 'silent'), service: 'trade', prefetch: 10 });
      const replyTo = gatewayReplyKey(`forger-${randomUUID()}`);
      const replies: Reply[] = [];
      // The broker's admin publishes what no service user may (a request on `api`), and reads the replies.
      const admin = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('forger', 'silent'), service: 'admin', prefetch: 10 });
      const replyBindings = [exchanges.apiResponse, exchanges.paymentResponse].map((exchange) => ({ exchange, routingKey: replyTo }));
      await admin.consumePrivate(replyBindings, async (d) => void replies.push(d.body as Reply));
      const forged = [
        { type: 'WITHDRAW', user_id: victim.userId, amount: '50' },
        { type: 'SELL', user_id: victim.userId, symbol: 'BTC', amount: '0.001' },
      ] as const;
      const messages = forged.map((body, i) => {
        const route = requestRoutes[body.type];
        const headers = { 'x-principal': 'admin', 'x-request-id': `forged-${i}` };
        return {
          exchange: route.exchange,
          routingKey: route.routingKey,
          messageId: randomUUID(),
          type: body.type,
          body: { ...body, id: `forged-${i}` },
          correlationId: randomUUID(),
          replyTo,
          headers,
        };
      });
      // The Trade service's user may publish to `payment` only its saga commands' routing keys: the broker refuses the rest.
      const refused = await bus.publish(messages[0]!).then(
        () => 'published',
        (err: Error) => err.message,
      );
      expect(refused).to.not.equal('published');
      // The broker's admin may publish anything, but it is not a gateway: the services do not believe its stamp.
      for (const message of messages) await admin.publish(message);
      await waitFor(() => (replies.length === forged.length ? true : undefined), 10_000);
      expect(replies.map((r) => r.code)).to.deep.equal(['FORBIDDEN', 'FORBIDDEN']);
      expect(await ownedBy(operator, victim.userId)).to.deep.equal(before);
      await bus.close();
      await admin.close();
    });
  });

  describe('a flood from one client', () => {
    it('is answered RATE_LIMITED with retry_after_ms while a second client stays served', async () => {
      const flooder = await newAccount(stack.gatewayUrl);
      issuedKeys.push(flooder.apiKey);
      const flood = Array.from({ length: 60 }, () => flooder.client.request({ type: 'USER_INFO' }));
      const served = await victim.client.request({ type: 'USER_INFO' });
      const replies = await Promise.all(flood);
      expect(served).to.include({ status: 'OK' });
      const limited = replies.filter((r) => r.code === 'RATE_LIMITED');
      expect(limited.length).to.be.greaterThan(0);
      expect(limited[0]?.retry_after_ms).to.be.a('number').greaterThan(0);
      await flooder.client.close();
    });
  });

  describe("the operator's requests (HALT, RESUME) with a user's key", () => {
    it('are refused FORBIDDEN and halt nothing', async () => {
      for (const request of [
        { type: 'HALT', symbol: 'BTC' },
        { type: 'HALT', market: 'Crypto' },
        { type: 'RESUME', symbol: 'BTC' },
      ]) {
        expectRefused(await attacker.client.request(request), ['FORBIDDEN']);
      }
      expect(await query(`SELECT scope, name FROM trade.halt`)).to.deep.equal([]);
    });
  });

  describe("the house's account (the counterparty of every trade)", () => {
    it('is read by the operator, but neither funded, traded, rotated nor removed, not even by the operator', async () => {
      expect(await operator.request({ type: 'USER_INFO', user_id: HOUSE_USER_ID })).to.include({ status: 'OK', user_id: HOUSE_USER_ID });
      const readable = ['USER_INFO', 'PORTFOLIO', 'TRADES', 'REPORT'];
      for (const request of requestsFor(HOUSE_USER_ID).filter((r) => !readable.includes(String(r.type)))) {
        expectRefused(await operator.request(request), ['FORBIDDEN']);
      }
      for (const request of requestsFor(HOUSE_USER_ID)) expectRefused(await attacker.client.request(request), ['FORBIDDEN']);
    });
  });

  describe("the operator's key", () => {
    it('acts for any user, and every such request is written to the audit trail', async () => {
      const id = `audit-${randomUUID()}`;
      expect(await operator.request({ id, type: 'DEPOSIT', user_id: attacker.userId, amount: '2' })).to.include({ status: 'OK' });
      const rows = await query<{ actor: string; action: string; subject: string }>(
        `SELECT actor, action, subject::text FROM payment.audit WHERE request_id = $1`,
        [id],
      );
      expect(rows).to.deep.equal([{ actor: 'admin', action: 'DEPOSIT', subject: attacker.userId }]);
    });
  });

  describe('the clear api keys', () => {
    it('appear in no table and no log line of the run', async () => {
      expect(issuedKeys.length).to.be.greaterThan(4);
      const tables = ['payment.inbox', 'payment.outbox', 'payment.credential', 'payment.audit', 'trade.inbox', 'trade.outbox', 'reporting.event'];
      for (const table of tables) {
        const [row] = await query<{ n: string }>(`SELECT count(*) AS n FROM ${table} t WHERE t::text LIKE ANY ($1)`, [issuedKeys.map((k) => `%${k}%`)]);
        expect(Number(row?.n), table).to.equal(0);
      }
      const logs = readdirSync(LOG_DIR).filter((name) => name.startsWith(testEnv().runId));
      expect(logs.length).to.be.greaterThan(0);
      for (const name of logs) {
        const text = readFileSync(`${LOG_DIR}/${name}`, 'utf8');
        for (const key of issuedKeys) expect(text.includes(key), `${name} holds a key`).to.equal(false);
      }
    });
  });
});

async function expectUpgradeRefused(url: string, apiKey: string | undefined, status: number, origin?: string): Promise<void> {
  const refused = await TradingClient.connect(url, { apiKey: apiKey ?? null, ...(origin ? { origin } : {}) }).then(
    async (client) => {
      await client.close();
      return undefined;
    },
    (err: { status?: number }) => err.status,
  );
  expect(refused, 'the upgrade was refused with this status').to.equal(status);
}
