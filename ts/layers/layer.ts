// Layer: the base of every layer. A layer works out its output shape from its input shapes without
// running anything, creates its weights (Variables) the first time it sees an input, and runs
// forward on tensors. apply() on symbolic tensors (from input()) records a node of a model graph
// instead of computing. Shapes here are per sample: the batch axis is left out.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import { Variable } from '../core/variable.js';
import { mixSeed, seedOption } from '../core/seed.js';
import type { ReceptiveField } from './field.js';
import { initialize } from './initializers.js';
import type { InitializerName } from './initializers.js';

export interface CallContext {
  /** Dropout drops and batch normalization uses batch statistics only when training. */
  training: boolean;
  /** The optimizer step being taken: dropout masks depend on it, so a resumed run repeats exactly. */
  step: number;
}

export interface LayerOptions {
  name?: string;
  /** The shape of one sample (no batch axis); lets a sequential model build at once. */
  inputShape?: readonly number[];
  /** Seeds the initializers (and dropout masks); default: the next seed of setRandomSeed's stream. */
  seed?: number;
}

/** What a saved topology keeps of a layer: its options, JSON only. */
export type LayerConfig = Record<string, unknown>;

const nameCounts = new Map<string, number>();

/** conv2d, conv2d_1, conv2d_2 ... as Keras names layers. */
export function uniqueName(prefix: string): string {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** A placeholder for a tensor in a model graph: its per-sample shape and the layer that makes it. */
export class SymbolicTensor {
  constructor(
    readonly shape: Shape,
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
  ) {}

  toString(): string {
    return `SymbolicTensor(${formatShape([-1, ...this.shape]).replace('-1', 'null')}, from '${this.layer.name}')`;
  }
}

export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  readonly inputShape: Shape | undefined;
  readonly seed: number;
  /** Whether apply() takes a list of inputs (Concatenate) rather than one. */
  readonly multiInput: boolean = false;
  private readonly weightList: Variable[] = [];
  private built = false;

  constructor(options: LayerOptions, prefix: string) {
    const op = `layers.${prefix}`;
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ValueError(op, expectation('name', 'a non-empty string', JSON.stringify(options.name)));
    }
    this.name = options.name ?? uniqueName(prefix);
    if (options.inputShape !== undefined) checkShape(op, 'inputShape', options.inputShape);
    this.inputShape = options.inputShape && Object.freeze([...options.inputShape]);
    this.seed = seedOption(op, options.seed);
  }

  /** Names the layer in errors: "conv2d_1 (Conv2D)". */
  protected get op(): string {
    return `${this.name} (${this.className})`;
  }

  /** The output shape for these input shapes, or a typed error when they do not fit. */
  abstract computeOutputShape(inputs: readonly Shape[]): Shape;

  /** The forward pass on built weights: one tensor per input, batch axis first. */
  abstract call(inputs: readonly Tensor[], ctx: CallContext): Tensor;

  /** Creates the weights for the first input shapes seen (none by default). */
  protected build(_inputs: readonly Shape[]): void {}

  /** The layer's own options for a saved topology. */
  protected abstract options(): LayerConfig;

  /** How the layer changes the receptive field; element-wise layers leave it as it is. */
  receptiveField(inputs: readonly (ReceptiveField | null)[], _inputShapes: readonly Shape[], _output: Shape): ReceptiveField | null {
    return inputs[0] ?? null;
  }

  getConfig(): LayerConfig {
    return { name: this.name, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}), seed: this.seed, ...this.options() };
  }

  get weights(): readonly Variable[] {
    return this.weightList;
  }

  get trainableWeights(): Variable[] {
    return this.weightList.filter((w) => w.trainable);
  }

  get nonTrainableWeights(): Variable[] {
    return this.weightList.filter((w) => !w.trainable);
  }

  countParams(): number {
    return this.weightList.reduce((n, w) => n + w.size, 0);
  }

  /** A new weight, initialised from the layer's seed and the weight's index. */
  protected addWeight(name: string, shape: Shape, initializer: InitializerName, trainable = true): Variable {
    const seed = mixSeed(this.seed, this.weightList.length);
    const w = tidy(() => new Variable(initialize(initializer, shape, seed), trainable, `${this.name}/${name}`));
    this.weightList.push(w);
    return w;
  }

  /** Checks input shapes and, the first time, creates the weights. Returns the output shape. */
  setUp(inputs: readonly Shape[]): Shape {
    const output = this.computeOutputShape(inputs);
    if (!this.built) {
      this.build(inputs);
      this.built = true;
    }
    return output;
  }

  /** On symbolic tensors: a graph node. On tensors: the forward pass (inference unless `training`). */
  apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
  apply(x: Tensor | readonly Tensor[], options?: { training?: boolean }): Tensor;
  apply(x: unknown, options: { training?: boolean } = {}): SymbolicTensor | Tensor {
    const inputs: unknown[] = Array.isArray(x) ? x : [x];
    if (this.multiInput ? !Array.isArray(x) || inputs.length < 1 : inputs.length !== 1) {
      const expected = this.multiInput ? 'a list of inputs' : 'one input';
      throw new ValueError(this.op, expectation('inputs', expected, Array.isArray(x) ? `a list of ${inputs.length}` : 'one input'));
    }
    if (inputs.every((t) => t instanceof SymbolicTensor)) {
      const symbols = inputs as SymbolicTensor[];
      return new SymbolicTensor(this.setUp(symbols.map((s) => s.shape)), this, symbols);
    }
    if (inputs.every((t) => t instanceof Tensor)) {
      const tensors = inputs as Tensor[];
      tensors.forEach((t, i) => {
        t.pointer(this.op, `inputs[${i}]`);
        if (t.rank < 1) throw new ShapeError(this.op, expectation(`inputs[${i}]`, 'a batch axis first', formatShape(t.shape)));
      });
      this.setUp(tensors.map((t) => t.shape.slice(1)));
      return this.call(tensors, { training: options.training ?? false, step: 0 });
    }
    throw new ValueError(this.op, expectation('inputs', 'Tensors or SymbolicTensors (from input())', inputs.map(describe).join(', ')));
  }

  /** Frees the weights. */
  dispose(): void {
    for (const w of this.weightList) w.dispose();
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
}

export function checkShape(op: string, argument: string, shape: unknown): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ValueError(op, expectation(argument, 'an array of positive integers (one sample, no batch axis)', JSON.stringify(shape)));
  }
}

/** The per-sample input rank a layer needs, e.g. 3 for (h, w, c). */
export function checkSampleRank(op: string, shape: Shape, rank: number, layout: string): void {
  if (shape.length !== rank) {
    throw new ShapeError(op, expectation('input', `rank ${rank} ${layout} per sample`, `rank ${shape.length} ${formatShape(shape)}`));
  }
}

/** After build, the input's last axis must keep the size the weights were made for. */
export function checkChannels(op: string, shape: Shape, expected: number | undefined): void {
  if (expected !== undefined && shape.at(-1) !== expected) {
    throw new ShapeError(op, expectation('input', `${expected} channels on the last axis (the layer is built for them)`, formatShape(shape)));
  }
}

export function positiveInteger(op: string, argument: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new ValueError(op, expectation(argument, 'a positive integer', JSON.stringify(value)));
  }
  return value as number;
}
