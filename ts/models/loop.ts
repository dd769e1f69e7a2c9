// The loops behind fit, evaluate and predict. fit is async: it yields to the event loop after
// every batch so pages stay responsive and progress shows; each step runs inside tidy, so memory
// does not grow from step to step.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { seedOption } from '../core/seed.js';
import { Tensor, tidy, uniformGenerator } from '../core/tensor.js';
import type { Graph } from './graph.js';
import { runGraph } from './graph.js';
import { permutation, range, sliceRows, takeRows, writeRows } from './batching.js';
import { TrainingEvent } from './callbacks.js';
import type { Callback } from './callbacks.js';
import type { Logs, Model } from './model.js';
import { progressCallback } from './progress.js';

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle the samples every epoch; default true. */
  shuffle?: boolean;
  /** Seeds the shuffle; default: the next seed of setRandomSeed's stream. */
  seed?: number;
  /** Evaluated after every epoch (val_loss, val_accuracy). */
  validationData?: readonly [Tensor | readonly Tensor[], Tensor];
  /** Or: hold out this fraction of the samples (the last ones, before shuffling). */
  validationSplit?: number;
  callbacks?: Callback | readonly Callback[];
  /** 0 silent; 1 a progress bar in a terminal, a line per epoch otherwise. Default 1 in Node, 0 elsewhere. */
  verbose?: 0 | 1;
}

export interface EvaluateOptions {
  /** Default 32. */
  batchSize?: number;
}

export type PredictOptions = EvaluateOptions;

export interface History {
  epoch: number[];
  /** One value per epoch for each log: loss, accuracy, val_loss, val_accuracy. */
  history: Record<string, number[]>;
}

type Inputs = Tensor | readonly Tensor[];

/** Calls every callback's hook in turn. */
export class CallbackList {
  constructor(
    model: Model,
    private readonly callbacks: readonly Callback[],
  ) {
    for (const c of callbacks) c.setModel?.(model);
  }

  async onTrainBegin(): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.();
  }

  async onTrainEnd(): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.();
  }

  async onEpochBegin(epoch: number): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
  }

  async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, logs);
  }
}

function positiveInt(op: string, argument: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new ValueError(op, expectation(argument, 'a positive integer', JSON.stringify(value)));
  return value as number;
}

const list = (x: Inputs): Tensor[] => (Array.isArray(x) ? [...(x as Tensor[])] : [x as Tensor]);
const rows = (x: Inputs): number => list(x)[0]!.shape[0] ?? 0;
const take = (x: Inputs, indices: ArrayLike<number>): Tensor[] => list(x).map((t) => takeRows(t, indices));

/** x (one tensor per model input) and y: tensors with the same number of samples, at least one. */
function checkSamples(op: string, x: Inputs, y: Tensor, prefix = ''): number {
  const xs = list(x);
  const named = (i: number) => prefix + (i === xs.length ? 'y' : xs.length > 1 ? `x[${i}]` : 'x');
  [...xs, y].forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(op, expectation(named(i), 'a Tensor', String(t)));
    t.pointer(op, named(i));
  });
  const n = xs[0]!.shape[0];
  if (!n) throw new ValueError(op, expectation(named(0), 'at least one sample', formatShape(xs[0]!.shape)));
  [...xs, y].forEach((t, i) => {
    if (t.shape[0] !== n) throw new ShapeError(op, expectation(named(i), `${n} samples (rows) as ${named(0)}`, formatShape(t.shape)));
  });
  return n;
}

/** Lets the event loop run: setImmediate where there is one, else a message round trip. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Splits off the last `fraction` of the samples; the caller disposes the four copies. */
function holdOut(op: string, x: Inputs, y: Tensor, fraction: unknown): [Tensor[], Tensor, Tensor[], Tensor] {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw new ValueError(op, expectation('validationSplit', 'a number in (0, 1)', JSON.stringify(fraction)));
  }
  const n = rows(x);
  const cut = Math.floor(n * (1 - fraction));
  if (cut < 1 || cut === n) throw new ValueError(op, expectation('validationSplit', `a fraction leaving samples on both sides of ${n}`, String(fraction)));
  return tidy(() => [list(x).map((t) => sliceRows(t, 0, cut)), sliceRows(y, 0, cut), list(x).map((t) => sliceRows(t, cut, n)), sliceRows(y, cut, n)]);
}

/** Adds a batch's logs, weighted by its size, into running sums. */
function accumulate(sums: Record<string, number>, logs: Logs, size: number): void {
  for (const [key, value] of Object.entries(logs)) sums[key] = (sums[key] ?? 0) + value * size;
}

