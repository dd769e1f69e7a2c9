// Float64 references of the Fourier ops, straight from the sums (O(n²) per transform): the DFT along
// the middle axis of an (outer, n, inner) view, complex values as (re, im) pairs on a last axis of 2,
// NumPy's conventions (the inverse scales by 1/n; irfft ignores the imaginary parts of bin 0 and,
// n even, bin n/2). Also the circulant and shift matrices and the spectral channel mix.
import { dense } from './reference.js';
import type { Dense } from './reference.js';

const bins = (n: number) => Math.floor(n / 2) + 1;

/** The DFT (or inverse, scaled 1/n) of complex (outer, n, inner, 2) along n. */
export function dftAxis(x: ArrayLike<number>, outer: number, n: number, inner: number, inverse: boolean): Float64Array {
  const y = new Float64Array(outer * n * inner * 2);
  const sign = inverse ? 1 : -1;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      for (let k = 0; k < n; k++) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < n; t++) {
          const angle = (sign * 2 * Math.PI * ((k * t) % n)) / n;
          const at = ((o * n + t) * inner + i) * 2;
          const [c, s] = [Math.cos(angle), Math.sin(angle)];
          re += x[at]! * c - x[at + 1]! * s;
          im += x[at]! * s + x[at + 1]! * c;
        }
        const to = ((o * n + k) * inner + i) * 2;
        y[to] = inverse ? re / n : re;
        y[to + 1] = inverse ? im / n : im;
      }
  return y;
}

/** Real (outer, n, inner) -> its half spectrum (outer, floor(n/2)+1, inner, 2). */
export function rdftAxis(x: ArrayLike<number>, outer: number, n: number, inner: number): Float64Array {
  const complex = new Float64Array(x.length * 2);
  for (let j = 0; j < x.length; j++) complex[2 * j] = x[j]!;
  const full = dftAxis(complex, outer, n, inner, false);
  const m = bins(n);
  const y = new Float64Array(outer * m * inner * 2);
  for (let o = 0; o < outer; o++) y.set(full.subarray(o * n * inner * 2, (o * n + m) * inner * 2), o * m * inner * 2);
  return y;
}

/** Half spectrum (outer, floor(n/2)+1, inner, 2) -> real (outer, n, inner), as np.fft.irfft. */
export function irdftAxis(x: ArrayLike<number>, outer: number, n: number, inner: number): Float64Array {
  const m = bins(n);
  const y = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      for (let t = 0; t < n; t++) {
        let sum = 0;
        for (let k = 0; k < m; k++) {
          const at = ((o * m + k) * inner + i) * 2;
          const edge = k === 0 || (n % 2 === 0 && k === n / 2);
          const angle = (2 * Math.PI * ((k * t) % n)) / n;
          sum += edge ? x[at]! * Math.cos(angle) : 2 * (x[at]! * Math.cos(angle) - x[at + 1]! * Math.sin(angle));
        }
        y[(o * n + t) * inner + i] = sum / n;
      }
  return y;
}

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

export function fftReference(x: Dense, inverse: boolean): Dense {
  const n = x.shape.at(-2)!;
  return dense(x.shape, dftAxis(x.data, size(x.shape) / (2 * n), n, 1, inverse));
}

export function rfftReference(x: Dense): Dense {
  const n = x.shape.at(-1)!;
  return dense([...x.shape.slice(0, -1), bins(n), 2], rdftAxis(x.data, size(x.shape) / n, n, 1));
}

export function irfftReference(x: Dense, n = 2 * (x.shape.at(-2)! - 1)): Dense {
  const m = x.shape.at(-2)!;
  return dense([...x.shape.slice(0, -2), n], irdftAxis(x.data, size(x.shape) / (2 * m), n, 1));
}

/** Over h and w of complex (n, h, w, c, 2). */
export function fft2dReference(x: Dense, inverse: boolean): Dense {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  return dense(x.shape, dftAxis(dftAxis(x.data, b * h, w, c, inverse), b, h, w * c, inverse));
}

/** Real (n, h, w, c) -> (n, h, floor(w/2)+1, c, 2): the real transform over w, then the complex one over h. */
export function rfft2dReference(x: Dense): Dense {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const m = bins(w);
  return dense([b, h, m, c, 2], dftAxis(rdftAxis(x.data, b * h, w, c), b, h, m * c, false));
}

/** (n, h, m, c, 2) -> real (n, h, w, c): the inverse over h, then irfft over w, as np.fft.irfft2. */
export function irfft2dReference(x: Dense, w = 2 * (x.shape[2]! - 1)): Dense {
  const [b, h, m, c] = x.shape as [number, number, number, number];
  return dense([b, h, w, c], irdftAxis(dftAxis(x.data, b, h, m * c, true), b * h, w, c));
}

/** y[b, f, o] = Σ_i x[b, f, i]·w[f, i, o], complex: x (batch, freqs, cin, 2), w (freqs, cin, cout, 2). */
export function spectralMixReference(x: Dense, w: Dense): Dense {
  const [batch, freqs, cin] = x.shape as [number, number, number];
  const cout = w.shape[2]!;
  const y = new Float64Array(batch * freqs * cout * 2);
  for (let b = 0; b < batch; b++)
    for (let f = 0; f < freqs; f++)
      for (let o = 0; o < cout; o++) {
        let re = 0;
        let im = 0;
        for (let i = 0; i < cin; i++) {
          const xa = ((b * freqs + f) * cin + i) * 2;
          const wa = ((f * cin + i) * cout + o) * 2;
          re += x.data[xa]! * w.data[wa]! - x.data[xa + 1]! * w.data[wa + 1]!;
          im += x.data[xa]! * w.data[wa + 1]! + x.data[xa + 1]! * w.data[wa]!;
        }
        y[((b * freqs + f) * cout + o) * 2] = re;
        y[((b * freqs + f) * cout + o) * 2 + 1] = im;
      }
  return dense([batch, freqs, cout, 2], y);
}

/** C[i][j] = w[(i − j) mod n], w zero-padded to n. */
export function circulantReference(w: ArrayLike<number>, n = w.length): Dense {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = w[(((i - j) % n) + n) % n] ?? 0;
  return dense([n, n], c);
}

/** S_k = C_{e_k}. */
export function shiftMatrixReference(k: number, n: number): Dense {
  const e = new Float64Array(n);
  e[((k % n) + n) % n] = 1;
  return circulantReference(e, n);
}

/** The lecture's one-channel circular convolution, (w ⊛ x)[i] = Σ_j w[j]·x[(i − j) mod n]. */
export function circularConvolution(w: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < w.length; j++) y[i]! += w[j]! * x[(((i - j) % n) + n) % n]!;
  return y;
}
