// conv2d, NHWC: x (n, h, w, c_in), filter (kh, kw, c_in, c_out) -> (n, oh, ow, c_out).
// conv2dGeometry is the one definition of the output shape and padding, used by the op, its
// gradients and the tests. 'same' follows TensorFlow: the odd extra pixel goes to the
// bottom/right. The kernel picks GEMM for 1x1 stride-1 convolutions and indirect GEMM otherwise.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { conv2dBwdCall, conv2dCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { reduceToShape } from './reduce.js';
import type { Shape } from '../core/tensor.js';
import { activationBackward, activationClamp } from './activation.js';
import type { FusedActivation } from './activation.js';
import { launch } from './kernel.js';
import { checkRank, checkTensor, positivePair } from './validate.js';

export type Padding2D = 'same' | 'valid' | readonly [readonly [number, number], readonly [number, number]];

export interface Conv2dOptions {
  strides?: number | readonly [number, number];
  padding?: Padding2D;
  dilations?: number | readonly [number, number];
  /** Added to every output pixel: shape (c_out). */
  bias?: Tensor;
  /** Applied in the kernel's epilogue. */
  activation?: FusedActivation;
}

export interface Conv2dGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/** Output size and padding along one axis. */
export function convAxis(size: number, kernel: number, stride: number, dilation: number, padding: 'same' | 'valid' | readonly [number, number]): { out: number; before: number; after: number } {
  const span = dilation * (kernel - 1) + 1;
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const [before, after] = padding === 'valid' ? [0, 0] : padding;
  return { out: Math.floor((size + before + after - span) / stride) + 1, before, after };
}

function explicitPadding(op: string, padding: unknown): readonly [readonly [number, number], readonly [number, number]] | 'same' | 'valid' {
  if (padding === 'same' || padding === 'valid') return padding;
  const ok =
    Array.isArray(padding) && padding.length === 2 &&
    padding.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok) {
    throw new ValueError(op, expectation('padding', "'same', 'valid' or [[top, bottom], [left, right]] of non-negative integers", JSON.stringify(padding)));
  }
  return padding as unknown as readonly [readonly [number, number], readonly [number, number]];
}

export function conv2dGeometry(op: string, x: Shape, filter: Shape, options: Pick<Conv2dOptions, 'strides' | 'padding' | 'dilations'> = {}): Conv2dGeometry {
  if (x.length !== 4) throw new ShapeError(op, expectation('x', 'rank 4 (n, h, w, c_in)', `rank ${x.length} ${formatShape(x)}`));
  if (filter.length !== 4) {
    throw new ShapeError(op, expectation('filter', 'rank 4 (kh, kw, c_in, c_out)', `rank ${filter.length} ${formatShape(filter)}`));
  }
  const [batch, inH, inW, inC] = x as [number, number, number, number];
  const [kernelH, kernelW, filterC, outC] = filter as [number, number, number, number];
  if (filterC !== inC) {
    throw new ShapeError(op, expectation('filter', `c_in = ${inC} (x's channels) at axis 2 of (kh, kw, c_in, c_out)`, formatShape(filter)));
  }
  if (kernelH < 1 || kernelW < 1) throw new ShapeError(op, expectation('filter', 'kernel height and width of at least 1', formatShape(filter)));
  const [strideH, strideW] = positivePair(op, 'strides', options.strides, 1);
  const [dilationH, dilationW] = positivePair(op, 'dilations', options.dilations, 1);
  const padding = explicitPadding(op, options.padding ?? 'valid');
  const rows = convAxis(inH, kernelH, strideH, dilationH, typeof padding === 'string' ? padding : padding[0]);
  const cols = convAxis(inW, kernelW, strideW, dilationW, typeof padding === 'string' ? padding : padding[1]);
  if (rows.out < 1 || cols.out < 1) {
    const span = `${dilationH * (kernelH - 1) + 1}x${dilationW * (kernelW - 1) + 1}`;
    throw new ShapeError(op, expectation('x', `a padded spatial size of at least the dilated filter's ${span}`, `${formatShape(x)} with padding ${JSON.stringify(padding)}`));
  }
  return {
    batch, inH, inW, inC, outH: rows.out, outW: cols.out, outC, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
    padTop: rows.before, padBottom: rows.after, padLeft: cols.before, padRight: cols.after,
  };
}

export function conv2d(x: Tensor, filter: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'filter', filter);
  checkRank(op, 'x', x, 4, '(n, h, w, c_in)');
  const g = conv2dGeometry(op, x.shape, filter.shape, options);
  const { bias } = options;
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== g.outC) throw new ShapeError(op, expectation('bias', `shape [${g.outC}] (c_out)`, formatShape(bias.shape)));
  }
  const clamp = activationClamp(op, options.activation);
  const y = new Tensor([g.batch, g.outH, g.outW, g.outC], 'float32', op);
  launch(op, y, (heap) =>
    heap.kernels.conv2d_f32(
      conv2dCall(heap, {
        ...g,
        x: x.pointer(op, 'x'),
        filter: filter.pointer(op, 'filter'),
        bias: bias ? bias.pointer(op, 'bias') : 0,
        y: y.pointer(op, 'y'),
        ...clamp,
      }),
    ),
  );
  record(op, bias ? [x, filter, bias] : [x, filter], [y], ([dy], [needX, needFilter, needBias]) =>
    tidy(() => {
      const dz = activationBackward(options.activation, y, dy!);
      return [
        needX ? conv2dBackward('conv2dBackpropInput', g, dz, filter, x.shape) : null,
        needFilter ? conv2dBackward('conv2dBackpropFilter', g, dz, x, filter.shape) : null,
        needBias ? reduceToShape(dz, [g.outC]) : null,
      ];
    }),
  );
  return y;
}

/**
 * conv2d's gradients: ∂L/∂x from (dy, filter), or ∂L/∂filter from (dy, x); `other` is the operand
 * that is not differentiated and `shape` the shape of the result.
 */
function conv2dBackward(op: 'conv2dBackpropInput' | 'conv2dBackpropFilter', g: Conv2dGeometry, dy: Tensor, other: Tensor, shape: Shape): Tensor {
  const out = new Tensor(shape, 'float32', op);
  const input = op === 'conv2dBackpropInput';
  return launch(op, out, (heap) => {
    const call = conv2dBwdCall(heap, {
      ...g,
      x: input ? 0 : other.pointer(op, 'x'),
      filter: input ? other.pointer(op, 'filter') : 0,
      dy: dy.pointer(op, 'dy'),
      out: out.pointer(op, 'out'),
    });
    return input ? heap.kernels.conv2d_bwd_input_f32(call) : heap.kernels.conv2d_bwd_filter_f32(call);
  });
}
