import type { Bus } from '@trading/bus';
import { apiKeyHash, errorReply, eventRoutingKeys, exchanges, gatewayReplyKey } from '@trading/contracts';
import type { HealthProbes, Logger } from '@trading/platform';
import uWS from 'uWebSockets.js';
import { createAddressLimits } from './addressLimits.ts';
import { answerLostReplies } from './answerLostReplies.ts';
import { createAuthenticator } from './authenticator.ts';
import { createStreamTickets } from './streamTickets.ts';
import type { edgeSettings } from './edgeConfig.ts';
import { type Clock, orAfter } from './clock.ts';
import type { Connection, SocketData } from './connection.ts';
import type { FrameContext } from './handleFrame.ts';
import { healthRoute } from './healthRoute.ts';
import { listen } from './listen.ts';
import { answerPending, createPendingReplies } from './pendingReplies.ts';
import { recheckKeys } from './recheckKeys.ts';
import { routeReply } from './routeReply.ts';
import { MAX_BUFFERED_BYTES, socketBehavior } from './socketBehavior.ts';
import { createRateLimiter } from '@trading/platform';
import type { PrivateQueue } from '@trading/bus';
import { createAccountFeed } from './streams/accountFeed.ts';
import { createFeedHub } from './streams/feedHub.ts';
import { type FeedBudget, sweepFeeds } from './streams/feedBudget.ts';
import { recoverFeeds } from './streams/recoverFeeds.ts';
import { routeFeed } from './streams/routeFeed.ts';

/** How often the feeds' budget is checked on every subscribed socket. */
const FEED_SWEEP_MS = 50;
/**
 * How long an account's change that came ahead of its predecessor waits for it (accountFeed.ts): far longer than two
 * commits' publishes can cross, far shorter than a client would notice.
 */
const ACCOUNT_HOLD_MS = 250;
/** An account's latest changes kept for a subscription whose snapshot comes after them. */
const ACCOUNT_KEEP = 256;

/** Runs `task` every `ms` on the clock until cancelled. */
function every(clock: Clock, ms: number, task: () => void): { cancel(): void } {
  let timer = clock.schedule(function tick() {
    task();
    timer = clock.schedule(tick, ms);
  }, ms);
  return { cancel: () => timer.cancel() };
}

export type GatewayDeps = {
  logger: Logger;
  bus: Pick<Bus, 'publish' | 'connected' | 'blocked' | 'consumePrivate' | 'followPrivate' | 'onReconnect' | 'onDisconnect'>;
  /** Names this instance's queues (gateway.<instanceId>, and its feeds' gateway.<instanceId>-feeds) and its reply key. */
  instanceId: string;
  clock: Clock;
  newId: () => string;
  /** The broker and the database as GET /health reports them, here and on the operator port. */
  probes: HealthProbes;
  /** Milliseconds since a fixed instant, for the rate limits. */
  now: () => number;
  /** Milliseconds since the epoch, for the stream tickets' expiry and lease (Date.now by default). */
  epochNow?: () => number;
  /** Makes the uWS app: `uWS.App()`, or `uWS.SSLApp(…)` to serve wss:// (tls.ts). */
  createApp: () => uWS.TemplatedApp;
  settings: GatewaySettings;
};

export type GatewaySettings = {
  host: string;
  port: number;
  replyTimeoutMs: number;
  maxFrameBytes: number;
  maxInFlightPerSocket: number;
  /** The operator's key (ADMIN_API_KEY), or undefined for none. */
  adminApiKey: string | undefined;
  authCacheTtlMs: number;
  /** Live feeds (streams/): subscriptions per socket, and the feeds' budget of unread bytes per socket. */
  feeds: { maxPerSocket: number } & FeedBudget;
} & Omit<ReturnType<typeof edgeSettings>, 'tls'>;

export type Gateway = {
  /** The bound port (useful when `settings.port` is 0). */
  port: number;
  /** Shutdown, step 1: no new connections. */
  stopListening(): void;
  /** Step 2: refuse new requests SHUTTING_DOWN, wait up to `graceMs` for replies, answer the rest SHUTTING_DOWN. */
  drain(graceMs: number): Promise<void>;
  /** Step 3: close every socket with 1001 (going away). */
  closeSockets(): void;
};

const UNANSWERED_AT_SHUTDOWN = 'the gateway stopped before the reply arrived; the outcome is not known: reconnect and re-send the same id';

