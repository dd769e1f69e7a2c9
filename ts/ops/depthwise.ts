// Depthwise and separable 2-D convolution, NHWC: x (n, h, w, c), filter (kh, kw, c, multiplier)
// -> (n, oh, ow, c·multiplier), output channel c·multiplier + m (TensorFlow's order). The output
// size, strides, dilations and padding are conv2d's one definition (conv2dGeometry, with the
// equivalent dense filter shape). The kernel is direct (no im2col), vectorised over channels;
// its two gradients are wasm kernels too. separableConv2d is composed: depthwise, then a 1x1 conv2d.
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { dwConv2dCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { activationBackward, activationClamp } from './activation.js';
import { conv2d, conv2dGeometry } from './conv.js';
import type { Conv2dOptions } from './conv.js';
import { launch, pointerOrNull } from './kernel.js';
import { reduceToShape } from './reduce.js';
import { checkRank, checkTensor } from './validate.js';

export type DepthwiseConv2dOptions = Conv2dOptions;

interface DwGeometry {
  batch: number; inH: number; inW: number; channels: number; multiplier: number; outH: number; outW: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padLeft: number;
}

function depthwiseGeometry(op: string, x: Shape, filter: Shape, options: DepthwiseConv2dOptions, argument = 'filter'): DwGeometry {
  if (filter.length !== 4) {
    throw new ShapeError(op, expectation(argument, 'rank 4 (kh, kw, c, multiplier)', `rank ${filter.length} ${formatShape(filter)}`));
  }
  const [kh, kw, c, multiplier] = filter as [number, number, number, number];
  if (c !== x[3]) throw new ShapeError(op, expectation(argument, `c = ${x[3]} (x's channels) at axis 2 of (kh, kw, c, multiplier)`, formatShape(filter)));
  if (multiplier < 1) throw new ShapeError(op, expectation(argument, 'a channel multiplier of at least 1', formatShape(filter)));
  // Before conv2dGeometry, whose errors would name the grouped filter it is given, not this one.
  if (kh < 1 || kw < 1) throw new ShapeError(op, expectation(argument, 'kernel sizes of at least 1', formatShape(filter)));
  const g = conv2dGeometry(op, x, [kh, kw, c, c * multiplier], options);
  return {
    batch: g.batch, inH: g.inH, inW: g.inW, channels: c, multiplier, outH: g.outH, outW: g.outW, kernelH: g.kernelH, kernelW: g.kernelW,
    strideH: g.strideH, strideW: g.strideW, dilationH: g.dilationH, dilationW: g.dilationW, padTop: g.padTop, padLeft: g.padLeft,
  };
}

type DwKernel = 'dwconv2d_f32' | 'dwconv2d_bwd_input_f32' | 'dwconv2d_bwd_filter_f32';

function runDw(op: string, kernel: DwKernel, g: DwGeometry, out: Tensor, buffers: { x?: Tensor; filter?: Tensor; bias?: Tensor; dy?: Tensor }, clamp = { clampMin: -Infinity, clampMax: Infinity }): Tensor {
  return launch(op, out, (heap) =>
    heap.kernels[kernel](dwConv2dCall(heap, g, {
      x: pointerOrNull(op, 'x', buffers.x),
      filter: pointerOrNull(op, 'filter', buffers.filter),
      bias: pointerOrNull(op, 'bias', buffers.bias),
      dy: pointerOrNull(op, 'dy', buffers.dy),
      out: out.pointer(op, 'out'),
    }, clamp)),
  );
}

export function depthwiseConv2d(x: Tensor, filter: Tensor, options: DepthwiseConv2dOptions = {}): Tensor {
  const op = 'depthwiseConv2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'filter', filter);
  checkRank(op, 'x', x, 4, '(n, h, w, c)');
  const g = depthwiseGeometry(op, x.shape, filter.shape, options);
  const outC = g.channels * g.multiplier;
  const { bias } = options;
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== outC) throw new ShapeError(op, expectation('bias', `shape [${outC}] (c·multiplier)`, formatShape(bias.shape)));
  }
  const clamp = activationClamp(op, options.activation);
  const y = runDw(op, 'dwconv2d_f32', g, new Tensor([g.batch, g.outH, g.outW, outC], 'float32', op), { x, filter, ...(bias ? { bias } : {}) }, clamp);
  record(op, bias ? [x, filter, bias] : [x, filter], [y], ([dy], [needX, needFilter, needBias]) =>
    tidy(() => {
      const dz = activationBackward(options.activation, y, dy!);
      return [
        needX ? runDw('depthwiseConv2dBackpropInput', 'dwconv2d_bwd_input_f32', g, new Tensor(x.shape, 'float32', op), { dy: dz, filter }) : null,
        needFilter ? runDw('depthwiseConv2dBackpropFilter', 'dwconv2d_bwd_filter_f32', g, new Tensor(filter.shape, 'float32', op), { dy: dz, x }) : null,
        needBias ? reduceToShape(dz, [outC]) : null,
      ];
    }),
  );
  return y;
}

/**
 * A depthwise convolution (strides, padding and dilations apply here) followed by a 1x1 conv2d
 * with pointwiseFilter (1, 1, c·multiplier, c_out), which takes the bias and the activation.
 */
export function separableConv2d(x: Tensor, depthwiseFilter: Tensor, pointwiseFilter: Tensor, options: DepthwiseConv2dOptions = {}): Tensor {
  const op = 'separableConv2d';
  checkTensor(op, 'x', x);
  checkTensor(op, 'depthwiseFilter', depthwiseFilter);
  checkTensor(op, 'pointwiseFilter', pointwiseFilter);
  checkRank(op, 'x', x, 4, '(n, h, w, c)');
  const g = depthwiseGeometry(op, x.shape, depthwiseFilter.shape, options, 'depthwiseFilter');
  const mid = g.channels * g.multiplier;
  const p = pointwiseFilter.shape;
  if (p.length !== 4 || p[0] !== 1 || p[1] !== 1 || p[2] !== mid) {
    throw new ShapeError(op, expectation('pointwiseFilter', `shape [1, 1, ${mid}, c_out] (c·multiplier = ${mid})`, formatShape(p)));
  }
  const { bias, activation, ...spatial } = options;
  return tidy(() => conv2d(depthwiseConv2d(x, depthwiseFilter, spatial), pointwiseFilter, { ...(bias ? { bias } : {}), ...(activation ? { activation } : {}) }));
}
