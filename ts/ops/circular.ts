// Circular convolution by the convolution theorem, and the lecture's circulant and shift matrices.
//
// One channel: (w ⊛ x)[i] = Σ_j w[j]·x[(i − j) mod n] = (C_w x)[i], C_w the circulant matrix with first
// column w, C[i][j] = w[(i − j) mod n]; S_k = C_{e_k} shifts by k, (S_k x)[i] = x[(i − k) mod n]; and
// w ⊛ x = F⁻¹(F w ⊙ F x). conv1d/conv2d with padding 'circular' compute a cross-correlation with the
// kernel placed as for 'same' (pad_before = floor((k − 1)/2)): y[i] = Σ_a f[a]·x[(i + a − pad) mod n].
// That is f̃ ⊛ x for the kernel embedded, flipped and rolled into an n-long (h x w) signal,
// f̃[(pad − a) mod n] += f[a] (taps of a kernel longer than the signal wrap and add up). So here, per
// sample: y = irfft2d(Σ_i rfft2d(x_i) ⊙ rfft2d(f̃_io)), the sum over input channels taken between
// spectra by spectralMix. conv.ts picks this or the direct kernel ('algorithm', by the cost below);
// ops.circularConv1d/2d are conv1d/conv2d with padding 'circular' and algorithm 'fft', defined in
// conv.ts so that imports run one way: conv.ts -> circular.ts -> fft.ts.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, tensor, tidy, zeros } from '../core/tensor.js';
import { getHeap } from '../core/wasm.js';
import { record } from '../autograd/tape.js';
import { relu } from './activation.js';
import type { FusedActivation } from './activation.js';
import type { ConvGeometry } from './conv.js';
import { add } from './elementwise.js';
import { irfft2dGrid, rfft2dGrid, spectralMixFlat } from './fft.js';
import { checkTensor } from './validate.js';

export type ConvAlgorithm = 'direct' | 'fft' | 'auto';

// ---- the embedding f -> f̃ and its gradient (the same index map read backwards) ---------------

/** For each tap (a, b) of a kh x kw kernel, the flat pixel (h x w) of f̃ it adds into. */
function embedIndex(g: ConvGeometry): Int32Array {
  const [, h, w] = g.input;
  const [, kh, kw] = g.kernel;
  const [, top, left] = g.padBefore;
  const index = new Int32Array(kh * kw);
  const wrap = (v: number, n: number) => ((v % n) + n) % n;
  for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) index[a * kw + b] = wrap(top - a, h) * w + wrap(left - b, w);
  return index;
}

/** f (taps, c_in, c_out) -> f̃ (1, h, w, c_in·c_out), laid out as the spectra spectralMix reads. */
function embedKernel(op: string, filter: Tensor, g: ConvGeometry): Tensor {
  const [, h, w] = g.input;
  const pair = g.inC * g.outC;
  const index = embedIndex(g);
  const y = zeros([1, h, w, pair]);
  // Views made after the allocation: it may have grown (and detached) wasm memory.
  const heap = getHeap(op);
  const f = heap.f32(filter.pointer(op, 'filter'), filter.size);
  const out = heap.f32(y.pointer(op, 'y'), y.size);
  for (let t = 0; t < index.length; t++) {
    const to = index[t]! * pair;
    for (let p = 0; p < pair; p++) out[to + p]! += f[t * pair + p]!;
  }
  record(op, [filter], [y], ([dy]) => {
    const df = new Tensor(filter.shape, 'float32', op);
    const d = heap.f32(dy!.pointer(op, 'dy'), dy!.size);
    const out = heap.f32(df.pointer(op, 'df'), df.size);
    for (let t = 0; t < index.length; t++) {
      const from = index[t]! * pair;
      for (let p = 0; p < pair; p++) out[t * pair + p] = d[from + p]!;
    }
    return [df];
  });
  return y;
}

