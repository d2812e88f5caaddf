import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A gateway instance's id: `<host>-<pid>-<6 hex>`, lower-case letters, digits and dashes only, so that its reply key and
 * queue, gateway.<instanceId>, say on which host and process it runs and stay one word of a routing key (no dot).
 */
export function gatewayInstanceId(host = hostname(), pid = process.pid, random = randomBytes(3).toString('hex')): string {
  const safeHost =
    host
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'host';
  return `${safeHost}-${pid}-${random}`;
}
