// The tests' one deterministic generator (Numerical Recipes' 32-bit LCG), so that a failing case
// reproduces from its seed in any runtime.

/** A generator of values in [0, 1) from `seed`. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The generator `next` mapped from [0, 1) to [-1, 1), drawing from the same stream. */
export function signed(next: () => number): () => number {
  return () => 2 * next() - 1;
}

/** n values in [-1, 1) from `seed`. */
export function uniformValues(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, signed(lcg(seed)));
}
