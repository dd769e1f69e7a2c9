// Registry entries for the convolution family beyond plain conv2d: conv1d (causal, circular,
// groups), conv2d with groups and circular padding, conv3d (causal in time), conv2dTranspose.
// References are float64 loops (../conv-reference.ts) over the library's one geometry definition.
import type { Tensor } from '../../../dist/convkit.js';
import { conv2dTransposeReference, convNdReference } from '../conv-reference.js';
import { map, relu } from '../reference.js';
import type { Dense } from '../reference.js';
import type { ConvkitModule } from '../types.js';
import { randomDense } from './types.js';
import type { OpEntry, Sample } from './types.js';

type Ops = ConvkitModule['ops'];
type ConvOp = 'conv1d' | 'conv2d' | 'conv3d';
type Options<Op extends ConvOp> = Omit<NonNullable<Parameters<Ops[Op]>[2]>, 'bias'>;

function geometry(ck: ConvkitModule, op: ConvOp, x: Dense, f: Dense, options: Record<string, unknown>) {
  if (op === 'conv1d') return ck.ops.conv1dGeometry(op, x.shape, f.shape, options);
  return ck.ops.convGeometry(op, op === 'conv2d' ? 2 : 3, x.shape, f.shape, options);
}

function convSample<Op extends ConvOp>(op: Op, label: string, x: number[], f: number[], options: Options<Op>, withBias: boolean, seed: number): Sample {
  const rank = x.length - 2;
  const inputs = [randomDense(x, seed), randomDense(f, seed + 1), ...(withBias ? [randomDense([f[f.length - 1]!], seed + 2)] : [])];
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    run: (ck, [xt, ft, bias]) => (ck.ops[op] as (x: Tensor, f: Tensor, o: object) => Tensor)(xt!, ft!, { ...options, ...(bias ? { bias } : {}) }),
    reference: (ck, [xd, fd, bd]) => {
      const y = convNdReference(geometry(ck, op, xd!, fd!, options as Record<string, unknown>), rank, xd!.data, fd!.data, bd?.data);
      return (options as { activation?: string }).activation === 'relu' ? map(y, relu) : y;
    },
  };
}

type TransposeOptions = NonNullable<Parameters<Ops['conv2dTranspose']>[2]>;

function transposeSample(label: string, x: number[], f: number[], options: Omit<TransposeOptions, 'bias'>, out: [number, number], withBias: boolean, seed: number): Sample {
  const inputs = [randomDense(x, seed), randomDense(f, seed + 1), ...(withBias ? [randomDense([f[2]!], seed + 2)] : [])];
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    run: (ck, [xt, ft, bias]) => ck.ops.conv2dTranspose(xt!, ft!, { ...options, ...(bias ? { bias } : {}) }),
    reference: (ck, [xd, fd, bd]) => {
      const g = ck.ops.convGeometry('conv2dTranspose', 2, [x[0]!, out[0], out[1], f[2]!], fd!.shape, { strides: options.strides, padding: options.padding, dilations: options.dilations });
      return conv2dTransposeReference(g, xd!.data, fd!.data, bd?.data);
    },
  };
}

