import type { Instrument } from './instrument.ts';
import { createRandomWalk, type WalkSettings } from './randomWalk.ts';
import type { PricePoint, Source } from './source.ts';

/**
 * The default source: every `intervalMs`, one step of the seeded random walk for each symbol whose market is open,
 * starting from `start` (each symbol's latest stored price, else its reference price). A closed symbol does not
 * step, so it neither ticks nor moves.
 */
export function simulatedSource(
  settings: WalkSettings,
  instruments: readonly Instrument[],
  start: ReadonlyMap<string, string>,
  isOpen: (instrument: Instrument) => boolean,
): Source {
  const walk = createRandomWalk(settings, start);
  let timer: NodeJS.Timeout | undefined;
  const step = (): PricePoint[] => instruments.filter(isOpen).map(({ symbol, priceTick }) => ({ symbol, price: walk.step(symbol, priceTick) }));
  return {
    start(emit) {
      timer = setInterval(() => {
        const points = step();
        if (points.length > 0) emit(points);
      }, settings.intervalMs);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
