// concat: tensors joined along one axis. Viewed as (outer, size along axis · inner), each input is
// `outer` runs that land side by side in the output's rows: one strided block copy per input. The
// gradient cuts dy back into the same runs.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, sizeOf } from '../core/tensor.js';
import type { Heap } from '../core/heap.js';
import { getHeap } from '../core/wasm.js';
import { record } from '../autograd/tape.js';
import { checkAxis, checkTensor } from './validate.js';

/** Every tensor checked against tensors[0]: dtype, rank, and every size but the axis's. */
function checkInputs(op: string, tensors: unknown, axis: unknown): number {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError(op, expectation('tensors', 'a non-empty array of tensors', Array.isArray(tensors) ? '[]' : typeof tensors));
  }
  const first: unknown = tensors[0];
  const dtype = first instanceof Tensor ? first.dtype : 'float32';
  checkTensor(op, 'tensors[0]', first, dtype);
  const shape = (first as Tensor).shape;
  if (shape.length === 0) throw new ShapeError(op, expectation('tensors[0]', 'rank 1 or more', 'rank 0 []'));
  const a = checkAxis(op, shape.length, axis);
  const pattern = `[${shape.map((d, i) => (i === a ? '*' : d)).join(', ')}]`;
  (tensors as unknown[]).forEach((t, i) => {
    const name = `tensors[${i}]`;
    checkTensor(op, name, t, dtype);
    const s = (t as Tensor).shape;
    if (s.length !== shape.length || s.some((d, j) => j !== a && d !== shape[j])) {
      throw new ShapeError(op, expectation(name, `shape ${pattern} to match tensors[0] ${formatShape(shape)} off axis ${a}`, formatShape(s)));
    }
  });
  return a;
}

interface Run {
  /** Words per run of this input, and its first word in an output row. */
  len: number;
  offset: number;
}

function runs(tensors: readonly Tensor[], axis: number): { outer: number; row: number; parts: Run[] } {
  const inner = sizeOf(tensors[0]!.shape.slice(axis + 1));
  let offset = 0;
  const parts = tensors.map((t) => {
    const len = t.shape[axis]! * inner;
    offset += len;
    return { len, offset: offset - len };
  });
  return { outer: sizeOf(tensors[0]!.shape.slice(0, axis)), row: offset, parts };
}

function copyRuns(heap: Heap, src: number, srcStride: number, dst: number, dstStride: number, rows: number, len: number): void {
  heap.check('concat', heap.kernels.copy_blocks_u32(src, srcStride, dst, dstStride, rows, len));
}

/** The tensors joined along `axis` (negative counts from the end); all else must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  const a = checkInputs(op, tensors, axis);
  const { outer, row, parts } = runs(tensors, a);
  const shape = tensors[0]!.shape.map((d, i) => (i === a ? tensors.reduce((s, t) => s + t.shape[a]!, 0) : d));
  const y = new Tensor(shape, tensors[0]!.dtype, op);
  const heap = getHeap(op);
  const base = y.pointer(op, 'y');
  tensors.forEach((t, i) => copyRuns(heap, t.pointer(op, `tensors[${i}]`), parts[i]!.len, base + 4 * parts[i]!.offset, row, outer, parts[i]!.len));
  record(op, tensors, [y], ([dy], needed) =>
    tensors.map((t, i) => {
      if (!needed[i]) return null;
      const dx = new Tensor(t.shape, 'float32', `${op}Backward`);
      copyRuns(heap, dy!.pointer(op, 'dy') + 4 * parts[i]!.offset, row, dx.pointer(op, 'dx'), parts[i]!.len, outer, parts[i]!.len);
      return dx;
    }),
  );
  return y;
}
