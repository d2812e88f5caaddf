import type { Bus } from '@trading/bus';
import type { Database } from '@trading/db';
import type { Logger } from '@trading/platform';
import { type Instrument, isOpen } from './instrument.ts';
import type { Source } from './source.ts';
import { createTicker } from './ticker.ts';
import { type LatestTick, latestTicks, pruneTicks, storeTicks } from './tickStore.ts';

export type TermDeps = {
  db: Database;
  bus: Pick<Bus, 'publish'>;
  logger: Logger;
  clock: () => Date;
  /** How often ticks past their retention are deleted. */
  pruneIntervalMs: number;
  /** How long stored ticks are kept (each symbol's latest is kept however old). */
  retentionMs: number;
  marketsAlwaysOpen: boolean;
  /** The source of this term, from each symbol's latest stored tick (sourceFactory). */
  makeSource: (latest: ReadonlyMap<string, LatestTick>, open: (i: Instrument) => boolean) => Source;
};

/**
 * What a leader does while it leads: resume each symbol from its latest stored tick, run the source, store each round
 * of ticks and then publish it (createTicker), and prune old ticks every `pruneIntervalMs`. `stop` stops the source
 * and waits for the round in hand.
 */
export async function startLeaderTerm({ db, bus, logger, clock, pruneIntervalMs, retentionMs, marketsAlwaysOpen, makeSource }: TermDeps) {
  const latest = await latestTicks(db);
  const ticker = createTicker({ bus, store: (ticks) => storeTicks(db, ticks), reload: () => latestTicks(db), logger, clock, resumeFrom: latest });
  const open = (instrument: Instrument): boolean => marketsAlwaysOpen || isOpen(instrument, clock());
  const source = makeSource(latest, open);
  const prune = () =>
    pruneTicks(db, new Date(clock().getTime() - retentionMs)).catch((err: unknown) => logger.warn({ err }, 'old ticks not pruned; trying again later'));
  const timer = setInterval(() => void prune(), pruneIntervalMs);
  source.start((points) => ticker.accept(points));
  logger.info({ resumed: latest.size }, 'market term started');

  return {
    async stop(): Promise<void> {
      source.stop();
      clearInterval(timer);
      await ticker.settled();
    },
  };
}
export type LeaderTerm = Awaited<ReturnType<typeof startLeaderTerm>>;
