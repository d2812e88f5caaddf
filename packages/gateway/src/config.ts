import { baseConfigShape } from '@trading/platform';
import { z } from 'zod';

/** The gateway's settings, read once by main.ts through loadConfig. */
export const gatewayConfigShape = {
  ...baseConfigShape,
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** 0.0.0.0 so the port published by a container is reachable; set 127.0.0.1 to keep it local. */
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  REPLY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  MAX_FRAME_BYTES: z.coerce.number().int().min(256).max(512 * 1024).default(16_384),
  MAX_IN_FLIGHT_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(256),
};
