// input({ shape }): the start of a functional model, a symbolic tensor from an InputLayer.
import type { Shape, Tensor } from '../core/tensor.js';
import { inputField } from './field.js';
import type { ReceptiveField } from './field.js';
import { Layer, SymbolicTensor, checkShape } from './layer.js';
import type { LayerOptions } from './layer.js';

export interface InputOptions {
  /** The shape of one sample, without the batch axis: (h, w, c) for images. */
  shape: readonly number[];
  name?: string;
}

export class InputLayer extends Layer {
  readonly className = 'InputLayer';
  readonly shape: Shape;

  constructor(options: InputOptions & LayerOptions) {
    checkShape('input', 'shape', options?.shape);
    super({ name: options.name, seed: 0 }, 'input');
    this.shape = Object.freeze([...options.shape]);
  }

  computeOutputShape(): Shape {
    return this.shape;
  }

  call([x]: readonly Tensor[]): Tensor {
    return x!;
  }

  override receptiveField(): ReceptiveField | null {
    return inputField(this.shape);
  }

  override getConfig() {
    return { name: this.name, shape: [...this.shape] };
  }

  protected options() {
    return {};
  }
}

export function input(options: InputOptions): SymbolicTensor {
  const layer = new InputLayer(options);
  return new SymbolicTensor(layer.shape, layer, []);
}
