// The convolution family, channels-last: conv1d x (n, t, c_in), filter (k, c_in/G, c_out);
// conv2d x (n, h, w, c_in), filter (kh, kw, c_in/G, c_out); conv3d x (n, d, h, w, c_in), filter
// (kd, kh, kw, c_in/G, c_out); conv2dTranspose, the gradient of conv2d w.r.t. its input.
// convGeometry is the one definition of the output shape and padding, used by the ops, their
// gradients and the tests; conv2dGeometry is its 2-D view. 'same' follows TensorFlow: the odd extra
// pixel goes to the bottom/right. 'causal' pads the time axis (conv1d's only axis, conv3d's d) all
// before; 'circular' wraps around (the kernel wraps the indices, so the gradient wraps back).
// One kernel family serves all ranks: 1-D runs as d = h = 1, 2-D as d = 1, and a plain 2-D
// convolution (groups 1, no circular axis) keeps the GEMM / row-run fast paths inside the kernel;
// so a circular 1-D or 2-D one with groups 1 is padded once (ops/pad.ts) and run as a 'valid' one.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { convNdBwdCall, convNdCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { reduceToShape } from './reduce.js';
import { add } from './elementwise.js';
import type { Shape } from '../core/tensor.js';
import { activationBackward, activationClamp } from './activation.js';
import type { FusedActivation } from './activation.js';
import { launch, pointerOrNull } from './kernel.js';
import { checkRank, checkTensor, positivePair } from './validate.js';
import { chooseConvAlgorithm, circularConvFft } from './circular.js';
import type { ConvAlgorithm } from './circular.js';
import { circularPad } from './pad.js';

export type AxisPadding = 'same' | 'valid' | 'causal' | 'circular' | readonly [number, number];
export type Padding1D = 'same' | 'valid' | 'causal' | 'circular' | readonly [number, number];
export type Padding2D = 'same' | 'valid' | 'circular' | readonly [readonly [number, number], readonly [number, number]];
/** One string for every axis, or one entry per axis ('causal' only on d, the time axis). */
export type Padding3D = 'same' | 'valid' | 'circular' | readonly [AxisPadding, AxisPadding, AxisPadding];

type Triple = [number, number, number];

interface ConvCommon {
  /** Added to every output pixel: shape (c_out). */
  bias?: Tensor;
  /** Applied in the kernel's epilogue. */
  activation?: FusedActivation;
  /** Group g reads channels [g·c_in/G, (g+1)·c_in/G) and writes its c_out/G outputs. */
  groups?: number;
}

export interface Conv1dOptions extends ConvCommon {
  stride?: number;
  padding?: Padding1D;
  dilation?: number;
  /** With padding 'circular': the direct kernel (default: sums in a fixed order, so exactly shift-equivariant), the FFT (ops/circular.ts), or 'auto': the FFT where its estimated cost is lower. */
  algorithm?: ConvAlgorithm;
}

export interface Conv2dOptions extends ConvCommon {
  strides?: number | readonly [number, number];
  padding?: Padding2D;
  dilations?: number | readonly [number, number];
  /** With padding 'circular': the direct kernel (default: sums in a fixed order, so exactly shift-equivariant), the FFT (ops/circular.ts), or 'auto': the FFT where its estimated cost is lower. */
  algorithm?: ConvAlgorithm;
}

export interface Conv3dOptions extends ConvCommon {
  strides?: number | readonly [number, number, number];
  padding?: Padding3D;
  dilations?: number | readonly [number, number, number];
}

export interface ConvGeometryOptions {
  strides?: number | readonly number[];
  padding?: unknown;
  dilations?: number | readonly number[];
  groups?: number;
}

/** Every convolution as 3 spatial axes [d, h, w]; 1-D puts t on w, 2-D (h, w) on h and w. */
export interface ConvGeometry {
  rank: 1 | 2 | 3;
  batch: number;
  inC: number;
  outC: number;
  groups: number;
  /** Bit a set: axis a (0 = d, 1 = h, 2 = w) wraps around. */
  circular: number;
  input: Triple;
  output: Triple;
  kernel: Triple;
  stride: Triple;
  dilation: Triple;
  padBefore: Triple;
  padAfter: Triple;
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
  groups: number;
  circular: boolean;
}

/** Output size and padding along one axis. 'circular' pads as 'same' does, with wrapped values. */
export function convAxis(size: number, kernel: number, stride: number, dilation: number, padding: AxisPadding): { out: number; before: number; after: number } {
  const span = dilation * (kernel - 1) + 1;
  if (padding === 'same' || padding === 'circular') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const [before, after] = padding === 'valid' ? [0, 0] : padding === 'causal' ? [span - 1, 0] : padding;
  return { out: Math.floor((size + before + after - span) / stride) + 1, before, after };
}

