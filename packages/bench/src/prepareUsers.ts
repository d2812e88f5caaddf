import { Decimal, type Reply } from '@trading/contracts';
import type { GatewaySocket } from './gatewaySocket.ts';

/** Funds every user gets: far more than any run spends. */
const DEPOSIT = '100000000';
/**
 * Each user buys this many times the run's quantity of every symbol before the run, so its SELLs always have
 * holdings, even with that many of them in flight ahead of their BUYs. (At the default 0.01 that is 1 BTC: within
 * every symbol's maximum order.)
 */
export const SEED_ROUNDS = 100;
/** Setup requests in flight per socket. */
const SETUP_DEPTH = 4;

export type Prepared = { users: string[] };

/**
 * Creates `count` users over the gateway, funds them and, for a BUY+SELL mix, gives each a holding of every
 * symbol, bought at the market (a market order, like the run's).
 */
export async function prepareUsers(
  sockets: readonly GatewaySocket[],
  count: number,
  plan: { symbols: readonly string[]; quantity: string; seedHoldings: boolean },
): Promise<Prepared> {
  const users: string[] = [];
  const seed = new Decimal(plan.quantity).mul(SEED_ROUNDS).toFixed();
  let next = 0;
  const worker = async (socket: GatewaySocket) => {
    while (next < count) {
      next += 1;
      const added = expectOk(await socket.request({ type: 'ADD_USER' }), 'ADD_USER');
      const userId = String(added.user_id);
      expectOk(await socket.request({ type: 'DEPOSIT', user_id: userId, amount: DEPOSIT }), 'DEPOSIT');
      for (const symbol of plan.seedHoldings ? plan.symbols : []) {
        expectOk(await socket.request({ type: 'BUY', user_id: userId, symbol, amount: seed }), `BUY ${seed} ${symbol}`);
      }
      users.push(userId);
    }
  };
  await Promise.all(sockets.flatMap((socket) => Array.from({ length: SETUP_DEPTH }, () => worker(socket))));
  return { users };
}

const hints: Record<string, string> = {
  MARKET_CLOSED: ' (trade crypto symbols, or start the stack with MARKETS_ALWAYS_OPEN=true)',
  PRICE_UNAVAILABLE: ' (no recent market price: is the market service running?)',
  ORDER_TOO_LARGE: ` (each user first buys ${SEED_ROUNDS} × the quantity of every symbol: choose a smaller --quantity)`,
  INVALID_AMOUNT: ' (the quantity must lie on every symbol’s lot size)',
};

function expectOk(reply: Reply, what: string): Reply {
  if (reply.status === 'OK') return reply;
  throw new Error(`setup ${what} failed: ${reply.code} ${reply.message}${hints[String(reply.code)] ?? ''}`);
}
