// matMul: (..., m, k) x (..., k, n) -> (..., m, n). Batch dims must be equal, or one operand is a
// plain matrix shared by every batch item. Transposes cost nothing for B (it is packed anyway);
// a transposed A is copied to row-major inside the kernel.
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { gemmCall } from '../core/abi.js';
import { Tensor, sizeOf, tidy } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { reduceToShape } from './reduce.js';
import { activationBackward, activationClamp } from './activation.js';
import type { FusedActivation } from './activation.js';
import { launch, pointerOrNull } from './kernel.js';
import { checkTensor } from './validate.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to every row of the result: shape (n). */
  bias?: Tensor;
  activation?: FusedActivation;
}

export interface MatMulGeometry {
  batchShape: number[];
  m: number;
  n: number;
  k: number;
}

export function matMulGeometry(op: string, a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): MatMulGeometry {
  for (const [name, shape] of [['a', a], ['b', b]] as const) {
    if (shape.length < 2) throw new ShapeError(op, expectation(name, 'rank 2 or more (..., rows, cols)', `rank ${shape.length} ${formatShape(shape)}`));
  }
  const [am, ak] = transposeA ? [a.at(-1)!, a.at(-2)!] : [a.at(-2)!, a.at(-1)!];
  const [bk, bn] = transposeB ? [b.at(-1)!, b.at(-2)!] : [b.at(-2)!, b.at(-1)!];
  if (ak !== bk) {
    throw new ShapeError(op, expectation('b', `${ak} rows${transposeB ? ' (transposed)' : ''} to match a's ${ak} columns${transposeA ? ' (transposed)' : ''}`, `${bk} in ${formatShape(b)}`));
  }
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  const shared = aBatch.length === 0 || bBatch.length === 0 || formatShape(aBatch) === formatShape(bBatch);
  if (!shared) {
    throw new ShapeError(op, expectation('b', `batch dims ${formatShape(aBatch)} as a's (or none)`, formatShape(bBatch)));
  }
  return { batchShape: aBatch.length ? aBatch : bBatch, m: am, n: bn, k: ak };
}

export function matMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const op = 'matMul';
  const { transposeA = false, transposeB = false, bias } = options;
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  const { batchShape, m, n, k } = matMulGeometry(op, a.shape, b.shape, transposeA, transposeB);
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== n) throw new ShapeError(op, expectation('bias', `shape [${n}]`, formatShape(bias.shape)));
  }
  const clamp = activationClamp(op, options.activation);
  const out = new Tensor([...batchShape, m, n], 'float32', op);
  launch(op, out, (heap) => {
    const gemm = (packed: number, ready: boolean) => heap.kernels.gemm_f32(gemmCall(heap, {
      batch: sizeOf(batchShape),
      m, n, k,
      a: a.pointer(op, 'a'),
      aRowStride: transposeA ? 1 : k,
      aColStride: transposeA ? m : 1,
      aBatchStride: a.rank > 2 ? m * k : 0,
      b: b.pointer(op, 'b'),
      bRowStride: transposeB ? 1 : n,
      bColStride: transposeB ? k : 1,
      bBatchStride: b.rank > 2 ? k * n : 0,
      bias: pointerOrNull(op, 'bias', bias),
      c: out.pointer(op, 'out'),
      packed,
      packedReady: ready ? 1 : 0,
    }, clamp));
    // A 2-D B (a weight matrix) is packed into a buffer kept with it, reused while it and the bias are unchanged.
    if (b.rank !== 2) return gemm(0, false);
    return b.withPackedCopy(op, `matMul transposeB ${transposeB} bias ${bias ? bias.valuesKey() : 'none'}`, 4 * heap.kernels.gemm_packed_len_f32(k, n), gemm);
  });
  record(op, bias ? [a, b, bias] : [a, b], [out], ([dy], [needA, needB, needBias]) =>
    tidy(() => {
      const dz = activationBackward(options.activation, out, dy!);
      return [
        needA ? reduceToShape(matMulInputGrad(b, dz, transposeA, transposeB), a.shape) : null,
        needB ? reduceToShape(matMulWeightGrad(a, dz, transposeA, transposeB), b.shape) : null,
        needBias ? reduceToShape(dz, [n]) : null,
      ];
    }),
  );
  return out;
}

/** ∂/∂A of op(A)·op(B): dC·op(B)ᵀ, transposed back when A was. Batch dims as in dC. */
function matMulInputGrad(b: Tensor, dc: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return transposeA ? matMul(b, dc, { transposeA: transposeB, transposeB: true }) : matMul(dc, b, { transposeB: !transposeB });
}

/** ∂/∂B of op(A)·op(B): op(A)ᵀ·dC, transposed back when B was. Batch dims as in dC. */
function matMulWeightGrad(a: Tensor, dc: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return transposeB ? matMul(dc, a, { transposeA: true, transposeB: transposeA }) : matMul(a, dc, { transposeA: !transposeA });
}
