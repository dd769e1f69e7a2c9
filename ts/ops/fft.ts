// Discrete Fourier transforms with gradients, NumPy's conventions (norm "backward": the inverse
// scales by 1/n). A complex tensor is a float32 tensor whose last axis has size 2, (re, im), as
// PyTorch's view_as_real (docs/fft.md). fft/ifft/rfft/irfft run over the last (complex) axis;
// fft2d/ifft2d/rfft2d/irfft2d over the spatial axes of NHWC: complex (n, h, w, c, 2), real (n, h, w, c),
// half spectra (n, h, floor(w/2)+1, c, 2). spectralMix multiplies spectra and sums input channels.
//
// Gradients are adjoints: the gradient of a real loss w.r.t. a complex value is (∂L/∂re, ∂L/∂im).
// F^H = n·ifft, so fft's backward is n·ifft and ifft's is fft/n. A half spectrum counts its inner
// bins twice in the signal: rfft's backward is n·irfft of dy with the inner bins halved, irfft's is
// rfft(dy) with the inner bins doubled, over n (bin weights below).
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { Tensor, full, sizeOf, tensor, tidy } from '../core/tensor.js';
import type { Shape } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { mul } from './elementwise.js';
import { launch } from './kernel.js';
import { checkRank, checkTensor } from './validate.js';

/** The transform's (outer, n, inner) view: along the middle axis, for every outer and inner index. */
interface Axis {
  outer: number;
  n: number;
  inner: number;
}

/** An NHWC grid of real values (n, h, w, c); its spectra are (n, h, floor(w/2)+1, c, 2). */
export interface Grid {
  batch: number;
  h: number;
  w: number;
  c: number;
}

const bins = (n: number): number => Math.floor(n / 2) + 1;

// ---- kernel calls: each makes its output, fills it and frees it again on failure -------------

function c2c(op: string, x: Tensor, a: Axis, inverse: boolean, shape: Shape): Tensor {
  const y = new Tensor(shape, 'float32', op);
  if (y.size === 0) return y;
  return launch(op, y, (heap) => heap.kernels.fft_c2c_f32(x.pointer(op, 'x'), y.pointer(op, 'y'), a.outer, a.n, a.inner, inverse ? 1 : 0));
}

/** The complex transform of y along a, in place (the kernel allows x = y). */
function c2cInPlace(op: string, y: Tensor, a: Axis, inverse: boolean): Tensor {
  if (y.size === 0) return y;
  return launch(op, y, (heap) => heap.kernels.fft_c2c_f32(y.pointer(op, 'y'), y.pointer(op, 'y'), a.outer, a.n, a.inner, inverse ? 1 : 0));
}

function r2c(op: string, x: Tensor, a: Axis, shape: Shape): Tensor {
  const y = new Tensor(shape, 'float32', op);
  if (y.size === 0) return y;
  return launch(op, y, (heap) => heap.kernels.fft_r2c_f32(x.pointer(op, 'x'), y.pointer(op, 'y'), a.outer, a.n, a.inner));
}

function c2r(op: string, x: Tensor, a: Axis, shape: Shape): Tensor {
  const y = new Tensor(shape, 'float32', op);
  if (y.size === 0) return y;
  return launch(op, y, (heap) => heap.kernels.fft_c2r_f32(x.pointer(op, 'x'), y.pointer(op, 'y'), a.outer, a.n, a.inner));
}

/** Two passes through a scratch tensor, freed here. */
function twoPass(first: () => Tensor, second: (scratch: Tensor) => Tensor): Tensor {
  const scratch = first();
  try {
    return second(scratch);
  } finally {
    scratch.dispose();
  }
}

// ---- scaling helpers for the backward passes ---------------------------------------------------

function scaled(x: Tensor, s: number): Tensor {
  return s === 1 ? x : mul(x, full([], s));
}

