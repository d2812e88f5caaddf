import { apiKeyHash, mintStreamTicket, STREAM_LEASE_MAX_MS, streamTicketKey } from '@trading/contracts';
import { expect } from 'chai';
import { createAddressLimits } from '../src/addressLimits.ts';
import { createAuthenticator } from '../src/authenticator.ts';
import type { Identity } from '../src/connection.ts';
import type { Binding, PrivateQueue } from '@trading/bus';
import { type FrameContext, handleFrame } from '../src/handleFrame.ts';
import { createAccountFeed } from '../src/streams/accountFeed.ts';
import { createFeedHub } from '../src/streams/feedHub.ts';
import { createStreamTickets, LEASE_ENDED_CLOSE_CODE } from '../src/streamTickets.ts';
import { createPendingReplies } from '../src/pendingReplies.ts';
import { routeReply } from '../src/routeReply.ts';
import { createRateLimiter } from '@trading/platform';
import { fakeBus, fakeClock, fakeConnection, flush, operator, paymentAnswer, silentLogger } from './fakes.ts';

const USER = '6f1c7d0e-3b7a-4c1e-9a7e-1f2d3c4b5a69';
const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)).buffer as ArrayBuffer;

const OTHER = '0b6f0e5e-1f2a-4c3b-8d4e-5f6a7b8c9d0e';
const ADMIN_KEY = 'operator-key-for-unit-tests-0123456789';

function setup(identity: Identity = operator) {
  const time = fakeClock();
  const broker = fakeBus();
  const socket = fakeConnection('session-1', identity);
  let ids = 0;
  let accepting = true;
  let now = 0;
  const pending = createPendingReplies(time.clock, 1000, () => undefined);
  const newId = () => `uuid-${++ids}`;
  const authenticator = createAuthenticator({
    bus: broker.bus,
    clock: time.clock,
    newId,
    replyTo: 'gateway.instance-1',
    adminKeyHash: apiKeyHash(ADMIN_KEY),
    timeoutMs: 1000,
    cacheTtlMs: 1000,
  });
  const bound: Binding[] = [];
  const boundFeeds: PrivateQueue = {
    bind: async (b) => void bound.push(b),
    unbind: async (b) =>
      void bound.splice(
        bound.findIndex((x) => x.routingKey === b.routingKey),
        1,
      ),
  };
  let epoch = 1_700_000_000_000;
  const ctx: FrameContext = {
    bus: broker.bus,
    pending,
    authenticator,
    tickets: createStreamTickets({ adminApiKey: ADMIN_KEY, clock: time.clock, epochNow: () => epoch }),
    replyTo: 'gateway.instance-1',
    newId,
    logger: silentLogger,
    accepting: () => accepting,
    maxFrameBytes: 1024,
    maxInFlightPerSocket: 2,
    maxBufferedBytes: 4096,
    feeds: createFeedHub({
      queue: boundFeeds,
      publish: () => undefined,
      maxPerSocket: 2,
      accounts: createAccountFeed({ clock: time.clock, holdMs: 100, keep: 10 }),
      logger: silentLogger,
    }),
    limits: {
      perConnection: createRateLimiter({ ratePerSecond: 1, burst: 10, now: () => now }),
      perPrincipal: createRateLimiter({ ratePerSecond: 1, burst: 3, now: () => now }),
      address: createAddressLimits({ maxConnectionsPerAddress: 10, addUserPerHour: 2, now: () => now }),
    },
  };
  const send = (frame: unknown, isBinary = false) => handleFrame(ctx, socket.connection, text(frame), isBinary);
  const route = routeReply({ pending, authenticator, connections: [socket.connection], logger: silentLogger });
  const advanceMs = (ms: number) => void (now += ms);
  /** Moves the wall clock and the timers together (the stream tickets read both). */
  const elapse = (ms: number) => {
    epoch += ms;
    time.advance(ms);
  };
  const ticket = (key = ADMIN_KEY, leaseMs = STREAM_LEASE_MAX_MS) => mintStreamTicket(streamTicketKey(key), epoch, epoch + leaseMs).ticket;
  return { ctx, broker, socket, pending, send, route, advanceMs, elapse, ticket, bound, stopAccepting: () => (accepting = false) };
}

