//! Depthwise 2-D convolution, NHWC, forward and backward.
//!
//! x (n, h, w, c), filter (kh, kw, c, m) -> y (n, oh, ow, c·m); output channel c·m + j sees only
//! input channel c (TensorFlow's order). Flattened, the filter is (kh·kw, c·m): each tap is a
//! contiguous run of c·m weights, lined up with the output pixel's c·m values, so the kernel
//! vectorises over output channels (contiguous in NHWC) as XNNPACK's dwconv does. Output size and
//! top/left padding come from the caller (one definition in TypeScript); padding taps are skipped,
//! never read. y = clamp(bias + Σ taps x·w) with bias and clamp in the epilogue.

use crate::simd::F32x4;
use crate::Clamp;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct DwConv2dParams {
    pub batch: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub channels: u32,
    pub multiplier: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub kernel_h: u32,
    pub kernel_w: u32,
    pub stride_h: u32,
    pub stride_w: u32,
    pub dilation_h: u32,
    pub dilation_w: u32,
    pub pad_top: u32,
    pub pad_left: u32,
}

/// The taps of one output pixel that land inside the image: ky in ky0..ky1, kx in kx0..kx1.
#[derive(Clone, Copy)]
pub struct Taps {
    pub ky0: usize,
    pub ky1: usize,
    pub kx0: usize,
    pub kx1: usize,
    /// Input row and column of tap (0, 0), possibly outside the image.
    pub iy: isize,
    pub ix: isize,
}

/// Taps k in k0..k1 with 0 <= start + k·dilation < size.
fn clip(start: isize, kernel: usize, dilation: usize, size: usize) -> (usize, usize) {
    let d = dilation as isize;
    let k0 = if start >= 0 { 0 } else { ((-start + d - 1) / d) as usize };
    let room = size as isize - start;
    let k1 = if room <= 0 { 0 } else { (((room + d - 1) / d) as usize).min(kernel) };
    (k0.min(k1), k1)
}

/// The outputs along one axis whose every tap lands inside: pad <= o·stride and
/// o·stride - pad + span < size, span being dilation·(kernel - 1). As first..end, empty when none.
fn interior_outputs(pad: usize, stride: usize, span: usize, size: usize, outputs: usize) -> (usize, usize) {
    let first = ((pad + stride - 1) / stride).min(outputs);
    let end = if size + pad > span { ((size + pad - span - 1) / stride + 1).min(outputs) } else { 0 };
    (first, end.max(first))
}

impl DwConv2dParams {
    pub fn out_c(&self) -> usize {
        (self.channels * self.multiplier) as usize
    }
    pub fn input_len(&self) -> usize {
        (self.batch * self.in_h * self.in_w * self.channels) as usize
    }
    pub fn output_len(&self) -> usize {
        self.batch as usize * self.out_h as usize * self.out_w as usize * self.out_c()
    }
    pub fn filter_len(&self) -> usize {
        (self.kernel_h * self.kernel_w) as usize * self.out_c()
    }
    pub fn taps(&self, oy: usize, ox: usize) -> Taps {
        let iy = (oy * self.stride_h as usize) as isize - self.pad_top as isize;
        let ix = (ox * self.stride_w as usize) as isize - self.pad_left as isize;
        let (ky0, ky1) = clip(iy, self.kernel_h as usize, self.dilation_h as usize, self.in_h as usize);
        let (kx0, kx1) = clip(ix, self.kernel_w as usize, self.dilation_w as usize, self.in_w as usize);
        Taps { ky0, ky1, kx0, kx1, iy, ix }
    }
    /// How far the dilated kernel reaches past its first tap, down and across.
    fn spans(&self) -> (u32, u32) {
        (self.dilation_h * (self.kernel_h - 1), self.dilation_w * (self.kernel_w - 1))
    }
    /// Output rows whose every tap lies inside the image (`interior_outputs`).
    fn interior_rows(&self) -> (usize, usize) {
        interior_outputs(self.pad_top as usize, self.stride_h as usize, self.spans().0 as usize, self.in_h as usize, self.out_h as usize)
    }
    /// Output columns whose every tap lies inside the image (`interior_outputs`).
    fn interior_columns(&self) -> (usize, usize) {
        interior_outputs(self.pad_left as usize, self.stride_w as usize, self.spans().1 as usize, self.in_w as usize, self.out_w as usize)
    }
    /// Calls f(output offset, taps, offset of image b in x) for every output pixel.
    fn for_each_output(&self, mut f: impl FnMut(usize, &Taps, usize)) {
        let image = (self.in_h * self.in_w * self.channels) as usize;
        let mut out = 0;
        for b in 0..self.batch as usize {
            for oy in 0..self.out_h as usize {
                for ox in 0..self.out_w as usize {
                    f(out, &self.taps(oy, ox), b * image);
                    out += self.out_c();
                }
            }
        }
    }
    /// (input pixel offset within the image, filter offset) of tap (ky, kx).
    #[inline(always)]
    fn tap(&self, t: &Taps, ky: usize, kx: usize) -> (usize, usize) {
        let iy = (t.iy + (ky * self.dilation_h as usize) as isize) as usize;
        let ix = (t.ix + (kx * self.dilation_w as usize) as isize) as usize;
        ((iy * self.in_w as usize + ix) * self.channels as usize, (ky * self.kernel_w as usize + kx) * self.out_c())
    }
}

