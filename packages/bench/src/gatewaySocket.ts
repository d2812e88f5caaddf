import { once } from 'node:events';
import type { Reply } from '@trading/contracts';
import WebSocket from 'ws';

type Waiter = { resolve: (reply: Reply) => void; reject: (err: Error) => void; deadline: number };

/** How often unanswered requests are checked against their deadline (one timer per socket, not per request). */
const SWEEP_MS = 250;

/**
 * One WebSocket to the gateway, made cheap for a load generator: no compression, string ids, one Map of
 * waiters and one deadline sweep per socket. A request settles with its reply, or fails on timeout or close.
 */
export class GatewaySocket {
  private readonly waiting = new Map<string, Waiter>();
  private readonly sweep: NodeJS.Timeout;
  private seq = 0;

  private constructor(
    private readonly socket: WebSocket,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (data: Buffer) => this.settle(JSON.parse(data.toString()) as Reply));
    socket.on('close', () => this.failAll(new Error('connection closed')));
    socket.on('error', () => undefined); // a close follows; its waiters fail there
    this.sweep = setInterval(() => this.expire(), SWEEP_MS).unref();
  }

  /** Opens a socket authenticated with `apiKey` (the operator's, so it may act for every bench user). */
  static async open(url: string, apiKey: string, prefix: string, timeoutMs: number): Promise<GatewaySocket> {
    const socket = new WebSocket(url, { perMessageDeflate: false, headers: { authorization: `Bearer ${apiKey}` } });
    await Promise.race([once(socket, 'open'), once(socket, 'error').then(([err]) => Promise.reject(err as Error))]);
    return new GatewaySocket(socket, prefix, timeoutMs);
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  /** Sends `body` with a fresh id; resolves with the reply carrying that id. */
  request(body: Record<string, unknown>): Promise<Reply> {
    const id = `${this.prefix}-${(this.seq += 1)}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      this.socket.send(JSON.stringify({ ...body, id }));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
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