/**
 * Weights of a half spectrum's m = floor(n/2)+1 bins, shaped to broadcast over (m, ...trailing):
 * `edge` for bin 0 and (n even) bin n/2, `inner` for the bins that stand for a conjugate pair.
 */
function binWeights(n: number, edge: number, innerWeight: number, trailing: number): Tensor {
  const m = bins(n);
  const values = new Float32Array(m).fill(innerWeight);
  values[0] = edge;
  if (n % 2 === 0) values[m - 1] = edge;
  return tensor(values, [m, ...new Array<number>(trailing).fill(1)]);
}

// ---- primitives on explicit views, shared by the public ops and circular convolution -----------

function fftAxis(op: string, x: Tensor, a: Axis, inverse: boolean): Tensor {
  const y = c2c(op, x, a, inverse, x.shape);
  record(op, [x], [y], ([dy]) => [tidy(() => scaled(fftAxis(op, dy!, a, !inverse), inverse ? 1 / a.n : a.n))]);
  return y;
}

function rfftAxis(op: string, x: Tensor, a: Axis, shape: Shape): Tensor {
  const y = r2c(op, x, a, shape);
  record(op, [x], [y], ([dy]) => [tidy(() => irfftAxis(op, mul(dy!, binWeights(a.n, a.n, a.n / 2, 1)), a, x.shape))]);
  return y;
}

function irfftAxis(op: string, x: Tensor, a: Axis, shape: Shape): Tensor {
  const y = c2r(op, x, a, shape);
  record(op, [x], [y], ([dy]) => [tidy(() => mul(rfftAxis(op, dy!, a, x.shape), binWeights(a.n, 1 / a.n, 2 / a.n, 1)))]);
  return y;
}

function fft2dGrid(op: string, x: Tensor, g: Grid, inverse: boolean): Tensor {
  const alongW = c2c(op, x, { outer: g.batch * g.h, n: g.w, inner: g.c }, inverse, x.shape);
  const y = g.h === 1 ? alongW : c2cInPlace(op, alongW, { outer: g.batch, n: g.h, inner: g.w * g.c }, inverse);
  const size = g.h * g.w;
  record(op, [x], [y], ([dy]) => [tidy(() => scaled(fft2dGrid(op, dy!, g, !inverse), inverse ? 1 / size : size))]);
  return y;
}

/** rfft over w, then the complex fft over h; `g` is the real grid, `shape` the spectrum's. */
export function rfft2dGrid(op: string, x: Tensor, g: Grid, shape: Shape): Tensor {
  const m = bins(g.w);
  const alongW = r2c(op, x, { outer: g.batch * g.h, n: g.w, inner: g.c }, shape);
  const y = g.h === 1 ? alongW : c2cInPlace(op, alongW, { outer: g.batch, n: g.h, inner: m * g.c }, false);
  const size = g.h * g.w;
  record(op, [x], [y], ([dy]) => [tidy(() => irfft2dGrid(op, mul(dy!, binWeights(g.w, size, size / 2, 2)), g, x.shape))]);
  return y;
}

/** The inverse complex fft over h, then irfft over w, as np.fft.irfft2; `g` is the real grid made. */
export function irfft2dGrid(op: string, x: Tensor, g: Grid, shape: Shape): Tensor {
  const m = bins(g.w);
  const y = g.h === 1
    ? c2r(op, x, { outer: g.batch, n: g.w, inner: g.c }, shape)
    : twoPass(() => c2c(op, x, { outer: g.batch, n: g.h, inner: m * g.c }, true, x.shape), (s) => c2r(op, s, { outer: g.batch * g.h, n: g.w, inner: g.c }, shape));
  const size = g.h * g.w;
  record(op, [x], [y], ([dy]) => [tidy(() => mul(rfft2dGrid(op, dy!, g, x.shape), binWeights(g.w, 1 / size, 2 / size, 2)))]);
  return y;
}

