import type { Bus } from '@trading/bus';
import type { Database, Outbox, ProcessOnce } from '@trading/db';
import type { Logger } from '@trading/platform';
import type { OrderRules } from './decideOrder.ts';
import type { Catalogue } from './domain.ts';
import type { PriceBook } from './priceBook.ts';

/** Everything the Trade service's handlers need, built once by main.ts. */
export type TradeDeps = {
  db: Database;
  bus: Bus;
  outbox: Outbox;
  /** Exactly-once application of a message's effect, batched per transaction (@trading/db). */
  processOnce: ProcessOnce;
  logger: Logger;
  /** The only source of "now": market hours, deadlines, trade times and saga durations. */
  clock: () => Date;
  catalogue: Catalogue;
  /** The latest market price of each symbol (fed by the market's ticks). */
  prices: PriceBook;
  settings: TradeSettings;
};

export type TradeSettings = OrderRules & {
  /** How long a saga waits for Payment's next answer before its deadline passes. */
  sagaTimeoutMs: number;
  /** Fault injection for tests: symbols whose BUY trade recording fails after the funds are reserved. */
  failRecordingFor: ReadonlySet<string>;
};

export function deadlineAfter(now: Date, settings: TradeSettings): Date {
  return new Date(now.getTime() + settings.sagaTimeoutMs);
}
