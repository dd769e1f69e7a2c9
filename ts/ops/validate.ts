// Argument checks shared by every op. Each throws a typed error naming op, argument, expected
// and received, before any memory is touched.
import { DTypeError, ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { DType } from '../core/tensor.js';

/** A live tensor of the given dtype; returns its data offset. */
export function checkTensor(op: string, argument: string, t: unknown, dtype: DType = 'float32'): number {
  if (!(t instanceof Tensor)) {
    throw new ValueError(op, expectation(argument, 'a Tensor', t === null ? 'null' : typeof t));
  }
  const ptr = t.pointer(op, argument);
  if (t.dtype !== dtype) throw new DTypeError(op, expectation(argument, `dtype ${dtype}`, t.dtype));
  return ptr;
}

export function checkRank(op: string, argument: string, t: Tensor, rank: number, layout: string): void {
  if (t.rank !== rank) {
    throw new ShapeError(op, expectation(argument, `rank ${rank} ${layout}`, `rank ${t.rank} ${formatShape(t.shape)}`));
  }
}

/** A positive integer, or a pair of them; a single number applies to both axes. */
export function positivePair(op: string, argument: string, value: number | readonly number[] | undefined, fallback: number): [number, number] {
  const pair = value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : [...value];
  if (pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ValueError(op, expectation(argument, 'a positive integer or a pair of them', JSON.stringify(value)));
  }
  return pair as [number, number];
}

/** One axis in [-rank, rank), returned non-negative. */
export function checkAxis(op: string, rank: number, axis: unknown): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(op, expectation('axis', `an integer in [${-rank}, ${rank})`, JSON.stringify(axis) ?? String(axis)));
  }
  return axis < 0 ? axis + rank : axis;
}

/** The tensor's shape equals `shape`, or a ShapeError saying what was expected. */
export function checkShape(op: string, argument: string, t: Tensor, shape: readonly number[], meaning: string): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(op, expectation(argument, `shape ${formatShape(shape)} (${meaning})`, formatShape(t.shape)));
  }
}
