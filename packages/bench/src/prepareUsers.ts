import type { Reply } from '@trading/contracts';
import type { GatewaySocket } from './gatewaySocket.ts';

/** Funds every user gets: far more than any run spends. */
const DEPOSIT = '100000000';
/** Quantity of each symbol every user buys before the run, so that its SELLs always have holdings. */
export const SEED_QUANTITY = '1000';
/** Setup requests in flight per socket. */
const SETUP_DEPTH = 4;

export type Prepared = { users: string[] };

/** Creates `count` users over the gateway, funds them and, for a BUY+SELL mix, gives each a holding of every symbol. */
export async function prepareUsers(
  sockets: readonly GatewaySocket[],
  count: number,
  plan: { symbols: readonly string[]; price: string; seedHoldings: boolean },
): Promise<Prepared> {
  const users: string[] = [];
  let next = 0;
  const worker = async (socket: GatewaySocket) => {
    while (next < count) {
      next += 1;
      const added = expectOk(await socket.request({ type: 'ADD_USER' }), 'ADD_USER');
      const userId = String(added.user_id);
      expectOk(await socket.request({ type: 'DEPOSIT', user_id: userId, amount: DEPOSIT }), 'DEPOSIT');
      for (const symbol of plan.seedHoldings ? plan.symbols : []) {
        const order = { type: 'BUY', user_id: userId, symbol, amount: SEED_QUANTITY, price: plan.price };
        expectOk(await socket.request(order), `BUY ${symbol}`);
      }
      users.push(userId);
    }
  };
  await Promise.all(sockets.flatMap((socket) => Array.from({ length: SETUP_DEPTH }, () => worker(socket))));
  return { users };
}

function expectOk(reply: Reply, what: string): Reply {
  if (reply.status === 'OK') return reply;
  const hint = reply.code === 'MARKET_CLOSED' ? ' (trade crypto symbols, or start the stack with MARKETS_ALWAYS_OPEN=true)' : '';
  throw new Error(`setup ${what} failed: ${reply.code} ${reply.message}${hint}`);
}
