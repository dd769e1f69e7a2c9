// Model: layers joined into a graph from inputs to outputs (model({ inputs, outputs }), or
// sequential([...])), with Keras's training API: compile, trainOnBatch, fit, evaluate, predict,
// summary and save. Weights belong to the layers; optimizer state to the optimizer; dispose()
// frees both.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { variableGrads } from '../autograd/grad.js';
import { SymbolicTensor, uniqueName } from '../layers/layer.js';
import type { Layer } from '../layers/layer.js';
import { Optimizer } from '../optim/optimizer.js';
import { buildGraph, checkFeeds, runGraph } from './graph.js';
import type { Graph } from './graph.js';
import { evaluate, fit, predict } from './loop.js';
import type { EvaluateOptions, FitOptions, History, PredictOptions } from './loop.js';
import type { LossFunction } from './losses.js';
import { checkMetrics, countCorrect, resolveLoss } from './metrics.js';
import type { LossName, MetricName } from './metrics.js';
import { saveModel } from './save.js';
import type { ModelArtifacts, SaveTarget } from './io.js';
import { formatSummary, summarize } from './summary.js';
import type { ModelSummary } from './summary.js';

export interface ModelConfig {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
}

export interface CompileOptions {
  optimizer: Optimizer;
  /** A named loss, or any (yTrue, yPred) => scalar tensor. */
  loss: LossName | LossFunction;
  metrics?: readonly MetricName[];
}

/** Per-batch or per-epoch numbers: loss, and accuracy, val_loss, val_accuracy ... when there are. */
export type Logs = { loss: number } & Record<string, number>;

interface Training {
  loss: LossFunction;
  lossName: LossName | null;
  metrics: MetricName[];
}

export class Model {
  readonly className: string = 'Functional';
  readonly name: string;
  /** fit() stops after the current batch when this is set (earlyStopping sets it). */
  stopTraining = false;
  /** fit() dispatches 'batchEnd' and 'epochEnd' TrainingEvents here (progress in browsers, UIs). */
  readonly events = new EventTarget();
  optimizer: Optimizer | undefined;
  protected graph: Graph | undefined;
  private training: Training | undefined;

  constructor(name: string, graph?: Graph) {
    this.name = name;
    this.graph = graph;
  }

  /** The built graph; Sequential builds it here from the first data it sees. */
  protected graphFor(op: string, _feeds?: readonly Tensor[]): Graph {
    if (!this.graph) throw new ValueError(op, `model '${this.name}' is not built: give its first layer an inputShape, or call it on data first`);
    return this.graph;
  }

  /** The model's layers (inputs excluded), each once, in order. */
  get layers(): Layer[] {
    return [...(this.graph?.layers ?? [])];
  }

  get inputs(): readonly SymbolicTensor[] {
    return this.graphFor('inputs').inputs;
  }

  get outputs(): readonly SymbolicTensor[] {
    return this.graphFor('outputs').outputs;
  }