/**
 * y[b, f, o] = Σ_i x[b, f, i]·w[f, i, o] over complex values, on flat views: x (batch, freqs, cin, 2),
 * w (freqs, cin, cout, 2), y of `shape` (batch·freqs·cout·2 values). Gradients keep x's and w's shapes.
 */
export function spectralMixFlat(op: string, x: Tensor, w: Tensor, batch: number, freqs: number, cin: number, cout: number, shape: Shape): Tensor {
  const y = new Tensor(shape, 'float32', op);
  launch(op, y, (heap) => heap.kernels.spectral_mix_f32(x.pointer(op, 'x'), w.pointer(op, 'w'), y.pointer(op, 'y'), batch, freqs, cin, cout));
  record(op, [x, w], [y], ([dy], [needX, needW]) => {
    const dx = needX ? new Tensor(x.shape, 'float32', op) : null;
    if (dx) launch(op, dx, (heap) => heap.kernels.spectral_mix_bwd_input_f32(dy!.pointer(op, 'dy'), w.pointer(op, 'w'), dx.pointer(op, 'dx'), batch, freqs, cin, cout));
    const dw = needW ? new Tensor(w.shape, 'float32', op) : null;
    if (dw) {
      try {
        launch(op, dw, (heap) => heap.kernels.spectral_mix_bwd_filter_f32(x.pointer(op, 'x'), dy!.pointer(op, 'dy'), dw.pointer(op, 'dw'), batch, freqs, cin, cout));
      } catch (error) {
        dx?.dispose();
        throw error;
      }
    }
    return [dx, dw];
  });
  return y;
}

// ---- validation ------------------------------------------------------------------------------

/** A complex tensor (..., n, 2) of at least `rank` axes with n ≥ 1. */
function checkComplex(op: string, argument: string, x: Tensor, rank: number, layout: string): void {
  checkTensor(op, argument, x);
  const ok = rank === 0 ? x.rank >= 2 && x.shape.at(-2) !== 0 : x.rank === rank && x.shape[1] !== 0 && x.shape[2] !== 0;
  if (!ok || x.shape.at(-1) !== 2) {
    throw new ShapeError(op, expectation(argument, `a complex tensor ${layout} (a last axis of 2: re, im)`, formatShape(x.shape)));
  }
}

function checkReal(op: string, x: Tensor): void {
  checkTensor(op, 'x', x);
  if (x.rank < 1 || x.shape.at(-1) === 0) throw new ShapeError(op, expectation('x', 'a real tensor (..., n) with n >= 1', formatShape(x.shape)));
}

/** The real length n of an inverse real transform from m bins: 2(m-1) by default; floor(n/2)+1 must be m. */
function realLength(op: string, argument: 'n' | 'w', m: number, n: unknown): number {
  const length = n ?? 2 * (m - 1);
  if (!Number.isInteger(length) || (length as number) < 1 || bins(length as number) !== m) {
    const allowed = m === 1 ? '1' : `${2 * m - 2} or ${2 * m - 1}`;
    throw new ValueError(op, expectation(argument, `${allowed} (floor(${argument}/2) + 1 = ${m}, the spectrum's bins)`, JSON.stringify(n)));
  }
  return length as number;
}

const lastAxis = (shape: Shape, drop: number): Axis => ({ outer: sizeOf(shape.slice(0, shape.length - drop - 1)), n: shape[shape.length - drop - 1]!, inner: 1 });

function gridOf(shape: Shape): Grid {
  return { batch: shape[0]!, h: shape[1]!, w: shape[2]!, c: shape[3]! };
}

// ---- the public ops --------------------------------------------------------------------------

/** The discrete Fourier transform over the last complex axis: (..., n, 2) -> (..., n, 2). */
export function fft(x: Tensor): Tensor {
  checkComplex('fft', 'x', x, 0, '(..., n, 2)');
  return fftAxis('fft', x, lastAxis(x.shape, 1), false);
}

