//! The FFT oracles: the DFT by its definition in f64 (angles reduced mod n before the cosine),
//! and spectral mixing by its definition.

use std::f64::consts::PI;

/// e^{sign·2πi·j/n} for j in 0..n.
fn roots(n: usize, sign: f64) -> Vec<(f64, f64)> {
    (0..n).map(|j| sign * 2.0 * PI * j as f64 / n as f64).map(|a| (a.cos(), a.sin())).collect()
}

/// The DFT of one sequence: out_k = Σ_t x_t w[k·t mod n].
fn dft(x: &[(f64, f64)], w: &[(f64, f64)], out: &mut [(f64, f64)]) {
    let n = x.len();
    for (k, o) in out.iter_mut().enumerate() {
        let (mut sr, mut si, mut kt) = (0f64, 0f64, 0usize);
        for &(xr, xi) in x {
            let (c, s) = w[kt];
            sr += xr * c - xi * s;
            si += xr * s + xi * c;
            kt += k;
            if kt >= n {
                kt -= n;
            }
        }
        *o = (sr, si);
    }
}

/// Complex (outer, n, inner, 2) -> same; inverse uses e^{+...} and 1/n.
pub fn dft_reference(x: &[f32], y: &mut [f32], outer: usize, n: usize, inner: usize, inverse: bool) {
    let w = roots(n, if inverse { 1.0 } else { -1.0 });
    let scale = if inverse { 1.0 / n as f64 } else { 1.0 };
    let (mut seq, mut out) = (vec![(0f64, 0f64); n], vec![(0f64, 0f64); n]);
    for o in 0..outer {
        for i in 0..inner {
            let at = |t: usize| 2 * ((o * n + t) * inner + i);
            for (t, v) in seq.iter_mut().enumerate() {
                *v = (x[at(t)] as f64, x[at(t) + 1] as f64);
            }
            dft(&seq, &w, &mut out);
            for (k, &(re, im)) in out.iter().enumerate() {
                y[at(k)] = (re * scale) as f32;
                y[at(k) + 1] = (im * scale) as f32;
            }
        }
    }
}

/// Real (outer, n, inner) -> complex (outer, n/2+1, inner, 2).
pub fn rdft_reference(x: &[f32], y: &mut [f32], outer: usize, n: usize, inner: usize) {
    let (bins, w) = (n / 2 + 1, roots(n, -1.0));
    let (mut seq, mut out) = (vec![(0f64, 0f64); n], vec![(0f64, 0f64); bins]);
    for o in 0..outer {
        for i in 0..inner {
            for (t, v) in seq.iter_mut().enumerate() {
                *v = (x[(o * n + t) * inner + i] as f64, 0.0);
            }
            dft(&seq, &w, &mut out);
            for (k, &(re, im)) in out.iter().enumerate() {
                let at = 2 * ((o * bins + k) * inner + i);
                y[at] = re as f32;
                y[at + 1] = im as f32;
            }
        }
    }
}

/// Complex (outer, n/2+1, inner, 2) -> real (outer, n, inner) as np.fft.irfft: the Hermitian
/// extension's inverse DFT, imaginary parts of bin 0 and (even n) bin n/2 ignored.
pub fn irdft_reference(x: &[f32], y: &mut [f32], outer: usize, n: usize, inner: usize) {
    let (bins, w) = (n / 2 + 1, roots(n, 1.0));
    let (mut seq, mut out) = (vec![(0f64, 0f64); n], vec![(0f64, 0f64); n]);
    for o in 0..outer {
        for i in 0..inner {
            let bin = |k: usize| {
                let at = 2 * ((o * bins + k) * inner + i);
                let ignore_im = k == 0 || (n % 2 == 0 && k == n / 2);
                (x[at] as f64, if ignore_im { 0.0 } else { x[at + 1] as f64 })
            };
            for (k, v) in seq.iter_mut().enumerate() {
                *v = if k < bins {
                    bin(k)
                } else {
                    let (re, im) = bin(n - k);
                    (re, -im)
                };
            }
            dft(&seq, &w, &mut out);
            for (t, &(re, _)) in out.iter().enumerate() {
                y[(o * n + t) * inner + i] = (re / n as f64) as f32;
            }
        }
    }
}

fn c(v: &[f32], at: usize) -> (f64, f64) {
    (v[2 * at] as f64, v[2 * at + 1] as f64)
}

/// y[b,f,o] = Σ_i x[b,f,i] · w[f,i,o]
pub fn spectral_mix_reference(x: &[f32], w: &[f32], y: &mut [f32], batch: usize, freqs: usize, cin: usize, cout: usize) {
    for b in 0..batch {
        for f in 0..freqs {
            for o in 0..cout {
                let (mut sr, mut si) = (0f64, 0f64);
                for i in 0..cin {
                    let ((xr, xi), (wr, wi)) = (c(x, (b * freqs + f) * cin + i), c(w, (f * cin + i) * cout + o));
                    sr += xr * wr - xi * wi;
                    si += xr * wi + xi * wr;
                }
                let at = 2 * ((b * freqs + f) * cout + o);
                y[at] = sr as f32;
                y[at + 1] = si as f32;
            }
        }
    }
}

/// dx[b,f,i] = Σ_o dy[b,f,o] · conj(w[f,i,o])
pub fn spectral_mix_bwd_input_reference(dy: &[f32], w: &[f32], dx: &mut [f32], batch: usize, freqs: usize, cin: usize, cout: usize) {
    for b in 0..batch {
        for f in 0..freqs {
            for i in 0..cin {
                let (mut sr, mut si) = (0f64, 0f64);
                for o in 0..cout {
                    let ((gr, gi), (wr, wi)) = (c(dy, (b * freqs + f) * cout + o), c(w, (f * cin + i) * cout + o));
                    sr += gr * wr + gi * wi;
                    si += gi * wr - gr * wi;
                }
                let at = 2 * ((b * freqs + f) * cin + i);
                dx[at] = sr as f32;
                dx[at + 1] = si as f32;
            }
        }
    }
}

/// dw[f,i,o] = Σ_b conj(x[b,f,i]) · dy[b,f,o]
pub fn spectral_mix_bwd_filter_reference(x: &[f32], dy: &[f32], dw: &mut [f32], batch: usize, freqs: usize, cin: usize, cout: usize) {
    for f in 0..freqs {
        for i in 0..cin {
            for o in 0..cout {
                let (mut sr, mut si) = (0f64, 0f64);
                for b in 0..batch {
                    let ((xr, xi), (gr, gi)) = (c(x, (b * freqs + f) * cin + i), c(dy, (b * freqs + f) * cout + o));
                    sr += xr * gr + xi * gi;
                    si += xr * gi - xi * gr;
                }
                let at = 2 * ((f * cin + i) * cout + o);
                dw[at] = sr as f32;
                dw[at + 1] = si as f32;
            }
        }
    }
}
