import type { CsvTick } from './csvTicks.ts';
import type { Instrument } from './instrument.ts';
import type { PricePoint, Source } from './source.ts';

/**
 * Replays a file's ticks in file order, each at its offset from the start of the pass, and loops: a pass lasts the
 * last offset plus `gapMs`, then the file plays again from its first line. Rows of one offset are emitted together.
 * A row whose symbol's market is closed at its moment is skipped.
 */
export function csvSource(
  rows: readonly CsvTick[],
  gapMs: number,
  bySymbol: ReadonlyMap<string, Instrument>,
  isOpen: (instrument: Instrument) => boolean,
): Source {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const passMs = (rows.at(-1)?.offsetMs ?? 0) + gapMs;
  return {
    start(emit) {
      stopped = false;
      let passStart = Date.now();
      let next = 0;
      const play = (): void => {
        if (stopped) return;
        const offset = rows[next]!.offsetMs;
        const points: PricePoint[] = [];
        while (next < rows.length && rows[next]!.offsetMs === offset) {
          const { symbol, price } = rows[next]!;
          if (isOpen(bySymbol.get(symbol)!)) points.push({ symbol, price });
          next += 1;
        }
        if (points.length > 0) emit(points);
        if (next === rows.length) {
          next = 0;
          passStart += passMs;
        }
        timer = setTimeout(play, Math.max(0, passStart + rows[next]!.offsetMs - Date.now()));
      };
      timer = setTimeout(play, rows[0]!.offsetMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
