// Pooling layers over (h, w, c) samples. Windowed pools take their shapes from pool2dGeometry;
// global pools reduce (h, w, c) to (c).
import { avgPool2d, globalAvgPool2d, globalMaxPool2d, maxPool2d, pool2dGeometry } from '../ops/pool.js';
import { positivePair } from '../ops/validate.js';
import { ValueError, expectation } from '../core/errors.js';
import type { Shape, Tensor } from '../core/tensor.js';
import { throughGlobal, throughWindow } from './field.js';
import type { ReceptiveField } from './field.js';
import { Layer, checkSampleRank } from './layer.js';
import type { LayerOptions } from './layer.js';

export interface Pool2dLayerOptions extends LayerOptions {
  /** Default 2. */
  poolSize?: number | readonly [number, number];
  /** Default: the pool size. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
}

abstract class Pool2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(options: Pool2dLayerOptions, prefix: string) {
    super(options, prefix);
    const op = `layers.${prefix}`;
    this.poolSize = positivePair(op, 'poolSize', options.poolSize, 2);
    this.strides = positivePair(op, 'strides', options.strides ?? this.poolSize, 1);
    this.padding = options.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(options.padding)));
    }
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, 3, '(h, w, c)');
    const g = pool2dGeometry(this.op, [1, ...input!], { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
    return [g.outH, g.outW, g.channels];
  }

  override receptiveField([f]: readonly (ReceptiveField | null)[], _inputs: readonly Shape[], out: Shape): ReceptiveField | null {
    return throughWindow(f ?? null, this.poolSize, this.strides, [1, 1], [out[0]!, out[1]!]);
  }

  protected options() {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPool2D extends Pool2D {
  readonly className = 'MaxPool2D';

  constructor(options: Pool2dLayerOptions = {}) {
    super(options, 'max_pool2d');
  }

  call([x]: readonly Tensor[]): Tensor {
    return maxPool2d(x!, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

export class AvgPool2D extends Pool2D {
  readonly className = 'AvgPool2D';

  constructor(options: Pool2dLayerOptions = {}) {
    super(options, 'avg_pool2d');
  }

  call([x]: readonly Tensor[]): Tensor {
    return avgPool2d(x!, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

abstract class GlobalPool2D extends Layer {
  computeOutputShape([input]: readonly Shape[]): Shape {
    checkSampleRank(this.op, input!, 3, '(h, w, c)');
    return [input![2]!];
  }

  override receptiveField([f]: readonly (ReceptiveField | null)[]): ReceptiveField | null {
    return throughGlobal(f ?? null);
  }

  protected options() {
    return {};
  }
}

export class GlobalAvgPool2D extends GlobalPool2D {
  readonly className = 'GlobalAvgPool2D';

  constructor(options: LayerOptions = {}) {
    super(options, 'global_avg_pool2d');
  }

  call([x]: readonly Tensor[]): Tensor {
    return globalAvgPool2d(x!);
  }
}

export class GlobalMaxPool2D extends GlobalPool2D {
  readonly className = 'GlobalMaxPool2D';

  constructor(options: LayerOptions = {}) {
    super(options, 'global_max_pool2d');
  }

  call([x]: readonly Tensor[]): Tensor {
    return globalMaxPool2d(x!);
  }
}
