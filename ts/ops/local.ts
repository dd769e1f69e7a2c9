// Locally-connected layers (unshared convolution), channels-last: a separate weight matrix per
// output location, as in the lecture. x (n, h, w, c_in), w (oh·ow, kh·kw·c_in, c_out) — Keras's
// LocallyConnected2D kernel layout, rows in (ky, kx, c_in) order, locations row-major — gives
// y (n, oh, ow, c_out); bias, when given, is one per location and channel: (oh, ow, c_out).
// Parameters: oh·ow·kh·kw·c_in·c_out (+ oh·ow·c_out). 1-D is the h = 1 case: x (n, t, c_in),
// w (ot, k·c_in, c_out), bias (ot, c_out). A direct wasm kernel (forward vectorised over c_out)
// with both gradients; output size and padding are conv2d's one definition (convAxis).
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { local2dCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { convAxis } from './conv.js';
import { launch, pointerOrNull } from './kernel.js';
import { reduceToShape } from './reduce.js';
import { checkRank, checkTensor, positivePair } from './validate.js';

export interface LocallyConnected2dOptions {
  kernelSize: number | readonly [number, number];
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
  /** (oh, ow, c_out). */
  bias?: Tensor;
}

export interface LocallyConnected1dOptions {
  kernelSize: number;
  strides?: number;
  padding?: 'valid' | 'same';
  /** (ot, c_out). */
  bias?: Tensor;
}

interface LocalGeometry {
  batch: number; inH: number; inW: number; inC: number; outH: number; outW: number; outC: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; padTop: number; padLeft: number;
}

/** crates/kernels/src/local/mod.rs MAX_TAPS: the forward kernel's on-stack tap table. */
const MAX_TAPS = 128;

function localGeometry(op: string, x: Shape, w: Shape, kernel: [number, number], strides: [number, number], padding: unknown, oneD: boolean): LocalGeometry {
  if (padding !== 'valid' && padding !== 'same') throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(padding)));
  if (kernel[0] * kernel[1] > MAX_TAPS) {
    throw new ValueError(op, expectation('kernelSize', `a window of at most ${MAX_TAPS} taps`, JSON.stringify(oneD ? kernel[1] : kernel)));
  }
  const [batch, inH, inW, inC] = x as [number, number, number, number];
  const rows = convAxis(inH, kernel[0], strides[0], 1, padding);
  const cols = convAxis(inW, kernel[1], strides[1], 1, padding);
  if (rows.out < 1 || cols.out < 1) {
    const size = oneD ? `${kernel[1]}` : `${kernel[0]}x${kernel[1]}`;
    throw new ShapeError(op, expectation('x', `a spatial size of at least the kernel ${size}`, formatShape(oneD ? [batch, inW, inC] : x)));
  }
  const locations = rows.out * cols.out;
  const patch = kernel[0] * kernel[1] * inC;
  if (w.length !== 3 || w[0] !== locations || w[1] !== patch) {
    const layout = oneD ? `(ot = ${locations}, k·c_in = ${patch}, c_out)` : `(oh·ow = ${locations}, kh·kw·c_in = ${patch}, c_out)`;
    throw new ShapeError(op, expectation('w', `shape [${locations}, ${patch}, c_out] ${layout}`, formatShape(w)));
  }
  return {
    batch, inH, inW, inC, outH: rows.out, outW: cols.out, outC: w[2]!, kernelH: kernel[0], kernelW: kernel[1],
    strideH: strides[0], strideW: strides[1], padTop: rows.before, padLeft: cols.before,
  };
}

type LocalKernel = 'local2d_f32' | 'local2d_bwd_input_f32' | 'local2d_bwd_filter_f32';

function runLocal(op: string, kernel: LocalKernel, g: LocalGeometry, out: Tensor, buffers: { x?: Tensor; w?: Tensor; bias?: Tensor; dy?: Tensor }): Tensor {
  return launch(op, out, (heap) =>
    heap.kernels[kernel](local2dCall(heap, g, {
      x: pointerOrNull(op, 'x', buffers.x),
      filter: pointerOrNull(op, 'w', buffers.w),
      bias: pointerOrNull(op, 'bias', buffers.bias),
      dy: pointerOrNull(op, 'dy', buffers.dy),
      out: out.pointer(op, 'out'),
    })),
  );
}

function locallyConnected(op: string, x: Tensor, w: Tensor, g: LocalGeometry, bias: Tensor | undefined, outShape: number[], biasShape: number[]): Tensor {
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== biasShape.length || bias.shape.some((d, i) => d !== biasShape[i])) {
      throw new ShapeError(op, expectation('bias', `shape ${formatShape(biasShape)} (one per location and output channel)`, formatShape(bias.shape)));
    }
  }
  const y = runLocal(op, 'local2d_f32', g, new Tensor(outShape, 'float32', op), { x, w, ...(bias ? { bias } : {}) });
  record(op, bias ? [x, w, bias] : [x, w], [y], ([dy], [needX, needW, needBias]) =>
    tidy(() => [
      needX ? runLocal(`${op}BackpropInput`, 'local2d_bwd_input_f32', g, new Tensor(x.shape, 'float32', op), { dy: dy!, w }) : null,
      needW ? runLocal(`${op}BackpropFilter`, 'local2d_bwd_filter_f32', g, new Tensor(w.shape, 'float32', op), { dy: dy!, x }) : null,
      needBias ? reduceToShape(dy!, biasShape) : null,
    ]),
  );
  return y;
}

export function locallyConnected2d(x: Tensor, w: Tensor, options: LocallyConnected2dOptions): Tensor {
  const op = 'locallyConnected2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  checkRank(op, 'x', x, 4, '(n, h, w, c_in)');
  const kernel = positivePair(op, 'kernelSize', options?.kernelSize, NaN);
  const strides = positivePair(op, 'strides', options.strides, 1);
  const g = localGeometry(op, x.shape, w.shape, kernel, strides, options.padding ?? 'valid', false);
  return locallyConnected(op, x, w, g, options.bias, [g.batch, g.outH, g.outW, g.outC], [g.outH, g.outW, g.outC]);
}

export function locallyConnected1d(x: Tensor, w: Tensor, options: LocallyConnected1dOptions): Tensor {
  const op = 'locallyConnected1d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  checkRank(op, 'x', x, 3, '(n, t, c_in)');
  const k = options?.kernelSize;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(op, expectation('kernelSize', 'a positive integer', JSON.stringify(k)));
  const s = options.strides ?? 1;
  if (!Number.isInteger(s) || s < 1) throw new ValueError(op, expectation('strides', 'a positive integer', JSON.stringify(s)));
  const [n, t, c] = x.shape as [number, number, number];
  const g = localGeometry(op, [n, 1, t, c], w.shape, [1, k], [1, s], options.padding ?? 'valid', true);
  return locallyConnected(op, x, w, g, options.bias, [g.batch, g.outW, g.outC], [g.outW, g.outC]);
}
