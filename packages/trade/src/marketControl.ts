import { type HaltRequest, okReply, type Principal, type QuoteRequest, type Reply, type ResumeRequest, encodePrincipal, errorReply } from '@trading/contracts';
import { recordAudit } from '@trading/db';
import type { TradeDeps } from './deps.ts';
import { addHalt, type HaltScope, removeHalt } from './haltStore.ts';

/** QUOTE: the latest market price this instance holds for a symbol, with its tick's seq and time. */
export function quoteReply(deps: TradeDeps, request: QuoteRequest): Reply {
  if (!deps.catalogue.has(request.symbol)) return errorReply(request.id, request.type, 'SYMBOL_NOT_FOUND', `unknown symbol ${request.symbol}`);
  const quote = deps.prices.quote(request.symbol);
  if (!quote) return errorReply(request.id, request.type, 'PRICE_UNAVAILABLE', `no market price for ${request.symbol} has arrived yet`);
  return okReply(request.id, request.type, `${request.symbol} ${quote.price}`, {
    symbol: request.symbol,
    price: quote.price,
    seq: quote.seq,
    at: quote.at.toISOString(),
  });
}

/**
 * HALT and RESUME (the operator's): trading in one symbol or one market stops or starts again. A halt is a row of
 * trade.halt, read by every order and every BUY execution that commits after it, on every instance; the request is
 * in the audit trail with it. Halting what is halted, or resuming what is not, is answered OK and changes nothing.
 */
export async function haltReply(deps: TradeDeps, principal: Principal, request: HaltRequest | ResumeRequest): Promise<Reply> {
  const scope = haltScope(deps, request);
  if (!scope) return errorReply(request.id, request.type, 'SYMBOL_NOT_FOUND', `no symbol or market ${request.symbol ?? request.market}`);
  const at = deps.clock();
  const changed = await deps.db.$transaction(async (tx) => {
    await recordAudit(tx, 'trade', {
      actor: encodePrincipal(principal),
      action: request.type,
      subject: undefined,
      requestId: String(request.id),
      at: at.toISOString(),
    });
    return request.type === 'HALT' ? addHalt(tx, scope, at) : removeHalt(tx, scope);
  });
  const what = `${scope.scope === 'SYMBOL' ? 'symbol' : 'market'} ${scope.name}`;
  const state = request.type === 'HALT' ? 'halted' : 'trading';
  return okReply(request.id, request.type, `${what} ${changed ? 'is now' : 'was already'} ${state}`, {
    ...(scope.scope === 'SYMBOL' ? { symbol: scope.name } : { market: scope.name }),
    halted: request.type === 'HALT',
  });
}

/** The catalogue's spelling of the symbol or market the request names; undefined if there is none. */
function haltScope(deps: TradeDeps, request: HaltRequest | ResumeRequest): HaltScope | undefined {
  if (request.symbol !== undefined) return deps.catalogue.has(request.symbol) ? { scope: 'SYMBOL', name: request.symbol } : undefined;
  const wanted = request.market?.toLowerCase();
  const market = [...deps.catalogue.values()].find((instrument) => instrument.market.name.toLowerCase() === wanted)?.market.name;
  return market ? { scope: 'MARKET', name: market } : undefined;
}
