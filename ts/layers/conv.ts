// Conv2D: conv2d over (h, w, c_in) samples with a (kh, kw, c_in, filters) kernel, optional bias
// and activation (relu fused into the kernel's epilogue). Shapes from conv2dGeometry.
import { conv2d, conv2dGeometry } from '../ops/conv.js';
import type { Conv2dGeometry, Padding2D } from '../ops/conv.js';
import type { ConvAlgorithm } from '../ops/circular.js';
import { positivePair } from '../ops/validate.js';
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { tidy } from '../core/tensor.js';
import type { Shape, Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { afterFused, checkActivation, fusedPart } from './activations.js';
import type { ActivationName } from './activations.js';
import { throughWindow } from './field.js';
import type { ReceptiveField } from './field.js';
import { checkInitializer } from './initializers.js';
import type { InitializerName } from './initializers.js';
import { Layer, checkChannels, checkSampleRank, positiveInteger } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';

export interface Conv2dLayerOptions extends LayerOptions {
  filters: number;
  kernelSize: number | readonly [number, number];
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding2D;
  /** Default 1. */
  dilationRate?: number | readonly [number, number];
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 1: group convolution; c_in and filters must be divisible by it. */
  groups?: number;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
  /** With padding 'circular': 'direct' (default), 'fft' or 'auto' (ops.conv2d's option). */
  algorithm?: ConvAlgorithm;
}

export class Conv2D extends Layer {
  readonly className: string = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding2D;
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly groups: number;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  readonly algorithm: ConvAlgorithm;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: Conv2dLayerOptions, defaultName = 'conv2d', op = 'layers.conv2d') {
    super(options, defaultName);
    this.filters = positiveInteger(op, 'filters', options.filters);
    this.kernelSize = positivePair(op, 'kernelSize', options.kernelSize, NaN);
    this.strides = positivePair(op, 'strides', options.strides, 1);
    this.dilationRate = positivePair(op, 'dilationRate', options.dilationRate, 1);
    this.padding = options.padding ?? 'valid';
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.groups = positiveInteger(op, 'groups', options.groups ?? 1);
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
    this.algorithm = options.algorithm ?? 'direct';
  }

  private geometry(input: Shape): Conv2dGeometry {
    checkSampleRank(this.op, input, 3, '(h, w, c)');
    if (input[2]! % this.groups !== 0) {
      throw new ShapeError(this.op, expectation('input', `channels divisible by groups = ${this.groups}`, formatShape(input)));
    }
    const filter = [...this.kernelSize, input[2]! / this.groups, this.filters];
    return conv2dGeometry(this.op, [1, ...input], filter, { strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups });
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkChannels(this.op, input!, this.kernel && this.kernel.shape[2]! * this.groups);
    const g = this.geometry(input!);
    return [g.outH, g.outW, g.outC];
  }

  protected override build([input]: readonly Shape[]): void {
    this.kernel = this.addWeight('kernel', [...this.kernelSize, input!.at(-1)! / this.groups, this.filters], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => {
      const options = {
        strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups, algorithm: this.algorithm, bias: this.bias, activation: fusedPart(this.activation),
      };
      return afterFused(this.activation, conv2d(x!, this.kernel!, options));
    });
  }

  override receptiveField([f]: readonly (ReceptiveField | null)[], _inputs: readonly Shape[], out: Shape): ReceptiveField | null {
    return throughWindow(f ?? null, this.kernelSize, this.strides, this.dilationRate, [out[0]!, out[1]!]);
  }

  protected options(): LayerConfig {
    return {
      filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate,
      activation: this.activation, useBias: this.useBias, groups: this.groups, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
      algorithm: this.algorithm,
    };
  }
}
