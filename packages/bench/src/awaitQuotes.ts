import type { Reply } from '@trading/contracts';
import type { GatewaySocket } from './gatewaySocket.ts';

const POLL_MS = 250;

/**
 * Waits until Trade quotes every symbol (QUOTE): its orders trade at the market's last price, and a Trade that has
 * heard no tick yet (just started, or the symbol's market closed) refuses them PRICE_UNAVAILABLE. Resolves with the
 * quotes; fails after `timeoutMs` naming the symbols without a price.
 */
export async function awaitQuotes(socket: GatewaySocket, symbols: readonly string[], timeoutMs: number): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  const prices: Record<string, string> = {};
  for (;;) {
    for (const symbol of symbols.filter((s) => !(s in prices))) {
      const quote: Reply = await socket.request({ type: 'QUOTE', symbol });
      if (quote.status === 'OK') prices[symbol] = String(quote.price);
      else if (quote.code !== 'PRICE_UNAVAILABLE') throw new Error(`QUOTE ${symbol} failed: ${quote.code} ${quote.message}`);
    }
    const missing = symbols.filter((s) => !(s in prices));
    if (missing.length === 0) return prices;
    if (Date.now() >= deadline) {
      throw new Error(
        `no market price for ${missing.join(', ')} within ${timeoutMs} ms: is the market service running, and are those markets open (MARKETS_ALWAYS_OPEN=true)?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
