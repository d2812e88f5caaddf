import { baseConfigShape } from '@trading/platform';
import { z } from 'zod';

export const reportingConfigShape = {
  ...baseConfigShape,
  /** The reports API and the dashboard. */
  REPORTING_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  REPORTING_HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * How long an idle Reporting waits for more events before it stores a transaction's worth. Nobody waits on it, and
   * at moderate rates it halves Reporting's transactions (BENCHMARKS.md); the dashboard is that much later.
   */
  REPORTING_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(50),
};
