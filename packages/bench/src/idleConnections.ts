import { once } from 'node:events';
import WebSocket from 'ws';
import { concurrently } from './concurrently.ts';
import { ensureOpenFiles, openFileLimit, residentBytes } from './processInfo.ts';

export type IdleResult = {
  idle_connections: number;
  gateway_pid: number;
  gateway_rss_before_mb: number;
  gateway_rss_mb: number;
  /** (rss - rss before) / connections. */
  bytes_per_connection: number;
  errors: number;
};

/** Connections opened at once: keeps the gateway's accept backlog from overflowing. */
const OPENING_WIDTH = 200;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * Opens `count` WebSockets that send nothing, holds them `holdS` seconds, and reads the gateway's resident
 * memory (VmRSS) before and while they are open.
 */
export async function holdIdleConnections(options: {
  url: string;
  /** The operator's key. */
  apiKey: string;
  gatewayPid: number;
  count: number;
  holdS: number;
  progress: (line: string) => void;
}): Promise<IdleResult> {
  const raisedFrom = ensureOpenFiles(options.count + 256);
  if (raisedFrom !== undefined) options.progress(`• raised this process's open-file limit from ${raisedFrom} to ${options.count + 256}`);
  const gatewayLimit = openFileLimit(options.gatewayPid).soft;
  if (gatewayLimit < options.count + 64) {
    throw new Error(`the gateway (pid ${options.gatewayPid}) may open only ${gatewayLimit} files; start it after \`ulimit -n ${options.count + 1024}\``);
  }
  const before = residentBytes(options.gatewayPid);
  const sockets: WebSocket[] = [];
  let errors = 0;
  await concurrently(options.count, OPENING_WIDTH, async () => {
    // The operator's key: idle sockets past the per-address cap, and never closed as unauthenticated.
    const socket = new WebSocket(options.url, { perMessageDeflate: false, headers: { authorization: `Bearer ${options.apiKey}` } });
    socket.on('error', () => undefined);
    const [outcome] = await Promise.race([once(socket, 'open').then(() => ['open']), once(socket, 'close').then(() => ['closed'])]);
    if (outcome === 'open') sockets.push(socket);
    else errors += 1;
  });
  options.progress(`• ${sockets.length} idle connections open; holding them ${options.holdS} s`);
  await new Promise((resolve) => setTimeout(resolve, options.holdS * 1000));
  const during = residentBytes(options.gatewayPid);
  errors += sockets.filter((s) => s.readyState !== WebSocket.OPEN).length;
  for (const socket of sockets) socket.terminate();
  return {
    idle_connections: sockets.length,
    gateway_pid: options.gatewayPid,
    gateway_rss_before_mb: mb(before),
    gateway_rss_mb: mb(during),
    bytes_per_connection: sockets.length ? Math.round((during - before) / sockets.length) : 0,
    errors,
  };
}
