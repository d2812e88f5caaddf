import { ConfigError } from '@trading/platform';
import { z } from 'zod';
import { addressLimitDefaults } from './addressLimits.ts';
import { defaultAllowedOrigins, parseOriginList } from './originPolicy.ts';
import { perConnectionRate, perPrincipalRate } from './edgeRates.ts';

/** A whole count >= 1 (a rate, a burst, a cap) with its default. */
const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/**
 * The gateway's edge settings, to spread into gatewayConfigShape; edgeSettings() turns them into the options of
 * originPolicy.ts, edgeRates.ts, addressLimits.ts and tls.ts. Defaults and their reasons are in those files.
 */
export const edgeConfigShape = {
  /** Browser origins that may open a socket, comma-separated; unset: the dashboard's, on REPORTING_PORT. */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      try {
        const origins = raw === undefined ? [] : parseOriginList(raw);
        return origins.length > 0 ? origins : undefined;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof ConfigError ? err.message.replace(/^ALLOWED_ORIGINS: /, '') : String(err) });
        return z.NEVER;
      }
    }),
  /** The dashboard's port (Reporting's setting, shared by `npm start` and the test stack), read only for that default. */
  REPORTING_PORT: z.coerce.number().int().min(0).max(65_535).default(3002),
  /** Requests per second per connection, and how many at once. */
  RATE_LIMIT_PER_CONNECTION: count(perConnectionRate.ratePerSecond),
  RATE_LIMIT_PER_CONNECTION_BURST: count(perConnectionRate.burst),
  /** Requests per second per user, over all of the user's connections, and how many at once. */
  RATE_LIMIT_PER_PRINCIPAL: count(perPrincipalRate.ratePerSecond),
  RATE_LIMIT_PER_PRINCIPAL_BURST: count(perPrincipalRate.burst),
  MAX_CONNECTIONS_PER_ADDRESS: count(addressLimitDefaults.maxConnectionsPerAddress),
  ADD_USER_PER_ADDRESS_PER_HOUR: count(addressLimitDefaults.addUserPerHour),
  /** A socket that has not authenticated after this long is closed. */
  AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** PEM files; both set serves wss://, neither ws:// (tls.ts checks them at start). */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
};

export type EdgeConfig = Readonly<z.output<z.ZodObject<typeof edgeConfigShape>>>;

/** The edge settings as the options each module takes. */
export function edgeSettings(config: EdgeConfig) {
  return {
    allowedOrigins: config.ALLOWED_ORIGINS ?? defaultAllowedOrigins(config.REPORTING_PORT),
    perConnection: { ratePerSecond: config.RATE_LIMIT_PER_CONNECTION, burst: config.RATE_LIMIT_PER_CONNECTION_BURST },
    perPrincipal: { ratePerSecond: config.RATE_LIMIT_PER_PRINCIPAL, burst: config.RATE_LIMIT_PER_PRINCIPAL_BURST },
    addUserPerAddress: { ratePerHour: config.ADD_USER_PER_ADDRESS_PER_HOUR, burst: config.ADD_USER_PER_ADDRESS_PER_HOUR },
    maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
    authTimeoutMs: config.AUTH_TIMEOUT_MS,
    tls: { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE },
  } as const;
}
