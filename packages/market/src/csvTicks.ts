import { Decimal } from 'decimal.js';
import type { Instrument } from './instrument.ts';

/** One row of a replay file: `at_offset_ms,symbol,price`, the offset from the start of the replay. */
export type CsvTick = { offsetMs: number; symbol: string; price: string };

const PRICE = /^\d+(\.\d{1,8})?$/;

/**
 * Reads a replay file's text: a header `at_offset_ms,symbol,price`, then one tick per line, offsets never
 * decreasing, symbols of the catalogue, prices positive decimals on the symbol's tick. A broken line fails with its
 * number, so a bad file stops the service at start.
 */
export function parseCsvTicks(text: string, instruments: readonly Instrument[]): CsvTick[] {
  const ticks = new Map(instruments.map((i) => [i.symbol, new Decimal(i.priceTick)]));
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (lines[0] !== 'at_offset_ms,symbol,price') throw new Error('the first line must be the header at_offset_ms,symbol,price');
  const rows: CsvTick[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 2}`;
    const [offset = '', symbol = '', price = ''] = line.split(',').map((cell) => cell.trim());
    const offsetMs = Number(offset);
    if (!/^\d+$/.test(offset) || offsetMs < (rows.at(-1)?.offsetMs ?? 0)) throw new Error(`${where}: at_offset_ms must be a whole number, never decreasing`);
    const tick = ticks.get(symbol);
    if (!tick) throw new Error(`${where}: unknown symbol ${symbol}`);
    if (!PRICE.test(price) || new Decimal(price).lte(0) || !new Decimal(price).mod(tick).isZero()) {
      throw new Error(`${where}: price must be a positive decimal on the tick ${tick.toFixed()}`);
    }
    rows.push({ offsetMs, symbol, price: new Decimal(price).toFixed() });
  });
  if (rows.length === 0) throw new Error('no ticks');
  return rows;
}
