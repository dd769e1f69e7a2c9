// Weight initializers, seeded: the same seed gives the same values. The random ones are Keras's
// variance scaling: a variance of scale / fan, drawn uniform on ±√(3·scale/fan)
// or from a normal truncated at two standard deviations (stddev corrected for the truncation).
// Fans follow Keras: a (…, in, out) kernel has fanIn = in·receptive and fanOut = out·receptive,
// receptive being the product of the leading (spatial) dims.
import { ValueError, expectation } from '../core/errors.js';
import { sizeOf, tensor, uniformGenerator } from '../core/tensor.js';
import type { Shape, Tensor } from '../core/tensor.js';

export type InitializerName =
  | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'leCunUniform' | 'leCunNormal' | 'zeros' | 'ones';

type Scaling = { scale: number; fan: 'in' | 'average'; distribution: 'uniform' | 'truncatedNormal' };

const SCALINGS: Record<string, Scaling> = {
  glorotUniform: { scale: 1, fan: 'average', distribution: 'uniform' },
  glorotNormal: { scale: 1, fan: 'average', distribution: 'truncatedNormal' },
  heUniform: { scale: 2, fan: 'in', distribution: 'uniform' },
  heNormal: { scale: 2, fan: 'in', distribution: 'truncatedNormal' },
  leCunUniform: { scale: 1, fan: 'in', distribution: 'uniform' },
  leCunNormal: { scale: 1, fan: 'in', distribution: 'truncatedNormal' },
};

/** The stddev of a unit normal truncated to [-2, 2]: dividing by it restores the variance. */
const TRUNCATED_STDDEV = 0.87962566103423978;

export const INITIALIZERS: readonly InitializerName[] = [...(Object.keys(SCALINGS) as InitializerName[]), 'zeros', 'ones'];

export function checkInitializer(op: string, argument: string, name: unknown): InitializerName {
  if (!INITIALIZERS.includes(name as InitializerName)) {
    throw new ValueError(op, expectation(argument, `one of ${INITIALIZERS.map((n) => `'${n}'`).join(', ')}`, JSON.stringify(name)));
  }
  return name as InitializerName;
}

export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape.at(-2)! * receptive, fanOut: shape.at(-1)! * receptive };
}

/** Values for a weight of `shape` drawn by the named initializer from `seed`. */
export function initialValues(name: InitializerName, shape: Shape, seed: number): Float32Array {
  const values = new Float32Array(sizeOf(shape));
  if (name === 'zeros' || name === 'ones') return values.fill(name === 'ones' ? 1 : 0);
  const { scale, fan, distribution } = SCALINGS[name]!;
  const { fanIn, fanOut } = fans(shape);
  const variance = scale / Math.max(1, fan === 'in' ? fanIn : (fanIn + fanOut) / 2);
  const uniform = uniformGenerator(seed);
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance);
    return values.map(() => (2 * uniform() - 1) * limit);
  }
  const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV;
  return values.map(() => truncatedNormal(uniform) * stddev);
}

/** A unit normal (Box-Muller) redrawn until it lies within two standard deviations. */
function truncatedNormal(uniform: () => number): number {
  for (;;) {
    const z = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    if (Math.abs(z) <= 2) return z;
  }
}

export function initialize(name: InitializerName, shape: Shape, seed: number): Tensor {
  return tensor(initialValues(name, shape, seed), shape);
}
