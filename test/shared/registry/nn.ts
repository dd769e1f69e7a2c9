// Registry entries for the nn ops: sigmoid, tanh, sub, div, neg, softmax, logSoftmax,
// softmaxCrossEntropy, argMax, concat, batchNorm, dropout.
import type { Tensor } from '../../../dist/convkit.js';
import { broadcastReference, dense, map } from '../reference.js';
import type { Dense } from '../reference.js';
import {
  argMaxReference, batchNormReference, concatReference, crossEntropyReference, dropoutReference, logSoftmaxReference, sigmoid, softmaxReference,
} from '../nn-reference.js';
import { randomDense } from './types.js';
import type { OpEntry, Sample } from './types.js';

/** f of each value, rounded to float32 so the reference sees what the kernel sees. */
function f32(d: Dense, f: (v: number) => number): Dense {
  return { shape: d.shape, data: d.data.map((v) => Math.fround(f(v))) };
}

const special = dense([10], [NaN, Infinity, -Infinity, -0, 30, -30, 100, -100, 1e-3, -0.6]);

function unarySample(op: 'sigmoid' | 'tanh' | 'neg', label: string, x: Dense, f: (v: number) => number): Sample {
  return {
    label,
    inputs: [x],
    grad: x.data.every(Number.isFinite) ? [0] : [],
    run: (ck, [t]) => ck.ops[op](t!),
    reference: (_ck, [d]) => map(d!, f),
  };
}

function binarySample(op: 'sub' | 'div', label: string, a: Dense, b: Dense): Sample {
  const f = op === 'sub' ? (x: number, y: number) => x - y : (x: number, y: number) => x / y;
  return {
    label,
    inputs: [a, b],
    grad: [...a.data, ...b.data].every(Number.isFinite) && b.data.every((v) => v !== 0) ? [0, 1] : [],
    run: (ck, [at, bt]) => ck.ops[op](at!, bt!),
    reference: (_ck, [ad, bd]) => broadcastReference(ad!, bd!, f),
  };
}

function rowwiseSample(op: 'softmax' | 'logSoftmax', label: string, x: Dense): Sample {
  return {
    label,
    inputs: [x],
    grad: x.data.every(Number.isFinite) ? [0] : [],
    run: (ck, [t]) => ck.ops[op](t!),
    reference: (_ck, [d]) => (op === 'softmax' ? softmaxReference(d!) : logSoftmaxReference(d!)),
  };
}

/** Rows of non-negative float32 values that sum to about 1. */
function probabilities(n: number, k: number, seed: number): Dense {
  const raw = f32(randomDense([n, k], seed), (v) => Math.abs(v) + 0.05);
  for (let r = 0; r < n; r++) {
    const row = raw.data.subarray(r * k, (r + 1) * k);
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((v, j) => (row[j] = Math.fround(v / total)));
  }
  return raw;
}

function crossEntropySample(label: string, logits: Dense, labels: Dense): Sample {
  const sparse = labels.shape.length === 1;
  return {
    label,
    inputs: [logits, labels],
    dtypes: sparse ? ['float32', 'int32'] : ['float32', 'float32'],
    grad: [0],
    run: (ck, [x, y]) => ck.ops.softmaxCrossEntropy(x!, y!),
    reference: (_ck, [x, y]) => crossEntropyReference(x!, y!),
  };
}

function concatSample(label: string, shapes: number[][], axis: number, seed: number, dtype: 'float32' | 'int32' = 'float32'): Sample {
  const inputs = shapes.map((s, i) => (dtype === 'int32' ? f32(randomDense(s, seed + i), (v) => Math.round(v * 1000)) : randomDense(s, seed + i)));
  return {
    label,
    inputs,
    dtypes: inputs.map(() => dtype),
    grad: dtype === 'float32' ? inputs.map((_, i) => i) : [],
    run: (ck, ts) => ck.ops.concat(ts, axis),
    reference: (_ck, ds) => concatReference(ds, axis),
  };
}

