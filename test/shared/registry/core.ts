// Registry entries for the foundation ops: conv2d, matMul, add, mul, relu.
import type { Tensor } from '../../../dist/convkit.js';
import { broadcastReference, conv2dReference, dense, map, matMulReference, relu } from '../reference.js';
import type { Dense } from '../reference.js';
import type { ConvkitModule } from '../types.js';
import { randomDense, withValues } from './types.js';
import type { OpEntry, Sample } from './types.js';

type ConvOptions = Parameters<ConvkitModule['ops']['conv2d']>[2];

function convSample(label: string, x: number[], f: number[], options: Omit<NonNullable<ConvOptions>, 'bias'>, withBias: boolean, seed: number): Sample {
  const inputs = [randomDense(x, seed), randomDense(f, seed + 1), ...(withBias ? [randomDense([f[3]!], seed + 2)] : [])];
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    run: (ck, [xt, ft, bias]) => ck.ops.conv2d(xt!, ft!, { ...options, ...(bias ? { bias } : {}) }),
    reference: (ck, [xd, fd, bd]) => {
      const y = conv2dReference(ck.ops.conv2dGeometry('conv2d', xd!.shape, fd!.shape, options), xd!.data, fd!.data, bd?.data);
      return options.activation === 'relu' ? map(y, relu) : y;
    },
  };
}

function matMulSample(label: string, a: number[], b: number[], transposeA: boolean, transposeB: boolean, seed: number): Sample {
  return {
    label,
    inputs: [randomDense(a, seed), randomDense(b, seed + 1)],
    grad: [0, 1],
    run: (ck, [at, bt]) => ck.ops.matMul(at!, bt!, { transposeA, transposeB }),
    reference: (_ck, [ad, bd]) => matMulReference(ad!, bd!, transposeA, transposeB),
  };
}

function binarySample(op: 'add' | 'mul', label: string, a: Dense, b: Dense): Sample {
  const f = op === 'add' ? (x: number, y: number) => x + y : (x: number, y: number) => x * y;
  const finite = [...a.data, ...b.data].every(Number.isFinite);
  return {
    label,
    inputs: [a, b],
    grad: finite ? [0, 1] : [],
    run: (ck, [at, bt]) => ck.ops[op](at!, bt!),
    reference: (_ck, [ad, bd]) => broadcastReference(ad!, bd!, f),
  };
}

const special = dense([6], [NaN, Infinity, -Infinity, -0, 1.5, -2]);

