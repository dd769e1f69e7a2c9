// Shape ops. reshape copies (tensors never share storage, so dispose stays simple).
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { Tensor, sizeOf } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import { getHeap } from '../core/wasm.js';
import { record } from '../autograd/tape.js';
import { checkTensor } from './validate.js';

/** The target shape with a single -1 resolved from the size. */
export function resolveShape(op: string, size: number, shape: Shape): number[] {
  const unknown = shape.filter((d) => d === -1).length;
  const known = sizeOf(shape.filter((d) => d !== -1));
  const ok = unknown <= 1 && shape.every((d) => d === -1 || (Number.isInteger(d) && d >= 0));
  const resolved = shape.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (!ok || !Number.isInteger(sizeOf(resolved)) || sizeOf(resolved) !== size) {
    throw new ShapeError(op, expectation('shape', `a shape of ${size} elements (at most one -1)`, formatShape(shape)));
  }
  return resolved;
}

/** The same values in a new shape (row-major order kept); one dimension may be -1. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const op = 'reshape';
  const ptr = checkTensor(op, 'x', x, x instanceof Tensor ? x.dtype : 'float32');
  const y = new Tensor(resolveShape(op, x.size, shape), x.dtype, op);
  getHeap(op).copy(ptr, y.pointer(op, 'y'), x.size * 4);
  record(op, [x], [y], ([dy]) => [reshape(dy!, x.shape)]);
  return y;
}