  /** Every weight, layer by layer: what save() writes and load restores. */
  get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  get trainableWeights(): Variable[] {
    return this.weights.filter((w) => w.trainable);
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** One forward pass (inference unless `training`); x holds one tensor per model input. */
  apply(x: Tensor | readonly Tensor[], options: { training?: boolean } = {}): Tensor | Tensor[] {
    const op = 'apply';
    const graph = this.graphFor(op, asList(x));
    const feeds = checkFeeds(op, graph, x);
    const outputs = tidy(() => runGraph(graph, feeds, { training: options.training ?? false, step: 0 }));
    return outputs.length === 1 ? outputs[0]! : outputs;
  }

  /** The model owns the optimizer from here on: a later compile() with another one, or dispose(), frees its state. */
  compile(options: CompileOptions): void {
    const op = 'compile';
    if (!(options?.optimizer instanceof Optimizer)) {
      throw new ValueError(op, expectation('optimizer', 'an optimizer (optimizers.adam(...), optimizers.sgd(...) ...)', String(options?.optimizer)));
    }
    const { fn, name } = resolveLoss(op, options.loss);
    this.training = { loss: fn, lossName: name, metrics: checkMetrics(op, options.metrics ?? []) };
    if (this.optimizer !== options.optimizer) this.optimizer?.dispose();
    this.optimizer = options.optimizer;
  }

  /** The optimizer, loss and metrics to save (a custom loss saves as null). */
  get compiled(): { optimizer: Optimizer; lossName: LossName | null; metrics: MetricName[] } | undefined {
    return this.optimizer && { optimizer: this.optimizer, lossName: this.training?.lossName ?? null, metrics: this.training?.metrics ?? [] };
  }

  private trainingFor(op: string): Training & { optimizer: Optimizer; graph: Graph } {
    if (!this.training || !this.optimizer) throw new ValueError(op, `model '${this.name}' is not compiled: call compile({ optimizer, loss }) first`);
    return { ...this.training, optimizer: this.optimizer, graph: this.graphFor(op) };
  }

  /** One optimizer step on a batch; returns its loss (and metrics) before the step. */
  trainOnBatch(x: Tensor | readonly Tensor[], y: Tensor): Logs {
    const op = 'trainOnBatch';
    this.graphFor(op, asList(x));
    const { loss, metrics: names, optimizer, graph } = this.trainingFor(op);
    const feeds = checkTargets(op, y, checkFeeds(op, graph, x), graph);
    const variables = this.trainableWeights;
    return tidy(() => {
      let metrics: Record<string, number> = {};
      const { value, grads } = variableGrads(() => {
        const pred = runGraph(graph, feeds, { training: true, step: optimizer.iterations })[0]!;
        metrics = metricLogs(op, names, pred, y);
        return loss(y, pred);
      }, variables);
      optimizer.applyGradients(variables, grads);
      return { loss: value.dataSync()[0]!, ...metrics };
    });
  }

  /** The loss (and metrics) on a batch, in inference mode. */
  testOnBatch(x: Tensor | readonly Tensor[], y: Tensor): Logs {
    const op = 'testOnBatch';
    const { loss, metrics, graph } = this.trainingFor(op);
    const feeds = checkTargets(op, y, checkFeeds(op, graph, x), graph);
    return tidy(() => {
      const pred = runGraph(graph, feeds, { training: false, step: 0 })[0]!;
      return { loss: loss(y, pred).dataSync()[0]!, ...metricLogs(op, metrics, pred, y) };
    });
  }

  async fit(x: Tensor | readonly Tensor[], y: Tensor, options: FitOptions = {}): Promise<History> {
    this.graphFor('fit', asList(x));
    this.trainingFor('fit');
    return fit(this, x, y, options);
  }

  evaluate(x: Tensor | readonly Tensor[], y: Tensor, options: EvaluateOptions = {}): Logs {
    return evaluate(this, x, y, options);
  }

  /** The outputs for every sample, computed batch by batch (one tensor per model output). */
  predict(x: Tensor | readonly Tensor[], options: PredictOptions = {}): Tensor | Tensor[] {
    const op = 'predict';
    const graph = this.graphFor(op, asList(x));
    return predict(graph, checkFeeds(op, graph, x), options);
  }

  /** Prints a table of layers (output shape, parameters, receptive field) and returns it as data. */
  summary(options: { printFn?: (line: string) => void } = {}): ModelSummary {
    const summary = summarize(this.name, this.graphFor('summary'));
    const print = options.printFn ?? ((line: string) => console.log(line));
    for (const line of formatSummary(summary)) print(line);
    return summary;
  }

  /** Writes topology, weights and optimizer state: to a directory path (Node) or an io handler. */
  async save(target: SaveTarget): Promise<ModelArtifacts> {
    return saveModel(this, this.graphFor('save'), target);
  }

  /** Frees the weights and the optimizer's state. */
  dispose(): void {
    for (const layer of this.layers) layer.dispose();
    this.optimizer?.dispose();
  }
}

function asList(x: Tensor | readonly Tensor[]): readonly Tensor[] {
  return Array.isArray(x) ? (x as readonly Tensor[]) : [x as Tensor];
}

/** y must be a tensor with one row per sample, for a model with one output. */
function checkTargets(op: string, y: Tensor, feeds: Tensor[], graph: Graph): Tensor[] {
  if (graph.outputs.length !== 1) {
    throw new ValueError(op, expectation('model', 'one output to train or evaluate against y', `${graph.outputs.length} outputs`));
  }
  if (!(y instanceof Tensor)) throw new ValueError(op, expectation('y', 'a Tensor', String(y)));
  y.pointer(op, 'y');
  const n = feeds[0]!.shape[0];
  if (y.rank < 1 || y.shape[0] !== n) throw new ShapeError(op, expectation('y', `${n} rows (one per sample of x)`, formatShape(y.shape)));
  return feeds;
}

function metricLogs(op: string, metrics: readonly MetricName[], pred: Tensor, y: Tensor): Record<string, number> {
  return metrics.includes('accuracy') ? { accuracy: countCorrect(op, pred, y) / pred.shape[0]! } : {};
}

/** model({ inputs, outputs }): the functional API. Branches may split and join (inception). */
export function model(config: ModelConfig): Model {
  const op = 'model';
  const list = (v: SymbolicTensor | readonly SymbolicTensor[]) => (Array.isArray(v) ? [...(v as SymbolicTensor[])] : [v as SymbolicTensor]);
  if (!config?.inputs || !config.outputs) throw new ValueError(op, expectation('config', '{ inputs, outputs }', JSON.stringify(config)));
  return new Model(config.name ?? uniqueName('model'), buildGraph(op, list(config.inputs), list(config.outputs)));
}
