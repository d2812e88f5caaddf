import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const checkout = new URL('../../../../', import.meta.url).pathname;
let root: string | undefined;

/**
 * Where the extra RabbitMQ nodes (`pnpm cluster`, the recovery suite's node) keep their config, data and logs: the
 * checkout's `.tmp`, owned by the broker's user once a node starts. A checkout the broker's user cannot reach (one in
 * a private temporary directory, say) gets a directory of its own under that user's home instead.
 */
export function brokerNodesRoot(): string {
  if (root) return root;
  const local = join(checkout, '.tmp');
  mkdirSync(local, { recursive: true });
  root = reachableByBroker(local) ? local : join('/var/lib/rabbitmq/trading-nodes', createHash('sha256').update(checkout).digest('hex').slice(0, 16));
  mkdirSync(root, { recursive: true });
  return root;
}

function reachableByBroker(dir: string): boolean {
  try {
    execFileSync('runuser', ['-u', 'rabbitmq', '--', 'test', '-x', dir], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
