// FFTConv2D: a trainable circular 2-D convolution computed by FFT (ops.circularConv2d): Conv2D with
// padding 'circular' and algorithm 'fft', strides 1, dilation 1 and one group; the output keeps the
// input's (h, w).
import { Conv2D } from './conv.js';
import type { Conv2dLayerOptions } from './conv.js';
import type { LayerConfig } from './layer.js';

export type FftConv2dLayerOptions = Omit<Conv2dLayerOptions, 'strides' | 'padding' | 'dilationRate' | 'groups' | 'algorithm'>;

export class FFTConv2D extends Conv2D {
  override readonly className: string = 'FFTConv2D';

  constructor(options: FftConv2dLayerOptions) {
    super({ ...options, strides: 1, padding: 'circular', dilationRate: 1, groups: 1, algorithm: 'fft' }, 'fft_conv2d', 'layers.fftConv2d');
  }

  protected override options(): LayerConfig {
    const { filters, kernelSize, activation, useBias, kernelInitializer, biasInitializer } = this;
    return { filters, kernelSize, activation, useBias, kernelInitializer, biasInitializer };
  }
}