/// The output clamp as vectors (`F32x4::clamp`), skipped when unbounded (no fused activation).
#[derive(Clone, Copy)]
struct Clamp4<V> {
    lo: V,
    hi: V,
    bounded: bool,
}

impl<V: F32x4> Clamp4<V> {
    fn new(clamp: Clamp) -> Self {
        Clamp4 { lo: V::splat(clamp.min), hi: V::splat(clamp.max), bounded: clamp.min > f32::NEG_INFINITY || clamp.max < f32::INFINITY }
    }
    #[inline(always)]
    fn apply(self, a: V) -> V {
        if self.bounded {
            a.clamp(self.lo, self.hi)
        } else {
            a
        }
    }
}

/// Most taps a window may have for the vector path's on-stack offset table (11x11 fits); larger
/// windows take the scalar path.
const MAX_TAPS: usize = 128;

/// N vectors (4·N output channels from `oc`) of one output pixel, accumulators kept in registers
/// across every tap. With multiplier 1 (ONE) the input is a contiguous run too; otherwise lane l
/// reads input channel (oc + l) / m, gathered through a small array. `taps` holds the (input
/// offset, filter offset) pairs of the taps inside the image.
///
/// # Safety
/// oc + 4·N <= c·m; every offset in `taps` is valid for x and w.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn dw_block<V: F32x4, const N: usize, const ONE: bool>(m: usize, taps: &[(usize, usize)], x: *const f32, w: *const f32, bias: Option<&[f32]>, y: *mut f32, oc: usize, clamp: Clamp4<V>) {
    let mut acc = [V::splat(0.0); N];
    if let Some(bias) = bias {
        for (i, a) in acc.iter_mut().enumerate() {
            *a = V::load(bias.as_ptr().add(oc + 4 * i));
        }
    }
    // The channel offset moves into the base pointers before the tap loop: each tap then costs
    // one address per pointer, and its vectors are constant offsets from it (with multiplier 1).
    let (xo, wo) = (x.add(oc), w.add(oc));
    for &(xi, wi) in taps {
        let (xt, wt) = (xo.add(xi), wo.add(wi));
        for (i, a) in acc.iter_mut().enumerate() {
            let xv = if ONE {
                V::load(xt.add(4 * i))
            } else {
                let o = oc + 4 * i;
                let lanes = [*x.add(xi + o / m), *x.add(xi + (o + 1) / m), *x.add(xi + (o + 2) / m), *x.add(xi + (o + 3) / m)];
                V::load(lanes.as_ptr())
            };
            *a = a.add(xv.mul(V::load(wt.add(4 * i))));
        }
    }
    for (i, a) in acc.iter().enumerate() {
        clamp.apply(*a).store(y.add(oc + 4 * i));
    }
}

/// Distance between the filter's taps as the vector kernels read it: c·m, or 16 more when c·m is
/// a multiple of 512. Then the taps sit a multiple of 2 KB apart, in the same few cache sets as
/// each other and as the input pixels (c apart). Measured (A/B, the filter copied per call):
/// 7x7x1024 1.1-1.2x faster in Node and Firefox, 14x14x1024 1.2x in Firefox, 512 channels and
/// channel counts off the power of two (1000) unchanged within noise.
fn dw_filter_stride(p: &DwConv2dParams) -> usize {
    let oc = p.out_c();
    if oc % 512 == 0 && (p.kernel_h * p.kernel_w) as usize <= MAX_TAPS {
        oc + 16
    } else {
        oc
    }
}

/// f32 scratch `dwconv2d_nhwc_f32` needs: the restrided filter, or nothing.
pub fn dwconv2d_scratch_len(p: &DwConv2dParams) -> usize {
    let stride = dw_filter_stride(p);
    if stride == p.out_c() {
        0
    } else {
        (p.kernel_h * p.kernel_w) as usize * stride
    }
}

