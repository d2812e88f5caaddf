import type { Reply } from '@trading/contracts';
import { once } from 'node:events';
import WebSocket from 'ws';
import { TEST_ADMIN_API_KEY } from './adminKey.ts';

export type ConnectOptions = {
  /** The key to authenticate with at the upgrade; default the operator's; null for an anonymous socket. */
  apiKey?: string | null;
  /** An Origin header, as a browser page would send. */
  origin?: string;
  /** A CA certificate to trust (wss:// with a test certificate). */
  ca?: string | Buffer;
};

/** A WebSocket client as a trading client would use it: send JSON requests, await the reply with the same id. */
export class TradingClient {
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  private seq = 0;
  readonly replies: Reply[] = [];

  private closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('close', (code) => {
      this.closeCode = code;
    });
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

  /**
   * Opens a socket. By default it authenticates as the operator (the test stack's ADMIN_API_KEY), which may act for
   * any user; `apiKey` connects as that key's user instead, and `null` opens an anonymous socket (it may only
   * ADD_USER, which then authenticates it as the new user, or LOGIN). A refused upgrade rejects with its HTTP status.
   */
  static async connect(url: string, options: ConnectOptions = {}): Promise<TradingClient> {
    const apiKey = options.apiKey === undefined ? TEST_ADMIN_API_KEY : options.apiKey;
    const headers = { ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }), ...(options.origin ? { origin: options.origin } : {}) };
    const socket = new WebSocket(url, { headers, ...(options.ca ? { ca: options.ca } : {}) });
    const refused = new Promise<never>((_, reject) => {
      socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      socket.once('error', reject);
    });
    refused.catch(() => undefined); // an error after the socket opened is the socket's own business
    await Promise.race([once(socket, 'open'), refused]);
    return new TradingClient(socket);
  }

  /** Resolves with the close code once the server closes the socket. */
  closed(timeoutMs = 15_000): Promise<number> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve(this.closeCode ?? 1006);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the socket was not closed within ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
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