/**
 * A stride-1, dilation-1, groups-1 circular convolution of geometry g (1-D on w with h = 1, or 2-D)
 * by FFT; every step is a differentiable op, so the gradient composes.
 */
export function circularConvFft(op: string, g: ConvGeometry, x: Tensor, filter: Tensor, bias: Tensor | undefined, activation: FusedActivation | undefined): Tensor {
  const [, h, w] = g.input;
  const m = Math.floor(w / 2) + 1;
  const { batch, inC, outC } = g;
  return tidy(() => {
    const xs = rfft2dGrid(op, x, { batch, h, w, c: inC }, [batch, h, m, inC, 2]);
    const fs = rfft2dGrid(op, embedKernel(op, filter, g), { batch: 1, h, w, c: inC * outC }, [1, h, m, inC * outC, 2]);
    const ys = spectralMixFlat(op, xs, fs, batch, h * m, inC, outC, [batch, h, m, outC, 2]);
    const shape = g.rank === 1 ? [batch, w, outC] : [batch, h, w, outC];
    const y = irfft2dGrid(op, ys, { batch, h, w, c: outC }, shape);
    const biased = bias ? add(y, bias) : y;
    return activation === 'relu' ? relu(biased) : biased;
  });
}

// ---- the algorithm choice --------------------------------------------------------------------

// Estimated forward times in nanoseconds, fitted by bench/circular.mjs to its direct and FFT timings
// (two runs' rows pooled); bench/results/circular.json records them as `constants`, the run's own
// refit as `fitted`, and checks 'auto' with them on every row. Direct (conv.ts: the wrap-padded
// input through the plain 'valid' convolution): per multiply-add, per (pixel, tap) visit (what does
// not shrink with the channels: the GEMM tile's lanes idle when c_out is small, row pointers) and
// per call (op dispatch, the padded copy's allocation). FFT: per point·log2(points) of each real
// 2-D transform (x's c_in, the kernel's c_in·c_out and y's c_out planes), per complex multiply-add
// of the spectral mix, and per call (op dispatch, scratch).
export const DIRECT_NS_PER_MAC = 0.0895;
export const DIRECT_NS_PER_TAP = 1.59;
export const DIRECT_NS_PER_CALL = 30700;
export const FFT_NS_PER_POINT_LOG = 0.0375;
export const MIX_NS_PER_CMAC = 19.8;
export const FFT_NS_PER_CALL = 25100;

/** The features of the cost model, for a circular conv geometry (also what the benchmark fits). */
export function circularConvWork(g: ConvGeometry): { macs: number; taps: number; transform: number; mix: number } {
  const [, h, w] = g.input;
  const [, kh, kw] = g.kernel;
  const points = h * w;
  const planes = g.batch * g.inC + g.inC * g.outC + g.batch * g.outC;
  return {
    macs: g.batch * points * g.inC * g.outC * kh * kw,
    taps: g.batch * points * kh * kw,
    transform: planes * points * Math.max(1, Math.log2(points)),
    mix: g.batch * h * (Math.floor(w / 2) + 1) * g.inC * g.outC,
  };
}

function directCost(g: ConvGeometry): number {
  const work = circularConvWork(g);
  return DIRECT_NS_PER_MAC * work.macs + DIRECT_NS_PER_TAP * work.taps + DIRECT_NS_PER_CALL;
}

function fftCost(g: ConvGeometry): number {
  const work = circularConvWork(g);
  return FFT_NS_PER_POINT_LOG * work.transform + MIX_NS_PER_CMAC * work.mix + FFT_NS_PER_CALL;
}

