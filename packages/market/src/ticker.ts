import { randomUUID } from 'node:crypto';
import type { Bus } from '@trading/bus';
import { exchanges, type PriceTicked, priceTickKey } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { PricePoint } from './source.ts';
import type { LatestTick } from './tickStore.ts';

export type TickerDeps = {
  bus: Pick<Bus, 'publish'>;
  /** Stores one round of ticks in one transaction (storeTicks); rejects if any is already stored. */
  store: (ticks: readonly PriceTicked[]) => Promise<void>;
  logger: Logger;
  clock: () => Date;
  /** Each symbol's latest stored tick (latestTicks): its seq goes on from there. */
  resumeFrom: ReadonlyMap<string, LatestTick>;
  /** Reads each symbol's latest stored tick again (latestTicks), after a round was refused. */
  reload: () => Promise<ReadonlyMap<string, LatestTick>>;
};

/**
 * Turns a source's prices into PriceTicked messages: numbers them (seq per symbol), stamps them, stores each round
 * in one transaction and only then publishes it on `market` (confirmed and persistent, as everything on this bus).
 *
 * So every tick anyone may have seen is on record, and Trade's trades are priced at ticks market.tick holds, even
 * when the leader is killed between the two steps or a broker node dies with a confirm; a new leader goes on right
 * after the latest stored seq. (symbol, seq) is unique there: a deposed leader that has not noticed yet cannot store,
 * so cannot publish, a seq its successor took. A round the database refuses is not published, and the next goes on
 * from the seqs stored by then (another leader's, if it was this one's successor's).
 * A round that comes while the previous one is still being stored or published is skipped: a price feed conflates,
 * and the next round carries the walk on.
 */
export function createTicker({ bus, store, logger, clock, resumeFrom, reload }: TickerDeps) {
  const lastSeq = new Map([...resumeFrom].map(([symbol, { seq }]) => [symbol, seq]));
  let inHand: Promise<void> | undefined;

  const publish = (tick: PriceTicked): Promise<void> =>
    bus
      .publish({ exchange: exchanges.market, routingKey: priceTickKey(tick.symbol), messageId: randomUUID(), type: tick.type, body: tick })
      .catch((err: unknown) => logger.warn({ err, symbol: tick.symbol, seq: tick.seq }, 'tick stored but not confirmed'));

  const storeThenPublish = async (ticks: PriceTicked[]): Promise<void> => {
    try {
      await store(ticks);
    } catch (err) {
      logger.warn({ err, ticks: ticks.length }, 'ticks not stored, so not published');
      for (const tick of ticks) lastSeq.set(tick.symbol, tick.seq - 1);
      const stored = await reload().catch(() => new Map<string, LatestTick>());
      for (const [symbol, { seq }] of stored) lastSeq.set(symbol, Math.max(seq, lastSeq.get(symbol) ?? 0));
      return;
    }
    await Promise.all(ticks.map(publish));
  };

  return {
    accept(points: readonly PricePoint[]): void {
      if (inHand || points.length === 0) return;
      const at = clock().toISOString();
      const ticks = points.map(({ symbol, price }): PriceTicked => {
        const seq = (lastSeq.get(symbol) ?? 0) + 1;
        lastSeq.set(symbol, seq);
        return { type: 'PriceTicked', symbol, price, at, seq };
      });
      inHand = storeThenPublish(ticks).finally(() => {
        inHand = undefined;
      });
    },
    /** Resolves once the round in hand, if any, is stored and published (or given up). */
    settled: (): Promise<void> => inHand ?? Promise.resolve(),
  };
}
export type Ticker = ReturnType<typeof createTicker>;