const X_LAYOUT = ['(n, t, c_in)', '(n, h, w, c_in)', '(n, d, h, w, c_in)'] as const;
const FILTER_LAYOUT = ['(k, c_in, c_out)', '(kh, kw, c_in, c_out)', '(kd, kh, kw, c_in, c_out)'] as const;
const PADDING_EXPECTED = [
  "'same', 'valid', 'causal', 'circular' or [left, right] of non-negative integers",
  "'same', 'valid', 'circular' or [[top, bottom], [left, right]] of non-negative integers",
  "'same', 'valid', 'circular' or one entry per axis [d, h, w], each 'same', 'valid', 'circular', [before, after] or ('causal', d only)",
] as const;

const isPair = (v: unknown): v is readonly [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n) && n >= 0);

/** One AxisPadding per spatial axis of the op, or a ValueError. */
function axisPaddings(op: string, rank: 1 | 2 | 3, padding: unknown): AxisPadding[] {
  const fail = () => new ValueError(op, expectation('padding', PADDING_EXPECTED[rank - 1]!, JSON.stringify(padding)));
  const names = rank === 1 ? ['same', 'valid', 'causal', 'circular'] : ['same', 'valid', 'circular'];
  if (typeof padding === 'string') {
    if (!names.includes(padding)) throw fail();
    return new Array<AxisPadding>(rank).fill(padding as AxisPadding);
  }
  if (rank === 1) {
    if (!isPair(padding)) throw fail();
    return [padding];
  }
  if (!Array.isArray(padding) || padding.length !== rank) throw fail();
  return padding.map((p: unknown, axis) => {
    const ok = isPair(p) || (rank === 3 && (['same', 'valid', 'circular'].includes(p as string) || (p === 'causal' && axis === 0)));
    if (!ok) throw fail();
    return p as AxisPadding;
  });
}

/** A positive integer, or one per axis. */
function positiveTuple(op: string, argument: string, rank: 1 | 2 | 3, value: number | readonly number[] | undefined): number[] {
  if (rank === 2) return positivePair(op, argument, value as number | readonly [number, number] | undefined, 1);
  const values = value === undefined ? new Array<number>(rank).fill(1) : typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
  if (values.length !== rank || values.some((v) => !Number.isInteger(v) || v < 1)) {
    // conv1d's options are singular: stride, dilation.
    const name = rank === 1 ? argument.replace(/s$/, '') : argument;
    throw new ValueError(op, expectation(name, rank === 1 ? 'a positive integer' : 'a positive integer or one per axis [d, h, w]', JSON.stringify(value)));
  }
  return values;
}

/** Places the op's spatial values on [d, h, w]: 1-D on w, 2-D on h and w. */
function spread(values: readonly number[], fill: number): Triple {
  return [...new Array<number>(3 - values.length).fill(fill), ...values] as Triple;
}

