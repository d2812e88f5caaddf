import { once } from 'node:events';
import type { Reply } from '@trading/contracts';
import { GatewayRotation, isGatewayLost, reopenOnNext } from '@trading/platform';
import WebSocket from 'ws';

type Waiter = { resolve: (reply: Reply) => void; reject: (err: Error) => void; deadline: number; frame: string };

/** How often unanswered requests are checked against their deadline (one timer per socket, not per request). */
const SWEEP_MS = 250;

/**
 * One WebSocket to the gateway, made cheap for a load generator: no compression, string ids, one Map of
 * waiters and one deadline sweep per socket. A request settles with its reply, or fails on timeout. Given several
 * gateways, a lost socket moves to the next one, authenticated with the same key, and re-sends every request still
 * unanswered with its id (the services answer a repeated id with its first outcome); with one, a lost socket fails them.
 */
export class GatewaySocket {
  private readonly waiting = new Map<string, Waiter>();
  private readonly sweep: NodeJS.Timeout;
  private seq = 0;
  private closing = false;
  /** Moves to another gateway so far. */
  failovers = 0;

  private constructor(
    private socket: WebSocket,
    private readonly rotation: GatewayRotation,
    private readonly apiKey: string,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
    this.sweep = setInterval(() => this.expire(), SWEEP_MS).unref();
  }

  /**
   * Opens a socket authenticated with `apiKey` (the operator's, so it may act for every bench user), on `url` or, given
   * several, on the `start`-th (socket i of a bench starts on gateway i).
   */
  static async open(url: string | readonly string[], apiKey: string, prefix: string, timeoutMs: number, start = 0): Promise<GatewaySocket> {
    const rotation = new GatewayRotation(url, start);
    return new GatewaySocket(await openSocket(rotation.current, apiKey), rotation, apiKey, prefix, timeoutMs);
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  /** Sends `body` with a fresh id; resolves with the reply carrying that id. */
  request(body: Record<string, unknown>): Promise<Reply> {
    const id = `${this.prefix}-${(this.seq += 1)}`;
    const frame = JSON.stringify({ ...body, id });
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, deadline: Date.now() + this.timeoutMs, frame });
      // While moving to another gateway the frame waits: the move sends every unanswered request.
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }

  private attach(socket: WebSocket): void {
    socket.on('message', (data: Buffer) => this.settle(JSON.parse(data.toString()) as Reply));
    socket.on('close', (code: number) => {
      if (socket !== this.socket || this.closing) return;
      if (this.rotation.urls.length > 1 && isGatewayLost(code)) void this.move();
      else this.failAll(new Error('connection closed'));
    });
    socket.on('error', () => undefined); // a close follows
  }

  private async move(): Promise<void> {
    try {
      this.socket = await reopenOnNext(this.rotation, (url) => openSocket(url, this.apiKey), { withinMs: this.timeoutMs });
    } catch (err) {
      this.failAll(err as Error);
      return;
    }
    if (this.closing) {
      this.socket.close();
      return;
    }
    this.failovers += 1;
    this.attach(this.socket);
    for (const waiter of this.waiting.values()) this.socket.send(waiter.frame);
  }

  private settle(reply: Reply): void {
    const id = String(reply.id);
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    waiter.resolve(reply);
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, waiter] of this.waiting) {
      if (waiter.deadline > now) continue;
      this.waiting.delete(id);
      waiter.reject(new Error(`no reply within ${this.timeoutMs} ms`));
    }
  }

  private failAll(err: Error): void {
    clearInterval(this.sweep);
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

async function openSocket(url: string, apiKey: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false, headers: { authorization: `Bearer ${apiKey}` } });
  await Promise.race([once(socket, 'open'), once(socket, 'error').then(([err]) => Promise.reject(err as Error))]);
  return socket;
}
