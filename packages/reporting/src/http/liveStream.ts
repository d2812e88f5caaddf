import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@trading/platform';
import { type ClientWriter, type SlowBounds, writeWithBackpressure } from './backpressure.ts';
import { sendError } from './replies.ts';

/** Whether the dashboard that opened a stream may still watch it (its session may have ended since). */
export type StillAllowed = () => Promise<boolean>;

export type StreamLimits = SlowBounds & { maxClients: number; heartbeatMs: number };

export const STREAM_LIMITS: StreamLimits = { maxClients: 20, maxBufferedBytes: 256 * 1024, drainTimeoutMs: 10_000, heartbeatMs: 15_000 };

type Client = { allowed: StillAllowed; writer: ClientWriter };

/**
 * Server-sent events to every open dashboard: `broadcast(name, data)` writes one event to each. Each heartbeat,
 * and each `revalidate()` (a logout), ends the streams whose dashboards are no longer allowed. At most `maxClients`
 * streams are open (one more is answered 503 TOO_MANY_STREAMS), and a client that does not read is dropped
 * (writeWithBackpressure), its connection reset and the drop logged once.
 */
export function createLiveStream(logger: Logger, limits: Partial<StreamLimits> = {}) {
  const { maxClients, heartbeatMs, ...bounds } = { ...STREAM_LIMITS, ...limits };
  const clients = new Map<ServerResponse, Client>();
  const heartbeat = setInterval(() => {
    for (const { writer } of clients.values()) writer.write(': keep-alive\n\n');
    void revalidate();
  }, heartbeatMs);
  heartbeat.unref();

  function forget(res: ServerResponse): boolean {
    const client = clients.get(res);
    client?.writer.stop();
    return clients.delete(res);
  }

  function drop(res: ServerResponse, reason: string): void {
    const buffered_bytes = res.writableLength;
    if (!forget(res)) return;
    logger.warn({ reason, buffered_bytes, clients: clients.size }, 'live stream client dropped: it does not read');
    if (res.socket) res.socket.resetAndDestroy();
    else res.destroy();
  }

  function open(req: IncomingMessage, res: ServerResponse, allowed: StillAllowed): void {
    if (clients.size >= maxClients) {
      return sendError(res, 503, 'TOO_MANY_STREAMS', `the live stream serves at most ${maxClients} clients; retry later`, { 'retry-after': '5' });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const writer = writeWithBackpressure(res, bounds, (reason) => drop(res, reason));
    clients.set(res, { allowed, writer });
    req.on('close', () => forget(res));
    writer.write('retry: 2000\n\n');
  }

  function broadcast(name: string, data: unknown): void {
    const frame = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const { writer } of clients.values()) writer.write(frame);
  }

  /** Ends every stream that is no longer allowed (a failed check counts as not allowed: the browser reconnects). */
  async function revalidate(): Promise<void> {
    await Promise.all(
      [...clients].map(async ([res, { allowed }]) => {
        if (await allowed().catch(() => false)) return;
        if (forget(res)) res.end();
      }),
    );
  }

  function close(): void {
    clearInterval(heartbeat);
    for (const res of [...clients.keys()]) if (forget(res)) res.end();
  }

  /** True while at least one dashboard is open. */
  const watched = (): boolean => clients.size > 0;

  return { open, broadcast, revalidate, watched, close };
}

export type LiveStream = ReturnType<typeof createLiveStream>;