const asUser = (userId: string): Identity => ({ principal: { kind: 'user', userId }, keyHash: 'a'.repeat(64) });
const anonymousSocket: Identity = { principal: { kind: 'anonymous', sessionId: 'session-1' }, keyHash: undefined };

describe('a client frame', () => {
  describe('that cannot be read', () => {
    it('replies INVALID_JSON with a generated id and publishes nothing', () => {
      const { send, socket, broker } = setup();
      send('{"id": 1,');
      expect(socket.sent).to.deep.equal([{ id: 'uuid-1', status: 'ERROR', code: 'INVALID_JSON', message: 'the frame is not valid JSON' }]);
      expect(broker.published).to.have.length(0);
    });

    it('replies BINARY_FRAME to a binary frame', () => {
      const { send, socket } = setup();
      send({ id: 'a', type: 'ADD_USER' }, true);
      expect(socket.sent[0]?.code).to.equal('BINARY_FRAME');
    });
  });

  describe('that breaks a request rule', () => {
    it('replies with the code, field and rule, echoing the id and type', () => {
      const { send, socket, broker } = setup();
      send({ id: 'd1', type: 'DEPOSIT', user_id: USER, amount: '1.123456789' });
      expect(socket.sent[0]).to.include({ id: 'd1', type: 'DEPOSIT', status: 'ERROR', code: 'INVALID_AMOUNT', field: 'amount', rule: 'TOO_MANY_DECIMALS' });
      expect(broker.published).to.have.length(0);
    });

    it('replies UNKNOWN_TYPE to an unknown type', () => {
      const { send, socket } = setup();
      send({ id: 'u1', type: 'FLY' });
      expect(socket.sent[0]).to.include({ id: 'u1', code: 'UNKNOWN_TYPE', field: 'type' });
      expect(socket.sent[0]).to.not.have.property('type');
    });
  });

  describe('that is a valid request', () => {
    it('publishes it to its exchange and routing key with the reply address and the principal stamped', () => {
      const { send, broker, pending, socket } = setup();
      send({ id: 7, type: 'BUY', user_id: USER, symbol: 'aapl', amount: '2', price: 10 });
      expect(broker.published).to.deep.equal([
        {
          exchange: 'api',
          routingKey: 'trade.buy',
          messageId: 'uuid-3',
          type: 'BUY',
          body: { id: 7, type: 'BUY', user_id: USER, symbol: 'AAPL', amount: '2', price: '10' },
          correlationId: 'uuid-2',
          replyTo: 'gateway.instance-1',
          headers: { 'x-principal': 'admin', 'x-request-id': '7' },
        },
      ]);
      expect(pending.countFor(socket.connection)).to.equal(1);
      expect(socket.sent).to.have.length(0);
    });

    it('gives a request without id the generated id, in the body and the header', () => {
      const { send, broker } = setup();
      send({ type: 'ADD_USER' });
      expect(broker.published[0]?.body).to.deep.equal({ id: 'uuid-1', type: 'ADD_USER' });
      expect(broker.published[0]?.headers).to.include({ 'x-request-id': 'uuid-1' });
    });

    it('replies BROKER_BUSY when the publish fails', async () => {
      const { send, broker, socket, pending } = setup();
      send({ id: 'a1', type: 'ADD_USER' });
      broker.settle[0]?.reject(new Error('channel closed'));
      await flush();
      expect(socket.sent).to.deep.equal([
        { id: 'a1', type: 'ADD_USER', status: 'ERROR', code: 'BROKER_BUSY', message: 'the message broker is not accepting messages right now; retry later' },
      ]);
      expect(pending.countFor(socket.connection)).to.equal(0);
    });

    it('sends nothing more when the publish fails after the request was already answered', async () => {
      const { send, broker, socket, pending } = setup();
      send({ id: 'a1', type: 'ADD_USER' });
      pending.take(broker.published[0]?.correlationId ?? '');
      broker.settle[0]?.reject(new Error('late failure'));
      await flush();
      expect(socket.sent).to.have.length(0);
    });
  });

  describe('that cannot be taken right now', () => {
    const request = { id: 'r1', type: 'ADD_USER' };

    it('replies BROKER_BUSY while the broker is disconnected', () => {
      const { send, broker, socket } = setup();
      broker.bus.connected = false;
      send(request);
      expect(socket.sent[0]).to.include({ id: 'r1', type: 'ADD_USER', code: 'BROKER_BUSY' });
      expect(broker.published).to.have.length(0);
    });

    it('replies BROKER_BUSY while the broker blocks publishers', () => {
      const { send, broker, socket } = setup();
      broker.bus.blocked = true;
      send(request);
      expect(socket.sent[0]?.code).to.equal('BROKER_BUSY');
    });

    it('replies RATE_LIMITED once the socket has MAX_IN_FLIGHT_PER_SOCKET requests waiting', () => {
      const { send, broker, socket } = setup();
      send({ id: 'r1', type: 'ADD_USER' });
      send({ id: 'r2', type: 'ADD_USER' });
      send({ id: 'r3', type: 'ADD_USER' });
      expect(broker.published).to.have.length(2);
      expect(socket.sent).to.have.length(1);
      expect(socket.sent[0]).to.include({ id: 'r3', code: 'RATE_LIMITED' });
    });

    it('replies RATE_LIMITED while the client leaves too many reply bytes unread', () => {
      const { send, broker, socket } = setup();
      socket.setBuffered(4097);
      send(request);
      expect(socket.sent[0]?.code).to.equal('RATE_LIMITED');
      socket.setBuffered(0);
      send({ id: 'r2', type: 'ADD_USER' });
      expect(broker.published).to.have.length(1);
    });

    it('replies SHUTTING_DOWN once shutdown began', () => {
      const { send, broker, socket, stopAccepting } = setup();
      stopAccepting();
      send(request);
      expect(socket.sent[0]).to.include({ id: 'r1', code: 'SHUTTING_DOWN' });
      expect(broker.published).to.have.length(0);
    });
  });
});

