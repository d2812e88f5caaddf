import type { IncomingMessage, ServerResponse } from 'node:http';

/** Server-sent events to every open dashboard: `broadcast(name, data)` writes one event to each. */
export function createLiveStream(heartbeatMs = 15_000) {
  const clients = new Set<ServerResponse>();
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  function open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  }

  function broadcast(name: string, data: unknown): void {
    const frame = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  }

  function close(): void {
    clearInterval(heartbeat);
    for (const res of clients) res.end();
    clients.clear();
  }

  /** True while at least one dashboard is open. */
  const watched = (): boolean => clients.size > 0;

  return { open, broadcast, watched, close };
}

export type LiveStream = ReturnType<typeof createLiveStream>;
