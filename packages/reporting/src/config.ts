import { baseConfigShape } from '@trading/platform';
import { z } from 'zod';

export const reportingConfigShape = {
  ...baseConfigShape,
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
   * How long an idle Reporting waits for more events before it stores a transaction's worth. Nobody waits on it, and
   * at moderate rates it halves Reporting's transactions (BENCHMARKS.md); the dashboard is that much later.
   */
  REPORTING_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(50),
  /**
   * Live streams (`/api/stream`) open at once; one more is answered 503 TOO_MANY_STREAMS. Each may hold up to 256 KiB
   * unsent before it is dropped (http/liveStream.ts), so this bounds the stream's memory too.
   */
  REPORTING_STREAM_MAX_CLIENTS: z.coerce.number().int().min(1).max(1000).default(20),
};