/// `dwconv2d_nhwc_f32_simd128` when V = Simd128: 16 output channels per block (4 accumulators),
/// then 4, then a scalar tail; the multiplier-1 case is compiled separately (contiguous input).
/// `scratch` holds `dwconv2d_scratch_len` values.
pub fn dwconv2d_nhwc_f32<V: F32x4>(p: &DwConv2dParams, x: &[f32], filter: &[f32], bias: Option<&[f32]>, clamp: Clamp, y: &mut [f32], scratch: &mut [f32]) {
    assert!(x.len() >= p.input_len() && filter.len() >= p.filter_len() && y.len() >= p.output_len());
    assert!(bias.map_or(true, |b| b.len() >= p.out_c()));
    if (p.kernel_h * p.kernel_w) as usize > MAX_TAPS {
        return dwconv2d_scalar(p, x, filter, bias, clamp, y);
    }
    let (oc, stride) = (p.out_c(), dw_filter_stride(p));
    let filter = if stride == oc {
        filter
    } else {
        let restrided = &mut scratch[..dwconv2d_scratch_len(p)];
        for (tap, row) in restrided.chunks_exact_mut(stride).enumerate() {
            row[..oc].copy_from_slice(&filter[tap * oc..(tap + 1) * oc]);
        }
        restrided
    };
    if p.multiplier == 1 {
        dwconv2d_vector::<V, true>(p, x, filter, stride, bias, clamp, y)
    } else {
        dwconv2d_vector::<V, false>(p, x, filter, stride, bias, clamp, y)
    }
}

/// Never true (`offset` indexes x), but the compiler cannot tell: the branch ends a basic block.
/// V8 schedules each block's loads ahead of its arithmetic, so a 16-channel pair step (12 loads,
/// 8 accumulators) spilled accumulators to the stack on every tap; split in two, each half's
/// loads fit the registers left (14x14x512 1.3-1.5x, 7x7x1024 1.2x in fresh-process medians).
#[inline(always)]
fn splits_block(offset: usize) -> bool {
    offset == usize::MAX
}

/// Two horizontally adjacent interior output pixels (input offsets `xa` and `xb`) share every
/// weight load: 1.5 loads per multiply-add instead of 2.
///
/// # Safety
/// As `dw_block`, for both pixels.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn dw_pair<V: F32x4, const N: usize, const ONE: bool>(m: usize, taps: &[(usize, usize)], xa: *const f32, xb: *const f32, w: *const f32, bias: Option<&[f32]>, ya: *mut f32, yb: *mut f32, oc: usize, clamp: Clamp4<V>) {
    let mut acc_a = [V::splat(0.0); N];
    if let Some(bias) = bias {
        for (i, a) in acc_a.iter_mut().enumerate() {
            *a = V::load(bias.as_ptr().add(oc + 4 * i));
        }
    }
    let mut acc_b = acc_a;
    let gather = |x: *const f32, o: usize| {
        let lanes = [*x.add(o / m), *x.add((o + 1) / m), *x.add((o + 2) / m), *x.add((o + 3) / m)];
        V::load(lanes.as_ptr())
    };
    // As in dw_block, the channel offset moves into the base pointers before the tap loop.
    let (xao, xbo, wo) = (xa.add(oc), xb.add(oc), w.add(oc));
    for &(xi, wi) in taps {
        let (xat, xbt, wt) = (xao.add(xi), xbo.add(xi), wo.add(wi));
        for i in 0..N {
            if N > 2 && i == N / 2 && splits_block(xi) {
                break;
            }
            let wv = V::load(wt.add(4 * i));
            let (va, vb) = if ONE {
                (V::load(xat.add(4 * i)), V::load(xbt.add(4 * i)))
            } else {
                (gather(xa.add(xi), oc + 4 * i), gather(xb.add(xi), oc + 4 * i))
            };
            acc_a[i] = acc_a[i].add(va.mul(wv));
            acc_b[i] = acc_b[i].add(vb.mul(wv));
        }
    }
    for i in 0..N {
        clamp.apply(acc_a[i]).store(ya.add(oc + 4 * i));
        clamp.apply(acc_b[i]).store(yb.add(oc + 4 * i));
    }
}

/// Output pixels per call of `dw3x3_row`.
const ROW: usize = 4;
/// Output pixels per call of `dw3x3_row` at stride 2.
const ROW_STRIDE2: usize = 3;
/// Widest channel count `dw3x3_row` is used for (see dwconv2d_vector).
const ROW_MAX_CHANNELS: usize = 256;

