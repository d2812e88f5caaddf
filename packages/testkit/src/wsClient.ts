import type { Reply } from '@trading/contracts';
import { once } from 'node:events';
import WebSocket from 'ws';

/** A WebSocket client as a trading client would use it: send JSON requests, await the reply with the same id. */
export class TradingClient {
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  private seq = 0;
  readonly replies: Reply[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as Reply;
      this.replies.push(reply);
      const resolve = this.waiting.get(String(reply.id));
      if (resolve) {
        this.waiting.delete(String(reply.id));
        resolve(reply);
      }
    });
  }

  static async connect(url: string): Promise<TradingClient> {
    const socket = new WebSocket(url);
    await once(socket, 'open');
    return new TradingClient(socket);
  }

  /** Sends `body` (given an id if it has none) and resolves with the reply carrying that id. */
  request(body: Record<string, unknown>, timeoutMs = 15_000): Promise<Reply> {
    const id = (body.id as string | number | undefined) ?? `r${++this.seq}-${Math.random().toString(36).slice(2, 8)}`;
    const reply = this.expect(id, timeoutMs);
    this.socket.send(JSON.stringify({ ...body, id }));
    return reply;
  }

  /** Resolves with the next reply whose id is `id`. */
  expect(id: string | number, timeoutMs = 15_000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(String(id));
        reject(new Error(`no reply to ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(String(id), (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  /** Sends a raw frame (text or binary) and resolves with the next reply of any id. */
  sendRaw(data: string | Buffer, timeoutMs = 5000): Promise<Reply> {
    const before = this.replies.length;
    this.socket.send(data);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const reply = this.replies[before];
        if (reply) {
          clearInterval(poll);
          resolve(reply);
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(new Error('no reply to raw frame'));
        }
      }, 5);
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }
}
