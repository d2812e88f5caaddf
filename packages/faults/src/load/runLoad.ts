import { randomBytes } from 'node:crypto';
import { LoadClient } from './loadClient.ts';
import { Decimal, type Reply, type RequestType } from '@trading/contracts';
import { DEFAULT_MIX, DEFAULT_SYMBOLS, heldKey, type Mix, pickWeighted, requestBody, seededRandom } from './mix.ts';
import { definitiveReply, type RequestRecord } from './records.ts';

export type LoadOptions = {
  /** One gateway, or several: client i starts on the i-th and moves to the next when its socket is lost. */
  gatewayUrl: string | readonly string[];
  /** WebSocket connections, each with its own users. */
  clients: number;
  /** Stop after this many requests (re-sends not counted)... */
  requests?: number;
  /** ...or after this long, whichever comes first. At least one of the two. */
  durationMs?: number;
  /** Users each client creates (ADD_USER and a first DEPOSIT) before the mix starts. Default 2. */
  usersPerClient?: number;
  /** Requests each client keeps in flight at once (several per user, so they race). Default 4. */
  inFlightPerClient?: number;
  mix?: Mix;
  symbols?: readonly string[];
  /** Seeds the request generator: the same seed sends the same sequence per client. */
  seed?: number;
  /** How long a client waits for any reply to one send; above the gateway's REPLY_TIMEOUT_MS. Default 30 s. */
  replyTimeoutMs?: number;
  /** How long each client waits for Trade to quote every symbol before its orders start (the market's first ticks). Default 20 s. */
  pricesWithinMs?: number;
};

