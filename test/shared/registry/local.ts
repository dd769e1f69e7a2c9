// Registry entries for the depthwise, separable and locally-connected convolutions and the 1-D
// and 3-D pools. Their float64 references live here, written from the definitions and
// independent of the kernels; only conv2d's output geometry comes from the library.
import type { Dense } from '../reference.js';
import type { ConvkitModule } from '../types.js';
import { randomDense, withValues } from './types.js';
import type { OpEntry, Sample } from './types.js';

type DwOptions = { strides?: number | [number, number]; padding?: 'same' | 'valid' | [[number, number], [number, number]]; dilations?: number | [number, number]; activation?: 'relu' | 'linear' };

/** y[b, oy, ox, c·m + j] = bias + Σ x[b, iy, ix, c] · w[ky, kx, c, j]. */
export function depthwiseReference(ck: ConvkitModule, x: Dense, w: Dense, options: DwOptions, bias?: Dense): Dense {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  const g = ck.ops.conv2dGeometry('depthwiseConv2d', x.shape, [kh, kw, c, c * m], options);
  const oc = c * m;
  const y = new Float64Array(g.batch * g.outH * g.outW * oc);
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ci = 0; ci < c; ci++)
          for (let j = 0; j < m; j++) {
            let sum = bias ? bias.data[ci * m + j]! : 0;
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
                const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
                if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) continue;
                sum += x.data[((b * g.inH + iy) * g.inW + ix) * c + ci]! * w.data[((ky * kw + kx) * c + ci) * m + j]!;
              }
            y[((b * g.outH + oy) * g.outW + ox) * oc + ci * m + j] = options.activation === 'relu' ? Math.max(sum, 0) : sum;
          }
  return { shape: [g.batch, g.outH, g.outW, oc], data: y };
}

/** A 1x1 convolution: (n, h, w, c) · (1, 1, c, o) + bias, optional relu. */
function pointwiseReference(x: Dense, w: Dense, bias: Dense | undefined, relu: boolean): Dense {
  const [c, o] = [w.shape[2]!, w.shape[3]!];
  const pixels = x.data.length / c;
  const y = new Float64Array(pixels * o);
  for (let p = 0; p < pixels; p++)
    for (let j = 0; j < o; j++) {
      let sum = bias ? bias.data[j]! : 0;
      for (let i = 0; i < c; i++) sum += x.data[p * c + i]! * w.data[i * o + j]!;
      y[p * o + j] = relu ? Math.max(sum, 0) : sum;
    }
  return { shape: [...x.shape.slice(0, -1), o], data: y };
}

/** Output size and front padding along one axis (TensorFlow's 'same'). */
function axis(size: number, kernel: number, stride: number, padding: 'same' | 'valid'): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((size - kernel) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2) };
}

/** Max or mean over each window's positions inside the input, for any number of spatial axes. */
export function poolNdReference(x: Dense, kernel: number[], strides: number[], padding: 'same' | 'valid', kind: 'max' | 'avg'): Dense {
  const n = x.shape[0]!;
  const c = x.shape.at(-1)!;
  const sizes = x.shape.slice(1, -1);
  const dims = sizes.map((s, i) => axis(s, kernel[i]!, strides[i]!, padding));
  const outSizes = dims.map((d) => d.out);
  const outCount = outSizes.reduce((p, d) => p * d, 1);
  const y = new Float64Array(n * outCount * c);
  const unflatten = (flat: number, shape: number[]) => {
    const idx: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(flat % shape[d]!);
      flat = Math.floor(flat / shape[d]!);
    }
    return idx;
  };
  const windowCount = kernel.reduce((p, d) => p * d, 1);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < outCount; o++) {
      const oi = unflatten(o, outSizes);
      for (let ch = 0; ch < c; ch++) {
        const values: number[] = [];
        for (let k = 0; k < windowCount; k++) {
          const ki = unflatten(k, kernel);
          const ii = oi.map((v, a) => v * strides[a]! - dims[a]!.before + ki[a]!);
          if (ii.some((v, a) => v < 0 || v >= sizes[a]!)) continue;
          const flat = ii.reduce((f, v, a) => f * sizes[a]! + v, b);
          values.push(x.data[flat * c + ch]!);
        }
        y[(b * outCount + o) * c + ch] = kind === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length;
      }
    }
  return { shape: [n, ...outSizes, c], data: y };
}

