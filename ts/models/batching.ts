// Rows of tensors for batching: copies along axis 0 inside wasm memory (a run of consecutive rows
// is one copy), and the seeded shuffle. Not differentiable: these move data, not activations.
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { Tensor, sizeOf } from '../core/tensor.js';
import { getHeap } from '../core/wasm.js';

/** Rows `indices` of x (axis 0), in that order, as a new tensor. */
export function takeRows(x: Tensor, indices: ArrayLike<number>): Tensor {
  const op = 'takeRows';
  const rowBytes = sizeOf(x.shape.slice(1)) * 4;
  const out = new Tensor([indices.length, ...x.shape.slice(1)], x.dtype, op);
  const heap = getHeap(op);
  const [src, dst] = [x.pointer(op, 'x'), out.pointer(op, 'out')];
  for (let i = 0; i < indices.length; ) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1]! + 1) j++;
    heap.copy(src + indices[i]! * rowBytes, dst + i * rowBytes, (j - i) * rowBytes);
    i = j;
  }
  return out;
}

/** Rows start .. end - 1 of x. */
export function sliceRows(x: Tensor, start: number, end: number): Tensor {
  return takeRows(x, range(start, end));
}

/** Copies `rows` into `into` from row `start` on. */
export function writeRows(into: Tensor, start: number, rows: Tensor): void {
  const op = 'writeRows';
  const row = into.shape.slice(1);
  if (formatShape(rows.shape.slice(1)) !== formatShape(row)) {
    throw new ShapeError(op, expectation('rows', `rows of shape ${formatShape(row)}`, formatShape(rows.shape)));
  }
  const rowBytes = sizeOf(row) * 4;
  getHeap(op).copy(rows.pointer(op, 'rows'), into.pointer(op, 'into') + start * rowBytes, rows.size * 4);
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** A Fisher-Yates shuffle of 0 .. n - 1 driven by `uniform`. */
export function permutation(n: number, uniform: () => number): number[] {
  const order = range(0, n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
