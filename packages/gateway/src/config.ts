import { baseConfigShape, operatorConfigShape } from '@trading/platform';
import { z } from 'zod';
import { edgeConfigShape } from './edgeConfig.ts';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The gateway's settings, read once by main.ts through loadConfig; the edge controls' are in edgeConfig.ts. */
export const gatewayConfigShape = {
  ...baseConfigShape,
  ...edgeConfigShape,
  ...operatorConfigShape('gateway'),
  GATEWAY_PORT: count(0, 65_535).default(3000),
  /** Loopback by default; docker-compose.yml sets 0.0.0.0 so the container's published port is reachable. */
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  REPLY_TIMEOUT_MS: count(100, 300_000).default(10_000),
  MAX_FRAME_BYTES: count(256, 512 * 1024).default(16_384),
  MAX_IN_FLIGHT_PER_SOCKET: count(1, 10_000).default(256),
  /** The operator's key: acts for any user, exempt from the rate limits. Unset: no operator can connect. */
  ADMIN_API_KEY: z.string().min(32, { message: 'must be at least 32 characters' }).max(256).optional(),
  /** Live feeds (README, Streams): subscriptions one socket may hold at once. */
  MAX_SUBSCRIPTIONS_PER_SOCKET: count(1, 1000).default(50),
  /** Unread bytes of a socket above which its feeds stop (paused tickers, ended trades feeds); below the requests' 1 MiB. */
  FEED_MAX_BUFFERED_BYTES: count(4096, 512 * 1024).default(256 * 1024),
  /** How long a socket's paused ticker waits for it to read before it is ended with a notice. */
  FEED_STALL_MS: count(100, 600_000).default(10_000),
  /** How long a checked key is remembered (a revocation forgets it at once). */
  AUTH_CACHE_TTL_MS: count(0, 3_600_000).default(60_000),
};
