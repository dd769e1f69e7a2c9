//! Circular (wrap-around) padding of NHWC images, and its adjoint.
//!
//! x (n, h, w, c) -> y (n, h + top + bottom, w + left + right, c), y[i][j] = x[(i − top) mod h][(j − left) mod w].
//! A circular convolution is then a plain 'valid' one over y, which keeps conv2d's fast paths (the
//! per-tap wrapped indexing of conv/nd.rs costs far more). The padding may exceed h or w (a kernel
//! larger than the input), so indices wrap with a true modulo, possibly more than once. The adjoint
//! sums every y pixel back onto the x pixel it copies: the gradient of the padding.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct PadParams {
    pub batch: u32,
    pub h: u32,
    pub w: u32,
    pub c: u32,
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
}

impl PadParams {
    pub fn out_h(&self) -> usize {
        (self.h + self.top + self.bottom) as usize
    }
    pub fn out_w(&self) -> usize {
        (self.w + self.left + self.right) as usize
    }
    pub fn input_len(&self) -> usize {
        self.batch as usize * self.h as usize * self.w as usize * self.c as usize
    }
    pub fn output_len(&self) -> usize {
        self.batch as usize * self.out_h() * self.out_w() * self.c as usize
    }
}

/// `(i − before) mod size` for an output index i.
fn wrap(i: usize, before: u32, size: u32) -> usize {
    (i as i64 - before as i64).rem_euclid(size as i64) as usize
}

/// The padded row as runs of whole input columns: (first output column, first input column, length).
fn column_runs(p: &PadParams) -> impl Iterator<Item = (usize, usize, usize)> {
    let (w, ow, left) = (p.w as usize, p.out_w(), p.left);
    let mut j = 0;
    std::iter::from_fn(move || {
        (j < ow).then(|| {
            let src = wrap(j, left, w as u32);
            let run = (w - src).min(ow - j);
            j += run;
            (j - run, src, run)
        })
    })
}

/// For each (batch, output row): the offsets (in pixels) of that output row and of the input row it copies.
fn rows(p: &PadParams) -> impl Iterator<Item = (usize, usize)> + '_ {
    let (h, w, oh, ow) = (p.h as usize, p.w as usize, p.out_h(), p.out_w());
    (0..p.batch as usize).flat_map(move |b| (0..oh).map(move |i| ((b * oh + i) * ow, (b * h + wrap(i, p.top, h as u32)) * w)))
}

/// Every copy the padding makes, in f32 values: (offset in y, offset in x, length).
fn copies(p: &PadParams) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let c = p.c as usize;
    rows(p).flat_map(move |(out_row, in_row)| column_runs(p).map(move |(dst, src, len)| ((out_row + dst) * c, (in_row + src) * c, len * c)))
}

fn check(p: &PadParams, x_len: usize, y_len: usize, what: &str) {
    assert!(p.output_len() == 0 || (p.h >= 1 && p.w >= 1), "{}: cannot wrap an empty axis", what);
    assert!(x_len >= p.input_len() && y_len >= p.output_len(), "{}: buffers too short", what);
}

/// y = the circular padding of x.
pub fn pad_circular_nhwc_f32(p: &PadParams, x: &[f32], y: &mut [f32]) {
    check(p, x.len(), y.len(), "pad_circular_nhwc_f32");
    if p.output_len() == 0 {
        return;
    }
    for (dst, src, len) in copies(p) {
        y[dst..dst + len].copy_from_slice(&x[src..src + len]);
    }
}

/// dx = the adjoint of the padding applied to dy: each x pixel gets the sum of its copies in dy.
pub fn pad_circular_nhwc_adjoint_f32(p: &PadParams, dy: &[f32], dx: &mut [f32]) {
    check(p, dx.len(), dy.len(), "pad_circular_nhwc_adjoint_f32");
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    if p.output_len() == 0 {
        return;
    }
    for (dst, src, len) in copies(p) {
        dx[src..src + len].iter_mut().zip(&dy[dst..dst + len]).for_each(|(d, g)| *d += g);
    }
}