/** The inverse of fft, scaled by 1/n: (..., n, 2) -> (..., n, 2). */
export function ifft(x: Tensor): Tensor {
  checkComplex('ifft', 'x', x, 0, '(..., n, 2)');
  return fftAxis('ifft', x, lastAxis(x.shape, 1), true);
}

/** The half spectrum of a real signal over the last axis: (..., n) -> (..., floor(n/2)+1, 2). */
export function rfft(x: Tensor): Tensor {
  checkReal('rfft', x);
  const a = lastAxis(x.shape, 0);
  return rfftAxis('rfft', x, a, [...x.shape.slice(0, -1), bins(a.n), 2]);
}

/** The real signal of a half spectrum: (..., m, 2) -> (..., n), n = 2(m-1) by default (2m-1 for odd n). */
export function irfft(x: Tensor, n?: number): Tensor {
  checkComplex('irfft', 'x', x, 0, '(..., m, 2)');
  const length = realLength('irfft', 'n', x.shape.at(-2)!, n);
  return irfftAxis('irfft', x, { ...lastAxis(x.shape, 1), n: length }, [...x.shape.slice(0, -2), length]);
}

/** The 2-D transform over h and w of complex (n, h, w, c, 2). */
export function fft2d(x: Tensor): Tensor {
  checkComplex('fft2d', 'x', x, 5, '(n, h, w, c, 2)');
  return fft2dGrid('fft2d', x, gridOf(x.shape), false);
}

/** The inverse of fft2d, scaled by 1/(h·w). */
export function ifft2d(x: Tensor): Tensor {
  checkComplex('ifft2d', 'x', x, 5, '(n, h, w, c, 2)');
  return fft2dGrid('ifft2d', x, gridOf(x.shape), true);
}

/** The half spectrum over h and w of real (n, h, w, c): (n, h, floor(w/2)+1, c, 2). */
export function rfft2d(x: Tensor): Tensor {
  checkTensor('rfft2d', 'x', x);
  checkRank('rfft2d', 'x', x, 4, '(n, h, w, c)');
  const g = gridOf(x.shape);
  return rfft2dGrid('rfft2d', x, g, [g.batch, g.h, bins(g.w), g.c, 2]);
}

/** The real (n, h, w, c) of a half spectrum (n, h, m, c, 2); w = 2(m-1) by default (2m-1 for odd w). */
export function irfft2d(x: Tensor, w?: number): Tensor {
  checkComplex('irfft2d', 'x', x, 5, '(n, h, m, c, 2)');
  const [batch, h, m, c] = x.shape as [number, number, number, number];
  const width = realLength('irfft2d', 'w', m, w);
  return irfft2dGrid('irfft2d', x, { batch, h, w: width, c }, [batch, h, width, c]);
}

/**
 * Per-frequency channel mixing of spectra: y[b, f, o] = Σ_i x[b, f, i]·w[f, i, o], complex; x (batch,
 * freqs, c_in, 2), w (freqs, c_in, c_out, 2) -> (batch, freqs, c_out, 2). Circular convolution summed
 * over input channels is this between spectra (ops.circularConv2d).
 */
export function spectralMix(x: Tensor, w: Tensor): Tensor {
  const op = 'spectralMix';
  checkComplex(op, 'x', x, 4, '(batch, freqs, c_in, 2)');
  checkComplex(op, 'w', w, 4, '(freqs, c_in, c_out, 2)');
  const [batch, freqs, cin] = x.shape as [number, number, number];
  if (w.shape[0] !== freqs || w.shape[1] !== cin) {
    throw new ShapeError(op, expectation('w', `shape [${freqs}, ${cin}, c_out, 2] (x's freqs and c_in)`, formatShape(w.shape)));
  }
  const cout = w.shape[2]!;
  return spectralMixFlat(op, x, w, batch, freqs, cin, cout, [batch, freqs, cout, 2]);
}
