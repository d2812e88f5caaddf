import { once } from 'node:events';
import type { Reply } from '@trading/contracts';
import { GatewayRotation, isGatewayLost, reopenOnNext } from '@trading/platform';
import WebSocket from 'ws';
import { TEST_ADMIN_API_KEY } from './adminKey.ts';
import { type Session, sessionAfter } from './sessionKey.ts';

export type ConnectOptions = {
  /** The key to authenticate with at the upgrade; default the operator's; null for an anonymous socket. */
  apiKey?: string | null;
  /** An Origin header, as a browser page would send. */
  origin?: string;
  /** A CA certificate to trust (wss:// with a test certificate). */
  ca?: string | Buffer;
  /**
   * Move to the next gateway when the socket is lost (the gateway went away or died): default on when `connect` is
   * given a list of URLs. The client re-authenticates there and re-sends every request still unanswered, same id.
   */
  failover?: boolean;
  /** Where in the list the client starts (client i of a load starts on gateway i), default 0. */
  start?: number;
  /** How long a move may take (trying each gateway in turn) before the client gives up; default 30 s. */
  failoverWithinMs?: number;
};

/** A move to another gateway: where from, where to, and the ids re-sent there. */
export type Failover = { from: string; to: string; resent: string[] };

type Waiter = { resolve: (reply: Reply) => void; request?: Record<string, unknown>; frame?: string };

/**
 * A WebSocket client as a trading client would use it: send JSON requests, await the reply with the same id. Given
 * several gateways, it moves to the next one when its socket is lost (failover above).
 */
export class TradingClient {
  private readonly waiting = new Map<string, Waiter>();
  private readonly replyListeners: Array<(reply: Reply) => void> = [];
  private readonly failoverListeners: Array<(move: Failover) => void> = [];
  private seq = 0;
  private closeCode: number | undefined;
  private current: WebSocket;
  private session: Session;
  /** Set by close(): a close of ours is no reason to move. */
  private ending = false;
  readonly replies: Reply[] = [];

  private constructor(
    socket: WebSocket,
    private readonly rotation: GatewayRotation,
    private readonly options: ConnectOptions,
  ) {
    this.session = { apiKey: options.apiKey === undefined ? TEST_ADMIN_API_KEY : options.apiKey };
    this.current = socket;
    this.attach(socket);
  }

  /**
   * Opens a socket. By default it authenticates as the operator (the test stack's ADMIN_API_KEY), which may act for
   * any user; `apiKey` connects as that key's user instead, and `null` opens an anonymous socket (it may only
   * ADD_USER, which then authenticates it as the new user, or LOGIN). A refused upgrade rejects with its HTTP status.
   * `url` may list several gateways: the client starts on `options.start` and moves on when its socket is lost.
   */
  static async connect(url: string | readonly string[], options: ConnectOptions = {}): Promise<TradingClient> {
    const rotation = new GatewayRotation(url, options.start);
    const failover = options.failover ?? typeof url !== 'string';
    const apiKey = options.apiKey === undefined ? TEST_ADMIN_API_KEY : options.apiKey;
    const socket = await openSocket(rotation.current, apiKey, options);
    return new TradingClient(socket, rotation, { ...options, failover });
  }

  /** The socket in use now (another one after a move). */
  get socket(): WebSocket {
    return this.current;
  }

  /** The gateway in use now. */
  get gatewayUrl(): string {
    return this.rotation.current;
  }

  /** Hears every reply, on whichever gateway it arrives. */
  onReply(listener: (reply: Reply) => void): void {
    this.replyListeners.push(listener);
  }

  /** Hears every move to another gateway, once the unanswered requests were re-sent there. */
  onFailover(listener: (move: Failover) => void): void {
    this.failoverListeners.push(listener);
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
    const request = { ...body, id };
    const frame = JSON.stringify(request);
    const reply = this.wait(id, timeoutMs, { request, frame });
    // While the client moves to another gateway the frame waits: the move sends every unanswered request.
    if (this.current.readyState === WebSocket.OPEN) this.current.send(frame);
    return reply;
  }

  /** Resolves with the next reply whose id is `id`. */
  expect(id: string | number, timeoutMs = 15_000): Promise<Reply> {
    return this.wait(id, timeoutMs, {});
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
    this.ending = true;
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }

  private wait(id: string | number, timeoutMs: number, what: Omit<Waiter, 'resolve'>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(String(id));
        reject(new Error(`no reply to ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      const resolveReply = (reply: Reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.waiting.set(String(id), { ...what, resolve: resolveReply });
    });
  }

  private attach(socket: WebSocket): void {
    socket.on('error', () => undefined); // a close follows
    socket.on('close', (code) => {
      this.closeCode = code;
      if (socket === this.current && !this.ending && this.options.failover && isGatewayLost(code)) void this.move();
    });
    socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as Reply));
  }

  private receive(reply: Reply): void {
    this.replies.push(reply);
    const waiter = this.waiting.get(String(reply.id));
    this.session = sessionAfter(this.session, waiter?.request, reply);
    for (const listener of this.replyListeners) listener(reply);
    if (waiter) {
      this.waiting.delete(String(reply.id));
      waiter.resolve(reply);
    }
  }

  /** To the next gateway that opens, as the same session; then every request still unanswered again, with its id. */
  private async move(): Promise<void> {
    const from = this.rotation.current;
    let socket: WebSocket;
    try {
      socket = await reopenOnNext(this.rotation, (url) => openSocket(url, this.session.apiKey, this.options), {
        withinMs: this.options.failoverWithinMs ?? 30_000,
      });
    } catch {
      return; // no gateway within the time: the requests time out as they would have
    }
    if (this.ending) {
      socket.close();
      return;
    }
    this.current = socket;
    this.attach(socket);
    const resent: string[] = [];
    for (const [id, waiter] of this.waiting) {
      if (waiter.frame === undefined) continue;
      socket.send(waiter.frame);
      resent.push(id);
    }
    for (const listener of this.failoverListeners) listener({ from, to: this.rotation.current, resent });
  }
}

/** Opens a socket on one gateway, authenticated with `apiKey` at the upgrade; a refused upgrade rejects with its HTTP status. */
async function openSocket(url: string, apiKey: string | null, options: ConnectOptions): Promise<WebSocket> {
  const headers = { ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }), ...(options.origin ? { origin: options.origin } : {}) };
  const socket = new WebSocket(url, { headers, ...(options.ca ? { ca: options.ca } : {}) });
  const refused = new Promise<never>((_, reject) => {
    socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    socket.once('error', reject);
  });
  refused.catch(() => undefined); // an error after the socket opened is the socket's own business
  await Promise.race([once(socket, 'open'), refused]);
  return socket;
}
