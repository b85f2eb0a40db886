/**
 * Seeded pseudo-random numbers for the phantom: same seed, same sequence, on every platform.
 *
 * mulberry32 is Tommy Ettinger's 32-bit generator (public domain, 2017): a Weyl sequence (step 0x6D2B79F5)
 * passed through an xorshift-multiply finaliser. Period 2^32, enough for a few million noise samples.
 * Normal deviates use the Box-Muller transform (Box & Muller, Ann. Math. Statist. 1958, doi:10.1214/aoms/1177706645).
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, SD 1). */
  normal(): number;
}

export function mulberry32(seed: number): Prng {
  let state = seed >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { next, normal };
}
