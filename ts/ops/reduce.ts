// Sums over axes. The primitive sums one axis of an (outer, mid, inner) view, keeping it as size 1;
// sum is composed from it and reshape, so it needs no backward of its own.
import { ValueError, expectation } from '../core/errors.js';
import { Tensor, sizeOf, tidy } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { broadcastTo } from './broadcast.js';
import { launch } from './kernel.js';
import { reshape } from './shape.js';
import { checkTensor } from './validate.js';

/** Sorted, de-duplicated, non-negative axes; undefined means all. */
export function normalizeAxes(op: string, rank: number, axis: number | readonly number[] | undefined): number[] {
  const list = axis === undefined ? [...Array(rank).keys()] : typeof axis === 'number' ? [axis] : [...axis];
  const axes = list.map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => !Number.isInteger(a) || a < 0 || a >= rank)) {
    throw new ValueError(op, expectation('axis', `integers in [${-rank}, ${rank})`, JSON.stringify(axis)));
  }
  return [...new Set(axes)].sort((a, b) => a - b);
}

/** Σ over one axis, kept as size 1. Its gradient stretches dy back over that axis. */
function sumAxis(op: string, x: Tensor, axis: number): Tensor {
  const y = new Tensor(x.shape.map((d, i) => (i === axis ? 1 : d)), 'float32', op);
  const [outer, mid, inner] = [sizeOf(x.shape.slice(0, axis)), x.shape[axis]!, sizeOf(x.shape.slice(axis + 1))];
  launch(op, y, (heap) => heap.kernels.reduce_sum_f32(x.pointer(op, 'x'), y.pointer(op, 'y'), outer, mid, inner));
  record(op, [x], [y], ([dy]) => [broadcastTo(dy!, x.shape)]);
  return y;
}

export function sumAxes(op: string, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  return tidy(() => {
    let acc = x;
    for (const axis of [...axes].reverse()) acc = sumAxis(op, acc, axis);
    return reshape(acc, keepDims ? acc.shape : x.shape.filter((_, i) => !axes.includes(i)));
  });
}

/** Σ over the given axes (all by default). */
export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor('sum', 'x', x);
  return sumAxes('sum', x, normalizeAxes('sum', x.rank, axis), keepDims);
}

/** Sums dy over the axes along which an operand of `shape` was broadcast, giving that shape. */
export function reduceToShape(dy: Tensor, shape: Shape): Tensor {
  const lead = dy.rank - shape.length;
  const axes = dy.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1));
  if (axes.length === 0) return dy;
  return tidy(() => reshape(sumAxes('sum', dy, axes, true), shape));
}
