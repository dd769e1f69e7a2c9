// loadModel(source): rebuilds a saved model (its layers from their configs, its graph from the
// nodes), restores its weights, and when it was compiled, compiles it again with the optimizer and
// the optimizer's state restored, so fit() continues exactly where the saved model stopped.
import { DataFormatError, expectation, formatShape } from '../core/errors.js';
import { tensor, tidy } from '../core/tensor.js';
import type { TypedArray } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { InputLayer } from '../layers/input.js';
import { SymbolicTensor } from '../layers/layer.js';
import type { Layer } from '../layers/layer.js';
import { layerFromConfig } from '../layers/registry.js';
import { optimizerFromSpec } from '../optim/registry.js';
import { buildGraph } from './graph.js';
import { readArtifacts } from './io.js';
import type { LoadSource, ModelArtifacts } from './io.js';
import { Model } from './model.js';
import { FORMAT } from './save.js';
import type { ModelTopology, WeightSpec } from './save.js';
import { Sequential } from './sequential.js';

const op = 'loadModel';

function fail(argument: string, expected: string, received: string): never {
  throw new DataFormatError(op, expectation(argument, expected, received));
}

/** The graph rebuilt: each node applies its layer to its input nodes. */
function rebuild(t: ModelTopology, layers: Map<string, Layer>): Model {
  const layerOf = (name: string) => layers.get(name) ?? fail('nodes', 'layer names from layers', `'${name}'`);
  if (t.className === 'Sequential') {
    const input = layerOf(t.nodes[t.inputs[0]!]?.layer ?? '');
    if (!(input instanceof InputLayer)) fail('inputs', 'an InputLayer', String(input));
    const model = new Sequential([...layers.values()].filter((l) => !(l instanceof InputLayer)), t.name);
    model.build(input.shape);
    return model;
  }
  const nodes: SymbolicTensor[] = [];
  for (const node of t.nodes) {
    const layer = layerOf(node.layer);
    const inputs = node.inputs.map((i) => nodes[i] ?? fail('nodes', 'inputs that are earlier nodes', String(i)));
    nodes.push(layer instanceof InputLayer ? new SymbolicTensor(layer.shape, layer, []) : layer.apply(layer.multiInput ? inputs : inputs[0]!));
  }
  const pick = (i: number) => nodes[i] ?? fail('outputs', 'node indices', String(i));
  return new Model(t.name, buildGraph(op, t.inputs.map(pick), t.outputs.map(pick)));
}

/** Splits the buffer into one typed array per spec. */
function split(buffer: ArrayBuffer, specs: readonly WeightSpec[]): TypedArray[] {
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (buffer.byteLength !== total) fail('weightData', `${total} bytes for the weights listed`, `${buffer.byteLength}`);
  let offset = 0;
  return specs.map((s) => {
    const length = s.shape.reduce((a, b) => a * b, 1);
    const values = s.dtype === 'int32' ? new Int32Array(buffer, offset, length) : new Float32Array(buffer, offset, length);
    offset += length * 4;
    return values;
  });
}

function assign(targets: readonly Variable[], specs: readonly WeightSpec[], values: readonly TypedArray[]): void {
  if (targets.length !== specs.length) fail('weights', `${targets.length} weights for this model`, `${specs.length}`);
  targets.forEach((v, i) => {
    const s = specs[i]!;
    if (formatShape(v.shape) !== formatShape(s.shape) || v.dtype !== s.dtype) {
      fail(`weights[${i}]`, `${v.dtype} ${formatShape(v.shape)} for '${v.name}'`, `${s.dtype} ${formatShape(s.shape)} '${s.name}'`);
    }
    tidy(() => v.assign(tensor(values[i]!, s.shape, s.dtype)));
  });
}

export function decodeModel({ modelTopology: t, weightData }: ModelArtifacts): Model {
  if (t?.format !== FORMAT) fail('modelTopology', `format '${FORMAT}'`, JSON.stringify(t?.format));
  if (!(weightData instanceof ArrayBuffer)) fail('weightData', 'an ArrayBuffer', String(weightData));
  const layers = new Map<string, Layer>();
  let model: Model;
  try {
    for (const { className, config } of t.layers) layers.set(config.name as string, layerFromConfig(op, className, config));
    model = rebuild(t, layers);
  } catch (error) {
    for (const layer of layers.values()) layer.dispose();
    throw error;
  }
  try {
    const state = t.training?.state ?? [];
    const values = split(weightData, [...t.weights, ...state]);
    assign(model.weights, t.weights, values);
    if (t.training) {
      const optimizer = optimizerFromSpec(op, t.training.optimizer);
      model.optimizer = optimizer;
      assign(optimizer.state(model.trainableWeights), state, values.slice(t.weights.length));
      if (t.training.loss) model.compile({ optimizer, loss: t.training.loss, metrics: t.training.metrics });
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** A saved model, from a directory (path or URL) holding model.json and weights.bin, or an io handler. */
export async function loadModel(source: LoadSource): Promise<Model> {
  return decodeModel(await readArtifacts(source));
}