/** The one definition of a convolution's output shape and padding, for 1, 2 or 3 spatial axes. */
export function convGeometry(op: string, rank: 1 | 2 | 3, x: Shape, filter: Shape, options: ConvGeometryOptions = {}): ConvGeometry {
  if (x.length !== rank + 2) throw new ShapeError(op, expectation('x', `rank ${rank + 2} ${X_LAYOUT[rank - 1]!}`, `rank ${x.length} ${formatShape(x)}`));
  if (filter.length !== rank + 2) {
    throw new ShapeError(op, expectation('filter', `rank ${rank + 2} ${FILTER_LAYOUT[rank - 1]}`, `rank ${filter.length} ${formatShape(filter)}`));
  }
  const batch = x[0]!;
  const inC = x[rank + 1]!;
  const kernel = filter.slice(0, rank);
  const [filterC, outC] = [filter[rank]!, filter[rank + 1]!];
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || inC % groups !== 0 || outC % groups !== 0) {
    throw new ValueError(op, expectation('groups', `a positive integer dividing c_in = ${inC} and c_out = ${outC}`, JSON.stringify(groups)));
  }
  if (filterC * groups !== inC) {
    const what = groups === 1 ? `c_in = ${inC} (x's channels)` : `c_in/groups = ${inC / groups} (x's channels / ${groups})`;
    throw new ShapeError(op, expectation('filter', `${what} at axis ${rank} of ${FILTER_LAYOUT[rank - 1]}`, formatShape(filter)));
  }
  if (kernel.some((k) => k < 1)) throw new ShapeError(op, expectation('filter', 'kernel sizes of at least 1', formatShape(filter)));
  const strides = positiveTuple(op, 'strides', rank, options.strides);
  const dilations = positiveTuple(op, 'dilations', rank, options.dilations);
  const paddings = axisPaddings(op, rank, options.padding ?? 'valid');
  const axes = kernel.map((k, a) => convAxis(x[a + 1]!, k, strides[a]!, dilations[a]!, paddings[a]!));
  if (axes.some((axis) => axis.out < 1)) {
    const span = kernel.map((k, a) => dilations[a]! * (k - 1) + 1).join('x');
    throw new ShapeError(op, expectation('x', `a padded spatial size of at least the dilated filter's ${span}`, `${formatShape(x)} with padding ${JSON.stringify(options.padding ?? 'valid')}`));
  }
  const circular = paddings.reduce((bits, p, a) => (p === 'circular' ? bits | (1 << (a + 3 - rank)) : bits), 0);
  return {
    rank, batch, inC, outC, groups, circular,
    input: spread(x.slice(1, rank + 1), 1),
    output: spread(axes.map((a) => a.out), 1),
    kernel: spread(kernel, 1),
    stride: spread(strides, 1),
    dilation: spread(dilations, 1),
    padBefore: spread(axes.map((a) => a.before), 0),
    padAfter: spread(axes.map((a) => a.after), 0),
  };
}

/** The spatial output shape of the op: the last `rank` of [d, h, w]. */
function outputShape(g: ConvGeometry): number[] {
  return [g.batch, ...g.output.slice(3 - g.rank), g.outC];
}

export function conv2dGeometry(op: string, x: Shape, filter: Shape, options: Pick<Conv2dOptions, 'strides' | 'padding' | 'dilations' | 'groups'> = {}): Conv2dGeometry {
  const g = convGeometry(op, 2, x, filter, options);
  return {
    batch: g.batch, inH: g.input[1], inW: g.input[2], inC: g.inC, outH: g.output[1], outW: g.output[2], outC: g.outC,
    kernelH: g.kernel[1], kernelW: g.kernel[2], strideH: g.stride[1], strideW: g.stride[2], dilationH: g.dilation[1], dilationW: g.dilation[2],
    padTop: g.padBefore[1], padBottom: g.padAfter[1], padLeft: g.padBefore[2], padRight: g.padAfter[2], groups: g.groups, circular: g.circular !== 0,
  };
}

export function conv1dGeometry(op: string, x: Shape, filter: Shape, options: Pick<Conv1dOptions, 'stride' | 'padding' | 'dilation' | 'groups'> = {}): ConvGeometry {
  return convGeometry(op, 1, x, filter, { strides: options.stride, padding: options.padding, dilations: options.dilation, groups: options.groups });
}

export function conv3dGeometry(op: string, x: Shape, filter: Shape, options: Pick<Conv3dOptions, 'strides' | 'padding' | 'dilations' | 'groups'> = {}): ConvGeometry {
  return convGeometry(op, 3, x, filter, options);
}

function kernelParams(g: ConvGeometry) {
  return {
    batch: g.batch, inC: g.inC, outC: g.outC, groups: g.groups, circular: g.circular,
    input: g.input, output: g.output, kernel: g.kernel, stride: g.stride, dilation: g.dilation, padBefore: g.padBefore,
  };
}

/** Forward of every convolution op; the gradients are registered beside it. */
function convForward(op: string, rank: 1 | 2 | 3, x: Tensor, filter: Tensor, options: ConvCommon & ConvGeometryOptions & { algorithm?: unknown }): Tensor {
  checkTensor(op, 'x', x);
  checkTensor(op, 'filter', filter);
  checkRank(op, 'x', x, rank + 2, X_LAYOUT[rank - 1]!);
  const g = convGeometry(op, rank, x.shape, filter.shape, options);
  const { bias } = options;
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== g.outC) throw new ShapeError(op, expectation('bias', `shape [${g.outC}] (c_out)`, formatShape(bias.shape)));
  }
  const clamp = activationClamp(op, options.activation);
  // The FFT path is composed of differentiable ops: it records its own gradient.
  if (chooseConvAlgorithm(op, g, options.algorithm ?? 'direct', options.padding) === 'fft') return circularConvFft(op, g, x, filter, bias, options.activation);
  if (g.circular !== 0 && g.rank < 3 && g.groups === 1) return circularByPadding(op, g, x, filter, options);
  const y = convRun(op, g, x, filter, bias, clamp);
  record(op, bias ? [x, filter, bias] : [x, filter], [y], ([dy], [needX, needFilter, needBias]) =>
    tidy(() => {
      const dz = activationBackward(options.activation, y, dy!);
      return [
        needX ? convBackward(`${op}BackpropInput`, g, dz, filter, x.shape) : null,
        needFilter ? convBackward(`${op}BackpropFilter`, g, dz, x, filter.shape) : null,
        needBias ? reduceToShape(dz, [g.outC]) : null,
      ];
    }),
  );
  return y;
}

