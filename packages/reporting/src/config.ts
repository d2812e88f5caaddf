import { baseConfigShape } from '@trading/platform';
import { z } from 'zod';

export const reportingConfigShape = {
  ...baseConfigShape,
  /** The reports API and the dashboard. */
  REPORTING_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  REPORTING_HOST: z.string().min(1).default('0.0.0.0'),
};
