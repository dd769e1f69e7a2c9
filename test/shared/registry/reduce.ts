// Registry entries for sum, mean, reshape, zerosLike, onesLike and the pools.
import { pool2dReference, sumReference } from '../reference.js';
import { randomDense } from './types.js';
import type { OpEntry, Sample } from './types.js';

type PoolOptions = { poolSize?: number | [number, number]; strides?: number | [number, number]; padding?: 'valid' | 'same' };

function poolSample(op: 'maxPool2d' | 'avgPool2d', label: string, shape: number[], options: PoolOptions, seed: number): Sample {
  return {
    label,
    inputs: [randomDense(shape, seed)],
    grad: [0],
    run: (ck, [x]) => ck.ops[op](x!, options),
    reference: (ck, [x]) => pool2dReference(ck.ops.pool2dGeometry(op, x!.shape, options), x!.data, op === 'maxPool2d' ? 'max' : 'avg'),
  };
}

export function reduceEntries(): OpEntry[] {
  return [
    {
      op: 'sum',
      samples: [
        { label: 'all axes', inputs: [randomDense([3, 4, 5], 51)], grad: [0], run: (ck, [x]) => ck.ops.sum(x!), reference: (_ck, [x]) => sumReference(x!, [0, 1, 2], false) },
        { label: 'axes [0, 2], keepDims', inputs: [randomDense([3, 4, 5], 52)], grad: [0], run: (ck, [x]) => ck.ops.sum(x!, [0, -1], true), reference: (_ck, [x]) => sumReference(x!, [0, 2], true) },
        { label: 'last axis', inputs: [randomDense([6, 7], 53)], grad: [0], run: (ck, [x]) => ck.ops.sum(x!, 1), reference: (_ck, [x]) => sumReference(x!, [1], false) },
      ],
      errors: [{ label: 'an axis out of range', run: (ck) => ck.ops.sum(ck.zeros([2, 3]), 2), error: 'ValueError', message: /^sum: argument 'axis' expected integers in \[-2, 2\), received 2$/ }],
    },
    {
      op: 'mean',
      samples: [
        {
          label: 'over h and w',
          inputs: [randomDense([2, 3, 4, 5], 54)],
          grad: [0],
          run: (ck, [x]) => ck.ops.mean(x!, [1, 2]),
          reference: (_ck, [x]) => {
            const s = sumReference(x!, [1, 2], false);
            return { shape: s.shape, data: s.data.map((v) => v / 12) };
          },
        },
      ],
      errors: [],
    },
    {
      op: 'reshape',
      samples: [{ label: 'with -1', inputs: [randomDense([2, 3, 4], 55)], grad: [0], run: (ck, [x]) => ck.ops.reshape(x!, [4, -1]), reference: (_ck, [x]) => ({ shape: [4, 6], data: x!.data }) }],
      errors: [{ label: 'a size that does not match', run: (ck) => ck.ops.reshape(ck.zeros([2, 3]), [4, 2]), error: 'ShapeError', message: /^reshape: argument 'shape' expected a shape of 6 elements \(at most one -1\), received \[4, 2\]$/ }],
    },
    {
      op: 'zerosLike',
      samples: [{ label: 'shape of x', inputs: [randomDense([2, 3], 56)], run: (ck, [x]) => ck.ops.zerosLike(x!), reference: (_ck, [x]) => ({ shape: x!.shape, data: new Float64Array(6) }) }],
      errors: [],
    },
    {
      op: 'onesLike',
      samples: [{ label: 'shape of x', inputs: [randomDense([3, 1], 57)], run: (ck, [x]) => ck.ops.onesLike(x!), reference: (_ck, [x]) => ({ shape: x!.shape, data: new Float64Array(3).fill(1) }) }],
      errors: [],
    },
    {
      op: 'maxPool2d',
      samples: [
        poolSample('maxPool2d', '2x2 stride 2, odd size', [2, 5, 7, 3], {}, 61),
        poolSample('maxPool2d', '3x3 stride 2 same', [1, 6, 6, 5], { poolSize: 3, strides: 2, padding: 'same' }, 62),
        poolSample('maxPool2d', '2x3 strides [1, 2], 8 channels', [1, 5, 6, 8], { poolSize: [2, 3], strides: [1, 2] }, 63),
      ],
      errors: [
        { label: 'x of rank 3', run: (ck) => ck.ops.maxPool2d(ck.zeros([4, 4, 2])), error: 'ShapeError', message: /^maxPool2d: argument 'x' expected rank 4 \(n, h, w, c\), received rank 3 \[4, 4, 2\]$/ },
        { label: 'a window larger than the image', run: (ck) => ck.ops.maxPool2d(ck.zeros([1, 2, 2, 1]), { poolSize: 3 }), error: 'ShapeError', message: /^maxPool2d: argument 'x' expected a spatial size of at least the window 3x3/ },
      ],
    },
    {
      op: 'avgPool2d',
      samples: [
        poolSample('avgPool2d', '2x2 stride 2', [2, 4, 6, 3], {}, 64),
        poolSample('avgPool2d', '3x3 stride 1 same (padding not counted)', [1, 5, 5, 6], { poolSize: 3, strides: 1, padding: 'same' }, 65),
      ],
      errors: [{ label: "padding 'causal'", run: (ck) => ck.ops.avgPool2d(ck.zeros([1, 4, 4, 1]), { padding: 'causal' as 'same' }), error: 'ValueError', message: /^avgPool2d: argument 'padding' expected 'valid' or 'same', received "causal"$/ }],
    },
    {
      op: 'globalAvgPool2d',
      samples: [
        {
          label: '(n, h, w, c) -> (n, c)',
          inputs: [randomDense([2, 3, 5, 7], 66)],
          grad: [0],
          run: (ck, [x]) => ck.ops.globalAvgPool2d(x!),
          reference: (_ck, [x]) => {
            const s = sumReference(x!, [1, 2], false);
            return { shape: s.shape, data: s.data.map((v) => v / 15) };
          },
        },
      ],
      errors: [{ label: 'x of rank 2', run: (ck) => ck.ops.globalAvgPool2d(ck.zeros([4, 4])), error: 'ShapeError', message: /^globalAvgPool2d: argument 'x' expected rank 4/ }],
    },
    {
      op: 'globalMaxPool2d',
      samples: [
        {
          label: '(n, h, w, c) -> (n, c)',
          inputs: [randomDense([2, 4, 3, 6], 67)],
          grad: [0],
          run: (ck, [x]) => ck.ops.globalMaxPool2d(x!),
          reference: (_ck, [x]) => {
            const g = { batch: 2, inH: 4, inW: 3, channels: 6, outH: 1, outW: 1, kernelH: 4, kernelW: 3, strideH: 4, strideW: 3, padTop: 0, padLeft: 0 };
            return { shape: [2, 6], data: pool2dReference(g, x!.data, 'max').data };
          },
        },
      ],
      errors: [],
    },
  ];
}
