import { randomBytes } from 'node:crypto';
import type { RequestType } from '@trading/contracts';
import { LoadClient } from '../load/loadClient.ts';
import { DEFAULT_SYMBOLS, requestBody, seededRandom } from '../load/mix.ts';
import type { RequestRecord } from '../load/records.ts';
import { resendUnknown } from '../load/runLoad.ts';

export type PacedLoadOptions = {
  gatewayUrl: string;
  /** WebSocket connections, one user each. */
  clients: number;
  /** One new request every `paceMs`, from the clients in turn, whether or not the earlier ones were answered. */
  paceMs: number;
  /** What the paced requests are, in turn: DEPOSITs, and BUYs (market orders) if asked. */
  types: readonly ('DEPOSIT' | 'BUY')[];
  /** How long a client waits for the gateway's answer to one send (above its REPLY_TIMEOUT_MS). */
  replyTimeoutMs: number;
};

export type PacedLoad = {
  /** Every request, in send order (the users' set-up included). */
  readonly records: RequestRecord[];
  /** Stops sending and resolves once every request sent has its first answer or its wait ran out. */
  stop(): Promise<void>;
  /** Re-sends, with its id, every request whose outcome is unknown, until all are known or `timeoutMs` passed. */
  resendUnknown(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
};

/**
 * Requests at a steady pace, as many clients do whatever the broker's state: unlike a closed-loop load, a request
 * left unanswered does not slow the next one, so the figures show how long each one waited and what it was told.
 * Each client first makes its user (ADD_USER, a first DEPOSIT) and, for BUYs, learns the prices (QUOTE).
 */
export async function startPacedLoad(options: PacedLoadOptions): Promise<PacedLoad> {
  const records: RequestRecord[] = [];
  const prefix = randomBytes(3).toString('hex');
  const clients = await Promise.all(
    Array.from({ length: options.clients }, (_, i) => LoadClient.connect(options.gatewayUrl, i, prefix, records, options.replyTimeoutMs)),
  );
  const random = seededRandom(20261202);
  const quotes = new Map<string, string>();
  const users = await Promise.all(clients.map((client) => makeUser(client)));
  if (options.types.includes('BUY')) {
    for (const symbol of DEFAULT_SYMBOLS) {
      const reply = await clients[0]!.send({ type: 'QUOTE', symbol });
      if (reply?.status !== 'OK' || typeof reply.price !== 'string') throw new Error(`no price for ${symbol}: ${JSON.stringify(reply)}`);
      quotes.set(symbol, reply.price);
    }
  }
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  const timer = setInterval(() => {
    const index = sent % clients.length;
    const type = options.types[Math.floor(sent / clients.length) % options.types.length]!;
    sent += 1;
    const body =
      type === 'BUY' ? { type, user_id: users[index], symbol: 'BTC', amount: '0.0001' } : requestBody(random, type, users[index], DEFAULT_SYMBOLS, quotes);
    const reply = clients[index]!.send(body as Record<string, unknown> & { type: RequestType });
    inFlight.add(reply);
    void reply.finally(() => inFlight.delete(reply));
  }, options.paceMs);
  return {
    records,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
    resendUnknown: (timeoutMs) => resendUnknown(records, clients, timeoutMs),
    close: async () => {
      clearInterval(timer);
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

async function makeUser(client: LoadClient): Promise<string> {
  const added = await client.send({ type: 'ADD_USER' });
  if (added?.status !== 'OK' || typeof added.user_id !== 'string') throw new Error(`ADD_USER failed: ${JSON.stringify(added)}`);
  const funded = await client.send({ type: 'DEPOSIT', user_id: added.user_id, amount: '100000' });
  if (funded?.status !== 'OK') throw new Error(`the first DEPOSIT failed: ${JSON.stringify(funded)}`);
  return added.user_id;
}
