// The rest of the lecture's convolution family as layers, with the options of their ops:
// Conv1D (causal/circular padding, groups), Conv3D (padding per axis, e.g. causal in time),
// DepthwiseConv2D, SeparableConv2D, LocallyConnected1D/2D, and the 1-D and 3-D pools.
// Shapes come from the ops' geometry functions; receptive fields per spatial axis (field.ts).
import { conv1d, conv1dGeometry, conv2dGeometry, conv2dTranspose, conv3d, conv3dGeometry, convAxis } from '../ops/conv.js';
import type { Padding1D, Padding2D, Padding3D } from '../ops/conv.js';
import { depthwiseConv2d, separableConv2d } from '../ops/depthwise.js';
import { locallyConnected1d, locallyConnected2d } from '../ops/local.js';
import {
  avgPool1d, avgPool3d, globalAvgPool1d, globalAvgPool3d, globalMaxPool1d, globalMaxPool3d, maxPool1d, maxPool3d,
} from '../ops/pool.js';
import { positivePair } from '../ops/validate.js';
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { tidy } from '../core/tensor.js';
import type { Shape, Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { activate, afterFused, checkActivation, fusedPart } from './activations.js';
import type { ActivationName } from './activations.js';
import { throughGlobal, throughWindow } from './field.js';
import type { ReceptiveField } from './field.js';
import { checkInitializer } from './initializers.js';
import type { InitializerName } from './initializers.js';
import { Layer, checkChannels, checkSampleRank, positiveInteger } from './layer.js';
import type { LayerOptions } from './layer.js';

type Field = ReceptiveField | null;

function positiveList(op: string, argument: string, value: unknown, n: number, fallback: number): number[] {
  const list = value === undefined ? new Array<number>(n).fill(fallback) : typeof value === 'number' ? new Array<number>(n).fill(value) : value;
  if (!Array.isArray(list) || list.length !== n || list.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ValueError(op, expectation(argument, n === 1 ? 'a positive integer' : `a positive integer or ${n} of them`, JSON.stringify(value)));
  }
  return [...list] as number[];
}

interface BiasActivationOptions {
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

export interface Conv1dLayerOptions extends LayerOptions, BiasActivationOptions {
  filters: number;
  kernelSize: number | readonly [number];
  /** Default 1. */
  strides?: number | readonly [number];
  /** Default 'valid'. */
  padding?: Padding1D;
  /** Default 1. */
  dilationRate?: number | readonly [number];
  /** Default 1: c_in and filters must be divisible by it. */
  groups?: number;
}

export interface Conv3dLayerOptions extends LayerOptions, BiasActivationOptions {
  filters: number;
  kernelSize: number | readonly [number, number, number];
  strides?: number | readonly [number, number, number];
  /** One padding for all axes or one per axis, e.g. ['causal', 'same', 'same']. Default 'valid'. */
  padding?: Padding3D;
  dilationRate?: number | readonly [number, number, number];
  groups?: number;
}

/** Conv1D and Conv3D: a (k…, c_in/groups, filters) kernel over (t, c) or (d, h, w, c) samples. */
abstract class ConvND extends Layer {
  abstract readonly rank: 1 | 3;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly dilationRate: number[];
  readonly groups: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: Conv1dLayerOptions | Conv3dLayerOptions, prefix: string, rank: 1 | 3) {
    super(options, prefix);
    const op = `layers.${prefix}`;
    this.filters = positiveInteger(op, 'filters', options.filters);
    this.kernelSize = positiveList(op, 'kernelSize', options.kernelSize, rank, NaN);
    this.strides = positiveList(op, 'strides', options.strides, rank, 1);
    this.dilationRate = positiveList(op, 'dilationRate', options.dilationRate, rank, 1);
    this.groups = positiveInteger(op, 'groups', options.groups ?? 1);
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
  }

  protected abstract get paddingOption(): unknown;

  private filterShape(input: Shape): number[] {
    const c = input.at(-1)!;
    if (c % this.groups !== 0) {
      throw new ShapeError(this.op, expectation('input', `channels divisible by groups = ${this.groups}`, formatShape(input)));
    }
    return [...this.kernelSize, c / this.groups, this.filters];
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, this.rank + 1, this.rank === 1 ? '(t, c)' : '(d, h, w, c)');
    checkChannels(this.op, input!, this.kernel && this.kernel.shape[this.rank]! * this.groups);
    const x = [1, ...input!];
    const filter = this.filterShape(input!);
    const g = this.rank === 1
      ? conv1dGeometry(this.op, x, filter, { stride: this.strides[0], padding: this.paddingOption as Padding1D, dilation: this.dilationRate[0], groups: this.groups })
      : conv3dGeometry(this.op, x, filter, { strides: this.strides as [number, number, number], padding: this.paddingOption as Padding3D, dilations: this.dilationRate as [number, number, number], groups: this.groups });
    return [...g.output.slice(3 - this.rank), g.outC];
  }

  protected override build([input]: readonly Shape[]): void {
    this.kernel = this.addWeight('kernel', this.filterShape(input!), this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => {
      const common = { bias: this.bias, activation: fusedPart(this.activation), groups: this.groups };
      const y = this.rank === 1
        ? conv1d(x!, this.kernel!, { ...common, stride: this.strides[0], padding: this.paddingOption as Padding1D, dilation: this.dilationRate[0] })
        : conv3d(x!, this.kernel!, { ...common, strides: this.strides as [number, number, number], padding: this.paddingOption as Padding3D, dilations: this.dilationRate as [number, number, number] });
      return afterFused(this.activation, y);
    });
  }

  override receptiveField([f]: readonly Field[], _inputs: readonly Shape[], out: Shape): Field {
    return throughWindow(f ?? null, this.kernelSize, this.strides, this.dilationRate, out.slice(0, -1));
  }

  protected options() {
    return {
      filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.paddingOption, dilationRate: this.dilationRate,
      groups: this.groups, activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
  }
}

export class Conv1D extends ConvND {
  readonly className = 'Conv1D';
  readonly rank = 1 as const;
  readonly padding: Padding1D;

  constructor(options: Conv1dLayerOptions) {
    super(options, 'conv1d', 1);
    this.padding = options.padding ?? 'valid';
  }

  protected get paddingOption(): unknown {
    return this.padding;
  }
}

export class Conv3D extends ConvND {
  readonly className = 'Conv3D';
  readonly rank = 3 as const;
  readonly padding: Padding3D;

  constructor(options: Conv3dLayerOptions) {
    super(options, 'conv3d', 3);
    this.padding = options.padding ?? 'valid';
  }

  protected get paddingOption(): unknown {
    return this.padding;
  }
}

export interface DepthwiseConv2dLayerOptions extends LayerOptions, BiasActivationOptions {
  kernelSize: number | readonly [number, number];
  /** Default 1: outputs per input channel. */
  depthMultiplier?: number;
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding2D;
  dilationRate?: number | readonly [number, number];
}

export interface SeparableConv2dLayerOptions extends DepthwiseConv2dLayerOptions {
  filters: number;
}

/** DepthwiseConv2D: a (kh, kw, c, multiplier) kernel, bias (c·multiplier). */
export class DepthwiseConv2D extends Layer {
  readonly className: string = 'DepthwiseConv2D';
  readonly kernelSize: [number, number];
  readonly depthMultiplier: number;
  readonly strides: [number, number];
  readonly padding: Padding2D;
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: DepthwiseConv2dLayerOptions, prefix = 'depthwise_conv2d') {
    super(options, prefix);
    const op = `layers.${prefix}`;
    this.kernelSize = positivePair(op, 'kernelSize', options.kernelSize, NaN);
    this.depthMultiplier = positiveInteger(op, 'depthMultiplier', options.depthMultiplier ?? 1);
    this.strides = positivePair(op, 'strides', options.strides, 1);
    this.dilationRate = positivePair(op, 'dilationRate', options.dilationRate, 1);
    this.padding = options.padding ?? 'valid';
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
  }

  /** Spatial output (oh, ow) and the depthwise channels c·multiplier. */
  protected depthwiseShape(input: Shape): [number, number, number] {
    checkSampleRank(this.op, input, 3, '(h, w, c)');
    checkChannels(this.op, input, this.kernel?.shape[2]);
    const c = input[2]!;
    const g = conv2dGeometry(this.op, [1, ...input], [...this.kernelSize, 1, c * this.depthMultiplier], {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: c,
    });
    return [g.outH, g.outW, g.outC];
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    return this.depthwiseShape(input!);
  }

  protected override build([input]: readonly Shape[]): void {
    this.kernel = this.addWeight('depthwise_kernel', [...this.kernelSize, input!.at(-1)!, this.depthMultiplier], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [input!.at(-1)! * this.depthMultiplier], this.biasInitializer);
  }

  protected spatialOptions() {
    return { strides: this.strides, padding: this.padding, dilations: this.dilationRate };
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => afterFused(this.activation, depthwiseConv2d(x!, this.kernel!, { ...this.spatialOptions(), bias: this.bias, activation: fusedPart(this.activation) })));
  }

  override receptiveField([f]: readonly Field[], _inputs: readonly Shape[], out: Shape): Field {
    return throughWindow(f ?? null, this.kernelSize, this.strides, this.dilationRate, [out[0]!, out[1]!]);
  }

  protected options(): Record<string, unknown> {
    return {
      kernelSize: this.kernelSize, depthMultiplier: this.depthMultiplier, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate,
      activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
  }
}

