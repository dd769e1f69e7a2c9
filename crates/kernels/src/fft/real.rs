//! Real transforms. Even n: the n reals as n/2 complex pairs z_t = x_2t + i·x_2t+1, one complex
//! FFT of n/2, then the split X_k = E_k + e^{−2πik/n}·O_k (and its inverse for c2r). Odd n: a
//! full complex FFT with zero imaginary parts (c2r: of the Hermitian extension).

use super::io::{flat_fits, for_blocks, gather, gather_real, lanes_for, scatter, scatter_real, Strided};
use super::lanes::Lanes;
use super::passes::{Arith, Cx, Split, Vx};
use super::plan::{try_vec, AllocError, FftPlan};
use std::f64::consts::PI;

pub struct RealFftPlan {
    n: usize,
    /// n/2 for even n, n for odd n.
    complex: FftPlan,
    /// e^{−2πik/n}, k = 0..=n/2 (even n only).
    twiddles: (Vec<f32>, Vec<f32>),
}

impl RealFftPlan {
    pub fn new(n: usize) -> Result<RealFftPlan, AllocError> {
        let even = n % 2 == 0;
        let complex = FftPlan::new(if even { n / 2 } else { n })?;
        let (mut wr, mut wi) = (Vec::new(), Vec::new());
        if even && n > 0 {
            wr = try_vec(n / 2 + 1, 0f32)?;
            wi = try_vec(n / 2 + 1, 0f32)?;
            for k in 0..=n / 2 {
                let a = -2.0 * PI * k as f64 / n as f64;
                wr[k] = a.cos() as f32;
                wi[k] = a.sin() as f32;
            }
        }
        Ok(RealFftPlan { n, complex, twiddles: (wr, wi) })
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Bins of the half spectrum: n/2 + 1.
    pub fn bins(&self) -> usize {
        self.n / 2 + 1
    }

    fn scratch_for(&self, lanes: usize) -> usize {
        self.complex.floats(lanes).saturating_add((2 * lanes).saturating_mul(self.bins()))
    }

    /// Floats of scratch `r2c` and `c2r` need for this `inner`.
    pub fn scratch_len(&self, inner: usize) -> usize {
        self.scratch_for(lanes_for(inner, flat_fits(self.n)))
    }

    /// The complex plan's buffers and the half-spectrum buffer.
    unsafe fn buffers(&self, lanes: usize, scratch: *mut f32) -> (Split, Split, *mut f32, Split) {
        let (a, b, extra) = self.complex.buffers(lanes, scratch);
        let half = scratch.add(self.complex.floats(lanes));
        (a, b, extra, Split { re: half, im: half.add(self.bins() * lanes) })
    }

    /// Real (outer, n, inner) -> complex (outer, n/2+1, inner, 2).
    ///
    /// # Safety
    /// x and y point to their sizes above; `scratch` holds `scratch_len(inner)`.
    pub unsafe fn r2c_raw<V: Lanes>(&self, x: *const f32, y: *mut f32, outer: usize, inner: usize, scratch: &mut [f32]) {
        let (n, bins) = (self.n, self.bins());
        if n == 0 {
            return;
        }
        assert!(scratch.len() >= self.scratch_len(inner));
        let scratch = scratch.as_mut_ptr();
        for_blocks(outer, inner, flat_fits(n), |bl| {
            let lanes = bl.lanes;
            let (a, b, extra, half) = self.buffers(lanes, scratch);
            let (src, dst) = (x.add(bl.o * n * inner + bl.i), y.add(2 * (bl.o * bins * inner + bl.i)));
            let out = Strided::complex(inner, bl.lane(bins));
            if n % 2 == 0 {
                gather::<V>(src, Strided::real_pairs(inner, bl.lane(n)), n / 2, lanes, a);
                let z = self.complex.forward::<V>(lanes, a, b, extra);
                if lanes == 4 {
                    split_halves::<Vx<V>>(n / 2, z, &self.twiddles, half, 0);
                } else {
                    let done = split_halves_one::<V>(n / 2, z, &self.twiddles, half);
                    split_halves::<f32>(n / 2, z, &self.twiddles, half, done);
                }
                scatter::<V>(half, bins, lanes, dst, out, 1.0);
            } else {
                gather_real(src, inner, bl.lane(n), n, lanes, a);
                let z = self.complex.forward::<V>(lanes, a, b, extra);
                scatter::<V>(z, bins, lanes, dst, out, 1.0);
            }
        });
    }

    /// Complex (outer, n/2+1, inner, 2) -> real (outer, n, inner), scaled by 1/n; the imaginary
    /// parts of bin 0 and (even n) bin n/2 are ignored.
    ///
    /// # Safety
    /// As `r2c_raw`.
    pub unsafe fn c2r_raw<V: Lanes>(&self, x: *const f32, y: *mut f32, outer: usize, inner: usize, scratch: &mut [f32]) {
        let (n, bins) = (self.n, self.bins());
        if n == 0 {
            return;
        }
        assert!(scratch.len() >= self.scratch_len(inner));
        let scale = 1.0 / n as f32;
        let scratch = scratch.as_mut_ptr();
        for_blocks(outer, inner, flat_fits(n), |bl| {
            let lanes = bl.lanes;
            let (a, b, extra, half) = self.buffers(lanes, scratch);
            let (src, dst) = (x.add(2 * (bl.o * bins * inner + bl.i)), y.add(bl.o * n * inner + bl.i));
            gather::<V>(src, Strided::complex(inner, bl.lane(bins)), bins, lanes, half);
            for l in 0..lanes {
                *half.im.add(l) = 0.0;
                if n % 2 == 0 {
                    *half.im.add((bins - 1) * lanes + l) = 0.0;
                }
            }
            if n % 2 == 0 {
                if lanes == 4 {
                    join_halves::<Vx<V>>(n / 2, half, &self.twiddles, a, 0);
                } else {
                    let done = join_halves_one::<V>(n / 2, half, &self.twiddles, a);
                    join_halves::<f32>(n / 2, half, &self.twiddles, a, done);
                }
                let z = self.complex.forward::<V>(lanes, a.swapped(), b.swapped(), extra).swapped();
                scatter::<V>(z, n / 2, lanes, dst, Strided::real_pairs(inner, bl.lane(n)), scale);
            } else {
                hermitian(n, lanes, half, a);
                let z = self.complex.forward::<V>(lanes, a.swapped(), b.swapped(), extra).swapped();
                scatter_real(z, n, lanes, dst, inner, bl.lane(n), scale);
            }
        });
    }

    pub fn r2c<V: Lanes>(&self, x: &[f32], y: &mut [f32], outer: usize, inner: usize, scratch: &mut [f32]) {
        assert!(x.len() >= outer * self.n * inner && y.len() >= outer * self.bins() * inner * 2);
        // SAFETY: lengths checked above; scratch is checked inside.
        unsafe { self.r2c_raw::<V>(x.as_ptr(), y.as_mut_ptr(), outer, inner, scratch) }
    }

    pub fn c2r<V: Lanes>(&self, x: &[f32], y: &mut [f32], outer: usize, inner: usize, scratch: &mut [f32]) {
        assert!(x.len() >= outer * self.bins() * inner * 2 && y.len() >= outer * self.n * inner);
        // SAFETY: lengths checked above; scratch is checked inside.
        unsafe { self.c2r_raw::<V>(x.as_ptr(), y.as_mut_ptr(), outer, inner, scratch) }
    }
}

/// Z = FFT(z) of the pairs -> X_k = E_k + W^k O_k, with E = (Z_k + conj Z_{h−k})/2 and
/// O = −i(Z_k − conj Z_{h−k})/2, for k = 0 and k = from..=h. T covers the lanes of one element.
unsafe fn split_halves<T: Arith>(h: usize, z: Split, w: &(Vec<f32>, Vec<f32>), out: Split, from: usize) {
    for k in (0..1).chain(from.max(1)..=h) {
        let zk = z.load::<T>((k % h) * T::W);
        let zc = z.load::<T>(((h - k) % h) * T::W);
        out.store(k * T::W, split_one(zk, zc, Cx::splat(w.0[k], w.1[k])));
    }
}

#[inline(always)]
fn split_one<T: Arith>(zk: Cx<T>, zc: Cx<T>, w: Cx<T>) -> Cx<T> {
    let half = T::splat(0.5);
    let e = Cx { r: zk.r.add(zc.r).mul(half), i: zk.i.sub(zc.i).mul(half) };
    let o = Cx { r: zk.i.add(zc.i).mul(half), i: zc.r.sub(zk.r).mul(half) };
    e.add(o.mul(w))
}

/// `split_halves` of a single transform, 4 bins k at a time from k = 1 (Z_{h−k} read reversed);
/// returns the first k left for the scalar loop.
unsafe fn split_halves_one<V: Lanes>(h: usize, z: Split, w: &(Vec<f32>, Vec<f32>), out: Split) -> usize {
    let mut k = 1;
    while k + 4 <= h {
        let zk = z.load::<Vx<V>>(k);
        let zc = Cx { r: Vx(V::load(z.re.add(h - k - 3)).reverse()), i: Vx(V::load(z.im.add(h - k - 3)).reverse()) };
        let wk = Cx { r: Vx(V::load(w.0.as_ptr().add(k))), i: Vx(V::load(w.1.as_ptr().add(k))) };
        out.store(k, split_one(zk, zc, wk));
        k += 4;
    }
    k
}

/// The inverse of `split_halves`, times 2: Z_k = S + iG, S = X_k + conj X_{h−k},
/// G = (X_k − conj X_{h−k})·conj(W^k), for k = from..h.
unsafe fn join_halves<T: Arith>(h: usize, x: Split, w: &(Vec<f32>, Vec<f32>), out: Split, from: usize) {
    for k in from..h {
        let xk = x.load::<T>(k * T::W);
        let xc = x.load::<T>((h - k) * T::W);
        out.store(k * T::W, join_one(xk, xc, Cx::splat(w.0[k], w.1[k])));
    }
}

#[inline(always)]
fn join_one<T: Arith>(xk: Cx<T>, xc: Cx<T>, w: Cx<T>) -> Cx<T> {
    let s = Cx { r: xk.r.add(xc.r), i: xk.i.sub(xc.i) };
    let d = Cx { r: xk.r.sub(xc.r), i: xk.i.add(xc.i) };
    let g = d.mul_conj(w);
    Cx { r: s.r.sub(g.i), i: s.i.add(g.r) }
}

/// `join_halves` of a single transform, 4 bins at a time from k = 0; returns where it stopped.
unsafe fn join_halves_one<V: Lanes>(h: usize, x: Split, w: &(Vec<f32>, Vec<f32>), out: Split) -> usize {
    let mut k = 0;
    while k + 4 <= h {
        let xk = x.load::<Vx<V>>(k);
        let xc = Cx { r: Vx(V::load(x.re.add(h - k - 3)).reverse()), i: Vx(V::load(x.im.add(h - k - 3)).reverse()) };
        let wk = Cx { r: Vx(V::load(w.0.as_ptr().add(k))), i: Vx(V::load(w.1.as_ptr().add(k))) };
        out.store(k, join_one(xk, xc, wk));
        k += 4;
    }
    k
}

/// The full spectrum of a real signal of odd length n from its first (n+1)/2 bins.
unsafe fn hermitian(n: usize, lanes: usize, half: Split, out: Split) {
    for k in 0..(n + 1) / 2 {
        for l in 0..lanes {
            let (re, im) = (*half.re.add(k * lanes + l), *half.im.add(k * lanes + l));
            *out.re.add(k * lanes + l) = re;
            *out.im.add(k * lanes + l) = im;
            if k > 0 {
                *out.re.add((n - k) * lanes + l) = re;
                *out.im.add((n - k) * lanes + l) = -im;
            }
        }
    }
}
