import { execFile } from 'node:child_process';

/**
 * Runs `rabbitmqctl --quiet <args>` against the local node (as a user that may: root, or the broker's own) and
 * resolves with its output. `input` goes to its standard input, so a secret never shows on a command line.
 */
export function rabbitmqctl(...args: string[]): Promise<string> {
  return runRabbitmqctl(args);
}

/** `rabbitmqctl` against the named node (`-n trading-1@localhost`, a node of `pnpm cluster`) rather than the local one. */
export function rabbitmqctlOn(node: string, ...args: string[]): Promise<string> {
  return runRabbitmqctl(['-n', node, ...args]);
}

/**
 * Imports definitions (users, vhosts, permissions, topology) given as an object, through standard input, on the local
 * node or the named one.
 */
export async function importDefinitions(definitions: object, node?: string): Promise<void> {
  await runRabbitmqctl([...(node ? ['-n', node] : []), 'import_definitions', '--format', 'json'], JSON.stringify(definitions));
}

function runRabbitmqctl(args: readonly string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('rabbitmqctl', ['--quiet', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`rabbitmqctl ${args.join(' ').slice(0, 80)} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}