/** Starts consuming replies and revocations on its queue gateway.<instanceId>, then serves WebSocket requests and GET /health. */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { bus, logger, settings, clock } = deps;
  let accepting = true;
  const connections = new Set<Connection>();
  const pending = createPendingReplies(clock, settings.replyTimeoutMs, (request) => {
    request.log.debug('no reply in time');
    answerPending(request, errorReply(request.requestId, request.type, 'REPLY_TIMEOUT'));
  });
  const replyTo = gatewayReplyKey(deps.instanceId);
  const authenticator = createAuthenticator({
    bus,
    clock,
    newId: deps.newId,
    replyTo,
    adminKeyHash: settings.adminApiKey === undefined ? undefined : apiKeyHash(settings.adminApiKey),
    timeoutMs: settings.replyTimeoutMs,
    cacheTtlMs: settings.authCacheTtlMs,
  });
  const replyBindings = [
    ...[exchanges.apiResponse, exchanges.paymentResponse].map((exchange) => ({ exchange, routingKey: replyTo })),
    // Revoked keys, on `domain-events`; and on `payment-response`, where schema version 1 announced them (versions.ts).
    ...[exchanges.domainEvents, exchanges.paymentResponse].map((exchange) => ({ exchange, routingKey: eventRoutingKeys.CredentialRevoked })),
  ];
  await bus.consumePrivate(replyBindings, routeReply({ pending, authenticator, connections, logger }), { name: replyTo });
  bus.onReconnect(() => void recheckKeys(authenticator, connections, logger));
  // The queue dies with the connection (exclusive): what was on its way to it is lost, and its requests are told so.
  bus.onDisconnect(() => answerLostReplies(pending, logger));
  // The live feeds: one private queue, bound per feed while a socket here wants it; uWS fans each message out.
  let app: uWS.TemplatedApp | undefined;
  let feedQueue: PrivateQueue | undefined;
  const feeds = createFeedHub({
    queue: { bind: (b) => feedQueue?.bind(b) ?? Promise.resolve(), unbind: (b) => feedQueue?.unbind(b) ?? Promise.resolve() },
    publish: (topic, text) => void app?.publish(topic, text),
    maxPerSocket: settings.feeds.maxPerSocket,
    accounts: createAccountFeed({ clock, holdMs: ACCOUNT_HOLD_MS, keep: ACCOUNT_KEEP }),
    logger,
  });
  feedQueue = await bus.followPrivate(routeFeed(feeds), { name: `${replyTo}-feeds` });
  const sweeper = every(clock, FEED_SWEEP_MS, () => sweepFeeds(feeds, settings.feeds, deps.now()));
  bus.onReconnect(() => recoverFeeds(frames));

  const { maxConnectionsPerAddress, addUserPerAddress } = settings;
  const addressLimits = createAddressLimits({ maxConnectionsPerAddress, addUserPerHour: addUserPerAddress.ratePerHour, now: deps.now });
  const tickets = createStreamTickets({ adminApiKey: settings.adminApiKey, clock, epochNow: deps.epochNow ?? Date.now });
  const frames: FrameContext = {
    bus,
    pending,
    authenticator,
    tickets,
    replyTo,
    newId: deps.newId,
    logger,
    queryTtlMs: settings.replyTimeoutMs,
    feeds,
    accepting: () => accepting,
    maxFrameBytes: settings.maxFrameBytes,
    maxInFlightPerSocket: settings.maxInFlightPerSocket,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    limits: {
      perConnection: createRateLimiter({ ...settings.perConnection, now: deps.now }),
      perPrincipal: createRateLimiter({ ...settings.perPrincipal, now: deps.now }),
      address: addressLimits,
    },
  };
  const upgrade = {
    authenticator,
    allowedOrigins: settings.allowedOrigins,
    addressLimits,
    logger,
  };
  app = deps
    .createApp()
    .ws<SocketData>('/*', socketBehavior({ frames, upgrade, connections, clock, authTimeoutMs: settings.authTimeoutMs, logger }))
    .get('/health', healthRoute(deps.probes))
    .any('/*', (res) => void res.writeStatus('404 Not Found').end());
  const listening = await listen(app, settings.host, settings.port);

  return {
    port: listening.port,
    stopListening: () => {
      sweeper.cancel();
      uWS.us_listen_socket_close(listening.socket);
    },
    async drain(graceMs) {
      accepting = false;
      await orAfter(clock, graceMs, pending.empty(), undefined);
      for (const request of pending.takeAll()) {
        answerPending(request, errorReply(request.requestId, request.type, 'SHUTTING_DOWN', UNANSWERED_AT_SHUTDOWN));
      }
    },
    closeSockets() {
      for (const connection of [...connections]) connection.end(1001, 'shutting down');
    },
  };
}
