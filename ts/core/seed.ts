// Seeds for everything random in layers and training (initializers, dropout, shuffling). A layer
// or fit() given no seed draws one here, in creation order, so setRandomSeed(s) before building a
// model makes its weights, its dropout masks and its batches repeat exactly (as Keras's
// set_random_seed does). Without it the stream starts from Math.random.
import { ValueError, expectation } from './errors.js';
import { uniformGenerator } from './tensor.js';

let stream = uniformGenerator(Math.floor(Math.random() * 2 ** 32));

/** Restarts the library's seed stream. */
export function setRandomSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new ValueError('setRandomSeed', expectation('seed', 'an integer', String(seed)));
  stream = uniformGenerator(seed);
}

/** The next seed from the stream: a 32-bit unsigned integer. */
export function nextSeed(): number {
  return Math.floor(stream() * 2 ** 32);
}

/** A well-mixed 32-bit seed from a seed and a salt (murmur3's finaliser). */
export function mixSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seed option checked: an integer, or undefined to draw one from the stream. */
export function seedOption(op: string, seed: unknown): number {
  if (seed === undefined) return nextSeed();
  if (!Number.isInteger(seed)) throw new ValueError(op, expectation('seed', 'an integer', JSON.stringify(seed)));
  return (seed as number) >>> 0;
}