/// 3x3, multiplier 1, dilation 1, stride S: R horizontally adjacent interior output pixels ×
/// 4 channels per step. Each kernel row loads its 3 weights once and the (R−1)·S + 3 input
/// columns once for all R pixels (XNNPACK-style row blocking), instead of one weight and one
/// input load per multiply-add. R = 4 at stride 1 and 3 at stride 2 keep a row's loads and the
/// accumulators within the 15 vector registers V8 allocates (one pixel more was slower at either
/// stride; 3 instead of 2 at stride 2: 0.77-0.95x the time, A/B in 4 fresh processes).
///
/// # Safety
/// `x` points at tap (0, 0) of the first pixel, channel 0; every tap of the R pixels lies inside
/// the image; `y` points at the first pixel's output; c4 <= c is a multiple of 4.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn dw3x3_row<V: F32x4, const S: usize, const R: usize>(c: usize, c4: usize, kernel_rows: usize, row_stride: usize, x: *const f32, w: *const f32, bias: Option<&[f32]>, y: *mut f32, clamp: Clamp4<V>) {
    let mut ch = 0;
    while ch < c4 {
        let start = match bias {
            Some(b) => V::load(b.as_ptr().add(ch)),
            None => V::splat(0.0),
        };
        let mut acc = [start; R];
        // kernel_rows (3) is a runtime count on purpose: unrolled, the three rows' loads form one
        // block, which V8 schedules ahead of the arithmetic, spilling accumulators.
        let (mut xr, mut wr) = (x.add(ch), w.add(ch));
        for _ in 0..kernel_rows {
            let (w0, w1, w2) = (V::load(wr), V::load(wr.add(c)), V::load(wr.add(2 * c)));
            for (j, a) in acc.iter_mut().enumerate() {
                let xp = xr.add(j * S * c);
                *a = a.add(V::load(xp).mul(w0)).add(V::load(xp.add(c)).mul(w1)).add(V::load(xp.add(2 * c)).mul(w2));
            }
            xr = xr.add(row_stride);
            wr = wr.add(3 * c);
        }
        for (j, a) in acc.iter().enumerate() {
            clamp.apply(*a).store(y.add(j * c + ch));
        }
        ch += 4;
    }
}