export function coreEntries(): OpEntry[] {
  return [
    {
      op: 'conv2d',
      samples: [
        convSample('3x3 same with bias', [2, 6, 5, 3], [3, 3, 3, 4], { padding: 'same' }, true, 1),
        convSample('5x5 valid, strides 2, dilations 2', [1, 13, 12, 2], [5, 5, 2, 3], { strides: 2, dilations: 2 }, false, 2),
        convSample('1x1 pointwise (GEMM path)', [2, 4, 4, 6], [1, 1, 6, 5], {}, true, 3),
        convSample('explicit padding, strides [1, 2], fused relu', [1, 7, 8, 5], [2, 3, 5, 9], { padding: [[2, 0], [1, 3]], strides: [1, 2], activation: 'relu' }, true, 4),
        {
          ...convSample('NaN and Inf in x reach exactly the outputs whose window covers them', [1, 5, 5, 1], [3, 3, 1, 2], { padding: 'same' }, false, 5),
          inputs: [withValues(randomDense([1, 5, 5, 1], 5), { 0: NaN, 24: Infinity }), randomDense([3, 3, 1, 2], 6)],
          grad: [],
        },
      ],
      errors: [
        { label: 'x of rank 3', run: (ck) => ck.ops.conv2d(ck.zeros([4, 4, 3]), ck.zeros([3, 3, 3, 2])), error: 'ShapeError', message: /^conv2d: argument 'x' expected rank 4 \(n, h, w, c_in\), received rank 3 \[4, 4, 3\]$/ },
        { label: 'channel mismatch', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 2, 8])), error: 'ShapeError', message: /^conv2d: argument 'filter' expected c_in = 3 .*received \[3, 3, 2, 8\]$/ },
        { label: 'filter of rank 2', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3])), error: 'ShapeError', message: /^conv2d: argument 'filter' expected rank 4/ },
        {
          label: 'disposed x',
          run: (ck) => {
            const x = ck.zeros([1, 4, 4, 1]);
            x.dispose();
            return ck.ops.conv2d(x, ck.zeros([1, 1, 1, 1]));
          },
          error: 'DisposedError',
          message: /^conv2d: argument 'x' is a disposed tensor of shape \[1, 4, 4, 1\]$/,
        },
        { label: 'int32 x', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1], 'int32'), ck.zeros([1, 1, 1, 1])), error: 'DTypeError', message: /^conv2d: argument 'x' expected dtype float32, received int32$/ },
        { label: 'stride 0', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 1]), { strides: 0 }), error: 'ValueError', message: /^conv2d: argument 'strides' expected a positive integer or a pair of them, received 0$/ },
        { label: 'unknown padding', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 1]), { padding: 'full' as 'same' }), error: 'ValueError', message: /^conv2d: argument 'padding' expected .*received "full"$/ },
        { label: 'filter larger than the image', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([5, 5, 1, 1])), error: 'ShapeError', message: /^conv2d: argument 'x' expected a padded spatial size of at least the dilated filter's 5x5, received \[1, 4, 4, 1\]/ },
        { label: 'bias of the wrong length', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 4]), { bias: ck.zeros([3]) }), error: 'ShapeError', message: /^conv2d: argument 'bias' expected shape \[4\] \(c_out\), received \[3\]$/ },
        { label: 'unknown activation', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 1]), { activation: 'gelu' as 'relu' }), error: 'ValueError', message: /^conv2d: argument 'activation' expected 'linear' or 'relu', received "gelu"$/ },
      ],
    },
    {
      op: 'matMul',
      samples: [
        matMulSample('2-D, primes and 1', [7, 13], [13, 1], false, false, 11),
        matMulSample('transposeA', [9, 5], [9, 17], true, false, 12),
        matMulSample('transposeB', [3, 10], [11, 10], false, true, 13),
        matMulSample('both transposed', [6, 4], [9, 6], true, true, 14),
        matMulSample('batched 3-D', [3, 5, 7], [3, 7, 9], false, false, 15),
        matMulSample('batched A with a shared matrix B', [2, 2, 33, 20], [20, 19], false, false, 16),
        {
          label: 'bias and fused relu',
          inputs: [randomDense([5, 6], 17), randomDense([6, 10], 18), randomDense([10], 19)],
          grad: [0, 1, 2],
          run: (ck, [a, b, bias]) => ck.ops.matMul(a!, b!, { bias: bias!, activation: 'relu' }),
          reference: (_ck, [a, b, bias]) => {
            const y = matMulReference(a!, b!);
            return map({ shape: y.shape, data: y.data.map((v, i) => v + bias!.data[i % 10]!) }, relu);
          },
        },
      ],
      errors: [
        { label: 'inner dimensions differ', run: (ck) => ck.ops.matMul(ck.zeros([2, 3]), ck.zeros([4, 5])), error: 'ShapeError', message: /^matMul: argument 'b' expected 3 rows to match a's 3 columns, received 4 in \[4, 5\]$/ },
        { label: 'a of rank 1', run: (ck) => ck.ops.matMul(ck.zeros([3]), ck.zeros([3, 2])), error: 'ShapeError', message: /^matMul: argument 'a' expected rank 2 or more/ },
        { label: 'batch dims differ', run: (ck) => ck.ops.matMul(ck.zeros([2, 3, 4]), ck.zeros([3, 4, 5])), error: 'ShapeError', message: /^matMul: argument 'b' expected batch dims \[2\] as a's \(or none\), received \[3\]$/ },
        { label: 'int32 b', run: (ck) => ck.ops.matMul(ck.zeros([2, 3]), ck.zeros([3, 2], 'int32')), error: 'DTypeError', message: /^matMul: argument 'b' expected dtype float32, received int32$/ },
      ],
    },
    {
      op: 'add',
      samples: [
        binarySample('add', 'same shape', randomDense([3, 4, 5], 21), randomDense([3, 4, 5], 22)),
        binarySample('add', 'bias over the channel axis', randomDense([2, 3, 4, 7], 23), randomDense([7], 24)),
        binarySample('add', 'both sides broadcast', randomDense([2, 1, 4], 25), randomDense([3, 1], 26)),
        binarySample('add', 'a scalar', randomDense([], 27), randomDense([5, 9], 28)),
        binarySample('add', 'NaN and Inf', special, dense([6], [1, -Infinity, -Infinity, 0, NaN, 2])),
      ],
      errors: [
        { label: 'shapes that do not broadcast', run: (ck) => ck.ops.add(ck.zeros([2, 3]), ck.zeros([4])), error: 'ShapeError', message: /^add: argument 'b' expected a shape that broadcasts with a's \[2, 3\], received \[4\]$/ },
        { label: 'a number instead of a tensor', run: (ck) => ck.ops.add(1 as unknown as Tensor, ck.zeros([1])), error: 'ValueError', message: /^add: argument 'a' expected a Tensor, received number$/ },
      ],
    },
    {
      op: 'mul',
      samples: [
        binarySample('mul', 'same shape, odd length', randomDense([37], 31), randomDense([37], 32)),
        binarySample('mul', 'row times column', randomDense([5, 1], 33), randomDense([1, 6], 34)),
        binarySample('mul', 'NaN and Inf', special, dense([6], [0, 0, -1, 3, Infinity, NaN])),
      ],
      errors: [
        {
          label: 'disposed b',
          run: (ck) => {
            const b = ck.ones([2]);
            b.dispose();
            return ck.ops.mul(ck.ones([2]), b);
          },
          error: 'DisposedError',
          message: /^mul: argument 'b' is a disposed tensor of shape \[2\]$/,
        },
      ],
    },
    {
      op: 'relu',
      samples: [
        { label: 'random values, odd length', inputs: [randomDense([3, 7, 5], 41)], grad: [0], run: (ck, [x]) => ck.ops.relu(x!), reference: (_ck, [x]) => map(x!, relu) },
        { label: 'NaN, ±Inf and -0', inputs: [special], run: (ck, [x]) => ck.ops.relu(x!), reference: (_ck, [x]) => map(x!, relu) },
      ],
      errors: [
        { label: 'null', run: (ck) => ck.ops.relu(null as unknown as Tensor), error: 'ValueError', message: /^relu: argument 'x' expected a Tensor, received null$/ },
      ],
    },
  ];
}
