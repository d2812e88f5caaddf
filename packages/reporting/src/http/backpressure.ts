import type { ServerResponse } from 'node:http';

/** How much a stream client may owe before it is dropped: unsent bytes, and time without a drain. */
export type SlowBounds = { maxBufferedBytes: number; drainTimeoutMs: number };

/** What chunked encoding adds to a write: its size in hex and two CRLFs. */
const CHUNK_FRAMING = 12;

export type ClientWriter = { write: (chunk: string) => void; stop: () => void };

/**
 * Writes to one stream client without ever waiting for it. A write the socket refuses (false) marks the client slow
 * until its next 'drain'; a client whose unsent bytes would pass `maxBufferedBytes`, or that stays slow for
 * `drainTimeoutMs`, is handed to `drop` and written no more. So what it holds stays under the bound, and the
 * others never wait for it.
 */
export function writeWithBackpressure(res: ServerResponse, bounds: SlowBounds, drop: (reason: 'buffer full' | 'not drained') => void): ClientWriter {
  let slowSince: NodeJS.Timeout | undefined;
  const drained = (): void => {
    clearTimeout(slowSince);
    slowSince = undefined;
  };
  return {
    write(chunk) {
      if (res.destroyed) return;
      if (res.writableLength + Buffer.byteLength(chunk) + CHUNK_FRAMING > bounds.maxBufferedBytes) return drop('buffer full');
      if (res.write(chunk) || slowSince) return;
      slowSince = setTimeout(() => drop('not drained'), bounds.drainTimeoutMs).unref();
      res.once('drain', drained);
    },
    stop: () => {
      drained();
      res.off('drain', drained);
    },
  };
}
