/**
 * A small seeded PRNG (mulberry32, 32 bits of state, period 2^32): uniform numbers in [0, 1), the same sequence for
 * the same seed on every machine. For simulations and loads that must replay, never for secrets.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
