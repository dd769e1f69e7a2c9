//! Plans: the factorisation of n into radix passes with their twiddles, or Bluestein's chirp-z
//! convolution (a power-of-two plan) when n has a prime factor above 13. Built once per n, with
//! fallible allocation; transforms then allocate nothing.

use super::lanes::Lanes;
use super::passes::{pass, pass4_first, Arith, Cx, Interleaved, Pass, Split, Vx};
use std::f64::consts::PI;

/// Plan creation could not get its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError;

pub(crate) fn try_vec<T: Clone>(len: usize, fill: T) -> Result<Vec<T>, AllocError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| AllocError)?;
    v.resize(len, fill);
    Ok(v)
}

/// Largest prime handled by a radix pass; larger prime factors go through Bluestein.
pub const MAX_RADIX: usize = 13;

/// Radix-4 passes first (so a single transform's later strides are multiples of 4), one radix 2,
/// then odd primes up to 13; None when a larger prime divides n.
fn factorize(n: usize) -> Option<Vec<usize>> {
    let (mut f, mut r) = (Vec::new(), n);
    while r % 4 == 0 {
        f.push(4);
        r /= 4;
    }
    if r % 2 == 0 {
        f.push(2);
        r /= 2;
    }
    for p in [3, 5, 7, 11, 13] {
        while r % p == 0 {
            f.push(p);
            r /= p;
        }
    }
    if r == 1 {
        Some(f)
    } else {
        None
    }
}

/// e^{-2πi·num/den} in f64, with num reduced mod den first.
fn root(num: usize, den: usize) -> (f64, f64) {
    let a = -2.0 * PI * (num % den) as f64 / den as f64;
    (a.cos(), a.sin())
}

pub(crate) struct Stages {
    pub passes: Vec<Pass>,
}

impl Stages {
    fn new(n: usize, factors: &[usize]) -> Result<Stages, AllocError> {
        let mut passes = Vec::new();
        passes.try_reserve_exact(factors.len()).map_err(|_| AllocError)?;
        let (mut len, mut s) = (n, 1);
        for &r in factors {
            let m = len / r;
            let mut twiddles = try_vec(2 * (r - 1) * m, 0f32)?;
            for p in 0..m {
                for k in 1..r {
                    let (c, si) = root(p * k, len);
                    twiddles[2 * ((r - 1) * p + k - 1)] = c as f32;
                    twiddles[2 * ((r - 1) * p + k - 1) + 1] = si as f32;
                }
            }
            let mut twiddles4 = Vec::new();
            if r == 4 && s == 1 && m % 4 == 0 {
                twiddles4 = try_vec(6 * m, 0f32)?;
                for b in 0..m / 4 {
                    for k in 1..4 {
                        for l in 0..4 {
                            let (c, si) = root((4 * b + l) * k, len);
                            twiddles4[8 * (3 * b + k - 1) + l] = c as f32;
                            twiddles4[8 * (3 * b + k - 1) + 4 + l] = si as f32;
                        }
                    }
                }
            }
            let mut roots = [0f32; 32];
            for j in 0..r {
                let a = 2.0 * PI * j as f64 / r as f64;
                roots[j] = a.cos() as f32;
                roots[16 + j] = a.sin() as f32;
            }
            passes.push(Pass { radix: r, m, s, twiddles, twiddles4, roots });
            len = m;
            s *= r;
        }
        Ok(Stages { passes })
    }

    /// Forward DFT of `lanes` interleaved transforms held in `a` (element t, lane l at t·lanes + l);
    /// `b` is the same size; returns the one holding the result.
    unsafe fn forward<V: Lanes>(&self, lanes: usize, a: Split, b: Split) -> Split {
        let (mut x, mut y) = (a, b);
        for p in &self.passes {
            let s = p.s * lanes;
            if lanes == 1 && p.s == 1 && !p.twiddles4.is_empty() {
                pass4_first::<V>(p, &x, y);
            } else if s % 4 == 0 {
                pass::<Vx<V>>(p, s, &x, &y);
            } else {
                pass::<f32>(p, s, &x, &y);
            }
            std::mem::swap(&mut x, &mut y);
        }
        x
    }

    /// A single transform straight from and to the caller's interleaved buffers: the first
    /// radix-4 pass reads the input, the last pass writes the (scaled) output.
    fn fuses(&self) -> bool {
        self.passes.len() >= 2 && !self.passes[0].twiddles4.is_empty()
    }