/**
 * A circular 1-D or 2-D convolution as the 'valid' one over the wrap-padded input: the same sums in
 * the same order for every output pixel (so still exactly shift-equivariant), on the fast 2-D paths
 * instead of the per-tap wrapped indexing that costs tens of ns per (pixel, tap) whatever c_in.
 * The padding records its own gradient (the adjoint), so the two compose.
 */
function circularByPadding(op: string, g: ConvGeometry, x: Tensor, filter: Tensor, options: ConvCommon & ConvGeometryOptions): Tensor {
  const pad = { top: g.padBefore[1], bottom: g.padAfter[1], left: g.padBefore[2], right: g.padAfter[2] };
  return tidy(() => convForward(op, g.rank, circularPad(op, x, pad), filter, { ...options, padding: 'valid', algorithm: 'direct' }));
}

function convRun(op: string, g: ConvGeometry, x: Tensor, filter: Tensor, bias: Tensor | undefined, clamp: { clampMin: number; clampMax: number }): Tensor {
  const y = new Tensor(outputShape(g), 'float32', op);
  launch(op, y, (heap) => {
    const buffers = { x: x.pointer(op, 'x'), filter: filter.pointer(op, 'filter'), bias: pointerOrNull(op, 'bias', bias), y: y.pointer(op, 'y') };
    const call = (packed: number, packedReady: number) => convNdCall(heap, kernelParams(g), buffers, { packed, packedReady }, clamp);
    // The filter is packed into a buffer kept with it and reused while it and the bias are unchanged.
    // Its length names the layout (the kernel's plan: GEMM panels or Winograd), so a change of plan
    // reallocates it and packs afresh.
    const bytes = 4 * heap.kernels.conv_nd_packed_len_f32(call(0, 0));
    return filter.withPackedCopy(op, `conv groups ${g.groups} bias ${bias ? bias.valuesKey() : 'none'}`, bytes, (packed, ready) =>
      heap.kernels.conv_nd_f32(call(packed, ready ? 1 : 0)),
    );
  });
  return y;
}

export function conv1d(x: Tensor, filter: Tensor, options: Conv1dOptions = {}): Tensor {
  const { stride, dilation, ...rest } = options;
  return convForward('conv1d', 1, x, filter, { ...rest, strides: stride, dilations: dilation });
}

export function conv2d(x: Tensor, filter: Tensor, options: Conv2dOptions = {}): Tensor {
  return convForward('conv2d', 2, x, filter, options);
}

export function conv3d(x: Tensor, filter: Tensor, options: Conv3dOptions = {}): Tensor {
  return convForward('conv3d', 3, x, filter, options);
}

export type CircularConvOptions = Pick<ConvCommon, 'bias' | 'activation'>;

/** The lecture's circular convolution by FFT: conv1d with padding 'circular' (stride 1), x (n, t, c_in), filter (k, c_in, c_out). */
export function circularConv1d(x: Tensor, filter: Tensor, options: CircularConvOptions = {}): Tensor {
  return convForward('circularConv1d', 1, x, filter, { ...options, padding: 'circular', algorithm: 'fft' });
}

/** The lecture's circular convolution by FFT: conv2d with padding 'circular' (stride 1), x (n, h, w, c_in), filter (kh, kw, c_in, c_out). */
export function circularConv2d(x: Tensor, filter: Tensor, options: CircularConvOptions = {}): Tensor {
  return convForward('circularConv2d', 2, x, filter, { ...options, padding: 'circular', algorithm: 'fft' });
}

export interface Conv2dTransposeOptions {
  /** Added to every output pixel: shape (c_out). */
  bias?: Tensor;
  /** The output's (h, w), or its full shape (n, h, w, c_out) as in TensorFlow; by default (in−1)·s + span − padding ('same': in·s). */
  outputShape?: readonly number[];
  strides?: number | readonly [number, number];
  padding?: Padding2D;
  dilations?: number | readonly [number, number];
}