/** SeparableConv2D: depthwise (kh, kw, c, multiplier), pointwise (1, 1, c·multiplier, filters), bias (filters). */
export class SeparableConv2D extends DepthwiseConv2D {
  override readonly className: string = 'SeparableConv2D';
  readonly filters: number;
  pointwiseKernel: Variable | undefined;

  constructor(options: SeparableConv2dLayerOptions) {
    super(options, 'separable_conv2d');
    this.filters = positiveInteger('layers.separable_conv2d', 'filters', options.filters);
  }

  override computeOutputShape([input]: readonly Shape[]): Shape {
    const [oh, ow] = this.depthwiseShape(input!);
    return [oh, ow, this.filters];
  }

  protected override build([input]: readonly Shape[]): void {
    const c = input!.at(-1)!;
    this.kernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], this.kernelInitializer);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, c * this.depthMultiplier, this.filters], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  override call([x]: readonly Tensor[]): Tensor {
    return tidy(() =>
      afterFused(this.activation, separableConv2d(x!, this.kernel!, this.pointwiseKernel!, { ...this.spatialOptions(), bias: this.bias, activation: fusedPart(this.activation) })),
    );
  }

  protected override options(): Record<string, unknown> {
    return { filters: this.filters, ...super.options() };
  }
}

export interface Conv2dTransposeLayerOptions extends LayerOptions, BiasActivationOptions {
  filters: number;
  kernelSize: number | readonly [number, number];
  /** Default 1: the upsampling factor. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding2D;
  dilationRate?: number | readonly [number, number];
}

/**
 * Conv2DTranspose: the gradient of conv2d w.r.t. its input, kernel (kh, kw, filters, c_in) as in
 * Keras, bias (filters). Output (in−1)·s + span − padding per axis ('same' and 'circular': in·s).
 * Receptive field: one output pixel is reached by ceil(span/s) input pixels, and neighbouring
 * outputs are 1/s input pixels apart, so size' = size + (ceil(span/s) − 1)·jump, jump' = jump/s.
 */
export class Conv2DTranspose extends Layer {
  readonly className = 'Conv2DTranspose';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding2D;
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: Conv2dTransposeLayerOptions) {
    super(options, 'conv2d_transpose');
    const op = 'layers.conv2d_transpose';
    this.filters = positiveInteger(op, 'filters', options.filters);
    this.kernelSize = positivePair(op, 'kernelSize', options.kernelSize, NaN);
    this.strides = positivePair(op, 'strides', options.strides, 1);
    this.dilationRate = positivePair(op, 'dilationRate', options.dilationRate, 1);
    this.padding = options.padding ?? 'valid';
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, 3, '(h, w, c)');
    checkChannels(this.op, input!, this.kernel?.shape[3]);
    const p = this.padding;
    const spatial = [0, 1].map((a) => {
      const span = this.dilationRate[a]! * (this.kernelSize[a]! - 1) + 1;
      if (p === 'same' || p === 'circular') return input![a]! * this.strides[a]!;
      const [before, after] = p === 'valid' ? [0, 0] : (p as readonly (readonly [number, number])[])[a]!;
      return (input![a]! - 1) * this.strides[a]! + span - before - after;
    });
    // The shape conv2d maps back to the input: checks the padding and the sizes.
    const g = spatial.every((v) => v >= 1)
      ? conv2dGeometry(this.op, [1, spatial[0]!, spatial[1]!, this.filters], [...this.kernelSize, this.filters, input![2]!], {
        strides: this.strides, padding: this.padding, dilations: this.dilationRate,
      })
      : undefined;
    if (!g || g.outH !== input![0] || g.outW !== input![1]) {
      throw new ShapeError(this.op, expectation('input', 'a size this kernel, strides and padding can upsample', formatShape(input!)));
    }
    return [spatial[0]!, spatial[1]!, this.filters];
  }

  protected override build([input]: readonly Shape[]): void {
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, input!.at(-1)!], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => {
      const y = conv2dTranspose(x!, this.kernel!, {
        strides: this.strides, padding: this.padding, dilations: this.dilationRate, ...(this.bias ? { bias: this.bias } : {}),
      });
      return activate(this.activation, y);
    });
  }

  override receptiveField([f]: readonly Field[], _inputs: readonly Shape[], out: Shape): Field {
    if (!f || f.size.length !== 2) return null;
    const reach = (a: number) => Math.ceil((this.dilationRate[a]! * (this.kernelSize[a]! - 1) + 1) / this.strides[a]!);
    return {
      size: f.size.map((s, a) => s + (reach(a) - 1) * f.jump[a]!),
      jump: f.jump.map((j, a) => j / this.strides[a]!),
      map: [out[0]!, out[1]!],
    };
  }

  protected options() {
    return {
      filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate,
      activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
  }
}