    unsafe fn forward_interleaved<V: Lanes, const SWAP: bool>(&self, x: *const f32, y: *mut f32, scale: f32, a: Split, b: Split) {
        let last = self.passes.len() - 1;
        pass4_first::<V>(&self.passes[0], &Interleaved::<V, SWAP> { p: x as *mut f32, scale: V::splat(1.0) }, a);
        let (mut x, mut y2) = (a, b);
        for p in &self.passes[1..last] {
            pass::<Vx<V>>(p, p.s, &x, &y2);
            std::mem::swap(&mut x, &mut y2);
        }
        let p = &self.passes[last];
        pass::<Vx<V>>(p, p.s, &x, &Interleaved::<V, SWAP> { p: y, scale: V::splat(scale) });
    }
}

/// X_k = w_k Σ_t (x_t w_t) conj(w_{k−t}), w_t = e^{−πi t²/n}: a circular convolution of length
/// m = 2^k >= 2n − 1 done by FFT, the filter's transform precomputed.
pub(crate) struct Bluestein {
    n: usize,
    m: usize,
    sub: Stages,
    chirp: (Vec<f32>, Vec<f32>),
    filter: (Vec<f32>, Vec<f32>),
}

impl Bluestein {
    fn new(n: usize) -> Result<Bluestein, AllocError> {
        // n this large cannot have its buffers in a 32-bit address space anyway.
        let m = n.checked_mul(2).and_then(|n2| (n2 - 1).checked_next_power_of_two()).ok_or(AllocError)?;
        let sub = Stages::new(m, &factorize(m).expect("power of two"))?;
        let (mut cr, mut ci) = (try_vec(n, 0f32)?, try_vec(n, 0f32)?);
        let (mut fr, mut fi) = (try_vec(m, 0f64)?, try_vec(m, 0f64)?);
        for t in 0..n {
            // e^{−πi t²/n} = e^{−2πi (t² mod 2n) / 2n}
            let (c, s) = root((t as u64 * t as u64 % (2 * n as u64)) as usize, 2 * n);
            cr[t] = c as f32;
            ci[t] = s as f32;
            fr[t] = c;
            fi[t] = -s;
            if t > 0 {
                fr[m - t] = c;
                fi[m - t] = -s;
            }
        }
        fft_f64(&mut fr, &mut fi);
        let narrow = |v: &[f64]| -> Result<Vec<f32>, AllocError> {
            let mut out = try_vec(v.len(), 0f32)?;
            out.iter_mut().zip(v).for_each(|(o, &x)| *o = x as f32);
            Ok(out)
        };
        let filter = (narrow(&fr)?, narrow(&fi)?);
        Ok(Bluestein { n, m, sub, chirp: (cr, ci), filter })
    }

    unsafe fn forward<V: Lanes>(&self, lanes: usize, a: Split, extra: *mut f32) -> Split {
        let (n, m, ml) = (self.n, self.m, self.m * lanes);
        let p = Split { re: extra, im: extra.add(ml) };
        let q = Split { re: extra.add(2 * ml), im: extra.add(3 * ml) };
        pointwise::<V>(lanes, n, a, &self.chirp, p, 1.0);
        for i in n * lanes..ml {
            *p.re.add(i) = 0.0;
            *p.im.add(i) = 0.0;
        }
        let r = self.sub.forward::<V>(lanes, p, q);
        let other = if r == p { q } else { p };
        pointwise::<V>(lanes, m, r, &self.filter, r, 1.0);
        let c = self.sub.forward::<V>(lanes, r.swapped(), other.swapped()).swapped();
        pointwise::<V>(lanes, n, c, &self.chirp, a, 1.0 / m as f32);
        a
    }
}

