//! Stockham (decimation in frequency) passes over split re/im buffers. An element is a block of
//! `s` contiguous floats sharing one twiddle: with 4 lanes (4 transforms side by side) every block
//! is a whole number of vectors; a single transform is vectorised the same way once the stride
//! reaches 4, and its first radix-4 pass (stride 1) across 4 butterflies with a transpose.

use super::lanes::Lanes;
use crate::simd::F32x4;

/// What a pass computes with: one f32 or one 4-lane vector.
pub(crate) trait Arith: Copy {
    const W: usize;
    fn splat(x: f32) -> Self;
    /// # Safety
    /// `p` points to W readable floats.
    unsafe fn ld(p: *const f32) -> Self;
    /// # Safety
    /// `p` points to W writable floats.
    unsafe fn st(self, p: *mut f32);
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
}

impl Arith for f32 {
    const W: usize = 1;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        x
    }
    #[inline(always)]
    unsafe fn ld(p: *const f32) -> Self {
        *p
    }
    #[inline(always)]
    unsafe fn st(self, p: *mut f32) {
        *p = self
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self + o
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self - o
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self * o
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Vx<V>(pub V);

impl<V: F32x4> Arith for Vx<V> {
    const W: usize = 4;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        Vx(V::splat(x))
    }
    #[inline(always)]
    unsafe fn ld(p: *const f32) -> Self {
        Vx(V::load(p))
    }
    #[inline(always)]
    unsafe fn st(self, p: *mut f32) {
        self.0.store(p)
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Vx(self.0.add(o.0))
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Vx(self.0.sub(o.0))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Vx(self.0.mul(o.0))
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Cx<T> {
    pub r: T,
    pub i: T,
}

impl<T: Arith> Cx<T> {
    #[inline(always)]
    pub fn splat(r: f32, i: f32) -> Self {
        Cx { r: T::splat(r), i: T::splat(i) }
    }
    #[inline(always)]
    pub fn add(self, o: Self) -> Self {
        Cx { r: self.r.add(o.r), i: self.i.add(o.i) }
    }
    #[inline(always)]
    pub fn sub(self, o: Self) -> Self {
        Cx { r: self.r.sub(o.r), i: self.i.sub(o.i) }
    }
    #[inline(always)]
    pub fn mul(self, w: Self) -> Self {
        Cx { r: self.r.mul(w.r).sub(self.i.mul(w.i)), i: self.r.mul(w.i).add(self.i.mul(w.r)) }
    }
    /// self · conj(w)
    #[inline(always)]
    pub fn mul_conj(self, w: Self) -> Self {
        Cx { r: self.r.mul(w.r).add(self.i.mul(w.i)), i: self.i.mul(w.r).sub(self.r.mul(w.i)) }
    }
    #[inline(always)]
    pub fn scale(self, c: T) -> Self {
        Cx { r: self.r.mul(c), i: self.i.mul(c) }
    }
}

/// A complex buffer as two float arrays; swapping them conjugates-and-multiplies-by-i, which
/// turns the forward transform into the (unscaled) inverse: ifft(x) = swap(fft(swap(x))).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    pub re: *mut f32,
    pub im: *mut f32,
}

impl Split {
    #[inline(always)]
    pub fn swapped(self) -> Split {
        Split { re: self.im, im: self.re }
    }
    #[inline(always)]
    pub unsafe fn load<T: Arith>(self, at: usize) -> Cx<T> {
        Cx { r: T::ld(self.re.add(at)), i: T::ld(self.im.add(at)) }
    }
    #[inline(always)]
    pub unsafe fn store<T: Arith>(self, at: usize, c: Cx<T>) {
        c.r.st(self.re.add(at));
        c.i.st(self.im.add(at));
    }
}

/// Where a pass reads its elements: split scratch, or (first pass of a single transform) the
/// caller's interleaved input.
pub(crate) trait Source<T> {
    /// # Safety
    /// `at` (plus T::W lanes) is inside the buffer.
    unsafe fn get(&self, at: usize) -> Cx<T>;
}

/// Where a pass writes: split scratch, or (last pass of a single transform) the caller's output.
pub(crate) trait Sink<T> {
    /// # Safety
    /// `at` (plus T::W lanes) is inside the buffer.
    unsafe fn put(&self, at: usize, c: Cx<T>);
}

impl<T: Arith> Source<T> for Split {
    #[inline(always)]
    unsafe fn get(&self, at: usize) -> Cx<T> {
        self.load(at)
    }
}

impl<T: Arith> Sink<T> for Split {
    #[inline(always)]
    unsafe fn put(&self, at: usize, c: Cx<T>) {
        self.store(at, c)
    }
}

/// The caller's interleaved complex buffer; SWAP exchanges re and im (the inverse transform),
/// the sink scales by `scale`.
pub(crate) struct Interleaved<V, const SWAP: bool> {
    pub p: *mut f32,
    pub scale: V,
}

impl<V: Lanes, const SWAP: bool> Source<Vx<V>> for Interleaved<V, SWAP> {
    #[inline(always)]
    unsafe fn get(&self, at: usize) -> Cx<Vx<V>> {
        let q = self.p.add(2 * at);
        let (re, im) = V::deinterleave(V::load(q), V::load(q.add(4)));
        if SWAP {
            Cx { r: Vx(im), i: Vx(re) }
        } else {
            Cx { r: Vx(re), i: Vx(im) }
        }
    }
}

impl<V: Lanes, const SWAP: bool> Sink<Vx<V>> for Interleaved<V, SWAP> {
    #[inline(always)]
    unsafe fn put(&self, at: usize, c: Cx<Vx<V>>) {
        let (re, im) = if SWAP { (c.i.0, c.r.0) } else { (c.r.0, c.i.0) };
        let (a, b) = V::interleave(re.mul(self.scale), im.mul(self.scale));
        let q = self.p.add(2 * at);
        a.store(q);
        b.store(q.add(4));
    }
}

/// One pass: radix, group count m (current length / radix), twiddles (m·(radix−1) pairs) and the
/// odd radices' cos/sin of 2πj/radix.
pub(crate) struct Pass {
    pub radix: usize,
    pub m: usize,
    /// Stride in elements (product of the earlier radices).
    pub s: usize,
    pub twiddles: Vec<f32>,
    /// First radix-4 pass of a single transform: twiddles per block of 4 groups, [k][re×4, im×4].
    pub twiddles4: Vec<f32>,
    pub roots: [f32; 32],
}

#[inline(always)]
fn bf2<T: Arith>(a: &mut [Cx<T>; 2]) {
    let (x, y) = (a[0], a[1]);
    a[0] = x.add(y);
    a[1] = x.sub(y);
}

#[inline(always)]
fn bf4<T: Arith>(a: &mut [Cx<T>; 4]) {
    let (t0, t1, t2, t3) = (a[0].add(a[2]), a[0].sub(a[2]), a[1].add(a[3]), a[1].sub(a[3]));
    a[0] = t0.add(t2);
    a[2] = t0.sub(t2);
    a[1] = Cx { r: t1.r.add(t3.i), i: t1.i.sub(t3.r) };
    a[3] = Cx { r: t1.r.sub(t3.i), i: t1.i.add(t3.r) };
}

/// Odd radix R by pairs: b_k = a0 + Σ_j cos(2πjk/R)(a_j + a_{R−j}) ∓ i Σ_j sin(2πjk/R)(a_j − a_{R−j}).
#[inline(always)]
fn bf_odd<T: Arith, const R: usize>(a: &mut [Cx<T>; R], cs: &[T; R], sn: &[T; R]) {
    let h = (R - 1) / 2;
    let (mut t, mut d) = ([a[0]; R], [a[0]; R]);
    let mut b0 = a[0];
    for j in 1..=h {
        t[j] = a[j].add(a[R - j]);
        d[j] = a[j].sub(a[R - j]);
        b0 = b0.add(t[j]);
    }
    let a0 = a[0];
    for k in 1..=h {
        let (mut re, mut im) = (a0, Cx { r: T::splat(0.0), i: T::splat(0.0) });
        for j in 1..=h {
            let idx = (j * k) % R;
            re = re.add(t[j].scale(cs[idx]));
            im = im.add(d[j].scale(sn[idx]));
        }
        a[k] = Cx { r: re.r.add(im.i), i: re.i.sub(im.r) };
        a[R - k] = Cx { r: re.r.sub(im.i), i: re.i.add(im.r) };
    }
    a[0] = b0;
}

/// y[q + s(R·p + k)] = w^{pk} · DFT_R(x[q + s(p + m·j)] over j)[k], `s` in floats.
#[inline(always)]
unsafe fn pass_with<T: Arith, const R: usize>(m: usize, s: usize, tw: &[f32], x: &impl Source<T>, y: &impl Sink<T>, bf: impl Fn(&mut [Cx<T>; R])) {
    debug_assert!(tw.len() >= 2 * (R - 1) * m && s % T::W == 0);
    let tw = tw.as_ptr();
    // Group 0's twiddles are all 1.
    let mut q = 0;
    while q < s {
        let mut a = [Cx::splat(0.0, 0.0); R];
        for (j, aj) in a.iter_mut().enumerate() {
            *aj = x.get(q + s * m * j);
        }
        bf(&mut a);
        for (k, ak) in a.iter().enumerate() {
            y.put(q + s * k, *ak);
        }
        q += T::W;
    }
    for p in 1..m {
        let mut w = [Cx::splat(1.0, 0.0); R];
        for (k, wk) in w.iter_mut().enumerate().skip(1) {
            let t = tw.add(2 * ((R - 1) * p + k - 1));
            *wk = Cx::splat(*t, *t.add(1));
        }
        let mut q = 0;
        while q < s {
            let mut a = [Cx::splat(0.0, 0.0); R];
            for (j, aj) in a.iter_mut().enumerate() {
                *aj = x.get(q + s * (p + m * j));
            }
            bf(&mut a);
            y.put(q + s * R * p, a[0]);
            for k in 1..R {
                y.put(q + s * (R * p + k), a[k].mul(w[k]));
            }
            q += T::W;
        }
    }
}

#[inline(always)]
unsafe fn pass_odd<T: Arith, const R: usize>(st: &Pass, s: usize, x: &impl Source<T>, y: &impl Sink<T>) {
    let (mut cs, mut sn) = ([T::splat(0.0); R], [T::splat(0.0); R]);
    for j in 0..R {
        cs[j] = T::splat(st.roots[j]);
        sn[j] = T::splat(st.roots[16 + j]);
    }
    pass_with::<T, R>(st.m, s, &st.twiddles, x, y, |a| bf_odd::<T, R>(a, &cs, &sn));
}

/// One pass with `s` floats per element block (a multiple of T::W).
pub(crate) unsafe fn pass<T: Arith>(st: &Pass, s: usize, x: &impl Source<T>, y: &impl Sink<T>) {
    match st.radix {
        2 => pass_with::<T, 2>(st.m, s, &st.twiddles, x, y, bf2),
        4 => pass_with::<T, 4>(st.m, s, &st.twiddles, x, y, bf4),
        3 => pass_odd::<T, 3>(st, s, x, y),
        5 => pass_odd::<T, 5>(st, s, x, y),
        7 => pass_odd::<T, 7>(st, s, x, y),
        11 => pass_odd::<T, 11>(st, s, x, y),
        13 => pass_odd::<T, 13>(st, s, x, y),
        r => unreachable!("radix {}", r),
    }
}

/// The first radix-4 pass of a single transform (stride 1): 4 consecutive groups p per vector,
/// outputs y[4p + k] transposed into place. Needs m % 4 == 0.
pub(crate) unsafe fn pass4_first<V: Lanes>(st: &Pass, x: &impl Source<Vx<V>>, y: Split) {
    let m = st.m;
    let tw = st.twiddles4.as_ptr();
    for b in 0..m / 4 {
        let p = 4 * b;
        let mut a = [Cx::splat(0.0, 0.0); 4];
        for (j, aj) in a.iter_mut().enumerate() {
            *aj = x.get(p + m * j);
        }
        bf4(&mut a);
        for (k, ak) in a.iter_mut().enumerate().skip(1) {
            let t = tw.add(8 * (3 * b + k - 1));
            *ak = ak.mul(Cx { r: Vx(V::load(t)), i: Vx(V::load(t.add(4))) });
        }
        let re = V::transpose([a[0].r.0, a[1].r.0, a[2].r.0, a[3].r.0]);
        let im = V::transpose([a[0].i.0, a[1].i.0, a[2].i.0, a[3].i.0]);
        for l in 0..4 {
            re[l].store(y.re.add(4 * (p + l)));
            im[l].store(y.im.add(4 * (p + l)));
        }
    }
}