export interface LocallyConnectedLayerOptions extends LayerOptions, BiasActivationOptions {
  filters: number;
  kernelSize: number | readonly number[];
  /** Default 1. */
  strides?: number | readonly number[];
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
}

/**
 * LocallyConnected1D/2D: a separate weight per output location (unshared convolution), kernel
 * (oh·ow, kh·kw·c_in, filters), bias (oh, ow, filters): o·s·s·c·h'·w' + o·h'·w' parameters.
 */
abstract class LocallyConnected extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: LocallyConnectedLayerOptions, prefix: string, readonly rank: 1 | 2) {
    super(options, prefix);
    const op = `layers.${prefix}`;
    this.filters = positiveInteger(op, 'filters', options.filters);
    this.kernelSize = positiveList(op, 'kernelSize', options.kernelSize, rank, NaN);
    this.strides = positiveList(op, 'strides', options.strides, rank, 1);
    this.padding = options.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(options.padding)));
    }
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, this.rank + 1, this.rank === 1 ? '(t, c)' : '(h, w, c)');
    if (this.kernel) {
      const patch = this.kernel.shape[1]! / this.kernelSize.reduce((a, b) => a * b, 1);
      checkChannels(this.op, input!, patch);
    }
    const axes = input!.slice(0, -1).map((size, i) => convAxis(size, this.kernelSize[i]!, this.strides[i]!, 1, this.padding));
    if (axes.some((a) => a.out < 1)) {
      throw new ShapeError(this.op, expectation('input', `a spatial size of at least the kernel ${this.kernelSize.join('x')}`, formatShape(input!)));
    }
    const out = [...axes.map((a) => a.out), this.filters];
    if (this.kernel && this.kernel.shape[0] !== axes.reduce((n, a) => n * a.out, 1)) {
      throw new ShapeError(this.op, expectation('input', `the spatial size the layer is built for (${this.kernel.shape[0]} locations)`, formatShape(input!)));
    }
    return out;
  }

  protected override build(inputs: readonly Shape[]): void {
    const out = this.computeOutputShape(inputs);
    const locations = out.slice(0, -1).reduce((a, b) => a * b, 1);
    const patch = this.kernelSize.reduce((a, b) => a * b, 1) * inputs[0]!.at(-1)!;
    this.kernel = this.addWeight('kernel', [locations, patch, this.filters], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', out, this.biasInitializer);
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => {
      const bias = this.bias ? { bias: this.bias } : {};
      const y = this.rank === 1
        ? locallyConnected1d(x!, this.kernel!, { kernelSize: this.kernelSize[0]!, strides: this.strides[0], padding: this.padding, ...bias })
        : locallyConnected2d(x!, this.kernel!, { kernelSize: this.kernelSize as [number, number], strides: this.strides as [number, number], padding: this.padding, ...bias });
      return activate(this.activation, y);
    });
  }

  override receptiveField([f]: readonly Field[], _inputs: readonly Shape[], out: Shape): Field {
    return throughWindow(f ?? null, this.kernelSize, this.strides, this.kernelSize.map(() => 1), out.slice(0, -1));
  }

  protected options() {
    return {
      filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding,
      activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
  }
}