/// `filter` has its taps `tap_stride` apart (`dw_filter_stride`).
fn dwconv2d_vector<V: F32x4, const ONE: bool>(p: &DwConv2dParams, x: &[f32], filter: &[f32], tap_stride: usize, bias: Option<&[f32]>, clamp: Clamp, y: &mut [f32]) {
    let (oc_total, m) = (p.out_c(), p.multiplier as usize);
    let (blocks16, blocks8, blocks4) = (oc_total / 16 * 16, oc_total / 8 * 8, oc_total / 4 * 4);
    let clamp4 = Clamp4::new(clamp);
    let (kh, kw, c, in_w) = (p.kernel_h as usize, p.kernel_w as usize, p.channels as usize, p.in_w as usize);
    let (out_h, out_w, image_len) = (p.out_h as usize, p.out_w as usize, p.in_h as usize * in_w * c);
    // Interior pixels (every tap inside) share one table of offsets relative to tap (0, 0); only
    // border pixels build their own.
    let mut full = [(0usize, 0usize); MAX_TAPS];
    for ky in 0..kh {
        for kx in 0..kw {
            full[ky * kw + kx] = ((ky * p.dilation_h as usize * in_w + kx * p.dilation_w as usize) * c, (ky * kw + kx) * tap_stride);
        }
    }
    let full = &full[..kh * kw];
    // Found once per call: `p.taps` per pixel costs integer divisions, a sizeable share of a
    // 4-pixel block's work at 32 channels.
    let ((rows0, rows1), (cols0, cols1)) = (p.interior_rows(), p.interior_columns());
    // The row-blocked 3x3 kernel's stride (0: not used): multiplier 1, dilation 1, stride 1 or 2.
    // Measured (A/B in one process, when its kernel rows were unrolled): 1.2x at 32 channels,
    // 1.02-1.04x at 128-256, but 0.97x at 512, 0.86x at 1024 (a block's 18 input pixels and 9
    // weight rows no longer fit L1). With the rows as a loop (no spills) it also takes stride 2.
    // Its weight rows are c apart, so it also needs tap_stride = c, which holds up to 256 channels.
    let plain3x3 = ONE && kh == 3 && kw == 3 && p.dilation_h == 1 && p.dilation_w == 1 && blocks4 > 0 && c <= ROW_MAX_CHANNELS && tap_stride == c;
    let row3x3 = if plain3x3 && p.stride_w <= 2 { p.stride_w as usize } else { 0 };
    let row = if row3x3 == 1 { ROW } else { ROW_STRIDE2 };
    // Pixel pairs take 16 channels (whole 64-byte lines) per block from 512 channels on: there the
    // taps and weight rows sit at multiples of 2-4 KB, share a few L1 sets, and an 8-channel block
    // lost each line before its second half was read. Measured (A/B in one process): 1.16x at
    // 7x7x1024, 1.03x at 14x14x512; 0.96-0.99x below 512 channels, which keep 8-channel blocks.
    let pair16 = if oc_total >= 512 { blocks16 } else { 0 };
    let mut table = [(0usize, 0usize); MAX_TAPS];
    for b in 0..p.batch as usize {
        let image = b * image_len;
        for oy in 0..out_h {
            let inner_row = rows0 <= oy && oy < rows1;
            let mut ox = 0;
            while ox < out_w {
                let out = ((b * out_h + oy) * out_w + ox) * oc_total;
                // Pixels ox..ox + n all interior.
                let inner = |n: usize| inner_row && cols0 <= ox && ox + n <= cols1;
                // Input offset of tap (0, 0) of pixel ox, when it is interior.
                let corner = || image + ((oy * p.stride_h as usize - p.pad_top as usize) * in_w + ox * p.stride_w as usize - p.pad_left as usize) * c;
                if row3x3 > 0 && inner(row) {
                    let base = corner();
                    // SAFETY: the `row` pixels are interior; c4 <= c; every tap of each lies inside image b.
                    unsafe {
                        let (xp, wp, yp) = (x.as_ptr().add(base), filter.as_ptr(), y.as_mut_ptr().add(out));
                        if row3x3 == 1 {
                            dw3x3_row::<V, 1, ROW>(c, blocks4, kh, in_w * c, xp, wp, bias, yp, clamp4);
                        } else {
                            dw3x3_row::<V, 2, ROW_STRIDE2>(c, blocks4, kh, in_w * c, xp, wp, bias, yp, clamp4);
                        }
                    }
                    for j in 0..row {
                        let (pixel, o) = (base + j * p.stride_w as usize * c, out + j * oc_total);
                        for oc in blocks4..oc_total {
                            let mut sum = bias.map_or(0.0, |b| b[oc]);
                            for &(xi, wi) in full {
                                sum += x[pixel + xi + oc] * filter[wi + oc];
                            }
                            y[o + oc] = clamp.apply(sum);
                        }
                    }
                    ox += row;
                    continue;
                }
                if inner(2) {
                    let base = corner();
                    let next = base + p.stride_w as usize * c;
                    // SAFETY: both pixels are interior, so every tap lies inside image b; oc blocks stay below c·m.
                    unsafe {
                        let (xa, xb, wp) = (x.as_ptr().add(base), x.as_ptr().add(next), filter.as_ptr());
                        let (ya, yb) = (y.as_mut_ptr().add(out), y.as_mut_ptr().add(out + oc_total));
                        let mut oc = 0;
                        while oc < pair16 {
                            dw_pair::<V, 4, ONE>(m, full, xa, xb, wp, bias, ya, yb, oc, clamp4);
                            oc += 16;
                        }
                        while oc < blocks8 {
                            dw_pair::<V, 2, ONE>(m, full, xa, xb, wp, bias, ya, yb, oc, clamp4);
                            oc += 8;
                        }
                        while oc < blocks4 {
                            dw_pair::<V, 1, ONE>(m, full, xa, xb, wp, bias, ya, yb, oc, clamp4);
                            oc += 4;
                        }
                    }
                    for (pixel, o) in [(base, out), (next, out + oc_total)] {
                        for oc in blocks4..oc_total {
                            let mut sum = bias.map_or(0.0, |b| b[oc]);
                            for &(xi, wi) in full {
                                sum += x[pixel + xi + oc / m] * filter[wi + oc];
                            }
                            y[o + oc] = clamp.apply(sum);
                        }
                    }
                    ox += 2;
                    continue;
                }
                let (taps, base) = if inner(1) {
                    (full, corner())
                } else {
                    let t = p.taps(oy, ox);
                    let mut count = 0;
                    for ky in t.ky0..t.ky1 {
                        for kx in t.kx0..t.kx1 {
                            let (xi, _) = p.tap(&t, ky, kx);
                            table[count] = (xi, (ky * kw + kx) * tap_stride);
                            count += 1;
                        }
                    }
                    (&table[..count], image)
                };
                // SAFETY: every tap lies inside image b (Taps clips them), and oc blocks stay below c·m.
                unsafe {
                    let (xp, wp, yp) = (x.as_ptr().add(base), filter.as_ptr(), y.as_mut_ptr().add(out));
                    let mut oc = 0;
                    while oc < blocks16 {
                        dw_block::<V, 4, ONE>(m, taps, xp, wp, bias, yp, oc, clamp4);
                        oc += 16;
                    }
                    while oc < blocks4 {
                        dw_block::<V, 1, ONE>(m, taps, xp, wp, bias, yp, oc, clamp4);
                        oc += 4;
                    }
                }
                for oc in blocks4..oc_total {
                    let mut sum = bias.map_or(0.0, |b| b[oc]);
                    for &(xi, wi) in taps {
                        sum += x[base + xi + oc / m] * filter[wi + oc];
                    }
                    y[out + oc] = clamp.apply(sum);
                }
                ox += 1;
            }
        }
    }
}

