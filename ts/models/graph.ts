// A model's graph: the symbolic tensors between its inputs and outputs, each after its inputs
// (a topological order), and running it on tensors. Every node is one application of one layer.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { InputLayer } from '../layers/input.js';
import { SymbolicTensor } from '../layers/layer.js';
import type { CallContext, Layer } from '../layers/layer.js';

export interface Graph {
  inputs: readonly SymbolicTensor[];
  outputs: readonly SymbolicTensor[];
  /** Inputs first, then every node after the nodes it reads. */
  nodes: readonly SymbolicTensor[];
  /** The layers other than inputs, each once, in node order. */
  layers: readonly Layer[];
}

export function buildGraph(op: string, inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Graph {
  inputs.forEach((s, i) => {
    if (!(s instanceof SymbolicTensor) || !(s.layer instanceof InputLayer)) {
      throw new ValueError(op, expectation(`inputs[${i}]`, 'a symbolic tensor from input()', String(s)));
    }
  });
  if (new Set(inputs).size !== inputs.length) throw new ValueError(op, expectation('inputs', 'distinct inputs', 'the same input twice'));
  outputs.forEach((s, i) => {
    if (!(s instanceof SymbolicTensor)) throw new ValueError(op, expectation(`outputs[${i}]`, 'a symbolic tensor (from layer.apply)', String(s)));
  });
  const nodes: SymbolicTensor[] = [...inputs];
  const placed = new Set<SymbolicTensor>(inputs);
  const visit = (node: SymbolicTensor): void => {
    if (placed.has(node)) return;
    if (node.layer instanceof InputLayer) {
      throw new ValueError(op, expectation('inputs', `every input the outputs depend on, including '${node.layer.name}'`, inputs.map((s) => `'${s.layer.name}'`).join(', ')));
    }
    node.inputs.forEach(visit);
    placed.add(node);
    nodes.push(node);
  };
  outputs.forEach(visit);
  const layers = [...new Set(nodes.slice(inputs.length).map((n) => n.layer))];
  const names = new Map<string, Layer>();
  for (const layer of [...inputs.map((s) => s.layer), ...layers]) {
    const other = names.get(layer.name);
    if (other && other !== layer) throw new ValueError(op, expectation('layers', 'unique layer names', `two layers named '${layer.name}'`));
    names.set(layer.name, layer);
  }
  return { inputs, outputs, nodes, layers };
}

/** Checks tensors against the graph's inputs: one per input, per-sample shapes equal, same batch. */
export function checkFeeds(op: string, graph: Graph, x: Tensor | readonly Tensor[], argument = 'x'): Tensor[] {
  const feeds = Array.isArray(x) ? [...(x as readonly Tensor[])] : [x as Tensor];
  if (feeds.length !== graph.inputs.length) {
    throw new ValueError(op, expectation(argument, `${graph.inputs.length} tensor(s), one per model input`, `${feeds.length}`));
  }
  feeds.forEach((t, i) => {
    const name = feeds.length > 1 ? `${argument}[${i}]` : argument;
    if (!(t instanceof Tensor)) throw new ValueError(op, expectation(name, 'a Tensor', String(t)));
    t.pointer(op, name);
    const shape = graph.inputs[i]!.shape;
    if (t.rank !== shape.length + 1 || t.shape.slice(1).some((d, j) => d !== shape[j])) {
      throw new ShapeError(op, expectation(name, `[n, ${shape.join(', ')}]`, formatShape(t.shape)));
    }
    if (t.shape[0] !== feeds[0]!.shape[0]) throw new ShapeError(op, expectation(name, `${feeds[0]!.shape[0]} samples as ${argument}[0]`, formatShape(t.shape)));
  });
  return feeds;
}

/** The outputs for these (checked) feeds. Call inside tidy: intermediate tensors are left to it. */
export function runGraph(graph: Graph, feeds: readonly Tensor[], ctx: CallContext): Tensor[] {
  const values = new Map<SymbolicTensor, Tensor>();
  graph.inputs.forEach((s, i) => values.set(s, feeds[i]!));
  for (const node of graph.nodes) {
    if (!values.has(node)) values.set(node, node.layer.call(node.inputs.map((s) => values.get(s)!), ctx));
  }
  return graph.outputs.map((s) => values.get(s)!);
}
