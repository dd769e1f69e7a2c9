// The tests' one deterministic generator (Numerical Recipes' 32-bit LCG), so that a failing case
// reproduces from its seed in any runtime.

/** A generator of values in [0, 1) from `seed`. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** n values in [-1, 1) from `seed`. */
export function uniformValues(n: number, seed: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length: n }, () => 2 * next() - 1);
}
