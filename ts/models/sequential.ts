// sequential([...layers]): a model that is a plain stack, each layer feeding the next. It builds
// its graph at once when the first layer has an inputShape, else from the first data it sees.
import { ValueError, expectation } from '../core/errors.js';
import type { Shape, Tensor } from '../core/tensor.js';
import { input, InputLayer } from '../layers/input.js';
import { Layer, uniqueName } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { buildGraph } from './graph.js';
import type { Graph } from './graph.js';
import { Model } from './model.js';

export class Sequential extends Model {
  override readonly className = 'Sequential';
  private readonly stack: Layer[] = [];

  constructor(layers: readonly Layer[], name: string) {
    super(name);
    if (!Array.isArray(layers)) throw new ValueError('sequential', expectation('layers', 'an array of layers', String(layers)));
    for (const layer of layers) this.add(layer);
  }

  /** Puts a layer on top of the stack. */
  add(layer: Layer): void {
    const op = 'sequential';
    if (!(layer instanceof Layer) || layer instanceof InputLayer) {
      throw new ValueError(op, expectation(`layers[${this.stack.length}]`, 'a layer (layers.dense(...) ...)', String(layer)));
    }
    this.stack.push(layer);
    if (this.graph) this.graph = buildGraph(op, this.graph.inputs, [layer.apply(this.graph.outputs[0]!)]);
    else if (this.stack.length === 1 && layer.inputShape) this.build(layer.inputShape);
  }

  /** Builds the graph for samples of this shape (no batch axis). */
  build(inputShape: Shape): void {
    const x = input({ shape: inputShape });
    const y = this.stack.reduce<SymbolicTensor>((t, layer) => layer.apply(t), x);
    this.graph = buildGraph('sequential', [x], [y]);
  }

  protected override graphFor(op: string, feeds?: readonly Tensor[]): Graph {
    if (!this.graph && feeds?.[0]?.rank) this.build(feeds[0].shape.slice(1));
    return super.graphFor(op);
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }
}

export function sequential(layers: readonly Layer[] = [], options: { name?: string } = {}): Sequential {
  return new Sequential(layers, options.name ?? uniqueName('sequential'));
}
