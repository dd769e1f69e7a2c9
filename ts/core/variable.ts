// Variables: tensors that persist across steps (model weights, optimizer state) and can be
// overwritten in place. They belong to no tidy() scope; dispose them explicitly.
import { ShapeError, expectation, formatShape } from './errors.js';
import { Tensor, keep } from './tensor.js';
import { getHeap } from './wasm.js';

let nextId = 0;

export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  constructor(initial: Tensor, trainable = true, name?: string) {
    super(initial.shape, initial.dtype, 'variable');
    keep(this);
    this.name = name ?? `variable_${nextId++}`;
    this.trainable = trainable;
    this.assign(initial);
  }

  /** Overwrites the values with those of `value` (same shape and dtype). */
  assign(value: Tensor): void {
    const op = 'assign';
    if (value.dtype !== this.dtype || value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(op, expectation('value', `${this.dtype} ${formatShape(this.shape)}`, `${value.dtype} ${formatShape(value.shape)}`));
    }
    getHeap(op).copy(value.pointer(op, 'value'), this.writePointer(op, 'this'), this.size * 4);
  }
}

export function variable(initial: Tensor, options: { trainable?: boolean; name?: string } = {}): Variable {
  return new Variable(initial, options.trainable ?? true, options.name);
}
