// A model as artifacts: the topology (layers with their configs, the graph as nodes that name their
// layer and input nodes, weight specs, and the compile settings with the optimizer's config) and
// one buffer holding the model's weights and then the optimizer's state, so training resumes
// exactly where it stopped.
import type { DType } from '../core/tensor.js';
import type { Tensor } from '../core/tensor.js';
import type { LayerConfig } from '../layers/layer.js';
import { optimizerSpec } from '../optim/registry.js';
import type { OptimizerSpec } from '../optim/registry.js';
import type { Graph } from './graph.js';
import { writeArtifacts } from './io.js';
import type { ModelArtifacts, SaveTarget } from './io.js';
import type { LossName, MetricName } from './metrics.js';
import type { Model } from './model.js';

export const FORMAT = 'convkit-model';
export const VERSION = 1;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: DType;
}

export interface ModelTopology {
  format: typeof FORMAT;
  version: number;
  className: string;
  name: string;
  layers: { className: string; config: LayerConfig }[];
  /** In graph order: each node names its layer and the indices of its input nodes. */
  nodes: { layer: string; inputs: number[] }[];
  inputs: number[];
  outputs: number[];
  weights: WeightSpec[];
  training?: { optimizer: OptimizerSpec; loss: LossName | null; metrics: MetricName[]; state: WeightSpec[] };
}

const spec = (t: Tensor & { name: string }): WeightSpec => ({ name: t.name, shape: [...t.shape], dtype: t.dtype });

/** The tensors' values one after another. */
function concatenated(tensors: readonly Tensor[]): ArrayBuffer {
  const bytes = new Uint8Array(tensors.reduce((n, t) => n + t.size * 4, 0));
  let offset = 0;
  for (const t of tensors) {
    const data = t.dataSync();
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return bytes.buffer;
}

export function encodeModel(model: Model, graph: Graph): ModelArtifacts {
  const index = new Map(graph.nodes.map((node, i) => [node, i]));
  const layers = [...new Set(graph.nodes.map((node) => node.layer))];
  const weights = model.weights;
  const compiled = model.compiled;
  const state = compiled ? compiled.optimizer.state(model.trainableWeights) : [];
  const modelTopology: ModelTopology = {
    format: FORMAT,
    version: VERSION,
    className: model.className,
    name: model.name,
    layers: layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    nodes: graph.nodes.map((node) => ({ layer: node.layer.name, inputs: node.inputs.map((s) => index.get(s)!) })),
    inputs: graph.inputs.map((s) => index.get(s)!),
    outputs: graph.outputs.map((s) => index.get(s)!),
    weights: weights.map(spec),
    ...(compiled && {
      training: { optimizer: optimizerSpec(compiled.optimizer), loss: compiled.lossName, metrics: compiled.metrics, state: state.map(spec) },
    }),
  };
  return { modelTopology, weightData: concatenated([...weights, ...state]) };
}

export async function saveModel(model: Model, graph: Graph, target: SaveTarget): Promise<ModelArtifacts> {
  const artifacts = encodeModel(model, graph);
  await writeArtifacts(target, artifacts);
  return artifacts;
}