export type Load = {
  /** Every request so far, in send order; complete once `finished` resolved. */
  readonly records: RequestRecord[];
  /** Requests with at least one reply. */
  answered(): number;
  /** Resolves once `count` requests have a reply (to inject a fault mid-load). */
  whenAnswered(count: number): Promise<void>;
  /** Sends no new request from now on; `finished` then waits only for the ones in flight. */
  stop(): void;
  /** Resolves when the budget is spent (or `stop` was called) and every request sent has its first reply (or its wait ran out). */
  finished: Promise<void>;
  /** Re-sends every request whose outcome is unknown, with its id, until all are definitive or `timeoutMs` passed. Returns the re-sends. */
  resendUnknown(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
};

/** Pause of a client told BROKER_BUSY or RATE_LIMITED before its next request. */
const BACKOFF_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects the clients and starts sending at once. */
export async function startLoad(options: LoadOptions): Promise<Load> {
  if (options.requests === undefined && options.durationMs === undefined) throw new Error('a load needs requests or durationMs');
  const records: RequestRecord[] = [];
  const prefix = randomBytes(3).toString('hex');
  const clients = await Promise.all(
    Array.from({ length: options.clients }, (_, i) => LoadClient.connect(options.gatewayUrl, i, prefix, records, options.replyTimeoutMs ?? 30_000)),
  );
  const deadline = options.durationMs === undefined ? Infinity : Date.now() + options.durationMs;
  let budget = options.requests ?? Infinity;
  let stopped = false;
  const take = () => !stopped && Date.now() < deadline && budget-- > 0;

  const drive = async (client: LoadClient) => {
    const random = seededRandom((options.seed ?? 1) * 1000 + client.index);
    const symbols = options.symbols ?? DEFAULT_SYMBOLS;
    const users: string[] = [];
    // The client's last known price per symbol (its QUOTE replies and its orders' executions) and its users' holdings.
    const quotes = new Map<string, string>();
    const held = new Map<string, string>();
    const send = async (body: Record<string, unknown> & { type: RequestType }) => {
      const reply = await client.send(body);
      notePrice(quotes, body, reply);
      noteHolding(held, body, reply);
      return reply;
    };
    const addUser = async () => {
      const reply = await send({ type: 'ADD_USER' });
      if (reply?.status !== 'OK' || typeof reply.user_id !== 'string') return reply;
      users.push(reply.user_id);
      return take() ? send(requestBody(random, 'DEPOSIT', reply.user_id, symbols, quotes)) : reply;
    };
    for (let i = 0; i < (options.usersPerClient ?? 2) && take(); i += 1) await addUser();
    await quoteAll(symbols, quotes, send, options.pricesWithinMs ?? 20_000, take);
    const worker = async () => {
      while (take()) {
        const type = users.length === 0 ? 'ADD_USER' : pickWeighted(random, options.mix ?? DEFAULT_MIX);
        const reply =
          type === 'ADD_USER' ? await addUser() : await send(requestBody(random, type, users[Math.floor(random() * users.length)], symbols, quotes, held));
        // A polite client backs off when told to: the gateway refused the request without queueing it.
        if (reply?.code === 'BROKER_BUSY' || reply?.code === 'RATE_LIMITED') await sleep(BACKOFF_MS);
      }
    };
    await Promise.all(Array.from({ length: options.inFlightPerClient ?? 4 }, worker));
  };
  const finished = Promise.all(clients.map(drive)).then(() => undefined);

  const answered = () => records.filter((r) => r.replies.length > 0).length;
  return {
    records,
    answered,
    async whenAnswered(count) {
      while (answered() < count) await sleep(20);
    },
    stop() {
      stopped = true;
    },
    finished,
    resendUnknown: (timeoutMs) => resendUnknown(records, clients, timeoutMs),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/**
 * Re-sends every request of `records` whose outcome is unknown (and that is not waiting for a reply), with its id and
 * through the client that sent it (`clients[record.client]`), until all are definitive or `timeoutMs` passed.
 * Returns the re-sends.
 */
export async function resendUnknown(records: readonly RequestRecord[], clients: readonly LoadClient[], timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let resends = 0;
  for (;;) {
    const unknown = records.filter((r) => !definitiveReply(r) && r.replies.length === r.sends.length);
    if (unknown.length === 0 || Date.now() >= until) return resends;
    resends += unknown.length;
    await Promise.all(unknown.map((r) => clients[r.client]!.resend(r)));
    await sleep(200);
  }
}

/** A QUOTE answered, or an order executed: the symbol's price as the client last saw it. */
function notePrice(quotes: Map<string, string>, body: Record<string, unknown>, reply: Reply | undefined): void {
  const fresh = reply?.status === 'OK' && ['QUOTE', 'BUY', 'SELL'].includes(body.type as string) && typeof reply.price === 'string';
  if (fresh) quotes.set(String(body.symbol), reply.price as string);
}

/** An OK BUY adds to what the client knows its user holds, an OK SELL takes from it. */
function noteHolding(held: Map<string, string>, body: Record<string, unknown>, reply: Reply | undefined): void {
  if (reply?.status !== 'OK' || (body.type !== 'BUY' && body.type !== 'SELL')) return;
  const key = heldKey(String(body.user_id), String(body.symbol));
  const after = new Decimal(held.get(key) ?? 0)[body.type === 'BUY' ? 'add' : 'sub'](String(body.amount));
  if (after.gt(0)) held.set(key, after.toFixed());
  else held.delete(key);
}

/**
 * Quotes every symbol until Trade has a price for each (the market's first ticks arrive after the stack starts) or
 * `withinMs` passed, or the budget is spent (each QUOTE counts). Orders for a symbol still unquoted are sent as QUOTEs.
 */
async function quoteAll(
  symbols: readonly string[],
  quotes: ReadonlyMap<string, string>,
  send: (body: { type: 'QUOTE'; symbol: string }) => Promise<unknown>,
  withinMs: number,
  take: () => boolean,
): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const missing = symbols.filter((symbol) => !quotes.has(symbol));
    if (missing.length === 0 || Date.now() >= until) return;
    for (const symbol of missing) {
      if (!take()) return;
      await send({ type: 'QUOTE', symbol });
    }
    if (symbols.some((symbol) => !quotes.has(symbol))) await sleep(250);
  }
}

/** A whole load: start, wait for it, settle unknown outcomes by re-sending, close. Returns the records. */
export async function runLoad(options: LoadOptions & { resendTimeoutMs?: number }): Promise<RequestRecord[]> {
  const load = await startLoad(options);
  await load.finished;
  await load.resendUnknown(options.resendTimeoutMs ?? 60_000);
  await load.close();
  return load.records;
}
