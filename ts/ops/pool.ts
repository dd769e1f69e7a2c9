// Pooling, channels-last: (n, t, c), (n, h, w, c) or (n, d, h, w, c) -> the same rank with pooled
// spatial axes. Window and padding follow conv2d's one definition of an axis (convAxis); padding
// never takes part in a max or an average (TensorFlow's rule). One kernel pools 3 spatial axes;
// 1-D and 2-D are its d = h = 1 and d = 1 cases (2-D keeps its own call struct). Global pools
// reduce the spatial axes away: -> (n, c).
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { pool3dCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Heap } from '../core/heap.js';
import { record } from '../autograd/tape.js';
import { convAxis } from './conv.js';
import { launch, pointerOrNull } from './kernel.js';
import { mean } from './mean.js';
import { reshape } from './shape.js';
import { checkRank, checkTensor, positivePair } from './validate.js';

export interface Pool2dOptions {
  /** Window size; default 2. */
  poolSize?: number | readonly [number, number];
  /** Default: the window size. */
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
}

export interface Pool2dGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

export function pool2dGeometry(op: string, x: readonly number[], options: Pool2dOptions = {}): Pool2dGeometry {
  if (x.length !== 4) throw new ShapeError(op, expectation('x', 'rank 4 (n, h, w, c)', `rank ${x.length} ${formatShape(x)}`));
  const [batch, inH, inW, channels] = x as [number, number, number, number];
  const [kernelH, kernelW] = positivePair(op, 'poolSize', options.poolSize, 2);
  const [sh, sw] = positivePair(op, 'strides', options.strides ?? [kernelH, kernelW], 1);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(padding)));
  }
  const rows = convAxis(inH, kernelH, sh, 1, padding);
  const cols = convAxis(inW, kernelW, sw, 1, padding);
  if (rows.out < 1 || cols.out < 1) {
    throw new ShapeError(op, expectation('x', `a spatial size of at least the window ${kernelH}x${kernelW}`, formatShape(x)));
  }
  return { batch, inH, inW, channels, outH: rows.out, outW: cols.out, kernelH, kernelW, strideH: sh, strideW: sw, padTop: rows.before, padLeft: cols.before };
}

/** A 2-D pool is the depth-1 case of the 3-D pool kernel. */
function as3d(g: Pool2dGeometry): Pool3dGeometry {
  return { inD: 1, outD: 1, kernelD: 1, strideD: 1, padFront: 0, ...g };
}

function pool2d(op: 'maxPool2d' | 'avgPool2d', x: Tensor, options: Pool2dOptions): Tensor {
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4, '(n, h, w, c)');
  const g = pool2dGeometry(op, x.shape, options);
  const max = op === 'maxPool2d';
  const y = runPool3d(op, max ? 'max_pool3d_f32' : 'avg_pool3d_f32', as3d(g), new Tensor([g.batch, g.outH, g.outW, g.channels], 'float32', op), x, null, null);
  record(op, [x], [y], ([dy]) => [
    runPool3d(`${op}Backward`, max ? 'max_pool3d_bwd_f32' : 'avg_pool3d_bwd_f32', as3d(g), new Tensor(x.shape, 'float32', op), x, max ? y : null, dy!),
  ]);
  return y;
}

/** The maximum of each window; its gradient goes to the (first) maximal pixel. */
export function maxPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('maxPool2d', x, options);
}

/** The average of each window's pixels inside the image. */
export function avgPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('avgPool2d', x, options);
}

/** (n, h, w, c) -> (n, c): the mean over all positions. */
export function globalAvgPool2d(x: Tensor): Tensor {
  checkTensor('globalAvgPool2d', 'x', x);
  checkRank('globalAvgPool2d', 'x', x, 4, '(n, h, w, c)');
  return mean(x, [1, 2]);
}

/** (n, h, w, c) -> (n, c): the maximum over all positions. */
export function globalMaxPool2d(x: Tensor): Tensor {
  const op = 'globalMaxPool2d';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4, '(n, h, w, c)');
  return tidy(() => reshape(maxPool2d(x, { poolSize: [x.shape[1]!, x.shape[2]!] }), [x.shape[0]!, x.shape[3]!]));
}

/** Options of the 1-D and 3-D pools: a number applies to every spatial axis. */
export interface PoolNdOptions {
  /** Window size; default 2. */
  poolSize?: number | readonly number[];
  /** Default: the window size. */
  strides?: number | readonly number[];
  padding?: 'valid' | 'same';
}

interface Pool3dGeometry {
  batch: number; inD: number; inH: number; inW: number; channels: number; outD: number; outH: number; outW: number;
  kernelD: number; kernelH: number; kernelW: number; strideD: number; strideH: number; strideW: number;
  padFront: number; padTop: number; padLeft: number;
}

function positiveList(op: string, argument: string, value: number | readonly number[] | undefined, fallback: readonly number[]): number[] {
  const n = fallback.length;
  const list = value === undefined ? [...fallback] : typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  if (list.length !== n || list.some((v) => !Number.isInteger(v) || v < 1)) {
    const what = n === 1 ? 'a positive integer' : `a positive integer or ${n} of them`;
    throw new ValueError(op, expectation(argument, what, JSON.stringify(value)));
  }
  return list;
}