function batchNormSample(label: string, shape: number[], training: boolean, seed: number, epsilon?: number): Sample {
  const c = shape.at(-1)!;
  const inputs = [
    f32(randomDense(shape, seed), (v) => 3 * v + 0.5),
    f32(randomDense([c], seed + 1), (v) => 1 + 0.5 * v),
    randomDense([c], seed + 2),
    ...(training ? [] : [randomDense([c], seed + 3), f32(randomDense([c], seed + 4), (v) => 0.5 + Math.abs(v))]),
  ];
  return {
    label,
    inputs,
    grad: [0, 1, 2],
    tolerance: { atol: 2e-5, rtol: 2e-4 },
    run: (ck, [x, gamma, beta, movingMean, movingVariance]) =>
      ck.ops.batchNorm(x!, gamma!, beta!, { training, ...(epsilon === undefined ? {} : { epsilon }), ...(training ? {} : { movingMean: movingMean!, movingVariance: movingVariance! }) }),
    reference: (_ck, [x, gamma, beta, mean, variance]) =>
      batchNormReference(x!, gamma!, beta!, { epsilon: epsilon ?? 1e-3, ...(training ? {} : { mean: mean!, variance: variance! }) }),
  };
}

function dropoutSample(label: string, shape: number[], rate: number, options: { seed?: number; training?: boolean }, seed: number): Sample {
  const identity = options.training === false || rate === 0;
  return {
    label,
    inputs: [randomDense(shape, seed)],
    grad: [0],
    run: (ck, [x]) => ck.ops.dropout(x!, rate, options),
    reference: (_ck, [x]) => (identity ? x! : dropoutReference(x!, rate, options.seed!)),
  };
}

