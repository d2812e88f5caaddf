import { execFile } from 'node:child_process';
import type { BrokerNode } from './clusterNodes.ts';

/** Runs a command and resolves with its standard output; fails with its standard error in one line. */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** `rabbitmqctl --quiet -n <node> <args>`. */
export const nodeCtl = (node: BrokerNode, ...args: string[]): Promise<string> => runCommand('rabbitmqctl', ['--quiet', '-n', node.name, ...args]);

/** True while the node's Erlang VM answers a ping (its RabbitMQ application may be stopped). */
export async function nodeRunning(node: BrokerNode): Promise<boolean> {
  // Without --timeout, pinging a node that is not there takes a minute.
  try {
    await runCommand('rabbitmqctl', ['--quiet', '-n', node.name, 'ping', '--timeout', '5'], {}, 20_000);
    return true;
  } catch {
    return false;
  }
}

/** Stops the whole node (its Erlang VM too), if it runs. */
export async function stopNode(node: BrokerNode): Promise<void> {
  if (await nodeRunning(node)) await nodeCtl(node, 'stop');
}

/** The nodes the cluster reports running, as `node` sees it. */
export async function runningMembers(node: BrokerNode): Promise<string[]> {
  const status = JSON.parse(await nodeCtl(node, 'cluster_status', '--formatter', 'json')) as { running_nodes?: string[] };
  return status.running_nodes ?? [];
}
