// FFTConv2D: a circular 2-D convolution computed by FFT (ops.circularConv2d): the output keeps the
// input's (h, w); kernel (kh, kw, c_in, filters), optional bias and activation, as Conv2D with
// padding 'circular', strides 1 and dilation 1. Shapes from conv2dGeometry.
import { circularConv2d, conv2dGeometry } from '../ops/conv.js';
import { positivePair } from '../ops/validate.js';
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
import type { LayerOptions } from './layer.js';

export interface FftConv2dLayerOptions extends LayerOptions {
  filters: number;
  kernelSize: number | readonly [number, number];
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

export class FFTConv2D extends Layer {
  readonly className = 'FFTConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: FftConv2dLayerOptions) {
    super(options, 'fft_conv2d');
    const op = 'layers.fftConv2d';
    this.filters = positiveInteger(op, 'filters', options.filters);
    this.kernelSize = positivePair(op, 'kernelSize', options.kernelSize, NaN);
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, 3, '(h, w, c)');
    checkChannels(this.op, input!, this.kernel?.shape[2]);
    const g = conv2dGeometry(this.op, [1, ...input!], [...this.kernelSize, input![2]!, this.filters], { padding: 'circular' });
    return [g.outH, g.outW, g.outC];
  }

  protected override build([input]: readonly Shape[]): void {
    this.kernel = this.addWeight('kernel', [...this.kernelSize, input!.at(-1)!, this.filters], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => afterFused(this.activation, circularConv2d(x!, this.kernel!, { bias: this.bias, activation: fusedPart(this.activation) })));
  }

  override receptiveField([f]: readonly (ReceptiveField | null)[], _inputs: readonly Shape[], out: Shape): ReceptiveField | null {
    return throughWindow(f ?? null, this.kernelSize, [1, 1], [1, 1], [out[0]!, out[1]!]);
  }

  protected options() {
    return {
      filters: this.filters, kernelSize: this.kernelSize, activation: this.activation, useBias: this.useBias,
      kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
    };
  }
}