fn dwconv2d_scalar(p: &DwConv2dParams, x: &[f32], filter: &[f32], bias: Option<&[f32]>, clamp: Clamp, y: &mut [f32]) {
    let (oc_total, m) = (p.out_c(), p.multiplier as usize);
    p.for_each_output(|out, t, image| {
        for oc in 0..oc_total {
            let mut sum = bias.map_or(0.0, |b| b[oc]);
            for ky in t.ky0..t.ky1 {
                for kx in t.kx0..t.kx1 {
                    let (xi, wi) = p.tap(t, ky, kx);
                    sum += x[image + xi + oc / m] * filter[wi + oc];
                }
            }
            y[out + oc] = clamp.apply(sum);
        }
    });
}

/// For stride 1 and multiplier 1, the input gradient is a forward depthwise convolution: of dy, with
/// the filter turned 180° and the padding that lines its taps up, dx as output. None otherwise, or
/// when the padding is wider than the dilated kernel (the turned padding would be negative).
fn input_gradient_as_forward(p: &DwConv2dParams) -> Option<DwConv2dParams> {
    let (span_h, span_w) = p.spans();
    let forward = p.multiplier == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top <= span_h && p.pad_left <= span_w;
    forward.then(|| DwConv2dParams { in_h: p.out_h, in_w: p.out_w, out_h: p.in_h, out_w: p.in_w, pad_top: span_h - p.pad_top, pad_left: span_w - p.pad_left, ..*p })
}

/// f32 scratch `dwconv2d_bwd_input` needs: when it runs as a forward convolution, the turned
/// filter and that convolution's own scratch; else nothing.
pub fn dwconv2d_bwd_input_scratch_len(p: &DwConv2dParams) -> usize {
    input_gradient_as_forward(p).map_or(0, |t| p.filter_len() + dwconv2d_scratch_len(&t))
}

/// dx[pixel, c] = Σ over the outputs and taps that read it of dy·w (summed over the multiplier).
/// With multiplier 1 the sums stay in registers: at stride 1 it runs the forward kernel
/// (`input_gradient_as_forward`), at other strides `input_gradient_gather`. With a multiplier,
/// each product is added to dx, lane by lane. `scratch` holds `dwconv2d_bwd_input_scratch_len` values.
pub fn dwconv2d_bwd_input<V: F32x4>(p: &DwConv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32], scratch: &mut [f32]) {
    assert!(dy.len() >= p.output_len() && filter.len() >= p.filter_len() && dx.len() >= p.input_len());
    if let Some(forward) = input_gradient_as_forward(p) {
        let (turned, rest) = scratch.split_at_mut(p.filter_len());
        let (c, taps) = (p.channels as usize, (p.kernel_h * p.kernel_w) as usize);
        for (tap, row) in turned.chunks_exact_mut(c).enumerate() {
            let source = taps - 1 - tap;
            row.copy_from_slice(&filter[source * c..(source + 1) * c]);
        }
        return dwconv2d_nhwc_f32::<V>(&forward, dy, turned, None, Clamp::NONE, dx, rest);
    }
    if p.multiplier == 1 && (p.kernel_h * p.kernel_w) as usize <= MAX_TAPS {
        return input_gradient_gather::<V>(p, dy, filter, dx);
    }
    // A multiplier above 1 (or a window of more than MAX_TAPS taps): lane by lane, as the forward's
    // scalar path.
    let (oc_total, m) = (p.out_c(), p.multiplier as usize);
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    p.for_each_output(|out, t, image| {
        for ky in t.ky0..t.ky1 {
            for kx in t.kx0..t.kx1 {
                let (xi, wi) = p.tap(t, ky, kx);
                for oc in 0..oc_total {
                    dx[image + xi + oc / m] += dy[out + oc] * filter[wi + oc];
                }
            }
        }
    });
}

