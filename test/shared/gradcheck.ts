// Gradient checks: the library's analytic gradient (its f32 backward kernels) of
// L = Σ op(inputs) ⊙ r, for a fixed random r, against central differences of the op's float64
// reference. The reference, not the kernel, is differenced, so the check is exact to ~1e-8.
import type { Dense } from './reference.js';

export const GRAD_TOLERANCE = { atol: 1e-4, rtol: 2e-3 };

/** ∂/∂inputs[index] of Σ f(inputs) ⊙ r by central differences. */
export function numericalGradient(f: (inputs: Dense[]) => Dense, inputs: Dense[], index: number, r: ArrayLike<number>, h = 1e-6): Float64Array {
  const loss = (xs: Dense[]) => f(xs).data.reduce((s, v, i) => s + v * r[i]!, 0);
  const x = inputs[index]!;
  const grad = new Float64Array(x.data.length);
  for (let j = 0; j < x.data.length; j++) {
    const at = (delta: number) => {
      const data = Float64Array.from(x.data);
      data[j]! += delta;
      return loss(inputs.map((d, i) => (i === index ? { shape: d.shape, data } : d)));
    };
    grad[j] = (at(h) - at(-h)) / (2 * h);
  }
  return grad;
}