/** Why geometry g cannot run by FFT (the argument and what it received), or null when it can. */
function fftObstacle(g: ConvGeometry, padding: unknown): { argument: string; received: string } | null {
  const axes = g.rank === 1 ? [2] : [1, 2];
  const values = (triple: readonly number[]) => (g.rank === 1 ? String(triple[2]) : JSON.stringify(axes.map((a) => triple[a])));
  const [stride, dilation] = g.rank === 1 ? ['stride', 'dilation'] : ['strides', 'dilations'];
  if (g.rank === 3) return { argument: 'algorithm', received: "'fft' for a 3-D convolution (1-D and 2-D only)" };
  if (!axes.every((a) => g.circular & (1 << a))) return { argument: 'padding', received: JSON.stringify(padding ?? 'valid') };
  if (axes.some((a) => g.stride[a] !== 1)) return { argument: stride!, received: values(g.stride) };
  if (axes.some((a) => g.dilation[a] !== 1)) return { argument: dilation!, received: values(g.dilation) };
  if (g.groups !== 1) return { argument: 'groups', received: String(g.groups) };
  return null;
}

/**
 * 'direct' or 'fft' for a convolution of geometry g: 'fft' needs padding 'circular', stride 1,
 * dilation 1 and groups 1 (else a ValueError naming the argument); 'auto' takes the FFT where it can
 * and the cost model says it is faster.
 */
export function chooseConvAlgorithm(op: string, g: ConvGeometry, algorithm: unknown, padding: unknown): 'direct' | 'fft' {
  if (algorithm !== 'direct' && algorithm !== 'fft' && algorithm !== 'auto') {
    throw new ValueError(op, expectation('algorithm', "'direct', 'fft' or 'auto'", JSON.stringify(algorithm)));
  }
  if (algorithm === 'direct') return 'direct';
  const obstacle = fftObstacle(g, padding);
  if (algorithm === 'fft') {
    if (obstacle) {
      const expected = obstacle.argument === 'algorithm' ? "'direct' or 'auto'" : obstacle.argument === 'padding' ? "'circular'" : '1';
      throw new ValueError(op, expectation(obstacle.argument, `${expected} for algorithm 'fft'`, obstacle.received));
    }
    return 'fft';
  }
  return obstacle === null && fftCost(g) < directCost(g) ? 'fft' : 'direct';
}

// ---- circulant and shift matrices ------------------------------------------------------------

/** C_w (n x n), C[i][j] = w[(i − j) mod n], w zero-padded to n: C_w x = w ⊛ x. Differentiable in w. */
export function circulant(w: Tensor, n?: number): Tensor {
  const op = 'circulant';
  checkTensor(op, 'w', w);
  if (w.rank !== 1 || w.size === 0) throw new ShapeError(op, expectation('w', 'a vector (k) with k >= 1', formatShape(w.shape)));
  const size = n ?? w.size;
  if (!Number.isInteger(size) || size < w.size) {
    throw new ValueError(op, expectation('n', `an integer of at least w's length ${w.size}`, JSON.stringify(n)));
  }
  const values = w.dataSync();
  const c = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let k = 0; k < w.size; k++) c[i * size + ((i - k + size) % size)] = values[k]!;
  const y = tensor(c, [size, size]);
  record(op, [w], [y], ([dy]) => {
    const d = dy!.dataSync();
    const dw = new Float32Array(w.size);
    for (let i = 0; i < size; i++) for (let k = 0; k < w.size; k++) dw[k]! += d[i * size + ((i - k + size) % size)]!;
    return [tensor(dw, w.shape)];
  });
  return y;
}

/** S_k (n x n) = C_{e_k}: (S_k x)[i] = x[(i − k) mod n], a translation by k (any integer). */
export function shiftMatrix(k: number, n: number): Tensor {
  const op = 'shiftMatrix';
  if (!Number.isInteger(k)) throw new ValueError(op, expectation('k', 'an integer', JSON.stringify(k)));
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, expectation('n', 'a positive integer', JSON.stringify(n)));
  const s = new Float32Array(n * n);
  for (let i = 0; i < n; i++) s[i * n + (((i - k) % n) + n) % n] = 1;
  return tensor(s, [n, n]);
}