/// dx for multiplier 1 at any stride: each input pixel sums the outputs that read it, through the
/// taps whose offset lines up with the stride, in registers (`dw_block`, 16 then 4 channels).
fn input_gradient_gather<V: F32x4>(p: &DwConv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32]) {
    let (c, in_h, in_w, out_h, out_w) = (p.channels as usize, p.in_h as usize, p.in_w as usize, p.out_h as usize, p.out_w as usize);
    let (kh, kw) = (p.kernel_h as usize, p.kernel_w as usize);
    // Output index along one axis that reads input index i through tap k, if any.
    let source = |i: usize, k: usize, pad: u32, stride: u32, dilation: u32, size: usize| {
        let s = (i + pad as usize).checked_sub(k * dilation as usize)?;
        (s % stride as usize == 0 && s / (stride as usize) < size).then(|| s / stride as usize)
    };
    let (c16, c4) = (c / 16 * 16, c / 4 * 4);
    let none = Clamp4::new(Clamp::NONE);
    let mut table = [(0usize, 0usize); MAX_TAPS];
    for b in 0..p.batch as usize {
        let dy_image = &dy[b * out_h * out_w * c..(b + 1) * out_h * out_w * c];
        for iy in 0..in_h {
            for ix in 0..in_w {
                let mut count = 0;
                for ky in 0..kh {
                    let oy = match source(iy, ky, p.pad_top, p.stride_h, p.dilation_h, out_h) {
                        Some(oy) => oy,
                        None => continue,
                    };
                    for kx in 0..kw {
                        if let Some(ox) = source(ix, kx, p.pad_left, p.stride_w, p.dilation_w, out_w) {
                            table[count] = ((oy * out_w + ox) * c, (ky * kw + kx) * c);
                            count += 1;
                        }
                    }
                }
                let (taps, pixel) = (&table[..count], ((b * in_h + iy) * in_w + ix) * c);
                // SAFETY: every tap offset addresses a whole pixel of dy_image and a whole tap of the
                // filter; oc blocks stay below c; the pixel lies inside dx.
                unsafe {
                    let (yp, wp, y) = (dy_image.as_ptr(), filter.as_ptr(), dx.as_mut_ptr().add(pixel));
                    let mut oc = 0;
                    while oc < c16 {
                        dw_block::<V, 4, true>(1, taps, yp, wp, None, y, oc, none);
                        oc += 16;
                    }
                    while oc < c4 {
                        dw_block::<V, 1, true>(1, taps, yp, wp, None, y, oc, none);
                        oc += 4;
                    }
                }
                for oc in c4..c {
                    dx[pixel + oc] = taps.iter().map(|&(o, w)| dy_image[o + oc] * filter[w + oc]).sum();
                }
            }
        }
    }
}

/// dfilter[tap, c·m + j] = Σ over output pixels of x at the tap · dy. With multiplier 1 and a
/// 3- or 5-wide kernel, `filter_gradient_rows` sums the interior of each output row in registers;
/// the rest (and every other case) adds each pixel's products to dfilter in memory.
pub fn dwconv2d_bwd_filter<V: F32x4>(p: &DwConv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32]) {
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dfilter.len() >= p.filter_len());
    dfilter[..p.filter_len()].iter_mut().for_each(|v| *v = 0.0);
    match (p.multiplier, p.kernel_w) {
        (1, 3) => filter_gradient_rows::<V, 3>(p, x, dy, dfilter),
        (1, 5) => filter_gradient_rows::<V, 5>(p, x, dy, dfilter),
        _ => p.for_each_output(|out, t, image| add_pixel_filter_gradient::<V>(p, t, out, image, x, dy, dfilter)),
    }
}

/// Adds one output pixel's products to dfilter, tap by tap.
fn add_pixel_filter_gradient<V: F32x4>(p: &DwConv2dParams, t: &Taps, out: usize, image: usize, x: &[f32], dy: &[f32], dfilter: &mut [f32]) {
    let (oc_total, m) = (p.out_c(), p.multiplier as usize);
    let vectors = if m == 1 { oc_total / 4 * 4 } else { 0 };
    for ky in t.ky0..t.ky1 {
        for kx in t.kx0..t.kx1 {
            let (xi, wi) = p.tap(t, ky, kx);
            let s = image + xi;
            for oc in (0..vectors).step_by(4) {
                // SAFETY: oc + 4 <= c (m = 1), and the pixel and tap lie inside x and dfilter.
                unsafe {
                    let g = V::load(x.as_ptr().add(s + oc)).mul(V::load(dy.as_ptr().add(out + oc)));
                    V::load(dfilter.as_ptr().add(wi + oc)).add(g).store(dfilter.as_mut_ptr().add(wi + oc));
                }
            }
            for oc in vectors..oc_total {
                dfilter[wi + oc] += x[s + oc / m] * dy[out + oc];
            }
        }
    }
}

