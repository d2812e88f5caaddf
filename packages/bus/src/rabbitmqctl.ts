import { execFile } from 'node:child_process';

/**
 * Runs `rabbitmqctl --quiet <args>` against the local node (as a user that may: root, or the broker's own) and
 * resolves with its output. `input` goes to its standard input, so a secret never shows on a command line.
 */
export function rabbitmqctl(...args: string[]): Promise<string> {
  return runRabbitmqctl(args);
}

/** Imports definitions (users, vhosts, permissions, topology) given as an object, through standard input. */
export async function importDefinitions(definitions: object): Promise<void> {
  await runRabbitmqctl(['import_definitions', '--format', 'json'], JSON.stringify(definitions));
}

function runRabbitmqctl(args: readonly string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('rabbitmqctl', ['--quiet', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`rabbitmqctl ${args[0]} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}
