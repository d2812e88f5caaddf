import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether the dashboard that opened a stream may still watch it (its session may have ended since). */
export type StillAllowed = () => Promise<boolean>;

/**
 * Server-sent events to every open dashboard: `broadcast(name, data)` writes one event to each. Each heartbeat,
 * and each `revalidate()` (a logout), ends the streams whose dashboards are no longer allowed.
 */
export function createLiveStream(heartbeatMs = 15_000) {
  const clients = new Map<ServerResponse, StillAllowed>();
  const heartbeat = setInterval(() => {
    for (const res of clients.keys()) res.write(': keep-alive\n\n');
    void revalidate();
  }, heartbeatMs);
  heartbeat.unref();

  function open(req: IncomingMessage, res: ServerResponse, allowed: StillAllowed): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    clients.set(res, allowed);
    req.on('close', () => clients.delete(res));
  }

  function broadcast(name: string, data: unknown): void {
    const frame = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients.keys()) res.write(frame);
  }

  /** Ends every stream that is no longer allowed (a failed check counts as not allowed: the browser reconnects). */
  async function revalidate(): Promise<void> {
    await Promise.all(
      [...clients].map(async ([res, allowed]) => {
        if (await allowed().catch(() => false)) return;
        clients.delete(res);
        res.end();
      }),
    );
  }

  function close(): void {
    clearInterval(heartbeat);
    for (const res of clients.keys()) res.end();
    clients.clear();
  }

  /** True while at least one dashboard is open. */
  const watched = (): boolean => clients.size > 0;

  return { open, broadcast, revalidate, watched, close };
}

export type LiveStream = ReturnType<typeof createLiveStream>;
