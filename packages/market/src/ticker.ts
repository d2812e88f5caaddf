import type { Bus } from '@trading/bus';
import { exchanges, type PriceTicked, priceTickKey } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import { randomUUID } from 'node:crypto';
import type { LatestTick } from './tickStore.ts';
import type { PricePoint } from './source.ts';

/**
 * The most ticks of one symbol the leader holds published but not yet stored; past it, the symbol's ticks are dropped
 * until a flush succeeds. A new leader therefore starts each symbol's seq this far above its latest stored tick:
 * whatever the previous leader published and never stored (it was killed), seq still only rises.
 */
export const MAX_UNFLUSHED_PER_SYMBOL = 1000;

export type TickerDeps = {
  bus: Pick<Bus, 'publish'>;
  logger: Logger;
  clock: () => Date;
  /** Each symbol's latest stored tick (latestTicks). */
  resumeFrom: ReadonlyMap<string, LatestTick>;
};

/**
 * Turns a source's prices into PriceTicked messages: numbers them (seq per symbol), stamps them, publishes them on
 * `market` and keeps each for the next flush (`drain`) once its publish has settled.
 *
 * Published with publisher confirms and as persistent messages, as everything on this bus. A tick whose confirm never
 * came is stored too: the broker may have routed it before the connection (or its node) died with the confirm, and
 * Trade may have priced an order at it, so market.tick holds every tick the market published or may have published.
 */
export function createTicker({ bus, logger, clock, resumeFrom }: TickerDeps) {
  const lastSeq = new Map([...resumeFrom].map(([symbol, { seq }]) => [symbol, seq + MAX_UNFLUSHED_PER_SYMBOL]));
  const unflushed = new Map<string, number>();
  let settled: PriceTicked[] = [];
  const publishing = new Set<Promise<void>>();

  const publishOne = (tick: PriceTicked): void => {
    unflushed.set(tick.symbol, (unflushed.get(tick.symbol) ?? 0) + 1);
    const sent = bus
      .publish({ exchange: exchanges.market, routingKey: priceTickKey(tick.symbol), messageId: randomUUID(), type: tick.type, body: tick })
      .catch((err: unknown) => logger.warn({ err, symbol: tick.symbol, seq: tick.seq }, 'tick not confirmed: stored all the same'))
      .then(() => void settled.push(tick))
      .finally(() => publishing.delete(sent));
    publishing.add(sent);
  };

  return {
    accept(points: readonly PricePoint[]): void {
      const at = clock().toISOString();
      for (const { symbol, price } of points) {
        if ((unflushed.get(symbol) ?? 0) >= MAX_UNFLUSHED_PER_SYMBOL) continue;
        const seq = (lastSeq.get(symbol) ?? 0) + 1;
        lastSeq.set(symbol, seq);
        publishOne({ type: 'PriceTicked', symbol, price, at, seq });
      }
    },
    /** The ticks settled since the last drain, handed to the flush; `settle` waits for publishes in flight first. */
    async drain(settle = false): Promise<PriceTicked[]> {
      if (settle) await Promise.all([...publishing]);
      const batch = settled;
      settled = [];
      return batch;
    },
    /** A flush failed: these ticks go to the next one, still counting against the bound. */
    requeue(batch: readonly PriceTicked[]): void {
      settled = [...batch, ...settled];
    },
    /** A flush stored these ticks: they no longer count against the bound. */
    flushed(batch: readonly PriceTicked[]): void {
      for (const tick of batch) unflushed.set(tick.symbol, unflushed.get(tick.symbol)! - 1);
    },
  };
}
export type Ticker = ReturnType<typeof createTicker>;
