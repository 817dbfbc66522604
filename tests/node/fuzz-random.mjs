// Seeded randomness for the fuzz suites (fuzz-*.test.mjs): a failing case replays with the
// same FUZZ_SEED, and FUZZ_RUNS widens a run.

/** The run's seed (FUZZ_SEED, else `fallback`) and case count (FUZZ_RUNS, else `runs`). */
export function fuzzSettings(fallbackSeed, runs) {
  return { seed: Number(process.env.FUZZ_SEED || fallbackSeed), runs: Number(process.env.FUZZ_RUNS || runs) };
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of `list`, picked with `rand`. */
export const pick = (rand, list) => list[Math.floor(rand() * list.length)];
