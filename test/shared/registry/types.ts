// The op registry's types: every public op declares sample inputs with a float64 reference (and
// which inputs to gradient-check against it), and error inputs with the class and message they
// must raise. The shared suite iterates every entry; a public op without one fails a check.
import type { DType, Tensor } from '../../../dist/convkit.js';
import type { Tolerance } from '../compare.js';
import { uniformValues } from '../random.js';
import { dense } from '../reference.js';
import type { Dense } from '../reference.js';
import type { ConvkitModule } from '../types.js';

export interface Sample {
  label: string;
  inputs: Dense[];
  run: (ck: ConvkitModule, inputs: Tensor[]) => Tensor;
  reference: (ck: ConvkitModule, inputs: Dense[]) => Dense;
  tolerance?: Tolerance;
  /** Input dtypes, float32 where not given. */
  dtypes?: DType[];
  /** Inputs whose gradient is checked against central differences of `reference`. */
  grad?: number[];
}

export type ErrorName = 'ShapeError' | 'DTypeError' | 'DisposedError' | 'ValueError' | 'OutOfMemoryError';

export interface ErrorCase {
  label: string;
  run: (ck: ConvkitModule) => unknown;
  error: ErrorName;
  message: RegExp;
}

export interface OpEntry {
  op: string;
  samples: Sample[];
  errors: ErrorCase[];
}

/** Deterministic values in [-1, 1), rounded to float32 so the reference sees what the kernel sees. */
export function randomDense(shape: number[], seed: number): Dense {
  return dense(shape, uniformValues(shape.reduce((p, d) => p * d, 1), seed));
}

export function withValues(d: Dense, at: Record<number, number>): Dense {
  const data = Float64Array.from(d.data);
  for (const [i, v] of Object.entries(at)) data[Number(i)] = v;
  return { shape: d.shape, data };
}