/**
 * The transposed convolution: the gradient of conv2d w.r.t. its input. x (n, h, w, c_in),
 * filter (kh, kw, c_out, c_in) as in TensorFlow, -> (n, oh, ow, c_out), where conv2d with the same
 * filter, strides and padding maps (oh, ow) back to (h, w).
 */
export function conv2dTranspose(x: Tensor, filter: Tensor, options: Conv2dTransposeOptions = {}): Tensor {
  const op = 'conv2dTranspose';
  checkTensor(op, 'x', x);
  checkTensor(op, 'filter', filter);
  checkRank(op, 'x', x, 4, '(n, h, w, c_in)');
  if (filter.rank !== 4) throw new ShapeError(op, expectation('filter', 'rank 4 (kh, kw, c_out, c_in)', `rank ${filter.rank} ${formatShape(filter.shape)}`));
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, outC, filterC] = filter.shape as [number, number, number, number];
  if (filterC !== c) throw new ShapeError(op, expectation('filter', `c_in = ${c} (x's channels) at axis 3 of (kh, kw, c_out, c_in)`, formatShape(filter.shape)));
  const strides = positivePair(op, 'strides', options.strides, 1);
  const dilations = positivePair(op, 'dilations', options.dilations, 1);
  const paddings = axisPaddings(op, 2, options.padding ?? 'valid');
  let spatial: number[];
  if (options.outputShape === undefined) {
    spatial = [h, w].map((size, a) => {
      const span = dilations[a]! * ([kh, kw][a]! - 1) + 1;
      const p = paddings[a]!;
      if (p === 'same' || p === 'circular') return size * strides[a]!;
      const [before, after] = p === 'valid' ? [0, 0] : (p as readonly [number, number]);
      return (size - 1) * strides[a]! + span - before - after;
    });
  } else {
    const s = options.outputShape;
    const ok = Array.isArray(s) && (s.length === 2 || (s.length === 4 && s[0] === n && s[3] === outC)) && s.every((v) => Number.isInteger(v) && v >= 1);
    if (!ok) throw new ValueError(op, expectation('outputShape', `[h, w] or [${n}, h, w, ${outC}] of positive integers`, JSON.stringify(s)));
    spatial = s.length === 2 ? [...s] : [s[1]!, s[2]!];
  }
  const full = [n, spatial[0]!, spatial[1]!, outC];
  const g = spatial.every((v) => v >= 1) ? convGeometry(op, 2, full, filter.shape, { strides, dilations, padding: options.padding }) : undefined;
  if (g === undefined || g.output[1] !== h || g.output[2] !== w) {
    throw new ShapeError(op, expectation('outputShape', `a shape that conv2d with this filter, strides and padding maps back to x's ${h}x${w}`, formatShape(full)));
  }
  const { bias } = options;
  if (bias !== undefined) {
    checkTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== outC) throw new ShapeError(op, expectation('bias', `shape [${outC}] (c_out)`, formatShape(bias.shape)));
  }
  // The bias is composed, as in mean(): add broadcasts over pixels and carries its own gradient.
  return tidy(() => {
    const y = convBackward(op, g, x, filter, full);
    record(op, [x, filter], [y], ([dy], [needX, needFilter]) =>
      tidy(() => [
        needX ? convRun(`${op}BackpropInput`, g, dy!, filter, undefined, activationClamp(op, undefined)) : null,
        needFilter ? convBackward(`${op}BackpropFilter`, g, x, dy!, filter.shape) : null,
      ]),
    );
    return bias === undefined ? y : add(y, bias);
  });
}

/**
 * A convolution's gradients: ∂L/∂x from (dy, filter) when `op` ends in 'BackpropInput' (and for
 * conv2dTranspose's forward), else ∂L/∂filter from (dy, x); `other` is the operand that is not
 * differentiated and `shape` the shape of the result.
 */
function convBackward(op: string, g: ConvGeometry, dy: Tensor, other: Tensor, shape: Shape): Tensor {
  const out = new Tensor(shape, 'float32', op);
  const input = !op.endsWith('BackpropFilter');
  return launch(op, out, (heap) => {
    const call = convNdBwdCall(heap, kernelParams(g), {
      x: input ? 0 : other.pointer(op, 'x'),
      filter: input ? other.pointer(op, 'filter') : 0,
      dy: dy.pointer(op, 'dy'),
      out: out.pointer(op, 'out'),
    });
    return input ? heap.kernels.conv_nd_bwd_input_f32(call) : heap.kernels.conv_nd_bwd_filter_f32(call);
  });
}