describe('authorisation of a request', () => {
  describe('on an anonymous socket', () => {
    it('refuses everything but ADD_USER and LOGIN with UNAUTHENTICATED and publishes nothing', () => {
      const { send, socket, broker } = setup(anonymousSocket);
      for (const type of ['USER_INFO', 'PORTFOLIO', 'TRADES', 'REMOVE_USER', 'ROTATE_API_KEY']) send({ id: type, type, user_id: OTHER });
      send({ id: 'd', type: 'DEPOSIT', user_id: OTHER, amount: '1' });
      expect(socket.sent.map((r) => r.code)).to.deep.equal(Array(6).fill('UNAUTHENTICATED'));
      expect(broker.published).to.have.length(0);
    });

    it('publishes ADD_USER with the session as principal and only the hash of a new key', () => {
      const { send, broker } = setup(anonymousSocket);
      send({ id: 'a1', type: 'ADD_USER' });
      const headers = broker.published[0]?.headers ?? {};
      expect(headers['x-principal']).to.equal('session:session-1');
      expect(String(headers['x-api-key-sha256'])).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(broker.published[0])).to.not.include('tk_');
    });

    it('shows the new key once Payment stored its hash, and acts as the new user from then on', async () => {
      const { send, broker, socket, route } = setup(anonymousSocket);
      send({ id: 'a1', type: 'ADD_USER' });
      const published = broker.published[0]!;
      const reply = {
        id: 'a1',
        type: 'ADD_USER',
        status: 'OK',
        message: 'user created',
        user_id: OTHER,
        api_key_sha256: published.headers?.['x-api-key-sha256'],
      };
      await route(paymentAnswer(reply, published.correlationId));
      const key = String(socket.sent[0]?.api_key);
      expect(apiKeyHash(key)).to.equal(published.headers?.['x-api-key-sha256']);
      expect(socket.sent[0]).to.not.have.property('api_key_sha256');
      expect(socket.connection.identity.principal).to.deep.equal({ kind: 'user', userId: OTHER });
    });

    it('shows no key when Payment answers with the hash of an earlier request with the same id', async () => {
      const { send, broker, socket, route } = setup(anonymousSocket);
      send({ id: 'a1', type: 'ADD_USER' });
      const published = broker.published[0]!;
      const reply = { id: 'a1', type: 'ADD_USER', status: 'OK', message: 'user created', user_id: OTHER, api_key_sha256: 'e'.repeat(64) };
      await route(paymentAnswer(reply, published.correlationId));
      expect(socket.sent[0]).to.not.have.property('api_key');
      expect(socket.sent[0]).to.not.have.property('api_key_sha256');
    });
  });

  describe("on a user's socket", () => {
    it('acts for the user when the request names no user_id', () => {
      const { send, broker } = setup(asUser(USER));
      send({ id: 'i', type: 'USER_INFO' });
      expect(broker.published[0]?.body).to.deep.equal({ id: 'i', type: 'USER_INFO', user_id: USER });
      expect(broker.published[0]?.headers).to.include({ 'x-principal': `user:${USER}` });
    });

    it("refuses another user's user_id with FORBIDDEN and publishes nothing", () => {
      const { send, broker, socket } = setup(asUser(USER));
      send({ id: 'w', type: 'WITHDRAW', user_id: OTHER, amount: '1' });
      expect(socket.sent[0]).to.include({ id: 'w', code: 'FORBIDDEN', field: 'user_id' });
      expect(broker.published).to.have.length(0);
    });

    it('takes its own user_id in upper case as its own, lower-cased before any key is built', () => {
      const { send, broker } = setup(asUser(USER));
      send({ id: 'd', type: 'DEPOSIT', user_id: USER.toUpperCase(), amount: '1' });
      expect(broker.published[0]?.body).to.include({ user_id: USER });
    });

    it('refuses a flood past the burst with RATE_LIMITED and the time until the next token', () => {
      const { send, socket, broker, pending, advanceMs } = setup(asUser(USER));
      const flood = () => {
        for (let i = 0; i < 5; i += 1) {
          send({ id: `p${i}`, type: 'PORTFOLIO' });
          pending.take(broker.published.at(-1)?.correlationId ?? '');
        }
      };
      flood();
      expect(broker.published).to.have.length(3);
      expect(socket.sent.map((r) => [r.code, r.retry_after_ms])).to.deep.equal([
        ['RATE_LIMITED', 1000],
        ['RATE_LIMITED', 1000],
      ]);
      advanceMs(1000);
      send({ id: 'later', type: 'PORTFOLIO' });
      expect(broker.published).to.have.length(4);
    });
  });

  describe("on the operator's socket", () => {
    it('needs user_id on a user-scoped request', () => {
      const { send, socket, broker } = setup();
      send({ id: 'i', type: 'USER_INFO' });
      expect(socket.sent[0]).to.include({ code: 'INVALID_REQUEST', field: 'user_id' });
      expect(broker.published).to.have.length(0);
    });

    it('is not rate limited', () => {
      const { send, socket, pending, broker } = setup();
      for (let i = 0; i < 10; i += 1) {
        send({ id: `u${i}`, type: 'USER_INFO', user_id: OTHER });
        pending.take(broker.published.at(-1)?.correlationId ?? '');
      }
      expect(socket.sent.filter((r) => r.code === 'RATE_LIMITED')).to.have.length(0);
      expect(broker.published).to.have.length(10);
    });
  });

  describe('LOGIN', () => {
    it('authenticates an anonymous socket with the operator key without asking Payment', async () => {
      const { send, socket, broker } = setup(anonymousSocket);
      send({ id: 'l', type: 'LOGIN', api_key: ADMIN_KEY });
      await flush();
      expect(socket.sent[0]).to.include({ id: 'l', status: 'OK', role: 'operator' });
      expect(socket.connection.identity.principal.kind).to.equal('admin');
      expect(broker.published).to.have.length(0);
    });

    it("asks Payment about a user's key by its hash, never the key", async () => {
      const { send, socket, broker, route } = setup(anonymousSocket);
      send({ id: 'l', type: 'LOGIN', api_key: 'tk_some-user-key' });
      await flush();
      const asked = broker.published[0]!;
      expect(asked.body).to.deep.equal({ type: 'Authenticate', key_sha256: apiKeyHash('tk_some-user-key') });
      broker.settle[0]?.resolve();
      await route(paymentAnswer({ type: 'Authenticated', user_id: null }, asked.correlationId, { type: 'Authenticated' }));
      await flush();
      expect(socket.sent[0]).to.include({ id: 'l', code: 'UNAUTHENTICATED' });
      expect(socket.connection.identity.principal.kind).to.equal('anonymous');
    });
  });

  describe('LOGIN with a stream ticket', () => {
    it('makes an anonymous socket a viewer until the lease, without asking Payment', () => {
      const { send, socket, broker, ticket } = setup(anonymousSocket);
      send({ id: 't', type: 'LOGIN', stream_ticket: ticket() });
      expect(socket.sent[0]).to.include({ id: 't', status: 'OK', role: 'viewer' });
      expect(socket.connection.identity).to.deep.equal({ principal: { kind: 'viewer' }, keyHash: undefined });
      expect(broker.published).to.have.length(0);
    });

    it('redeems a ticket once: the same ticket on another socket is refused UNAUTHENTICATED', () => {
      const first = setup(anonymousSocket);
      const stolen = first.ticket();
      first.send({ id: 't1', type: 'LOGIN', stream_ticket: stolen });
      const other = fakeConnection('session-2', { principal: { kind: 'anonymous', sessionId: 'session-2' }, keyHash: undefined });
      handleFrame(first.ctx, other.connection, text({ id: 't2', type: 'LOGIN', stream_ticket: stolen }), false);
      expect(other.sent[0]).to.include({ id: 't2', status: 'ERROR', code: 'UNAUTHENTICATED' });
      expect(other.connection.identity.principal.kind).to.equal('anonymous');
    });

    it('refuses a forged, altered or expired ticket, and one signed with another operator key', () => {
      const { send, socket, ticket, elapse } = setup(anonymousSocket);
      const genuine = ticket();
      const [prefix, payload, mac] = genuine.split('.');
      const altered = `${prefix}.${Buffer.from(JSON.stringify({ n: 'x', exp: 9e15, until: 9e15 })).toString('base64url')}.${mac}`;
      send({ id: 'a', type: 'LOGIN', stream_ticket: altered });
      send({ id: 'b', type: 'LOGIN', stream_ticket: `${prefix}.${payload}.${'A'.repeat(43)}` });
      send({ id: 'c', type: 'LOGIN', stream_ticket: ticket('another-operator-key-0123456789abcdef') });
      send({ id: 'd', type: 'LOGIN', stream_ticket: 'st1.%%%.garbage' });
      elapse(30_000);
      send({ id: 'e', type: 'LOGIN', stream_ticket: genuine });
      expect(socket.sent.map((r) => r.code)).to.deep.equal(Array(5).fill('UNAUTHENTICATED'));
      expect(socket.connection.identity.principal.kind).to.equal('anonymous');
    });

    it('lets a viewer QUOTE and SUBSCRIBE, and refuses it any other request FORBIDDEN', () => {
      const { send, socket, broker, ticket } = setup(anonymousSocket);
      send({ id: 't', type: 'LOGIN', stream_ticket: ticket() });
      for (const request of [
        { id: 'b', type: 'BUY', user_id: USER, symbol: 'BTC', amount: '1' },
        { id: 'd', type: 'DEPOSIT', user_id: USER, amount: '1' },
        { id: 'r', type: 'REPORT' },
        { id: 'h', type: 'USER_INFO', user_id: USER },
        { id: 'u', type: 'ADD_USER' },
      ])
        send(request);
      expect(socket.sent.slice(1).map((r) => [r.id, r.code])).to.deep.equal(['b', 'd', 'r', 'h', 'u'].map((id) => [id, 'FORBIDDEN']));
      send({ id: 'q', type: 'QUOTE', symbol: 'BTC' });
      send({ id: 's', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'ETH' });
      expect(broker.published.map((m) => [m.routingKey, m.headers?.['x-principal']])).to.deep.equal([
        ['trade.quote', 'viewer'],
        ['trade.quote', 'viewer'],
      ]);
    });

    it('ends the socket when its lease runs out, unless a newer ticket extended it', () => {
      const { send, socket, ticket, elapse } = setup(anonymousSocket);
      send({ id: 't1', type: 'LOGIN', stream_ticket: ticket(ADMIN_KEY, 60_000) });
      elapse(50_000);
      send({ id: 't2', type: 'LOGIN', stream_ticket: ticket(ADMIN_KEY, 60_000) });
      expect(socket.sent[1]).to.include({ id: 't2', status: 'OK', role: 'viewer' });
      elapse(50_000);
      expect(socket.ended).to.deep.equal([]);
      elapse(10_000);
      expect(socket.ended.map((e) => e.code)).to.deep.equal([LEASE_ENDED_CLOSE_CODE]);
    });

    it('is refused on a socket that authenticated with a key, and a LOGIN naming both or neither is invalid', () => {
      const { send, socket, ticket } = setup(operator);
      send({ id: 'a', type: 'LOGIN', stream_ticket: ticket() });
      send({ id: 'b', type: 'LOGIN', stream_ticket: ticket(), api_key: ADMIN_KEY });
      send({ id: 'c', type: 'LOGIN' });
      expect(socket.sent.map((r) => r.code)).to.deep.equal(['INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST']);
      expect(socket.connection.identity.principal.kind).to.equal('admin');
    });
  });

  describe('SUBSCRIBE', () => {
    const tradeAnswer = (body: unknown, correlationId: string | undefined) =>
      paymentAnswer(body, correlationId, { exchange: 'api-response', userId: 'trading-trade' });

    it('is refused UNAUTHENTICATED on an anonymous socket, and binds nothing', () => {
      const { send, socket, broker, bound } = setup(anonymousSocket);
      send({ id: 's', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'BTC' });
      expect(socket.sent[0]).to.include({ id: 's', type: 'SUBSCRIBE', code: 'UNAUTHENTICATED' });
      expect(broker.published).to.have.length(0);
      expect(bound).to.deep.equal([]);
    });

    it("asks Trade for the symbol's quote and answers with it as the snapshot, the feed bound once", async () => {
      const { send, socket, broker, bound, route } = setup(asUser(USER));
      send({ id: 's', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'btc' });
      const asked = broker.published[0]!;
      expect(asked).to.deep.include({ exchange: 'api', routingKey: 'trade.quote', body: { id: 's', type: 'QUOTE', symbol: 'BTC' } });
      expect(bound.map((b) => b.routingKey)).to.deep.equal(['market.tick.BTC']);
      broker.settle[0]?.resolve();
      const quote = { id: 's', type: 'QUOTE', status: 'OK', message: 'BTC 1', symbol: 'BTC', price: '1', seq: 5, at: '2026-01-01T00:00:00.000Z' };
      await route(tradeAnswer(quote, asked.correlationId));
      expect(socket.sent[0]).to.deep.include({ id: 's', type: 'SUBSCRIBE', status: 'OK', channel: 'ticker', symbol: 'BTC' });
      expect(socket.sent[0]?.snapshot).to.deep.equal({ symbol: 'BTC', price: '1', at: '2026-01-01T00:00:00.000Z', seq: 5 });
    });

    it("gives the subscription up with Trade's error for an unknown symbol, and unbinds its feed", async () => {
      const { send, socket, broker, bound, route } = setup(asUser(USER));
      send({ id: 's', type: 'SUBSCRIBE', channel: 'trades', symbol: 'NOPE' });
      broker.settle[0]?.resolve();
      await route(tradeAnswer({ id: 's', type: 'QUOTE', status: 'ERROR', code: 'SYMBOL_NOT_FOUND', message: 'unknown' }, broker.published[0]!.correlationId));
      expect(socket.sent[0]).to.include({ id: 's', type: 'SUBSCRIBE', status: 'ERROR', code: 'SYMBOL_NOT_FOUND' });
      expect(bound).to.deep.equal([]);
    });

    it('refuses TOO_MANY_SUBSCRIPTIONS past the cap (2 here), and INVALID_REQUEST for an unknown channel', async () => {
      const { send, socket, broker, route } = setup(asUser(USER));
      send({ id: 'BTC', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'BTC' });
      await route(tradeAnswer({ id: 'BTC', type: 'QUOTE', status: 'ERROR', code: 'PRICE_UNAVAILABLE', message: '-' }, broker.published[0]!.correlationId));
      send({ id: 'ETH', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'ETH' });
      send({ id: 'XRP', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'XRP' });
      send({ id: 'bad', type: 'SUBSCRIBE', channel: 'orders', symbol: 'BTC' });
      expect(socket.sent.map((r) => [r.id, r.status, r.code, r.snapshot])).to.deep.equal([
        ['BTC', 'OK', undefined, null],
        ['XRP', 'ERROR', 'TOO_MANY_SUBSCRIPTIONS', undefined],
        ['bad', 'ERROR', 'INVALID_REQUEST', undefined],
      ]);
    });
  });
});