/** y[b, l, co] = bias[l, co] + Σ patch(b, l) · w[l]; x (n, h, w, c_in) (h = 1 for 1-D inputs given as (n, t, c)). */
export function locallyConnectedReference(x: Dense, w: Dense, kernel: [number, number], strides: [number, number], padding: 'same' | 'valid', bias?: Dense): Dense {
  const oneD = x.shape.length === 3;
  const [n, h, wd, cin] = (oneD ? [x.shape[0], 1, x.shape[1], x.shape[2]] : x.shape) as [number, number, number, number];
  const rows = axis(h, kernel[0], strides[0], padding);
  const cols = axis(wd, kernel[1], strides[1], padding);
  const cout = w.shape[2]!;
  const k = kernel[0] * kernel[1] * cin;
  const L = rows.out * cols.out;
  const y = new Float64Array(n * L * cout);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++) {
        const l = oy * cols.out + ox;
        for (let co = 0; co < cout; co++) {
          let sum = bias ? bias.data[l * cout + co]! : 0;
          for (let ky = 0; ky < kernel[0]; ky++)
            for (let kx = 0; kx < kernel[1]; kx++) {
              const iy = oy * strides[0] - rows.before + ky;
              const ix = ox * strides[1] - cols.before + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              for (let ci = 0; ci < cin; ci++) {
                sum += x.data[((b * h + iy) * wd + ix) * cin + ci]! * w.data[(l * k + (ky * kernel[1] + kx) * cin + ci) * cout + co]!;
              }
            }
          y[(b * L + l) * cout + co] = sum;
        }
      }
  return { shape: oneD ? [n, cols.out, cout] : [n, rows.out, cols.out, cout], data: y };
}

function dwSample(label: string, x: number[], w: number[], options: DwOptions, withBias: boolean, seed: number): Sample {
  const inputs = [randomDense(x, seed), randomDense(w, seed + 1), ...(withBias ? [randomDense([w[2]! * w[3]!], seed + 2)] : [])];
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    run: (ck, [xt, wt, bias]) => ck.ops.depthwiseConv2d(xt!, wt!, { ...options, ...(bias ? { bias } : {}) }),
    reference: (ck, [xd, wd, bd]) => depthwiseReference(ck, xd!, wd!, options, bd),
  };
}

function separableSample(label: string, x: number[], dw: number[], cout: number, options: DwOptions, withBias: boolean, seed: number): Sample {
  const pw = [1, 1, dw[2]! * dw[3]!, cout];
  const inputs = [randomDense(x, seed), randomDense(dw, seed + 1), randomDense(pw, seed + 2), ...(withBias ? [randomDense([cout], seed + 3)] : [])];
  const { activation, ...spatial } = options;
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    run: (ck, [xt, dt, pt, bias]) => ck.ops.separableConv2d(xt!, dt!, pt!, { ...options, ...(bias ? { bias } : {}) }),
    reference: (ck, [xd, dd, pd, bd]) => pointwiseReference(depthwiseReference(ck, xd!, dd!, spatial), pd!, bd, activation === 'relu'),
  };
}

type PoolNdOp = 'maxPool1d' | 'avgPool1d' | 'maxPool3d' | 'avgPool3d';

function poolSample(op: PoolNdOp, label: string, shape: number[], poolSize: number[], strides: number[] | undefined, padding: 'same' | 'valid', seed: number): Sample {
  const one = op.endsWith('1d');
  return {
    label,
    inputs: [randomDense(shape, seed)],
    grad: [0],
    run: (ck, [x]) => ck.ops[op](x!, { poolSize: one ? poolSize[0]! : poolSize, ...(strides ? { strides: one ? strides[0]! : strides } : {}), padding }),
    reference: (_ck, [x]) => poolNdReference(x!, poolSize, strides ?? poolSize, padding, op.startsWith('max') ? 'max' : 'avg'),
  };
}

