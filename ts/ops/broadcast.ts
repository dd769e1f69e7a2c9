// The broadcasting binary kernels (NumPy rules: shapes aligned at the right; a dimension of 1
// stretches to match). The kernel walks the output with a stride per operand, 0 where it
// stretches. No autograd here: elementwise.ts records the differentiable ops built on this.
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { MAX_RANK, binaryCall } from '../core/abi.js';
import { Tensor, full, zeros } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import type { WasmExports } from '../core/wasm.js';
import { launch } from './kernel.js';
import { checkTensor } from './validate.js';

/** The broadcast output shape, or a ShapeError naming both shapes. */
export function broadcastShape(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, expectation('b', `a shape that broadcasts with a's ${formatShape(a)}`, formatShape(b)));
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The stride of an operand along each output dimension: 0 where it broadcasts. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = outShape.length - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

export type BinaryKernel = 'add_f32' | 'mul_f32' | 'sub_f32' | 'div_f32';

export function binary(op: string, kernel: BinaryKernel, a: Tensor, b: Tensor): Tensor {
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  const shape = broadcastShape(op, a.shape, b.shape);
  if (shape.length > MAX_RANK) {
    throw new ShapeError(op, expectation('a', `rank at most ${MAX_RANK}`, `rank ${shape.length}`));
  }
  const out = new Tensor(shape, 'float32', op);
  return launch(op, out, (heap) => (heap.kernels[kernel] as WasmExports['add_f32'])(binaryCall(heap, {
    rank: shape.length,
    shape,
    aStrides: broadcastStrides(a.shape, shape),
    bStrides: broadcastStrides(b.shape, shape),
    a: a.pointer(op, 'a'),
    aLen: a.size,
    b: b.pointer(op, 'b'),
    bLen: b.size,
    out: out.pointer(op, 'out'),
  })));
}

/**
 * x stretched to `shape` (x's shape must broadcast to it). A single value (a scalar loss's gradient
 * reaching a sum's input) is written once, instead of added to a tensor of zeros.
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor('broadcastTo', 'x', x);
  if (x.size === 1 && x.dtype === 'float32' && x.shape.length <= shape.length) return full(shape, x.dataSync()[0]!);
  const base = zeros(shape);
  try {
    return binary('broadcastTo', 'add_f32', base, x);
  } finally {
    base.dispose();
  }
}