/** Geometry of a pool over the `axes` (1 or 3) spatial axes of x, as a 3-D pool. */
function poolNdGeometry(op: string, x: readonly number[], axes: 1 | 3, options: PoolNdOptions): Pool3dGeometry {
  const kernel = positiveList(op, 'poolSize', options.poolSize, new Array<number>(axes).fill(2));
  const strides = positiveList(op, 'strides', options.strides, kernel);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(padding)));
  }
  const sizes = x.slice(1, 1 + axes);
  const dims = sizes.map((size, i) => convAxis(size, kernel[i]!, strides[i]!, 1, padding));
  if (dims.some((d) => d.out < 1)) {
    throw new ShapeError(op, expectation('x', `a spatial size of at least the window ${kernel.join('x')}`, formatShape(x)));
  }
  const pad = (list: number[], fill: number) => [...new Array<number>(3 - axes).fill(fill), ...list];
  const [inD, inH, inW] = pad(sizes, 1) as [number, number, number];
  const [outD, outH, outW] = pad(dims.map((d) => d.out), 1) as [number, number, number];
  const [kernelD, kernelH, kernelW] = pad(kernel, 1) as [number, number, number];
  const [strideD, strideH, strideW] = pad(strides, 1) as [number, number, number];
  const [padFront, padTop, padLeft] = pad(dims.map((d) => d.before), 0) as [number, number, number];
  return {
    batch: x[0]!, inD, inH, inW, channels: x[axes + 1]!, outD, outH, outW,
    kernelD, kernelH, kernelW, strideD, strideH, strideW, padFront, padTop, padLeft,
  };
}

type Pool3dKernel = 'max_pool3d_f32' | 'avg_pool3d_f32' | 'max_pool3d_bwd_f32' | 'avg_pool3d_bwd_f32';

/** Forward: x. Backward: x, dy and, for the max pool, y (the forward's output: the windows' maxima). */
function runPool3d(op: string, kernel: Pool3dKernel, g: Pool3dGeometry, out: Tensor, x: Tensor, y: Tensor | null, dy: Tensor | null): Tensor {
  return launch(op, out, (heap: Heap) =>
    heap.kernels[kernel](pool3dCall(heap, g, { x: x.pointer(op, 'x'), y: pointerOrNull(op, 'y', y), dy: pointerOrNull(op, 'dy', dy), out: out.pointer(op, 'out') })),
  );
}

function poolNd(op: 'maxPool1d' | 'avgPool1d' | 'maxPool3d' | 'avgPool3d', axes: 1 | 3, x: Tensor, options: PoolNdOptions): Tensor {
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, axes + 2, axes === 1 ? '(n, t, c)' : '(n, d, h, w, c)');
  const g = poolNdGeometry(op, x.shape, axes, options);
  const max = op.startsWith('max');
  const shape = axes === 1 ? [g.batch, g.outW, g.channels] : [g.batch, g.outD, g.outH, g.outW, g.channels];
  const y = runPool3d(op, max ? 'max_pool3d_f32' : 'avg_pool3d_f32', g, new Tensor(shape, 'float32', op), x, null, null);
  record(op, [x], [y], ([dy]) => [
    runPool3d(`${op}Backward`, max ? 'max_pool3d_bwd_f32' : 'avg_pool3d_bwd_f32', g, new Tensor(x.shape, 'float32', op), x, max ? y : null, dy!),
  ]);
  return y;
}

/** x (n, t, c) -> (n, ot, c): the maximum of each window. */
export function maxPool1d(x: Tensor, options: PoolNdOptions = {}): Tensor {
  return poolNd('maxPool1d', 1, x, options);
}

/** x (n, t, c) -> (n, ot, c): the average of each window's steps inside the sequence. */
export function avgPool1d(x: Tensor, options: PoolNdOptions = {}): Tensor {
  return poolNd('avgPool1d', 1, x, options);
}

/** x (n, d, h, w, c) -> (n, od, oh, ow, c): the maximum of each window. */
export function maxPool3d(x: Tensor, options: PoolNdOptions = {}): Tensor {
  return poolNd('maxPool3d', 3, x, options);
}

/** x (n, d, h, w, c) -> (n, od, oh, ow, c): the average of each window's voxels inside the volume. */
export function avgPool3d(x: Tensor, options: PoolNdOptions = {}): Tensor {
  return poolNd('avgPool3d', 3, x, options);
}

/** (n, t, c) -> (n, c): the mean over all steps. */
export function globalAvgPool1d(x: Tensor): Tensor {
  checkTensor('globalAvgPool1d', 'x', x);
  checkRank('globalAvgPool1d', 'x', x, 3, '(n, t, c)');
  return mean(x, [1]);
}

/** (n, t, c) -> (n, c): the maximum over all steps. */
export function globalMaxPool1d(x: Tensor): Tensor {
  const op = 'globalMaxPool1d';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 3, '(n, t, c)');
  return tidy(() => reshape(maxPool1d(x, { poolSize: x.shape[1]! }), [x.shape[0]!, x.shape[2]!]));
}

/** (n, d, h, w, c) -> (n, c): the mean over all voxels. */
export function globalAvgPool3d(x: Tensor): Tensor {
  checkTensor('globalAvgPool3d', 'x', x);
  checkRank('globalAvgPool3d', 'x', x, 5, '(n, d, h, w, c)');
  return mean(x, [1, 2, 3]);
}

/** (n, d, h, w, c) -> (n, c): the maximum over all voxels. */
export function globalMaxPool3d(x: Tensor): Tensor {
  const op = 'globalMaxPool3d';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 5, '(n, d, h, w, c)');
  return tidy(() => reshape(maxPool3d(x, { poolSize: [x.shape[1]!, x.shape[2]!, x.shape[3]!] }), [x.shape[0]!, x.shape[4]!]));
}
