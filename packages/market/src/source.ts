/** One price of one symbol, as a source produces it: a decimal string on the symbol's tick. */
export type PricePoint = { symbol: string; price: string };

/**
 * Where prices come from (the random walk, a CSV replay). A source emits the prices of one moment together and asks
 * `isOpen` before it prices a symbol, so it is silent while that symbol's market is closed.
 */
export type Source = {
  start(emit: (points: PricePoint[]) => void): void;
  stop(): void;
};
