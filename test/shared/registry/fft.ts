// Registry entries for the Fourier side (issue 6): fft/ifft/rfft/irfft, their 2-D forms over the
// spatial axes, spectralMix, circularConv1d/2d, conv1d/conv2d with algorithm 'fft', circulant and
// shiftMatrix. References are float64 sums (../fft-reference.ts) and, for the convolutions, the
// direct float64 loop over the library's one geometry (../conv-reference.ts): the FFT path must
// compute what padding 'circular' computes.
import type { Tensor } from '../../../dist/convkit.js';
import { convNdReference } from '../conv-reference.js';
import {
  circulantReference, fft2dReference, fftReference, irfft2dReference, irfftReference, rfft2dReference, rfftReference, shiftMatrixReference, spectralMixReference,
} from '../fft-reference.js';
import { dense, map, relu } from '../reference.js';
import type { Dense } from '../reference.js';
import type { ConvkitModule } from '../types.js';
import { randomDense } from './types.js';
import type { OpEntry, Sample } from './types.js';

/** Float32 transforms of length n carry errors of about log2(n)·1e-7 of the values' scale. */
const FFT_TOLERANCE = { atol: 2e-5, rtol: 2e-4 };

function unarySample(label: string, shape: number[], seed: number, run: (ck: ConvkitModule, x: Tensor) => Tensor, reference: (x: Dense) => Dense): Sample {
  return { label, inputs: [randomDense(shape, seed)], grad: [0], tolerance: FFT_TOLERANCE, run: (ck, [x]) => run(ck, x!), reference: (_ck, [x]) => reference(x!) };
}

type CircularOp = 'circularConv1d' | 'circularConv2d' | 'conv1d' | 'conv2d';

function circularSample(op: CircularOp, label: string, x: number[], f: number[], withBias: boolean, activation: 'relu' | undefined, seed: number): Sample {
  const rank = x.length - 2;
  const inputs = [randomDense(x, seed), randomDense(f, seed + 1), ...(withBias ? [randomDense([f.at(-1)!], seed + 2)] : [])];
  const options = { ...(activation ? { activation } : {}), ...(op.startsWith('conv') ? { padding: 'circular' as const, algorithm: 'fft' as const } : {}) };
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    tolerance: FFT_TOLERANCE,
    run: (ck, [xt, ft, bias]) => (ck.ops[op] as (x: Tensor, f: Tensor, o: object) => Tensor)(xt!, ft!, { ...options, ...(bias ? { bias } : {}) }),
    reference: (ck, [xd, fd, bd]) => {
      const g = ck.ops.convGeometry(op, rank as 1 | 2, xd!.shape, fd!.shape, { padding: 'circular' });
      const y = convNdReference(g, rank, xd!.data, fd!.data, bd?.data);
      return activation === 'relu' ? map(y, relu) : y;
    },
  };
}

const realLengthMessage = (op: string, m: number, allowed: string, n: string) => {
  const argument = op === 'irfft' ? 'n' : 'w';
  return new RegExp(`^${op}: argument '${argument}' expected ${allowed} \\(floor\\(${argument}/2\\) \\+ 1 = ${m}, the spectrum's bins\\), received ${n}$`);
};

