import { readFileSync } from 'node:fs';
import { ConfigError } from '@trading/platform';
import { csvSource } from './csvSource.ts';
import { parseCsvTicks } from './csvTicks.ts';
import type { Instrument } from './instrument.ts';
import { simulatedSource } from './simulatedSource.ts';
import type { Source } from './source.ts';
import type { LatestTick } from './tickStore.ts';

export type SourceSettings = {
  MARKET_SOURCE: 'simulated' | 'csv';
  MARKET_CSV_FILE?: string | undefined;
  MARKET_VOLATILITY: number;
  MARKET_DRIFT: number;
  MARKET_TICK_INTERVAL_MS: number;
};

/**
 * The configured source of each leadership term: the walk from each symbol's latest price, or the replay file, read
 * and checked here, once at start (a bad line fails the start with its number).
 */
export function sourceFactory(config: SourceSettings, seed: number, instruments: readonly Instrument[]) {
  const file = config.MARKET_CSV_FILE;
  if (config.MARKET_SOURCE === 'csv' && !file) throw new ConfigError('invalid configuration: MARKET_CSV_FILE: required with MARKET_SOURCE=csv');
  const rows = config.MARKET_SOURCE === 'csv' ? readReplay(file!, instruments) : [];
  const bySymbol = new Map(instruments.map((i) => [i.symbol, i]));
  return (latest: ReadonlyMap<string, LatestTick>, open: (i: Instrument) => boolean): Source => {
    if (config.MARKET_SOURCE === 'csv') return csvSource(rows, config.MARKET_TICK_INTERVAL_MS, bySymbol, open);
    const start = new Map(instruments.map((i) => [i.symbol, latest.get(i.symbol)?.price ?? i.referencePrice]));
    const walk = { seed, volatility: config.MARKET_VOLATILITY, drift: config.MARKET_DRIFT, intervalMs: config.MARKET_TICK_INTERVAL_MS };
    return simulatedSource(walk, instruments, start, open);
  };
}

function readReplay(file: string, instruments: readonly Instrument[]) {
  try {
    return parseCsvTicks(readFileSync(file, 'utf8'), instruments);
  } catch (err) {
    throw new ConfigError(`invalid configuration: MARKET_CSV_FILE ${file}: ${(err as Error).message}`);
  }
}
