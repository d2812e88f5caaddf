/** The only clock the gateway uses: tests pass a fake one and fire timers by hand. */
export type Clock = {
  schedule(callback: () => void, delayMs: number): { cancel(): void };
};

export const systemClock: Clock = {
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Settles as `work` does, or resolves `fallback` once `timeoutMs` passed first. */
export function orAfter<T>(clock: Clock, timeoutMs: number, work: Promise<T>, fallback: T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.schedule(() => resolve(fallback), timeoutMs);
    work.then(resolve, reject).finally(() => timer.cancel());
  });
}