export function fftEntries(): OpEntry[] {
  return [
    {
      op: 'fft',
      samples: [
        unarySample('n = 5 (prime)', [5, 2], 601, (ck, x) => ck.ops.fft(x), (x) => fftReference(x, false)),
        unarySample('batch (2, 3) of n = 12', [2, 3, 12, 2], 602, (ck, x) => ck.ops.fft(x), (x) => fftReference(x, false)),
        unarySample('n = 1', [3, 1, 2], 603, (ck, x) => ck.ops.fft(x), (x) => fftReference(x, false)),
        unarySample('n = 16', [16, 2], 604, (ck, x) => ck.ops.fft(x), (x) => fftReference(x, false)),
      ],
      errors: [
        { label: 'a real tensor', run: (ck) => ck.ops.fft(ck.zeros([4])), error: 'ShapeError', message: /^fft: argument 'x' expected a complex tensor \(\.\.\., n, 2\) \(a last axis of 2: re, im\), received \[4\]$/ },
        { label: 'a last axis of 3', run: (ck) => ck.ops.fft(ck.zeros([4, 3])), error: 'ShapeError', message: /^fft: argument 'x' expected a complex tensor \(\.\.\., n, 2\) \(a last axis of 2: re, im\), received \[4, 3\]$/ },
        { label: 'int32', run: (ck) => ck.ops.fft(ck.zeros([4, 2], 'int32')), error: 'DTypeError', message: /^fft: argument 'x' expected dtype float32, received int32$/ },
      ],
    },
    {
      op: 'ifft',
      samples: [
        unarySample('n = 7', [7, 2], 611, (ck, x) => ck.ops.ifft(x), (x) => fftReference(x, true)),
        unarySample('batch 2 of n = 8', [2, 8, 2], 612, (ck, x) => ck.ops.ifft(x), (x) => fftReference(x, true)),
      ],
      errors: [
        { label: 'n = 0', run: (ck) => ck.ops.ifft(ck.zeros([3, 0, 2])), error: 'ShapeError', message: /^ifft: argument 'x' expected a complex tensor \(\.\.\., n, 2\) \(a last axis of 2: re, im\), received \[3, 0, 2\]$/ },
      ],
    },
    {
      op: 'rfft',
      samples: [
        unarySample('n = 7 (odd)', [7], 621, (ck, x) => ck.ops.rfft(x), rfftReference),
        unarySample('batch 2 of n = 8 (even)', [2, 8], 622, (ck, x) => ck.ops.rfft(x), rfftReference),
        unarySample('n = 1', [1], 623, (ck, x) => ck.ops.rfft(x), rfftReference),
        unarySample('n = 30', [30], 624, (ck, x) => ck.ops.rfft(x), rfftReference),
      ],
      errors: [
        { label: 'a scalar', run: (ck) => ck.ops.rfft(ck.zeros([])), error: 'ShapeError', message: /^rfft: argument 'x' expected a real tensor \(\.\.\., n\) with n >= 1, received \[\]$/ },
      ],
    },
    {
      op: 'irfft',
      samples: [
        unarySample('m = 4 -> n = 6 (default)', [4, 2], 631, (ck, x) => ck.ops.irfft(x), (x) => irfftReference(x)),
        unarySample('m = 4 -> n = 7 (odd)', [4, 2], 632, (ck, x) => ck.ops.irfft(x, 7), (x) => irfftReference(x, 7)),
        unarySample('batch 2, m = 5 -> n = 8', [2, 5, 2], 633, (ck, x) => ck.ops.irfft(x), (x) => irfftReference(x)),
        unarySample('m = 1 -> n = 1', [2, 1, 2], 634, (ck, x) => ck.ops.irfft(x, 1), (x) => irfftReference(x, 1)),
      ],
      errors: [
        { label: 'n that does not fit the bins', run: (ck) => ck.ops.irfft(ck.zeros([4, 2]), 9), error: 'ValueError', message: realLengthMessage('irfft', 4, '6 or 7', '9') },
        { label: 'one bin and no n', run: (ck) => ck.ops.irfft(ck.zeros([1, 2])), error: 'ValueError', message: realLengthMessage('irfft', 1, '1', 'undefined') },
      ],
    },
    {
      op: 'fft2d',
      samples: [
        unarySample('(1, 3, 4, 2)', [1, 3, 4, 2, 2], 641, (ck, x) => ck.ops.fft2d(x), (x) => fft2dReference(x, false)),
        unarySample('(2, 5, 1, 1): h only', [2, 5, 1, 1, 2], 642, (ck, x) => ck.ops.fft2d(x), (x) => fft2dReference(x, false)),
        unarySample('(1, 1, 6, 2): w only', [1, 1, 6, 2, 2], 643, (ck, x) => ck.ops.fft2d(x), (x) => fft2dReference(x, false)),
      ],
      errors: [
        { label: 'rank 4', run: (ck) => ck.ops.fft2d(ck.zeros([1, 3, 3, 2])), error: 'ShapeError', message: /^fft2d: argument 'x' expected a complex tensor \(n, h, w, c, 2\) \(a last axis of 2: re, im\), received \[1, 3, 3, 2\]$/ },
      ],
    },
    {
      op: 'ifft2d',
      samples: [unarySample('(2, 3, 5, 1)', [2, 3, 5, 1, 2], 651, (ck, x) => ck.ops.ifft2d(x), (x) => fft2dReference(x, true))],
      errors: [],
    },
    {
      op: 'rfft2d',
      samples: [
        unarySample('(1, 3, 5, 2): odd w', [1, 3, 5, 2], 661, (ck, x) => ck.ops.rfft2d(x), rfft2dReference),
        unarySample('(2, 4, 4, 1): even w', [2, 4, 4, 1], 662, (ck, x) => ck.ops.rfft2d(x), rfft2dReference),
        unarySample('(1, 1, 6, 3): h = 1', [1, 1, 6, 3], 663, (ck, x) => ck.ops.rfft2d(x), rfft2dReference),
      ],
      errors: [
        { label: 'rank 3', run: (ck) => ck.ops.rfft2d(ck.zeros([2, 3, 4])), error: 'ShapeError', message: /^rfft2d: argument 'x' expected rank 4 \(n, h, w, c\), received rank 3 \[2, 3, 4\]$/ },
      ],
    },
    {
      op: 'irfft2d',
      samples: [
        unarySample('m = 3 -> w = 4 (default)', [1, 3, 3, 2, 2], 671, (ck, x) => ck.ops.irfft2d(x), (x) => irfft2dReference(x)),
        unarySample('m = 3 -> w = 5', [2, 2, 3, 1, 2], 672, (ck, x) => ck.ops.irfft2d(x, 5), (x) => irfft2dReference(x, 5)),
        unarySample('h = 1, m = 4 -> w = 6', [1, 1, 4, 2, 2], 673, (ck, x) => ck.ops.irfft2d(x), (x) => irfft2dReference(x)),
      ],
      errors: [
        { label: 'w that does not fit the bins', run: (ck) => ck.ops.irfft2d(ck.zeros([1, 2, 3, 1, 2]), 6), error: 'ValueError', message: realLengthMessage('irfft2d', 3, '4 or 5', '6') },
      ],
    },
    {
      op: 'spectralMix',
      samples: [
        {
          label: 'batch 2, 3 freqs, 2 -> 3 channels',
          inputs: [randomDense([2, 3, 2, 2], 681), randomDense([3, 2, 3, 2], 682)],
          grad: [0, 1],
          run: (ck, [x, w]) => ck.ops.spectralMix(x!, w!),
          reference: (_ck, [x, w]) => spectralMixReference(x!, w!),
        },
        {
          label: 'batch 1, 5 freqs, 4 -> 1 channels',
          inputs: [randomDense([1, 5, 4, 2], 683), randomDense([5, 4, 1, 2], 684)],
          grad: [0, 1],
          run: (ck, [x, w]) => ck.ops.spectralMix(x!, w!),
          reference: (_ck, [x, w]) => spectralMixReference(x!, w!),
        },
      ],
      errors: [
        { label: 'w for other freqs', run: (ck) => ck.ops.spectralMix(ck.zeros([1, 3, 2, 2]), ck.zeros([4, 2, 3, 2])), error: 'ShapeError', message: /^spectralMix: argument 'w' expected shape \[3, 2, c_out, 2\] \(x's freqs and c_in\), received \[4, 2, 3, 2\]$/ },
        { label: 'real x', run: (ck) => ck.ops.spectralMix(ck.zeros([1, 3, 2]), ck.zeros([3, 2, 3, 2])), error: 'ShapeError', message: /^spectralMix: argument 'x' expected a complex tensor \(batch, freqs, c_in, 2\) \(a last axis of 2: re, im\), received \[1, 3, 2\]$/ },
      ],
    },
    {
      op: 'circularConv1d',
      samples: [
        circularSample('circularConv1d', 'k3, 3 -> 2 channels, batch 2, bias', [2, 7, 3], [3, 3, 2], true, undefined, 691),
        circularSample('circularConv1d', 'even n 8, even k 4', [1, 8, 2], [4, 2, 3], false, undefined, 692),
        circularSample('circularConv1d', 'k 5 longer than n 3 (taps wrap twice)', [1, 3, 1], [5, 1, 2], false, undefined, 693),
      ],
      errors: [
        { label: 'x of rank 4', run: (ck) => ck.ops.circularConv1d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 2])), error: 'ShapeError', message: /^circularConv1d: argument 'x' expected rank 3 \(n, t, c_in\), received rank 4 \[1, 4, 4, 3\]$/ },
      ],
    },
    {
      op: 'circularConv2d',
      samples: [
        circularSample('circularConv2d', '3x3, 2 -> 3 channels, bias', [1, 5, 6, 2], [3, 3, 2, 3], true, undefined, 701),
        circularSample('circularConv2d', 'even 4x4 image, even 2x2 kernel, batch 2', [2, 4, 4, 1], [2, 2, 1, 2], false, undefined, 702),
        circularSample('circularConv2d', '3x4 kernel on 3x5, fused relu', [1, 3, 5, 2], [3, 4, 2, 2], true, 'relu', 703),
        circularSample('circularConv2d', 'h = 1', [1, 1, 7, 2], [1, 3, 2, 2], false, undefined, 704),
      ],
      errors: [
        { label: 'channel mismatch', run: (ck) => ck.ops.circularConv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 2, 4])), error: 'ShapeError', message: /^circularConv2d: argument 'filter' expected c_in = 3 \(x's channels\) at axis 2 of \(kh, kw, c_in, c_out\), received \[3, 3, 2, 4\]$/ },
        { label: 'bias of the wrong length', run: (ck) => ck.ops.circularConv2d(ck.zeros([1, 4, 4, 2]), ck.zeros([3, 3, 2, 4]), { bias: ck.zeros([3]) }), error: 'ShapeError', message: /^circularConv2d: argument 'bias' expected shape \[4\] \(c_out\), received \[3\]$/ },
      ],
    },
    {
      op: 'conv1d',
      samples: [circularSample('conv1d', "circular, algorithm 'fft', bias", [2, 6, 2], [3, 2, 2], true, undefined, 711)],
      errors: [
        { label: "algorithm 'fft' with dilation 2", run: (ck) => ck.ops.conv1d(ck.zeros([1, 6, 1]), ck.zeros([3, 1, 1]), { padding: 'circular', dilation: 2, algorithm: 'fft' }), error: 'ValueError', message: /^conv1d: argument 'dilation' expected 1 for algorithm 'fft', received 2$/ },
        { label: "algorithm 'fft' with causal padding", run: (ck) => ck.ops.conv1d(ck.zeros([1, 6, 1]), ck.zeros([3, 1, 1]), { padding: 'causal', algorithm: 'fft' }), error: 'ValueError', message: /^conv1d: argument 'padding' expected 'circular' for algorithm 'fft', received "causal"$/ },
      ],
    },
    {
      op: 'conv2d',
      samples: [circularSample('conv2d', "circular, algorithm 'fft', fused relu", [2, 5, 4, 3], [3, 2, 3, 2], true, 'relu', 721)],
      errors: [
        { label: "algorithm 'fft' with strides 2", run: (ck) => ck.ops.conv2d(ck.zeros([1, 6, 6, 1]), ck.zeros([3, 3, 1, 1]), { padding: 'circular', strides: 2, algorithm: 'fft' }), error: 'ValueError', message: /^conv2d: argument 'strides' expected 1 for algorithm 'fft', received \[2,2\]$/ },
        { label: "algorithm 'fft' with groups 2", run: (ck) => ck.ops.conv2d(ck.zeros([1, 6, 6, 2]), ck.zeros([3, 3, 1, 2]), { padding: 'circular', groups: 2, algorithm: 'fft' }), error: 'ValueError', message: /^conv2d: argument 'groups' expected 1 for algorithm 'fft', received 2$/ },
        { label: "algorithm 'fft' with padding 'same'", run: (ck) => ck.ops.conv2d(ck.zeros([1, 6, 6, 1]), ck.zeros([3, 3, 1, 1]), { padding: 'same', algorithm: 'fft' }), error: 'ValueError', message: /^conv2d: argument 'padding' expected 'circular' for algorithm 'fft', received "same"$/ },
        { label: 'an unknown algorithm', run: (ck) => ck.ops.conv2d(ck.zeros([1, 6, 6, 1]), ck.zeros([3, 3, 1, 1]), { padding: 'circular', algorithm: 'winograd' as 'fft' }), error: 'ValueError', message: /^conv2d: argument 'algorithm' expected 'direct', 'fft' or 'auto', received "winograd"$/ },
      ],
    },
    {
      op: 'circulant',
      samples: [
        { label: 'w of 4 in a 6x6', inputs: [randomDense([4], 731)], grad: [0], run: (ck, [w]) => ck.ops.circulant(w!, 6), reference: (_ck, [w]) => circulantReference(w!.data, 6) },
        { label: 'n = len(w) by default', inputs: [randomDense([5], 732)], grad: [0], run: (ck, [w]) => ck.ops.circulant(w!), reference: (_ck, [w]) => circulantReference(w!.data) },
      ],
      errors: [
        { label: 'a matrix', run: (ck) => ck.ops.circulant(ck.zeros([2, 2])), error: 'ShapeError', message: /^circulant: argument 'w' expected a vector \(k\) with k >= 1, received \[2, 2\]$/ },
        { label: 'n shorter than w', run: (ck) => ck.ops.circulant(ck.zeros([5]), 3), error: 'ValueError', message: /^circulant: argument 'n' expected an integer of at least w's length 5, received 3$/ },
      ],
    },
    {
      op: 'shiftMatrix',
      samples: [
        { label: 'S_2, n = 5', inputs: [], run: (ck) => ck.ops.shiftMatrix(2, 5), reference: () => shiftMatrixReference(2, 5) },
        { label: 'S_-1, n = 4 (k taken mod n)', inputs: [], run: (ck) => ck.ops.shiftMatrix(-1, 4), reference: () => shiftMatrixReference(-1, 4) },
        { label: 'S_0 = I, n = 3', inputs: [], run: (ck) => ck.ops.shiftMatrix(0, 3), reference: () => dense([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]) },
      ],
      errors: [
        { label: 'n = 0', run: (ck) => ck.ops.shiftMatrix(1, 0), error: 'ValueError', message: /^shiftMatrix: argument 'n' expected a positive integer, received 0$/ },
        { label: 'fractional k', run: (ck) => ck.ops.shiftMatrix(1.5, 4), error: 'ValueError', message: /^shiftMatrix: argument 'k' expected an integer, received 1.5$/ },
      ],
    },
  ];
}
