import { baseConfigShape } from '@trading/platform';
import { z } from 'zod';
import { addressLimitDefaults } from './addressLimits.ts';
import { perConnectionRate, perPrincipalRate } from './tokenBucket.ts';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The gateway's settings, read once by main.ts through loadConfig. */
export const gatewayConfigShape = {
  ...baseConfigShape,
  GATEWAY_PORT: count(0, 65_535).default(3000),
  /** Loopback by default; docker-compose.yml sets 0.0.0.0 so the container's published port is reachable. */
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  REPLY_TIMEOUT_MS: count(100, 300_000).default(10_000),
  MAX_FRAME_BYTES: count(256, 512 * 1024).default(16_384),
  MAX_IN_FLIGHT_PER_SOCKET: count(1, 10_000).default(256),
  /** The operator's key: acts for any user, exempt from the rate limits. Unset: no operator can connect. */
  ADMIN_API_KEY: z.string().min(32, { message: 'must be at least 32 characters' }).max(256).optional(),
  /** Browser origins allowed to open a socket, comma-separated; default: the dashboard's own (REPORTING_PORT). */
  ALLOWED_ORIGINS: z.string().optional(),
  REPORTING_PORT: count(0, 65_535).default(3002),
  /** An anonymous socket that neither sends LOGIN nor ADD_USER within this is closed. */
  AUTH_TIMEOUT_MS: count(100, 3_600_000).default(30_000),
  /** How long a checked key is remembered (a revocation forgets it at once). */
  AUTH_CACHE_TTL_MS: count(0, 3_600_000).default(60_000),
  RATE_LIMIT_PER_CONNECTION: count(1, 1_000_000).default(perConnectionRate.ratePerSecond),
  RATE_LIMIT_PER_CONNECTION_BURST: count(1, 1_000_000).default(perConnectionRate.burst),
  RATE_LIMIT_PER_PRINCIPAL: count(1, 1_000_000).default(perPrincipalRate.ratePerSecond),
  RATE_LIMIT_PER_PRINCIPAL_BURST: count(1, 1_000_000).default(perPrincipalRate.burst),
  MAX_CONNECTIONS_PER_ADDRESS: count(1, 1_000_000).default(addressLimitDefaults.maxConnectionsPerAddress),
  ADD_USER_PER_ADDRESS_PER_HOUR: count(1, 1_000_000).default(addressLimitDefaults.addUserPerHour),
  /** Both set: the gateway serves wss:// with this certificate and key (PEM files). */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
};
