// Reverse-mode gradients of a scalar function: run it on a tape, then walk the tape backwards,
// summing each tensor's gradient contributions. Everything made on the way is freed; the value and
// the gradients are returned (and belong to the caller's scope).
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { add } from '../ops/elementwise.js';
import { onesLike, zerosLike } from '../ops/creation.js';
import { isRecording, recording, releaseTape } from './tape.js';
import type { Tape } from './tape.js';

export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

function backprop(tape: Tape, value: Tensor): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>([[value, onesLike(value)]]);
  for (let i = tape.entries.length - 1; i >= 0; i--) {
    const entry = tape.entries[i]!;
    const dys = entry.outputs.map((o) => grads.get(o) ?? null);
    if (dys.every((d) => d === null)) continue;
    const needed = entry.inputs.map((x) => tape.tracked.has(x));
    const dxs = entry.backward(dys, needed);
    entry.inputs.forEach((x, j) => {
      const dx = dxs[j];
      if (!dx || !needed[j]) return;
      const sum = grads.get(x);
      grads.set(x, sum ? add(sum, dx) : dx);
    });
  }
  return grads;
}

/** The value of f() and its gradients with respect to `sources`, which f may read. */
function gradientsOf(op: string, f: () => Tensor, sources: readonly Tensor[]): ValueAndGrads {
  if (isRecording()) throw new ValueError(op, 'gradients of gradients are not supported: do not nest grad calls');
  return tidy(() => {
    let tape: Tape | undefined;
    try {
      const value = recording(sources, (t) => {
        tape = t;
        return f();
      });
      if (!(value instanceof Tensor) || value.size !== 1) {
        throw new ShapeError(op, expectation('f', 'to return a scalar tensor (one element)', value instanceof Tensor ? formatShape(value.shape) : typeof value));
      }
      const grads = backprop(tape!, value);
      return { value, grads: sources.map((s) => grads.get(s) ?? zerosLike(s)) };
    } finally {
      if (tape) releaseTape(tape);
    }
  });
}

/** f's value and its gradients with respect to each argument. */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => ValueAndGrads {
  return (...xs) => gradientsOf('valueAndGrads', () => f(...xs), xs);
}

/** f's value and its gradient with respect to x. */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor) => { value: Tensor; grad: Tensor } {
  return (x) => {
    const { value, grads } = gradientsOf('valueAndGrad', () => f(x), [x]);
    return { value, grad: grads[0]! };
  };
}

/** The gradient of scalar f with respect to x. */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const { value, grads } = gradientsOf('grad', () => f(x), [x]);
    if (value !== x) value.dispose();
    return grads[0]!;
  };
}

/** The gradients of scalar f with respect to each argument. */
export function grads(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  return (...xs) => {
    const result = gradientsOf('grads', () => f(...xs), xs);
    if (!xs.includes(result.value)) result.value.dispose();
    return result.grads;
  };
}

/** f()'s value and its gradients with respect to the given variables (in that order). */
export function variableGrads(f: () => Tensor, variables: readonly Variable[]): ValueAndGrads {
  return gradientsOf('variableGrads', f, variables);
}