/// The filter gradient for multiplier 1 and kernel width KW. For each output row and kernel row,
/// the KW taps of a channel block sum over the row's interior pixels (every kx inside the image)
/// in registers and reach dfilter once, instead of a load and a store per product (a chain through
/// memory per tap); the border pixels go through `add_pixel_filter_gradient`. Blocks of 8 channels
/// when KW = 3, else 4: measured (A/B in one process, whole `grads` calls), 8 took 0.75-0.93x the
/// time of 4 at 3x3 and 1.03-1.05x at 5x5 (10 accumulators and 12 loads a step spill).
fn filter_gradient_rows<V: F32x4, const KW: usize>(p: &DwConv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32]) {
    let (c, in_w, out_h, out_w) = (p.channels as usize, p.in_w as usize, p.out_h as usize, p.out_w as usize);
    let (stride, dilation, pad) = (p.stride_w as usize, p.dilation_w as usize, p.pad_left as usize);
    let (first, end) = p.interior_columns();
    let c4 = c / 4 * 4;
    let image_len = p.in_h as usize * in_w * c;
    for b in 0..p.batch as usize {
        let image = b * image_len;
        for oy in 0..out_h {
            let row_out = (b * out_h + oy) * out_w * c;
            let t = p.taps(oy, first);
            if first < end {
                for ky in t.ky0..t.ky1 {
                    let iy = (t.iy + (ky * p.dilation_h as usize) as isize) as usize;
                    let xs = image + (iy * in_w + first * stride - pad) * c;
                    let (ds, ws) = (row_out + first * c, ky * KW * c);
                    let mut ch = 0;
                    while ch < c4 {
                        // SAFETY: pixels first..end are interior, so their KW taps in input row iy lie
                        // inside image b; ch + 4 (or 8) <= c.
                        unsafe {
                            let (xp, dp, w) = (x.as_ptr().add(xs + ch), dy.as_ptr().add(ds + ch), dfilter.as_mut_ptr().add(ws + ch));
                            if KW <= 3 && ch + 8 <= c4 {
                                filter_gradient_run::<V, KW, 2>(end - first, c, stride * c, dilation * c, xp, dp, w);
                                ch += 8;
                            } else {
                                filter_gradient_run::<V, KW, 1>(end - first, c, stride * c, dilation * c, xp, dp, w);
                                ch += 4;
                            }
                        }
                    }
                    for ch in c4..c {
                        for i in 0..end - first {
                            let (xp, d) = (xs + i * stride * c + ch, dy[ds + i * c + ch]);
                            for kx in 0..KW {
                                dfilter[ws + kx * c + ch] += x[xp + kx * dilation * c] * d;
                            }
                        }
                    }
                }
            }
            for ox in (0..first).chain(end..out_w) {
                add_pixel_filter_gradient::<V>(p, &p.taps(oy, ox), row_out + ox * c, image, x, dy, dfilter);
            }
        }
    }
}

/// Adds Σ over `count` adjacent pixels of x·dy, for 4·N channels, to KW filter vectors c apart
/// from `w`: pixel i reads dy at `dy + i·c` and tap kx's input at `x + i·x_step + kx·tap_step`.
///
/// # Safety
/// Every address read or written lies inside its slice.
#[inline(always)]
unsafe fn filter_gradient_run<V: F32x4, const KW: usize, const N: usize>(count: usize, c: usize, x_step: usize, tap_step: usize, x: *const f32, dy: *const f32, w: *mut f32) {
    let mut acc = [[V::splat(0.0); N]; KW];
    let (mut x, mut dy) = (x, dy);
    for _ in 0..count {
        for n in 0..N {
            let d = V::load(dy.add(4 * n));
            for (kx, a) in acc.iter_mut().enumerate() {
                a[n] = a[n].add(V::load(x.add(kx * tap_step + 4 * n)).mul(d));
            }
        }
        x = x.add(x_step);
        dy = dy.add(c);
    }
    for (kx, a) in acc.iter().enumerate() {
        for (n, a) in a.iter().enumerate() {
            let w = w.add(kx * c + 4 * n);
            V::load(w).add(*a).store(w);
        }
    }
}