/// y_t = x_t · w_t · scale for `count` elements of `lanes` lanes (x and y may be the same).
unsafe fn pointwise<V: Lanes>(lanes: usize, count: usize, x: Split, w: &(Vec<f32>, Vec<f32>), y: Split, scale: f32) {
    let (wr, wi) = (w.0.as_ptr(), w.1.as_ptr());
    if lanes == 4 {
        for t in 0..count {
            let wt = Cx::<Vx<V>>::splat(*wr.add(t) * scale, *wi.add(t) * scale);
            y.store(4 * t, x.load::<Vx<V>>(4 * t).mul(wt));
        }
        return;
    }
    let mut t = 0;
    let sv = Vx(V::splat(scale));
    while t + 4 <= count {
        let wt = Cx { r: Vx::<V>::ld(wr.add(t)).mul(sv), i: Vx::<V>::ld(wi.add(t)).mul(sv) };
        y.store(t, x.load::<Vx<V>>(t).mul(wt));
        t += 4;
    }
    while t < count {
        let wt = Cx::<f32>::splat(*wr.add(t) * scale, *wi.add(t) * scale);
        y.store(t, x.load::<f32>(t).mul(wt));
        t += 1;
    }
}

/// In-place radix-2 forward FFT in f64, for plan-time precomputation only.
fn fft_f64(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        for k in 0..len / 2 {
            let (c, s) = root(k, len);
            for start in (0..n).step_by(len) {
                let (u, v) = (start + k, start + k + len / 2);
                let (vr, vi) = (re[v] * c - im[v] * s, re[v] * s + im[v] * c);
                re[v] = re[u] - vr;
                im[v] = im[u] - vi;
                re[u] += vr;
                im[u] += vi;
            }
        }
        len *= 2;
    }
}

enum Algorithm {
    Stages(Stages),
    Bluestein(Box<Bluestein>),
}

/// A complex FFT of one length n >= 1 (n = 0 is an empty plan that transforms nothing).
pub struct FftPlan {
    n: usize,
    algorithm: Algorithm,
}

impl FftPlan {
    pub fn new(n: usize) -> Result<FftPlan, AllocError> {
        let algorithm = match factorize(n.max(1)) {
            Some(f) => Algorithm::Stages(Stages::new(n, &f)?),
            None => Algorithm::Bluestein(Box::new(Bluestein::new(n)?)),
        };
        Ok(FftPlan { n, algorithm })
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// True when n has a prime factor above MAX_RADIX.
    pub fn is_bluestein(&self) -> bool {
        matches!(self.algorithm, Algorithm::Bluestein(_))
    }

    /// Floats of scratch for `lanes` (1 or 4) transforms at once.
    pub(crate) fn floats(&self, lanes: usize) -> usize {
        let extra = match &self.algorithm {
            Algorithm::Stages(_) => 0,
            Algorithm::Bluestein(b) => (4 * lanes).saturating_mul(b.m),
        };
        // Saturating: a size past the address space must fail to reserve, not wrap around.
        (4 * lanes).saturating_mul(self.n).saturating_add(extra)
    }

    /// The two element buffers and the Bluestein space inside `scratch`.
    pub(crate) unsafe fn buffers(&self, lanes: usize, scratch: *mut f32) -> (Split, Split, *mut f32) {
        let nl = self.n * lanes;
        (Split { re: scratch, im: scratch.add(nl) }, Split { re: scratch.add(2 * nl), im: scratch.add(3 * nl) }, scratch.add(4 * nl))
    }

    /// Whether `forward_interleaved` applies.
    pub(crate) fn fuses(&self) -> bool {
        matches!(&self.algorithm, Algorithm::Stages(s) if s.fuses())
    }

    /// Forward DFT of `lanes` transforms held in `a`; returns the buffer holding the result.
    /// One transform of interleaved x (contiguous) into interleaved y, scaled, when the passes
    /// can read and write those directly; false (nothing done) otherwise.
    pub(crate) unsafe fn forward_interleaved<V: Lanes>(&self, x: *const f32, y: *mut f32, inverse: bool, scale: f32, scratch: *mut f32) -> bool {
        match &self.algorithm {
            Algorithm::Stages(s) if s.fuses() => {
                let (a, b, _) = self.buffers(1, scratch);
                if inverse {
                    s.forward_interleaved::<V, true>(x, y, scale, a, b);
                } else {
                    s.forward_interleaved::<V, false>(x, y, scale, a, b);
                }
                true
            }
            _ => false,
        }
    }

    pub(crate) unsafe fn forward<V: Lanes>(&self, lanes: usize, a: Split, b: Split, extra: *mut f32) -> Split {
        match &self.algorithm {
            Algorithm::Stages(s) => s.forward::<V>(lanes, a, b),
            Algorithm::Bluestein(bl) => bl.forward::<V>(lanes, a, extra),
        }
    }
}


