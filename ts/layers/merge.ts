// Concatenate: joins its inputs along one axis (default the last, channels); the other axes must
// agree. The branches' receptive fields merge into the widest.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import type { Shape, Tensor } from '../core/tensor.js';
import { concat } from '../ops/index.js';
import { merged } from './field.js';
import type { ReceptiveField } from './field.js';
import { Layer } from './layer.js';
import type { LayerOptions } from './layer.js';

export interface ConcatenateOptions extends LayerOptions {
  /** An axis of the batched tensors, not 0 (the batch); negative counts from the end. Default -1. */
  axis?: number;
}

export class Concatenate extends Layer {
  readonly className = 'Concatenate';
  override readonly multiInput = true;
  readonly axis: number;

  constructor(options: ConcatenateOptions = {}) {
    super(options, 'concatenate');
    this.axis = options.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) {
      throw new ValueError('layers.concatenate', expectation('axis', 'a non-zero integer (axis 0 is the batch)', JSON.stringify(options.axis)));
    }
  }

  /** The axis within one sample's shape. */
  private sampleAxis(rank: number): number {
    const axis = this.axis < 0 ? this.axis + rank + 1 : this.axis;
    if (axis < 1 || axis > rank) {
      throw new ValueError(this.op, expectation('axis', `an axis in [1, ${rank}] or [${-rank}, -1] of rank-${rank + 1} inputs`, String(this.axis)));
    }
    return axis - 1;
  }

  computeOutputShape(inputs: readonly Shape[]): Shape {
    const first = inputs[0]!;
    const axis = this.sampleAxis(first.length);
    inputs.forEach((shape, i) => {
      const ok = shape.length === first.length && shape.every((d, j) => j === axis || d === first[j]);
      if (!ok) {
        throw new ShapeError(this.op, expectation(`inputs[${i}]`, `${formatShape(first)} except on axis ${this.axis}`, formatShape(shape)));
      }
    });
    return first.map((d, j) => (j === axis ? inputs.reduce((n, s) => n + s[j]!, 0) : d));
  }

  call(inputs: readonly Tensor[]): Tensor {
    return concat(inputs, this.axis < 0 ? this.axis + inputs[0]!.rank : this.axis);
  }

  override receptiveField(inputs: readonly (ReceptiveField | null)[]): ReceptiveField | null {
    return merged(inputs);
  }

  protected options() {
    return { axis: this.axis };
  }
}