export function nnEntries(): OpEntry[] {
  return [
    {
      op: 'sigmoid',
      samples: [
        unarySample('sigmoid', 'random values over [-8, 8), odd length', f32(randomDense([3, 7, 5], 71), (v) => 8 * v), sigmoid),
        unarySample('sigmoid', 'NaN, ±Inf, -0 and the far tails', special, sigmoid),
      ],
      errors: [{ label: 'int32 x', run: (ck) => ck.ops.sigmoid(ck.zeros([2], 'int32')), error: 'DTypeError', message: /^sigmoid: argument 'x' expected dtype float32, received int32$/ }],
    },
    {
      op: 'tanh',
      samples: [
        unarySample('tanh', 'random values over [-4, 4), both sides of the 0.625 switch', f32(randomDense([6, 11], 72), (v) => 4 * v), Math.tanh),
        unarySample('tanh', 'small values', f32(randomDense([9], 73), (v) => 1e-3 * v), Math.tanh),
        unarySample('tanh', 'NaN, ±Inf, -0 and the far tails', special, Math.tanh),
      ],
      errors: [{ label: 'null', run: (ck) => ck.ops.tanh(null as unknown as Tensor), error: 'ValueError', message: /^tanh: argument 'x' expected a Tensor, received null$/ }],
    },
    {
      op: 'sub',
      samples: [
        binarySample('sub', 'same shape', randomDense([4, 9], 74), randomDense([4, 9], 75)),
        binarySample('sub', 'both sides broadcast', randomDense([2, 1, 4], 76), randomDense([3, 1], 77)),
        binarySample('sub', 'a scalar minus a matrix', randomDense([], 78), randomDense([3, 5], 79)),
        binarySample('sub', 'NaN and Inf', special, dense([10], [1, Infinity, -Infinity, 0, NaN, 2, 3, 4, 5, 6])),
      ],
      errors: [{ label: 'shapes that do not broadcast', run: (ck) => ck.ops.sub(ck.zeros([2, 3]), ck.zeros([2])), error: 'ShapeError', message: /^sub: argument 'b' expected a shape that broadcasts with a's \[2, 3\], received \[2\]$/ }],
    },
    {
      op: 'div',
      samples: [
        binarySample('div', 'same shape, divisors away from 0', randomDense([37], 81), f32(randomDense([37], 82), (v) => (v < 0 ? v - 0.5 : v + 0.5))),
        binarySample('div', 'by a per-channel vector', randomDense([2, 3, 4], 83), f32(randomDense([4], 84), (v) => 1.5 + v)),
        binarySample('div', 'by zero and infinities', dense([6], [1, -1, 0, Infinity, 2, NaN]), dense([6], [0, 0, 0, Infinity, -Infinity, 1])),
      ],
      errors: [{ label: 'int32 b', run: (ck) => ck.ops.div(ck.ones([2]), ck.ones([2], 'int32')), error: 'DTypeError', message: /^div: argument 'b' expected dtype float32, received int32$/ }],
    },
    {
      op: 'neg',
      samples: [
        unarySample('neg', 'random values', randomDense([5, 3], 85), (v) => -v),
        unarySample('neg', 'NaN, ±Inf and -0', special, (v) => -v),
      ],
      errors: [{ label: 'a number', run: (ck) => ck.ops.neg(3 as unknown as Tensor), error: 'ValueError', message: /^neg: argument 'x' expected a Tensor, received number$/ }],
    },
    {
      op: 'softmax',
      samples: [
        rowwiseSample('softmax', '(4, 10), logits over [-5, 5)', f32(randomDense([4, 10], 91), (v) => 5 * v)),
        rowwiseSample('softmax', 'rank 3, last axis of 7', randomDense([2, 3, 7], 92)),
        rowwiseSample('softmax', 'k = 1 gives ones', randomDense([5, 1], 93)),
        rowwiseSample('softmax', 'large logits do not overflow', f32(randomDense([3, 6], 94), (v) => 1000 + 50 * v)),
        rowwiseSample('softmax', '-Inf gives 0; a NaN makes its row NaN', dense([2, 3], [-Infinity, 0, 1, 2, NaN, 0])),
      ],
      errors: [{ label: 'a scalar', run: (ck) => ck.ops.softmax(ck.zeros([])), error: 'ShapeError', message: /^softmax: argument 'x' expected rank 1 or more \(\.\.\., k\), received rank 0 \[\]$/ }],
    },
    {
      op: 'logSoftmax',
      samples: [
        rowwiseSample('logSoftmax', '(6, 10), logits over [-8, 8)', f32(randomDense([6, 10], 95), (v) => 8 * v)),
        rowwiseSample('logSoftmax', 'odd row length 5, rank 1', randomDense([5], 96)),
        rowwiseSample('logSoftmax', 'large logits do not overflow', f32(randomDense([2, 9], 97), (v) => -500 + 100 * v)),
        rowwiseSample('logSoftmax', '-Inf stays -Inf', dense([1, 4], [-Infinity, 0, 1, -2])),
      ],
      errors: [{ label: 'int32 x', run: (ck) => ck.ops.logSoftmax(ck.zeros([2, 2], 'int32')), error: 'DTypeError', message: /^logSoftmax: argument 'x' expected dtype float32, received int32$/ }],
    },
    {
      op: 'softmaxCrossEntropy',
      samples: [
        crossEntropySample('int32 class indices', f32(randomDense([6, 10], 101), (v) => 3 * v), dense([6], [0, 9, 3, 3, 7, 1])),
        crossEntropySample('float32 one-hot labels, k = 5', randomDense([4, 5], 102), dense([4, 5], [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0])),
        crossEntropySample('soft labels', randomDense([3, 7], 103), probabilities(3, 7, 104)),
        crossEntropySample('large logits stay finite', f32(randomDense([5, 4], 105), (v) => 200 * v), dense([5], [3, 0, 1, 2, 3])),
      ],
      errors: [
        { label: 'a class index of k', run: (ck) => ck.ops.softmaxCrossEntropy(ck.zeros([2, 5]), ck.tensor([0, 5], [2], 'int32')), error: 'ValueError', message: /^softmaxCrossEntropy: argument 'labels' expected class indices in \[0, 5\), received 5 at index 1$/ },
        { label: 'a negative class index', run: (ck) => ck.ops.softmaxCrossEntropy(ck.zeros([3, 4]), ck.tensor([1, -1, 2], [3], 'int32')), error: 'ValueError', message: /^softmaxCrossEntropy: argument 'labels' expected class indices in \[0, 4\), received -1 at index 1$/ },
        { label: 'probabilities of another shape', run: (ck) => ck.ops.softmaxCrossEntropy(ck.zeros([4, 5]), ck.zeros([4, 6])), error: 'ShapeError', message: /^softmaxCrossEntropy: argument 'labels' expected shape \[4, 5\] \(float32 probabilities, or int32 class indices of shape \[n\]\), received \[4, 6\]$/ },
        { label: 'class indices of another length', run: (ck) => ck.ops.softmaxCrossEntropy(ck.zeros([4, 5]), ck.zeros([3], 'int32')), error: 'ShapeError', message: /^softmaxCrossEntropy: argument 'labels' expected shape \[4\] \(int32 class indices, one per row of logits\), received \[3\]$/ },
        { label: 'logits of rank 3', run: (ck) => ck.ops.softmaxCrossEntropy(ck.zeros([2, 3, 4]), ck.zeros([2], 'int32')), error: 'ShapeError', message: /^softmaxCrossEntropy: argument 'logits' expected rank 2 \(n, k\), received rank 3 \[2, 3, 4\]$/ },
      ],
    },
    {
      op: 'argMax',
      samples: [
        { label: 'last axis by default', inputs: [randomDense([4, 9], 111)], run: (ck, [x]) => ck.ops.argMax(x!), reference: (_ck, [x]) => argMaxReference(x!, -1) },
        { label: 'axis 0 of a rank-3 tensor', inputs: [randomDense([5, 3, 2], 112)], run: (ck, [x]) => ck.ops.argMax(x!, 0), reference: (_ck, [x]) => argMaxReference(x!, 0) },
        { label: 'axis -2', inputs: [randomDense([2, 6, 3], 113)], run: (ck, [x]) => ck.ops.argMax(x!, -2), reference: (_ck, [x]) => argMaxReference(x!, 1) },
        { label: 'ties take the first; a NaN counts as the maximum', inputs: [dense([3, 4], [1, 3, 3, 0, NaN, 5, NaN, 1, -Infinity, -Infinity, -Infinity, -Infinity])], run: (ck, [x]) => ck.ops.argMax(x!), reference: (_ck, [x]) => argMaxReference(x!, -1) },
      ],
      errors: [
        { label: 'an axis out of range', run: (ck) => ck.ops.argMax(ck.zeros([2, 3]), 2), error: 'ValueError', message: /^argMax: argument 'axis' expected an integer in \[-2, 2\), received 2$/ },
        { label: 'an empty axis', run: (ck) => ck.ops.argMax(ck.zeros([2, 0])), error: 'ShapeError', message: /^argMax: argument 'x' expected a non-empty axis 1, received \[2, 0\]$/ },
      ],
    },
    {
      op: 'concat',
      samples: [
        concatSample('three tensors on the last axis (-1)', [[2, 3, 2], [2, 3, 1], [2, 3, 4]], -1, 121),
        concatSample('axis 0', [[2, 3], [1, 3]], 0, 124),
        concatSample('a middle axis', [[2, 1, 3], [2, 2, 3]], 1, 126),
        concatSample('one tensor is a copy', [[3, 4]], 1, 128),
        concatSample('int32 values are copied bit for bit', [[2, 2], [2, 3]], 1, 129, 'int32'),
      ],
      errors: [
        { label: 'ranks that differ', run: (ck) => ck.ops.concat([ck.zeros([2, 3]), ck.zeros([2, 3, 1])], 1), error: 'ShapeError', message: /^concat: argument 'tensors\[1\]' expected shape \[2, \*\] to match tensors\[0\] \[2, 3\] off axis 1, received \[2, 3, 1\]$/ },
        { label: 'a size off the axis that differs', run: (ck) => ck.ops.concat([ck.zeros([2, 3]), ck.zeros([2, 3]), ck.zeros([4, 3])], -1), error: 'ShapeError', message: /^concat: argument 'tensors\[2\]' expected shape \[2, \*\] .*received \[4, 3\]$/ },
        { label: 'dtypes that differ', run: (ck) => ck.ops.concat([ck.zeros([2]), ck.zeros([2], 'int32')], 0), error: 'DTypeError', message: /^concat: argument 'tensors\[1\]' expected dtype float32, received int32$/ },
        { label: 'no tensors', run: (ck) => ck.ops.concat([], 0), error: 'ValueError', message: /^concat: argument 'tensors' expected a non-empty array of tensors, received \[\]$/ },
        { label: 'an axis out of range', run: (ck) => ck.ops.concat([ck.zeros([2, 3])], -3), error: 'ValueError', message: /^concat: argument 'axis' expected an integer in \[-2, 2\), received -3$/ },
      ],
    },
    {
      op: 'batchNorm',
      samples: [
        batchNormSample('training, (n, h, w, c), batch statistics', [2, 3, 3, 5], true, 131),
        batchNormSample('training, (n, c), epsilon 1e-5', [7, 6], true, 136, 1e-5),
        batchNormSample('inference, moving statistics', [2, 4, 3, 3], false, 141),
      ],
      errors: [
        { label: 'gamma of the wrong length', run: (ck) => ck.ops.batchNorm(ck.zeros([2, 5]), ck.ones([4]), ck.zeros([5]), { training: true }), error: 'ShapeError', message: /^batchNorm: argument 'gamma' expected shape \[5\] \(one value per channel of x\), received \[4\]$/ },
        { label: 'inference without moving statistics', run: (ck) => ck.ops.batchNorm(ck.zeros([2, 5]), ck.ones([5]), ck.zeros([5])), error: 'ValueError', message: /^batchNorm: argument 'movingMean' expected a Tensor \(inference normalises with the moving statistics\), received undefined$/ },
        { label: 'training with a plain tensor to update', run: (ck) => ck.ops.batchNorm(ck.zeros([2, 3]), ck.ones([3]), ck.zeros([3]), { training: true, movingMean: ck.zeros([3]), movingVariance: ck.ones([3]) }), error: 'ValueError', message: /^batchNorm: argument 'movingMean' expected a Variable \(training updates it in place\), received a Tensor$/ },
        { label: 'momentum above 1', run: (ck) => ck.ops.batchNorm(ck.zeros([2, 3]), ck.ones([3]), ck.zeros([3]), { training: true, momentum: 1.5 }), error: 'ValueError', message: /^batchNorm: argument 'momentum' expected a number in \[0, 1\], received 1\.5$/ },
        { label: 'x of rank 1', run: (ck) => ck.ops.batchNorm(ck.zeros([3]), ck.ones([3]), ck.zeros([3]), { training: true }), error: 'ShapeError', message: /^batchNorm: argument 'x' expected rank 2 or more \(n, \.\.\., c\), received rank 1 \[3\]$/ },
      ],
    },
    {
      op: 'dropout',
      samples: [
        dropoutSample('rate 0.3, seeded: the mask matches the reference hash', [8, 16], 0.3, { seed: 42 }, 151),
        dropoutSample('rate 0.9, odd size', [3, 37], 0.9, { seed: 7 }, 152),
        dropoutSample('a seed past 2^31', [50], 0.5, { seed: 3_000_000_000 }, 153),
        dropoutSample('rate 0 is the identity', [4, 5], 0, {}, 154),
        dropoutSample('training false is the identity', [4, 5], 0.5, { training: false }, 155),
      ],
      errors: [
        { label: 'rate 1', run: (ck) => ck.ops.dropout(ck.ones([4]), 1), error: 'ValueError', message: /^dropout: argument 'rate' expected a number in \[0, 1\), received 1$/ },
        { label: 'a negative rate', run: (ck) => ck.ops.dropout(ck.ones([4]), -0.1), error: 'ValueError', message: /^dropout: argument 'rate' expected a number in \[0, 1\), received -0\.1$/ },
        { label: 'a fractional seed', run: (ck) => ck.ops.dropout(ck.ones([4]), 0.5, { seed: 1.5 }), error: 'ValueError', message: /^dropout: argument 'seed' expected an integer, received 1\.5$/ },
      ],
    },
  ];
}
