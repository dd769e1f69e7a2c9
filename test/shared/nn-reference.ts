// Float64 references for the nn ops (registry/nn.ts): the formulas written out row by row, with
// the same stabilisation a careful hand would use, independent of the kernels.
import type { Dense } from './reference.js';

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

export function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** f applied to each row of the last axis. */
function byRows(x: Dense, f: (row: number[]) => number[]): Dense {
  const k = x.shape.at(-1)!;
  const out = new Float64Array(x.data.length);
  for (let r = 0; r * k < x.data.length; r++) out.set(f(Array.from(x.data.subarray(r * k, (r + 1) * k))), r * k);
  return { shape: x.shape, data: out };
}

function logSumExp(row: number[]): number {
  const max = row.reduce((m, v) => (Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v)), -Infinity);
  return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
}

export function softmaxReference(x: Dense): Dense {
  return byRows(x, (row) => {
    const lse = logSumExp(row);
    return row.map((v) => Math.exp(v - lse));
  });
}

export function logSoftmaxReference(x: Dense): Dense {
  return byRows(x, (row) => {
    const lse = logSumExp(row);
    return row.map((v) => v - lse);
  });
}

/** Mean over rows of −Σ_j p_j (x_j − lse); labels are class indices (n) or probabilities (n, k). */
export function crossEntropyReference(logits: Dense, labels: Dense): Dense {
  const [n, k] = logits.shape as [number, number];
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = Array.from(logits.data.subarray(r * k, (r + 1) * k));
    const lse = logSumExp(row);
    const p = labels.shape.length === 1 ? row.map((_, j) => (j === labels.data[r] ? 1 : 0)) : Array.from(labels.data.subarray(r * k, (r + 1) * k));
    total -= row.reduce((s, v, j) => s + p[j]! * (v - lse), 0);
  }
  return { shape: [], data: Float64Array.of(total / n) };
}

/** (outer, mid, inner) around one axis. */
function around(shape: number[], axis: number): [number, number, number] {
  return [size(shape.slice(0, axis)), shape[axis]!, size(shape.slice(axis + 1))];
}

export function argMaxReference(x: Dense, axis: number): Dense {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const [outer, mid, inner] = around(x.shape, a);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const column = Array.from({ length: mid }, (_, m) => x.data[(o * mid + m) * inner + i]!);
      const nan = column.findIndex(Number.isNaN);
      out[o * inner + i] = nan >= 0 ? nan : column.indexOf(Math.max(...column));
    }
  return { shape: x.shape.filter((_, i) => i !== a), data: out };
}

export function concatReference(tensors: Dense[], axis: number): Dense {
  const rank = tensors[0]!.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const shape = tensors[0]!.shape.map((d, i) => (i === a ? tensors.reduce((s, t) => s + t.shape[a]!, 0) : d));
  const [outer, , inner] = around(shape, a);
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const t of tensors) {
      const run = t.shape[a]! * inner;
      values.push(...t.data.subarray(o * run, (o + 1) * run));
    }
  }
  return { shape, data: Float64Array.from(values) };
}

export interface BatchNormReferenceOptions {
  /** Statistics to normalise with; the batch's (as functions of x) when absent. */
  mean?: Dense;
  variance?: Dense;
  epsilon: number;
}

/** Per-channel mean and biased variance over every axis but the last. */
export function batchMoments(x: Dense): { mean: number[]; variance: number[] } {
  const c = x.shape.at(-1)!;
  const rows = x.data.length / c;
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  x.data.forEach((v, i) => (mean[i % c]! += v / rows));
  x.data.forEach((v, i) => (variance[i % c]! += (v - mean[i % c]!) ** 2 / rows));
  return { mean, variance };
}

export function batchNormReference(x: Dense, gamma: Dense, beta: Dense, options: BatchNormReferenceOptions): Dense {
  const c = x.shape.at(-1)!;
  const { mean, variance } = options.mean && options.variance ? { mean: Array.from(options.mean.data), variance: Array.from(options.variance.data) } : batchMoments(x);
  const data = x.data.map((v, i) => {
    const j = i % c;
    return ((v - mean[j]!) / Math.sqrt(variance[j]! + options.epsilon)) * gamma.data[j]! + beta.data[j]!;
  });
  return { shape: x.shape, data };
}

/** Chris Wellons' lowbias32, as crates/kernels/src/nn/dropout.rs computes it. */
function lowbias32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The keep mask of dropout(rate, seed) over `n` elements: 1 kept, 0 dropped. */
export function dropoutMask(n: number, rate: number, seed: number): Float64Array {
  const key = lowbias32(seed);
  const threshold = Math.floor(rate * 2 ** 32);
  return Float64Array.from({ length: n }, (_, i) => (lowbias32((i + key) >>> 0) >= threshold ? 1 : 0));
}

export function dropoutReference(x: Dense, rate: number, seed: number): Dense {
  const mask = dropoutMask(x.data.length, rate, seed);
  return { shape: x.shape, data: x.data.map((v, i) => (mask[i] ? v / (1 - rate) : 0)) };
}
