/**
 * A client's gateways (several instances behind no balancer): the one it uses now and, when that one's socket closes
 * unexpectedly, the next one in turn. `start` spreads clients over the list (client i starts at i).
 */
export class GatewayRotation {
  private index: number;
  readonly urls: readonly string[];

  constructor(urls: string | readonly string[], start = 0) {
    this.urls = typeof urls === 'string' ? [urls] : [...urls];
    if (this.urls.length === 0) throw new Error('a client needs at least one gateway URL');
    this.index = ((start % this.urls.length) + this.urls.length) % this.urls.length;
  }

  get current(): string {
    return this.urls[this.index]!;
  }

  /** Moves to the next gateway (back to the first after the last) and returns it. */
  advance(): string {
    this.index = (this.index + 1) % this.urls.length;
    return this.current;
  }
}

export type ReopenOptions = {
  /** Gives up (rethrows the last failure) once this long has passed. */
  withinMs: number;
  /** Pause after a whole round of gateways failed, doubling up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

/**
 * After the current gateway's socket closed: opens a socket on the next gateway, then the one after, a round at a time
 * with a growing pause between rounds, until one opens (and returns it) or `withinMs` has passed.
 */
export async function reopenOnNext<T>(rotation: GatewayRotation, open: (url: string) => Promise<T>, options: ReopenOptions): Promise<T> {
  const { withinMs, maxBackoffMs = 1000, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now = Date.now } = options;
  const until = now() + withinMs;
  let backoff = options.backoffMs ?? 100;
  for (let tried = 1; ; tried += 1) {
    const url = rotation.advance();
    try {
      return await open(url);
    } catch (err) {
      if (now() >= until) throw err;
      if (tried % rotation.urls.length === 0) {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      }
    }
  }
}

/** WebSocket close codes after which a client moves to another gateway: the gateway went away or failed, not the client's doing. */
const MOVE_ON_CLOSE: ReadonlySet<number> = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);

export const isGatewayLost = (code: number): boolean => MOVE_ON_CLOSE.has(code);
