import { seededRandom } from '@trading/platform';

/**
 * A small deterministic generator of standard normal draws: mulberry32 (a 32-bit seeded PRNG with a full period of
 * 2^32) for uniforms, Box-Muller for the normal. The same seed gives the same sequence on every machine.
 */
export type NormalSource = () => number;

/** Standard normal draws (mean 0, variance 1) from a seeded uniform source; the second Box-Muller draw is kept. */
export function normalFrom(seed: number): NormalSource {
  const uniform = seededRandom(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - uniform(); // in (0, 1]: log(u1) is finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}