export function convFamilyEntries(): OpEntry[] {
  return [
    {
      op: 'conv1d',
      samples: [
        convSample('conv1d', 'causal k3 dilation 2, bias', [2, 9, 3], [3, 3, 4], { padding: 'causal', dilation: 2 }, true, 11),
        convSample('conv1d', 'circular k3, fused relu', [1, 7, 2], [3, 2, 3], { padding: 'circular', activation: 'relu' }, true, 12),
        convSample('conv1d', 'groups 2, same, stride 2, even kernel', [2, 8, 4], [4, 2, 6], { padding: 'same', stride: 2, groups: 2 }, false, 13),
        convSample('conv1d', 'explicit [2, 1], groups = channels (depthwise)', [1, 6, 3], [2, 1, 3], { padding: [2, 1], groups: 3 }, true, 14),
        convSample('conv1d', 'valid, k1 pointwise', [2, 5, 3], [1, 3, 2], {}, false, 15),
      ],
      errors: [
        { label: 'x of rank 4', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 2])), error: 'ShapeError', message: /^conv1d: argument 'x' expected rank 3 \(n, t, c_in\), received rank 4 \[1, 4, 4, 3\]$/ },
        { label: 'filter of rank 4', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 3]), ck.zeros([1, 3, 3, 2])), error: 'ShapeError', message: /^conv1d: argument 'filter' expected rank 3 \(k, c_in, c_out\), received rank 4 \[1, 3, 3, 2\]$/ },
        { label: 'groups not dividing c_out', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 4]), ck.zeros([3, 2, 3]), { groups: 2 }), error: 'ValueError', message: /^conv1d: argument 'groups' expected a positive integer dividing c_in = 4 and c_out = 3, received 2$/ },
        { label: 'filter channels not c_in/groups', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 4]), ck.zeros([3, 4, 4]), { groups: 2 }), error: 'ShapeError', message: /^conv1d: argument 'filter' expected c_in\/groups = 2 \(x's channels \/ 2\) at axis 1 of \(k, c_in, c_out\), received \[3, 4, 4\]$/ },
        { label: 'unknown padding', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 1]), ck.zeros([1, 1, 1]), { padding: 'full' as 'same' }), error: 'ValueError', message: /^conv1d: argument 'padding' expected 'same', 'valid', 'causal', 'circular' or \[left, right\] of non-negative integers, received "full"$/ },
        { label: 'stride 0', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 1]), ck.zeros([1, 1, 1]), { stride: 0 }), error: 'ValueError', message: /^conv1d: argument 'stride' expected a positive integer, received 0$/ },
        { label: 'filter longer than the sequence', run: (ck) => ck.ops.conv1d(ck.zeros([1, 4, 1]), ck.zeros([5, 1, 1])), error: 'ShapeError', message: /^conv1d: argument 'x' expected a padded spatial size of at least the dilated filter's 5, received \[1, 4, 1\] with padding "valid"$/ },
      ],
    },
    {
      op: 'conv2d',
      samples: [
        convSample('conv2d', 'groups 3, same, bias', [1, 5, 4, 6], [3, 3, 2, 6], { padding: 'same', groups: 3 }, true, 21),
        convSample('conv2d', 'circular 3x3', [1, 4, 5, 2], [3, 3, 2, 3], { padding: 'circular' }, true, 22),
        convSample('conv2d', 'circular stride 2 dilation 2, groups 2', [1, 6, 5, 4], [3, 2, 2, 2], { padding: 'circular', strides: 2, dilations: 2, groups: 2 }, false, 23),
        // 3x3 stride 1 with 16 channels: the Winograd kernels (forward, dx and dW), with an odd width.
        convSample('conv2d', 'Winograd: 3x3 same, 16 channels, bias', [1, 4, 3, 16], [3, 3, 16, 16], { padding: 'same' }, true, 24),
      ],
      errors: [
        { label: 'causal padding (time axes only)', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 1]), { padding: 'causal' as 'same' }), error: 'ValueError', message: /^conv2d: argument 'padding' expected 'same', 'valid', 'circular' or \[\[top, bottom\], \[left, right\]\] of non-negative integers, received "causal"$/ },
        { label: 'groups 0', run: (ck) => ck.ops.conv2d(ck.zeros([1, 4, 4, 2]), ck.zeros([1, 1, 2, 2]), { groups: 0 }), error: 'ValueError', message: /^conv2d: argument 'groups' expected a positive integer dividing c_in = 2 and c_out = 2, received 0$/ },
      ],
    },
    {
      op: 'conv3d',
      samples: [
        convSample('conv3d', 'causal in time, same in space, bias', [1, 3, 4, 4, 2], [2, 3, 3, 2, 2], { padding: ['causal', 'same', 'same'] }, true, 31),
        convSample('conv3d', 'groups 2 valid, strides [1, 2, 2], dilations [2, 1, 1]', [1, 5, 5, 4, 4], [2, 2, 2, 2, 4], { strides: [1, 2, 2], dilations: [2, 1, 1], groups: 2 }, false, 32),
        convSample('conv3d', 'circular, fused relu', [1, 3, 3, 3, 2], [3, 3, 3, 2, 2], { padding: 'circular', activation: 'relu' }, true, 33),
        convSample('conv3d', 'explicit pairs per axis', [1, 3, 4, 3, 1], [2, 2, 2, 1, 2], { padding: [[1, 0], [0, 2], 'valid'] }, false, 34),
      ],
      errors: [
        { label: 'x of rank 4', run: (ck) => ck.ops.conv3d(ck.zeros([1, 4, 4, 3]), ck.zeros([1, 1, 1, 3, 2])), error: 'ShapeError', message: /^conv3d: argument 'x' expected rank 5 \(n, d, h, w, c_in\), received rank 4 \[1, 4, 4, 3\]$/ },
        { label: 'channel mismatch', run: (ck) => ck.ops.conv3d(ck.zeros([1, 2, 2, 2, 3]), ck.zeros([1, 1, 1, 2, 2])), error: 'ShapeError', message: /^conv3d: argument 'filter' expected c_in = 3 \(x's channels\) at axis 3 of \(kd, kh, kw, c_in, c_out\), received \[1, 1, 1, 2, 2\]$/ },
        { label: 'causal on a spatial axis', run: (ck) => ck.ops.conv3d(ck.zeros([1, 2, 2, 2, 1]), ck.zeros([1, 1, 1, 1, 1]), { padding: ['same', 'causal', 'same'] }), error: 'ValueError', message: /^conv3d: argument 'padding' expected .*\('causal', d only\), received \["same","causal","same"\]$/ },
        { label: 'causal for every axis', run: (ck) => ck.ops.conv3d(ck.zeros([1, 2, 2, 2, 1]), ck.zeros([1, 1, 1, 1, 1]), { padding: 'causal' as 'same' }), error: 'ValueError', message: /^conv3d: argument 'padding' expected .*received "causal"$/ },
        { label: 'strides of the wrong length', run: (ck) => ck.ops.conv3d(ck.zeros([1, 2, 2, 2, 1]), ck.zeros([1, 1, 1, 1, 1]), { strides: [1, 1] as unknown as [number, number, number] }), error: 'ValueError', message: /^conv3d: argument 'strides' expected a positive integer or one per axis \[d, h, w\], received \[1,1\]$/ },
      ],
    },
    {
      op: 'conv2dTranspose',
      samples: [
        transposeSample('3x3 stride 2 valid', [1, 3, 3, 3], [3, 3, 2, 3], { strides: 2 }, [7, 7], false, 41),
        transposeSample('3x3 stride 2 same', [2, 2, 3, 2], [3, 3, 3, 2], { strides: 2, padding: 'same' }, [4, 6], true, 42),
        transposeSample('2x3 stride [2, 1] valid, outputShape [7, 5] (one row past the last window)', [1, 3, 3, 2], [2, 3, 2, 2], { strides: [2, 1], outputShape: [7, 5] }, [7, 5], true, 43),
      ],
      errors: [
        { label: 'filter c_in mismatch', run: (ck) => ck.ops.conv2dTranspose(ck.zeros([1, 3, 3, 2]), ck.zeros([3, 3, 4, 3])), error: 'ShapeError', message: /^conv2dTranspose: argument 'filter' expected c_in = 2 \(x's channels\) at axis 3 of \(kh, kw, c_out, c_in\), received \[3, 3, 4, 3\]$/ },
        { label: 'outputShape that does not map back', run: (ck) => ck.ops.conv2dTranspose(ck.zeros([1, 3, 3, 2]), ck.zeros([3, 3, 4, 2]), { strides: 2, outputShape: [9, 9] }), error: 'ShapeError', message: /^conv2dTranspose: argument 'outputShape' expected a shape that conv2d with this filter, strides and padding maps back to x's 3x3, received \[1, 9, 9, 4\]$/ },
        { label: 'bias of the wrong length', run: (ck) => ck.ops.conv2dTranspose(ck.zeros([1, 3, 3, 2]), ck.zeros([3, 3, 4, 2]), { bias: ck.zeros([2]) }), error: 'ShapeError', message: /^conv2dTranspose: argument 'bias' expected shape \[4\] \(c_out\), received \[2\]$/ },
        { label: 'outputShape of rank 3', run: (ck) => ck.ops.conv2dTranspose(ck.zeros([1, 3, 3, 2]), ck.zeros([3, 3, 4, 2]), { outputShape: [1, 5, 5] }), error: 'ValueError', message: /^conv2dTranspose: argument 'outputShape' expected \[h, w\] or \[1, h, w, 4\] of positive integers, received \[1,5,5\]$/ },
      ],
    },
  ];
}