function globalSample(op: 'globalAvgPool1d' | 'globalMaxPool1d' | 'globalAvgPool3d' | 'globalMaxPool3d', shape: number[], seed: number): Sample {
  const sizes = shape.slice(1, -1);
  return {
    label: `shape ${JSON.stringify(shape)}`,
    inputs: [randomDense(shape, seed)],
    grad: [0],
    run: (ck, [x]) => ck.ops[op](x!),
    reference: (_ck, [x]) => {
      const y = poolNdReference(x!, sizes, sizes, 'valid', op.includes('Max') ? 'max' : 'avg');
      return { shape: [shape[0]!, shape.at(-1)!], data: y.data };
    },
  };
}

function localSample(op: 'locallyConnected1d' | 'locallyConnected2d', label: string, x: number[], kernel: [number, number], strides: [number, number], padding: 'same' | 'valid', cout: number, withBias: boolean, seed: number): Sample {
  const oneD = op === 'locallyConnected1d';
  const [h, w, cin] = oneD ? [1, x[1]!, x[2]!] : [x[1]!, x[2]!, x[3]!];
  const L = axis(h, kernel[0], strides[0], padding).out * axis(w, kernel[1], strides[1], padding).out;
  const biasShape = oneD ? [L, cout] : [axis(h, kernel[0], strides[0], padding).out, axis(w, kernel[1], strides[1], padding).out, cout];
  const inputs = [randomDense(x, seed), randomDense([L, kernel[0] * kernel[1] * cin, cout], seed + 1), ...(withBias ? [randomDense(biasShape, seed + 2)] : [])];
  return {
    label,
    inputs,
    grad: inputs.map((_, i) => i),
    run: (ck, [xt, wt, bias]) =>
      oneD
        ? ck.ops.locallyConnected1d(xt!, wt!, { kernelSize: kernel[1], strides: strides[1], padding, ...(bias ? { bias } : {}) })
        : ck.ops.locallyConnected2d(xt!, wt!, { kernelSize: kernel, strides, padding, ...(bias ? { bias } : {}) }),
    reference: (_ck, [xd, wd, bd]) => locallyConnectedReference(xd!, wd!, kernel, strides, padding, bd),
  };
}

