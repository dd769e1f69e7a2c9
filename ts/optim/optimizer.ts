// Optimizers update Variables in place with wasm kernels (crates/kernels/src/optim). Their state
// (the step count and, per variable, slots such as momentum or Adam's moments) lives in Variables
// too, so a saved model carries it and training resumes exactly where it stopped.
import { DTypeError, ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, tensor, tidy, zeros } from '../core/tensor.js';
import type { Heap } from '../core/heap.js';
import { Variable } from '../core/variable.js';
import { getHeap } from '../core/wasm.js';

export type OptimizerConfig = Record<string, number | boolean>;

export abstract class Optimizer {
  /** Names the class in saved models. */
  abstract readonly className: string;
  /** Per-variable state, in the order the kernel takes it ('velocity', 'm', 'v' ...). */
  protected abstract readonly slotNames: readonly string[];
  learningRate: number;
  private counter: Variable | null = null;
  private readonly slots = new Map<Variable, Variable[]>();

  constructor(op: string, learningRate: number) {
    this.learningRate = checkNumber(op, 'learningRate', learningRate, 'a positive number', (v) => v > 0);
  }

  /** The hyperparameters, enough to make the same optimizer again. */
  abstract getConfig(): OptimizerConfig;

  /** Runs the update kernel for one variable. `step` is the step being taken, from 1. */
  protected abstract update(heap: Heap, variable: Variable, grad: Tensor, slots: readonly Variable[], step: number): number;

  /** Steps taken so far. */
  get iterations(): number {
    return this.counter ? this.counter.dataSync()[0]! : 0;
  }

  /** Updates each variable in place from its gradient (same order), then counts one step. */
  applyGradients(variables: readonly Variable[], grads: readonly Tensor[]): void {
    const op = 'applyGradients';
    if (variables.length !== grads.length) {
      throw new ValueError(op, expectation('grads', `${variables.length} tensors (one per variable)`, `${grads.length}`));
    }
    variables.forEach((v, i) => checkPair(op, v, grads[i], i));
    const step = this.iterations + 1;
    const heap = getHeap(op);
    const state = this.state(variables);
    variables.forEach((v, i) => heap.check(this.className, this.update(heap, v, grads[i]!, this.slots.get(v)!, step)));
    tidy(() => state[0]!.assign(tensor([step], [], 'int32')));
  }

  /**
   * The state for these variables, created (zeros) where missing: the step count, then each
   * variable's slots in order. Saving reads these Variables and loading assigns into them.
   */
  state(variables: readonly Variable[]): Variable[] {
    return tidy(() => {
      this.counter ??= new Variable(zeros([], 'int32'), false, 'iterations');
      const out = [this.counter];
      for (const v of variables) {
        if (!this.slots.has(v)) {
          this.slots.set(v, this.slotNames.map((s) => new Variable(zeros(v.shape), false, `${v.name}/${s}`)));
        }
        out.push(...this.slots.get(v)!);
      }
      return out;
    });
  }

  /** Frees the state; the optimizer starts from step 0 if used again. */
  dispose(): void {
    this.counter?.dispose();
    this.counter = null;
    for (const slots of this.slots.values()) for (const s of slots) s.dispose();
    this.slots.clear();
  }
}

function checkPair(op: string, v: Variable, g: Tensor | undefined, i: number): void {
  if (!(v instanceof Variable)) throw new ValueError(op, expectation(`variables[${i}]`, 'a Variable', String(v)));
  if (!(g instanceof Tensor)) throw new ValueError(op, expectation(`grads[${i}]`, 'a Tensor', String(g)));
  v.pointer(op, `variables[${i}]`);
  g.pointer(op, `grads[${i}]`);
  if (v.dtype !== 'float32') throw new DTypeError(op, expectation(`variables[${i}]`, 'dtype float32', v.dtype));
  if (g.dtype !== 'float32') throw new DTypeError(op, expectation(`grads[${i}]`, 'dtype float32', g.dtype));
  if (formatShape(v.shape) !== formatShape(g.shape)) {
    throw new ShapeError(op, expectation(`grads[${i}]`, `the shape ${formatShape(v.shape)} of variable '${v.name}'`, formatShape(g.shape)));
  }
}

/** A finite number that passes `ok`, or a ValueError naming the option. */
export function checkNumber(op: string, argument: string, value: unknown, expected: string, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ValueError(op, expectation(argument, expected, JSON.stringify(value) ?? String(value)));
  }
  return value;
}

export const unitInterval = (v: number): boolean => v >= 0 && v < 1;