function averaged(sums: Record<string, number>, count: number): Logs {
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / count])) as Logs;
}

export async function fit(model: Model, x: Inputs, y: Tensor, options: FitOptions): Promise<History> {
  const op = 'fit';
  const epochs = positiveInt(op, 'epochs', options.epochs ?? 1);
  const batchSize = positiveInt(op, 'batchSize', options.batchSize ?? 32);
  const uniform = uniformGenerator(seedOption(op, options.seed));
  checkSamples(op, x, y);
  if (options.validationData && options.validationSplit !== undefined) {
    throw new ValueError(op, expectation('options', 'validationData or validationSplit, not both', 'both'));
  }
  if (options.validationData) {
    if (!Array.isArray(options.validationData) || options.validationData.length !== 2) {
      throw new ValueError(op, expectation('validationData', '[x, y]', String(options.validationData)));
    }
    checkSamples(op, options.validationData[0], options.validationData[1], 'validationData.');
  }
  const owned: Tensor[] = [];
  let [trainX, trainY, validation]: [Inputs, Tensor, readonly [Inputs, Tensor] | undefined] = [x, y, options.validationData];
  if (options.validationSplit !== undefined) {
    const [tx, ty, vx, vy] = holdOut(op, x, y, options.validationSplit);
    owned.push(...tx, ty, ...vx, vy);
    [trainX, trainY, validation] = [tx, ty, [vx, vy]];
  }
  const n = rows(trainX);
  const verbose = options.verbose ?? (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' ? 1 : 0);
  const user = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks as Callback];
  const callbacks = new CallbackList(model, [...user, ...(verbose ? [progressCallback({ epochs, samples: n })] : [])]);
  const history: History = { epoch: [], history: {} };
  model.stopTraining = false;
  try {
    await callbacks.onTrainBegin();
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      await callbacks.onEpochBegin(epoch);
      const order = options.shuffle ?? true ? permutation(n, uniform) : range(0, n);
      const sums: Record<string, number> = {};
      let seen = 0;
      for (let batch = 0; batch * batchSize < n && !model.stopTraining; batch++) {
        const indices = order.slice(batch * batchSize, (batch + 1) * batchSize);
        const logs = tidy(() => model.trainOnBatch(take(trainX, indices), takeRows(trainY, indices)));
        accumulate(sums, logs, indices.length);
        seen += indices.length;
        const batchLogs = { ...logs, size: indices.length };
        await callbacks.onBatchEnd(batch, batchLogs);
        model.events.dispatchEvent(new TrainingEvent('batchEnd', { epoch, batch, logs: batchLogs }));
        await yieldToEventLoop();
      }
      const logs = averaged(sums, seen);
      if (validation) {
        for (const [key, value] of Object.entries(evaluate(model, validation[0], validation[1], { batchSize }))) logs[`val_${key}`] = value;
      }
      history.epoch.push(epoch);
      for (const [key, value] of Object.entries(logs)) (history.history[key] ??= []).push(value);
      await callbacks.onEpochEnd(epoch, logs);
      model.events.dispatchEvent(new TrainingEvent('epochEnd', { epoch, logs }));
    }
  } finally {
    for (const t of owned) t.dispose();
    await callbacks.onTrainEnd();
  }
  return history;
}

export function evaluate(model: Model, x: Inputs, y: Tensor, options: EvaluateOptions): Logs {
  const op = 'evaluate';
  const batchSize = positiveInt(op, 'batchSize', options.batchSize ?? 32);
  const n = checkSamples(op, x, y);
  const sums: Record<string, number> = {};
  for (let start = 0; start < n; start += batchSize) {
    const indices = range(start, Math.min(n, start + batchSize));
    accumulate(sums, tidy(() => model.testOnBatch(take(x, indices), takeRows(y, indices))), indices.length);
  }
  return averaged(sums, n);
}

export function predict(graph: Graph, feeds: readonly Tensor[], options: PredictOptions): Tensor | Tensor[] {
  const batchSize = positiveInt('predict', 'batchSize', options.batchSize ?? 32);
  const n = rows(feeds);
  const outputs = graph.outputs.map((s) => new Tensor([n, ...s.shape], 'float32', 'predict'));
  try {
    for (let start = 0; start < n; start += batchSize) {
      tidy(() => {
        const batch = take(feeds, range(start, Math.min(n, start + batchSize)));
        runGraph(graph, batch, { training: false, step: 0 }).forEach((t, i) => writeRows(outputs[i]!, start, t));
      });
    }
  } catch (error) {
    for (const t of outputs) t.dispose();
    throw error;
  }
  return outputs.length === 1 ? outputs[0]! : outputs;
}