export class LocallyConnected1D extends LocallyConnected {
  readonly className = 'LocallyConnected1D';
  constructor(options: LocallyConnectedLayerOptions) {
    super(options, 'locally_connected1d', 1);
  }
}

export class LocallyConnected2D extends LocallyConnected {
  readonly className = 'LocallyConnected2D';
  constructor(options: LocallyConnectedLayerOptions) {
    super(options, 'locally_connected2d', 2);
  }
}

export interface PoolNdLayerOptions extends LayerOptions {
  /** Default 2 on every axis. */
  poolSize?: number | readonly number[];
  /** Default: the pool size. */
  strides?: number | readonly number[];
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
}

/** Max/avg pooling over (t, c) or (d, h, w, c) samples. */
abstract class PoolND extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';

  constructor(options: PoolNdLayerOptions, prefix: string, readonly rank: 1 | 3, private readonly kind: 'max' | 'avg') {
    super(options, prefix);
    const op = `layers.${prefix}`;
    this.poolSize = positiveList(op, 'poolSize', options.poolSize, rank, 2);
    this.strides = positiveList(op, 'strides', options.strides ?? this.poolSize, rank, 1);
    this.padding = options.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(options.padding)));
    }
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, this.rank + 1, this.rank === 1 ? '(t, c)' : '(d, h, w, c)');
    const axes = input!.slice(0, -1).map((size, i) => convAxis(size, this.poolSize[i]!, this.strides[i]!, 1, this.padding));
    if (axes.some((a) => a.out < 1)) {
      throw new ShapeError(this.op, expectation('input', `a spatial size of at least the window ${this.poolSize.join('x')}`, formatShape(input!)));
    }
    return [...axes.map((a) => a.out), input!.at(-1)!];
  }

  call([x]: readonly Tensor[]): Tensor {
    const options = { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
    if (this.rank === 1) return this.kind === 'max' ? maxPool1d(x!, options) : avgPool1d(x!, options);
    return this.kind === 'max' ? maxPool3d(x!, options) : avgPool3d(x!, options);
  }

  override receptiveField([f]: readonly Field[], _inputs: readonly Shape[], out: Shape): Field {
    return throughWindow(f ?? null, this.poolSize, this.strides, this.poolSize.map(() => 1), out.slice(0, -1));
  }

  protected options() {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPool1D extends PoolND {
  readonly className = 'MaxPool1D';
  constructor(options: PoolNdLayerOptions = {}) {
    super(options, 'max_pool1d', 1, 'max');
  }
}

export class AvgPool1D extends PoolND {
  readonly className = 'AvgPool1D';
  constructor(options: PoolNdLayerOptions = {}) {
    super(options, 'avg_pool1d', 1, 'avg');
  }
}

export class MaxPool3D extends PoolND {
  readonly className = 'MaxPool3D';
  constructor(options: PoolNdLayerOptions = {}) {
    super(options, 'max_pool3d', 3, 'max');
  }
}

export class AvgPool3D extends PoolND {
  readonly className = 'AvgPool3D';
  constructor(options: PoolNdLayerOptions = {}) {
    super(options, 'avg_pool3d', 3, 'avg');
  }
}

/** Global pools: (t, c) or (d, h, w, c) to (c). */
abstract class GlobalPoolND extends Layer {
  constructor(options: LayerOptions, prefix: string, readonly rank: 1 | 3, private readonly kind: 'max' | 'avg') {
    super(options, prefix);
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, this.rank + 1, this.rank === 1 ? '(t, c)' : '(d, h, w, c)');
    return [input!.at(-1)!];
  }

  call([x]: readonly Tensor[]): Tensor {
    if (this.rank === 1) return this.kind === 'max' ? globalMaxPool1d(x!) : globalAvgPool1d(x!);
    return this.kind === 'max' ? globalMaxPool3d(x!) : globalAvgPool3d(x!);
  }

  override receptiveField([f]: readonly Field[]): Field {
    return throughGlobal(f ?? null);
  }

  protected options() {
    return {};
  }
}

export class GlobalAvgPool1D extends GlobalPoolND {
  readonly className = 'GlobalAvgPool1D';
  constructor(options: LayerOptions = {}) {
    super(options, 'global_avg_pool1d', 1, 'avg');
  }
}

export class GlobalMaxPool1D extends GlobalPoolND {
  readonly className = 'GlobalMaxPool1D';
  constructor(options: LayerOptions = {}) {
    super(options, 'global_max_pool1d', 1, 'max');
  }
}

export class GlobalAvgPool3D extends GlobalPoolND {
  readonly className = 'GlobalAvgPool3D';
  constructor(options: LayerOptions = {}) {
    super(options, 'global_avg_pool3d', 3, 'avg');
  }
}

export class GlobalMaxPool3D extends GlobalPoolND {
  readonly className = 'GlobalMaxPool3D';
  constructor(options: LayerOptions = {}) {
    super(options, 'global_max_pool3d', 3, 'max');
  }
}
