import { baseConfigShape, commaSeparated, ownDatabaseShape, operatorConfigShape } from '@trading/platform';
import { z } from 'zod';

export const reportingConfigShape = {
  ...baseConfigShape,
  ...ownDatabaseShape('reporting'),
  ...operatorConfigShape('reporting'),
  /** The reports API and the dashboard. Loopback by default: set 0.0.0.0 (in a container, say) to be reached from elsewhere. */
  REPORTING_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  REPORTING_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The operator's key: it sees every figure, opens the dashboard and is audited. Unset, no operator key exists and
   * only users' own keys are accepted. Only its SHA-256 is kept once loaded; never logged.
   */
  ADMIN_API_KEY: z
    .string()
    .min(32, { message: 'must be at least 32 characters' })
    .max(256, { message: 'must be at most 256 characters' })
    .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces (it travels in an Authorization header)' })
    .optional(),
  /**
   * Where the dashboard's page opens its price stream (the gateway's ticker feed): ws:// or wss:// URLs as the
   * browser reaches them, comma-separated; the page starts on the first and moves to the next when it goes away.
   */
  GATEWAY_PUBLIC_URL: commaSeparated(z.string().regex(/^wss?:\/\/[^\s/?#]+\/?$/, { message: 'must be ws:// or wss:// URLs such as ws://127.0.0.1:3000' }))
    .refine((urls) => urls.length >= 1 && urls.length <= 9, 'one to nine gateways')
    .default(['ws://127.0.0.1:3000']),
  /**
   * How long an idle Reporting waits for more events before it stores a transaction's worth. Nobody waits on it, and
   * at moderate rates several batches then share one transaction (docs/bench-log.md); the dashboard is that much later.
   */
  REPORTING_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(50),
  /**
   * Live streams (`/api/stream`) open at once; one more is answered 503 TOO_MANY_STREAMS. Each may hold up to 256 KiB
   * unsent before it is dropped (http/liveStream.ts), so this bounds the stream's memory too.
   */
  REPORTING_STREAM_MAX_CLIENTS: z.coerce.number().int().min(1).max(1000).default(20),
  /** Queries (REPORT, every /api/* read) run on a pool of their own, apart from event ingestion's: its connections. */
  REPORTING_QUERY_POOL_MAX: z.coerce.number().int().min(1).max(50).default(2),
  /** REPORT requests in hand at once (the prefetch of reporting.queries). */
  REPORTING_QUERY_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** PostgreSQL cancels a query statement running longer; the query is answered QUERY_TOO_LARGE. */
  REPORTING_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /**
   * Queries per second per principal (the operator's key included), and the burst allowed; beyond: RATE_LIMITED. A
   * page of the dashboard or a user's app asks a few; a flood is thousands (BENCHMARKS.md, the query flood).
   */
  REPORTING_QUERY_RATE: z.coerce.number().int().min(1).max(100_000).default(10),
  REPORTING_QUERY_BURST: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * The most stored events one report or listing may cover; beyond: QUERY_TOO_LARGE. A report folds every event it
   * covers several times over (totals, symbols, outcomes, percentiles); the cap bounds what one admitted report costs
   * the database, so a flood of them cannot starve event ingestion (BENCHMARKS.md, the query flood).
   */
  REPORTING_QUERY_MAX_EVENTS: z.coerce.number().int().min(1).max(100_000_000).default(50_000),
};