export function localEntries(): OpEntry[] {
  return [
    {
      op: 'depthwiseConv2d',
      samples: [
        dwSample('3x3 same, multiplier 1, bias, 6 channels', [2, 6, 5, 6], [3, 3, 6, 1], { padding: 'same' }, true, 101),
        dwSample('3x3 stride 2 same, multiplier 2, 3 channels', [1, 7, 7, 3], [3, 3, 3, 2], { padding: 'same', strides: 2 }, false, 102),
        dwSample('2x3 dilations 2 valid, 17 channels (16-block and tail)', [1, 6, 8, 17], [2, 3, 17, 1], { dilations: 2 }, true, 103),
        dwSample('explicit padding, strides [1, 2], multiplier 3, fused relu', [1, 5, 6, 4], [3, 2, 4, 3], { padding: [[2, 0], [1, 1]], strides: [1, 2], activation: 'relu' }, true, 104),
        {
          ...dwSample('NaN and Inf in x reach exactly the outputs whose window covers them', [1, 5, 5, 4], [3, 3, 4, 1], { padding: 'same' }, false, 105),
          inputs: [withValues(randomDense([1, 5, 5, 4], 105), { 0: NaN, 99: Infinity }), randomDense([3, 3, 4, 1], 106)],
          grad: [],
        },
      ],
      errors: [
        { label: 'x of rank 3', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([4, 4, 3]), ck.zeros([3, 3, 3, 1])), error: 'ShapeError', message: /^depthwiseConv2d: argument 'x' expected rank 4 \(n, h, w, c\), received rank 3 \[4, 4, 3\]$/ },
        { label: 'channel mismatch', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 2, 1])), error: 'ShapeError', message: /^depthwiseConv2d: argument 'filter' expected c = 3 \(x's channels\) at axis 2 of \(kh, kw, c, multiplier\), received \[3, 3, 2, 1\]$/ },
        { label: 'filter of rank 3', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 3])), error: 'ShapeError', message: /^depthwiseConv2d: argument 'filter' expected rank 4 \(kh, kw, c, multiplier\), received rank 3 \[3, 3, 3\]$/ },
        { label: 'bias of the wrong length', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([1, 1, 3, 2]), { bias: ck.zeros([3]) }), error: 'ShapeError', message: /^depthwiseConv2d: argument 'bias' expected shape \[6\] \(c·multiplier\), received \[3\]$/ },
        { label: 'stride 0', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 1]), { strides: 0 }), error: 'ValueError', message: /^depthwiseConv2d: argument 'strides' expected a positive integer or a pair of them, received 0$/ },
        { label: 'empty kernel', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 2]), ck.zeros([0, 3, 2, 1])), error: 'ShapeError', message: /^depthwiseConv2d: argument 'filter' expected kernel sizes of at least 1, received \[0, 3, 2, 1\]$/ },
        { label: 'filter larger than the image', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([5, 5, 1, 1])), error: 'ShapeError', message: /^depthwiseConv2d: argument 'x' expected a padded spatial size of at least the dilated filter's 5x5/ },
        { label: 'int32 filter', run: (ck) => ck.ops.depthwiseConv2d(ck.zeros([1, 4, 4, 1]), ck.zeros([1, 1, 1, 1], 'int32')), error: 'DTypeError', message: /^depthwiseConv2d: argument 'filter' expected dtype float32, received int32$/ },
      ],
    },
    {
      op: 'separableConv2d',
      samples: [
        separableSample('3x3 same, multiplier 1, bias', [1, 5, 5, 3], [3, 3, 3, 1], 4, { padding: 'same' }, true, 111),
        separableSample('3x3 stride 2, multiplier 2, fused relu', [2, 6, 5, 2], [3, 3, 2, 2], 5, { strides: 2, padding: 'same', activation: 'relu' }, true, 112),
        separableSample('2x2 dilations 2 valid, no bias', [1, 5, 6, 5], [2, 2, 5, 1], 3, { dilations: 2 }, false, 113),
      ],
      errors: [
        { label: 'pointwise filter not 1x1', run: (ck) => ck.ops.separableConv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 3, 2]), ck.zeros([3, 3, 6, 4])), error: 'ShapeError', message: /^separableConv2d: argument 'pointwiseFilter' expected shape \[1, 1, 6, c_out\] \(c·multiplier = 6\), received \[3, 3, 6, 4\]$/ },
        { label: 'depthwise channel mismatch', run: (ck) => ck.ops.separableConv2d(ck.zeros([1, 4, 4, 3]), ck.zeros([3, 3, 4, 1]), ck.zeros([1, 1, 4, 4])), error: 'ShapeError', message: /^separableConv2d: argument 'depthwiseFilter' expected c = 3 \(x's channels\)/ },
      ],
    },
    {
      op: 'locallyConnected2d',
      samples: [
        localSample('locallyConnected2d', '3x3 valid, bias', [2, 5, 5, 2], [3, 3], [1, 1], 'valid', 3, true, 121),
        localSample('locallyConnected2d', '2x3 strides [2, 1], 5 outputs (vector and tail)', [1, 6, 5, 3], [2, 3], [2, 1], 'valid', 5, false, 122),
        localSample('locallyConnected2d', '3x3 same, stride 2', [1, 5, 4, 2], [3, 3], [2, 2], 'same', 4, true, 123),
      ],
      errors: [
        { label: 'weights for the wrong number of locations', run: (ck) => ck.ops.locallyConnected2d(ck.zeros([1, 5, 5, 2]), ck.zeros([8, 18, 4]), { kernelSize: 3 }), error: 'ShapeError', message: /^locallyConnected2d: argument 'w' expected shape \[9, 18, c_out\] \(oh·ow = 9, kh·kw·c_in = 18, c_out\), received \[8, 18, 4\]$/ },
        { label: 'no kernelSize', run: (ck) => ck.ops.locallyConnected2d(ck.zeros([1, 5, 5, 2]), ck.zeros([9, 18, 4]), {} as { kernelSize: number }), error: 'ValueError', message: /^locallyConnected2d: argument 'kernelSize' expected a positive integer or a pair of them, received undefined$/ },
        { label: 'bias per channel only', run: (ck) => ck.ops.locallyConnected2d(ck.zeros([1, 5, 5, 2]), ck.zeros([9, 18, 4]), { kernelSize: 3, bias: ck.zeros([4]) }), error: 'ShapeError', message: /^locallyConnected2d: argument 'bias' expected shape \[3, 3, 4\] \(one per location and output channel\), received \[4\]$/ },
        { label: 'a window of more than 128 taps', run: (ck) => ck.ops.locallyConnected2d(ck.zeros([1, 12, 12, 1]), ck.zeros([1, 144, 1]), { kernelSize: 12 }), error: 'ValueError', message: /^locallyConnected2d: argument 'kernelSize' expected a window of at most 128 taps, received \[12,12\]$/ },
        { label: 'kernel larger than the image', run: (ck) => ck.ops.locallyConnected2d(ck.zeros([1, 2, 2, 1]), ck.zeros([1, 9, 1]), { kernelSize: 3 }), error: 'ShapeError', message: /^locallyConnected2d: argument 'x' expected a spatial size of at least the kernel 3x3, received \[1, 2, 2, 1\]$/ },
      ],
    },
    {
      op: 'locallyConnected1d',
      samples: [
        localSample('locallyConnected1d', 'kernel 3 valid, bias', [2, 7, 3], [1, 3], [1, 1], 'valid', 4, true, 131),
        localSample('locallyConnected1d', 'kernel 2 stride 2, 1 channel in', [3, 9, 1], [1, 2], [1, 2], 'valid', 2, false, 132),
      ],
      errors: [
        { label: 'x of rank 4', run: (ck) => ck.ops.locallyConnected1d(ck.zeros([1, 5, 5, 2]), ck.zeros([3, 6, 1]), { kernelSize: 3 }), error: 'ShapeError', message: /^locallyConnected1d: argument 'x' expected rank 3 \(n, t, c_in\), received rank 4 \[1, 5, 5, 2\]$/ },
        { label: 'weights with the wrong patch size', run: (ck) => ck.ops.locallyConnected1d(ck.zeros([1, 5, 2]), ck.zeros([3, 5, 1]), { kernelSize: 3 }), error: 'ShapeError', message: /^locallyConnected1d: argument 'w' expected shape \[3, 6, c_out\] \(ot = 3, k·c_in = 6, c_out\), received \[3, 5, 1\]$/ },
        { label: 'kernel longer than the sequence', run: (ck) => ck.ops.locallyConnected1d(ck.zeros([1, 2, 2]), ck.zeros([1, 6, 1]), { kernelSize: 3 }), error: 'ShapeError', message: /^locallyConnected1d: argument 'x' expected a spatial size of at least the kernel 3, received \[1, 2, 2\]$/ },
      ],
    },
    {
      op: 'maxPool1d',
      samples: [
        poolSample('maxPool1d', 'window 2, odd length', [2, 7, 3], [2], undefined, 'valid', 141),
        poolSample('maxPool1d', 'window 3 stride 2 same, 9 channels', [1, 8, 9], [3], [2], 'same', 142),
      ],
      errors: [
        { label: 'x of rank 4', run: (ck) => ck.ops.maxPool1d(ck.zeros([1, 4, 4, 2])), error: 'ShapeError', message: /^maxPool1d: argument 'x' expected rank 3 \(n, t, c\), received rank 4 \[1, 4, 4, 2\]$/ },
        { label: 'a window longer than the sequence', run: (ck) => ck.ops.maxPool1d(ck.zeros([1, 2, 1]), { poolSize: 3 }), error: 'ShapeError', message: /^maxPool1d: argument 'x' expected a spatial size of at least the window 3, received \[1, 2, 1\]$/ },
        { label: 'a pair of pool sizes', run: (ck) => ck.ops.maxPool1d(ck.zeros([1, 4, 1]), { poolSize: [2, 2] }), error: 'ValueError', message: /^maxPool1d: argument 'poolSize' expected a positive integer, received \[2,2\]$/ },
      ],
    },
    {
      op: 'avgPool1d',
      samples: [
        poolSample('avgPool1d', 'window 3 stride 1 same (edges average fewer steps)', [2, 6, 5], [3], [1], 'same', 151),
        poolSample('avgPool1d', 'window 2', [1, 9, 4], [2], undefined, 'valid', 152),
      ],
      errors: [
        { label: 'unknown padding', run: (ck) => ck.ops.avgPool1d(ck.zeros([1, 4, 1]), { padding: 'causal' as 'same' }), error: 'ValueError', message: /^avgPool1d: argument 'padding' expected 'valid' or 'same', received "causal"$/ },
      ],
    },
    {
      op: 'maxPool3d',
      samples: [
        poolSample('maxPool3d', '2x2x2, odd sizes', [1, 3, 5, 4, 3], [2, 2, 2], undefined, 'valid', 161),
        poolSample('maxPool3d', '3x2x3 strides [1, 2, 2] same, 5 channels', [2, 4, 4, 5, 5], [3, 2, 3], [1, 2, 2], 'same', 162),
      ],
      errors: [
        { label: 'x of rank 4', run: (ck) => ck.ops.maxPool3d(ck.zeros([1, 4, 4, 2])), error: 'ShapeError', message: /^maxPool3d: argument 'x' expected rank 5 \(n, d, h, w, c\), received rank 4 \[1, 4, 4, 2\]$/ },
        { label: 'strides of 2 axes', run: (ck) => ck.ops.maxPool3d(ck.zeros([1, 4, 4, 4, 1]), { strides: [1, 2] }), error: 'ValueError', message: /^maxPool3d: argument 'strides' expected a positive integer or 3 of them, received \[1,2\]$/ },
        { label: 'a window deeper than the volume', run: (ck) => ck.ops.maxPool3d(ck.zeros([1, 1, 4, 4, 1])), error: 'ShapeError', message: /^maxPool3d: argument 'x' expected a spatial size of at least the window 2x2x2, received \[1, 1, 4, 4, 1\]$/ },
      ],
    },
    {
      op: 'avgPool3d',
      samples: [
        poolSample('avgPool3d', '2x2x2 same, odd sizes', [1, 3, 3, 5, 4], [2, 2, 2], undefined, 'same', 171),
        poolSample('avgPool3d', '1x3x3 stride 1', [1, 2, 4, 4, 2], [1, 3, 3], [1, 1, 1], 'valid', 172),
      ],
      errors: [
        { label: 'int32 x', run: (ck) => ck.ops.avgPool3d(ck.zeros([1, 2, 2, 2, 1], 'int32')), error: 'DTypeError', message: /^avgPool3d: argument 'x' expected dtype float32, received int32$/ },
      ],
    },
    {
      op: 'globalAvgPool1d',
      samples: [globalSample('globalAvgPool1d', [3, 7, 5], 181)],
      errors: [{ label: 'x of rank 4', run: (ck) => ck.ops.globalAvgPool1d(ck.zeros([1, 2, 2, 1])), error: 'ShapeError', message: /^globalAvgPool1d: argument 'x' expected rank 3 \(n, t, c\), received rank 4 \[1, 2, 2, 1\]$/ }],
    },
    {
      op: 'globalMaxPool1d',
      samples: [globalSample('globalMaxPool1d', [2, 6, 9], 182)],
      errors: [{ label: 'x of rank 2', run: (ck) => ck.ops.globalMaxPool1d(ck.zeros([2, 2])), error: 'ShapeError', message: /^globalMaxPool1d: argument 'x' expected rank 3 \(n, t, c\), received rank 2 \[2, 2\]$/ }],
    },
    {
      op: 'globalAvgPool3d',
      samples: [globalSample('globalAvgPool3d', [2, 3, 2, 4, 3], 183)],
      errors: [{ label: 'x of rank 4', run: (ck) => ck.ops.globalAvgPool3d(ck.zeros([1, 2, 2, 1])), error: 'ShapeError', message: /^globalAvgPool3d: argument 'x' expected rank 5 \(n, d, h, w, c\), received rank 4 \[1, 2, 2, 1\]$/ }],
    },
    {
      op: 'globalMaxPool3d',
      samples: [globalSample('globalMaxPool3d', [2, 2, 3, 3, 5], 184)],
      errors: [{ label: 'x of rank 4', run: (ck) => ck.ops.globalMaxPool3d(ck.zeros([1, 2, 2, 1])), error: 'ShapeError', message: /^globalMaxPool3d: argument 'x' expected rank 5 \(n, d, h, w, c\), received rank 4 \[1, 2, 2, 1\]$/ }],
    },
  ];
}
