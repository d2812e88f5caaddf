import { connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { createDatabase, type Database } from '@trading/db';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl, testEnv } from '@trading/testkit';
import { type LeaderTerm, startLeaderTerm } from '../../src/leaderTerm.ts';
import { sourceFactory, type SourceSettings } from '../../src/makeSource.ts';
import { loadInstruments } from '../../src/tickStore.ts';

export const logger = createLogger('market-test', 'silent');

export const walk = (tickMs: number, volatility = 0.6): SourceSettings => ({
  MARKET_SOURCE: 'simulated',
  MARKET_VOLATILITY: volatility,
  MARKET_DRIFT: 0,
  MARKET_TICK_INTERVAL_MS: tickMs,
});

/** The run's database, as the market service sees it. */
export const database = (): Database => createDatabase({ url: testEnv().databaseUrl, poolMax: 2, logger });

/** Runs one leadership term in this process, publishing as the market's own broker user, for `ms`; then stops it. */
export async function runTerm(db: Database, settings: SourceSettings, ms: number): Promise<void> {
  const bus = await connectBus({ url: serviceAmqpUrl(testEnv(), 'market'), logger, service: 'market', topology, prefetch: 1 });
  let term: LeaderTerm | undefined;
  try {
    term = await startLeaderTerm({
      db,
      bus,
      logger,
      clock: () => new Date(),
      pruneIntervalMs: 60_000,
      retentionMs: 3_600_000,
      marketsAlwaysOpen: true,
      makeSource: sourceFactory(settings, 1234, await loadInstruments(db)),
    });
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    await term?.stop();
    await bus.close();
  }
}
