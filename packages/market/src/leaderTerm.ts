import type { Bus } from '@trading/bus';
import type { Database } from '@trading/db';
import type { Logger } from '@trading/platform';
import { type Instrument, isOpen } from './instrument.ts';
import type { Source } from './source.ts';
import { createTicker } from './ticker.ts';
import { flushTicks, latestTicks, type LatestTick } from './tickStore.ts';

export type TermDeps = {
  db: Database;
  bus: Pick<Bus, 'publish'>;
  logger: Logger;
  clock: () => Date;
  flushIntervalMs: number;
  /** How long stored ticks are kept (each symbol's latest is kept however old). */
  retentionMs: number;
  marketsAlwaysOpen: boolean;
  /** The source of this term, from each symbol's latest stored tick (sourceFactory). */
  makeSource: (latest: ReadonlyMap<string, LatestTick>, open: (i: Instrument) => boolean) => Source;
};

/**
 * What a leader does while it leads: resume each symbol from its latest stored tick, run the source, publish its
 * ticks, and store them in one transaction every `flushIntervalMs`. `stop` stops the source and stores what is left.
 */
export async function startLeaderTerm({ db, bus, logger, clock, flushIntervalMs, retentionMs, marketsAlwaysOpen, makeSource }: TermDeps) {
  const latest = await latestTicks(db);
  const ticker = createTicker({ bus, logger, clock, resumeFrom: latest });
  const open = (instrument: Instrument): boolean => marketsAlwaysOpen || isOpen(instrument, clock());
  const source = makeSource(latest, open);

  let flushing = Promise.resolve();
  const flush = (settle: boolean): Promise<void> =>
    (flushing = flushing.then(async () => {
      const batch = await ticker.drain(settle);
      try {
        await flushTicks(db, batch, new Date(clock().getTime() - retentionMs));
        ticker.flushed(batch);
      } catch (err) {
        ticker.requeue(batch);
        logger.warn({ err, ticks: batch.length }, 'ticks not stored; keeping them for the next flush');
      }
    }));
  const timer = setInterval(() => void flush(false), flushIntervalMs);
  source.start((points) => ticker.accept(points));
  logger.info({ resumed: latest.size }, 'market term started');

  return {
    async stop(): Promise<void> {
      source.stop();
      clearInterval(timer);
      await flush(true);
    },
  };
}
export type LeaderTerm = Awaited<ReturnType<typeof startLeaderTerm>>;
