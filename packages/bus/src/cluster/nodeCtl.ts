import { execFile } from 'node:child_process';
import type { ClusterNode } from './clusterNodes.ts';

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
export const nodeCtl = (node: ClusterNode, ...args: string[]): Promise<string> => runCommand('rabbitmqctl', ['--quiet', '-n', node.name, ...args]);

/** True if the node answers a ping. */
export async function nodeRunning(node: ClusterNode): Promise<boolean> {
  try {
    await runCommand('rabbitmqctl', ['--quiet', '-n', node.name, 'ping'], {}, 20_000);
    return true;
  } catch {
    return false;
  }
}

/** The nodes the cluster reports running, as `node` sees it. */
export async function runningMembers(node: ClusterNode): Promise<string[]> {
  const status = JSON.parse(await nodeCtl(node, 'cluster_status', '--formatter', 'json')) as { running_nodes?: string[] };
  return status.running_nodes ?? [];
}
