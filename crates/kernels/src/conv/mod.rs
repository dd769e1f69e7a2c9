//! 2-D convolution, NHWC, forward, as an indirect GEMM.
//!
//! x (n, h, w, c_in), filter (kh, kw, c_in, c_out), y (n, oh, ow, c_out) with
//! oh = (h + pad_top + pad_bottom − dh·(kh − 1) − 1) / sh + 1 (likewise ow); the caller computes
//! the output size and padding (one definition, in TypeScript) and passes them here.
//! Output pixel (oy, ox) at tap (ky, kx) reads input pixel (oy·sh − pad_top + ky·dh,
//! ox·sw − pad_left + kx·dw): a contiguous run of c_in channels, or the zero row in the padding.
//!
//! The plan is chosen once per call:
//! - Pointwise (1x1, stride 1, no padding): plain GEMM over the pixels.
//! - RowRuns (dilation_w = 1, kw > 1): in NHWC the kw taps of one kernel row are one contiguous
//!   run of kw·c_in values, so the GEMM sees kh taps of kw·c_in instead of kh·kw taps of c_in —
//!   far longer inner loops when c_in is small. Padding is first materialised in a padded copy.
//! - Taps: one pointer per (pixel, tap), the zero row for padding taps.
//! - Winograd (3x3, stride 1, enough channels): F(2x2, 3x3), 2.25x fewer multiplies (winograd.rs);
//!   its packed filter has a layout of its own (`conv2d_packed_len`).

mod backward;
mod nd;
mod pad;
mod winograd;
pub use backward::{conv2d_bwd_filter, conv2d_bwd_input, conv2d_bwd_scratch, BWD_ROWS};
pub use nd::{conv_nd_bwd_filter, conv_nd_bwd_input, conv_nd_bwd_scratch, conv_nd_fwd, conv_nd_packed_len, conv_nd_scratch, ConvNdParams};
pub use pad::{pad_circular_nhwc_adjoint_f32, pad_circular_nhwc_f32, PadParams};

use crate::gemm::{gemm, gemm_packing, igemm_chunk, igemm_chunk_packing, pack_weights, packed_weights_len, round_up, Epilogue, PackSource, Strides, GEMM_INDIRECTION_LEN, MC, MR};
use crate::simd::F32x4;
use crate::Clamp;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Conv2dParams {
    pub batch: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub in_c: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub out_c: u32,
    pub kernel_h: u32,
    pub kernel_w: u32,
    pub stride_h: u32,
    pub stride_w: u32,
    pub dilation_h: u32,
    pub dilation_w: u32,
    pub pad_top: u32,
    pub pad_left: u32,
}

impl Conv2dParams {
    pub fn taps(&self) -> usize {
        (self.kernel_h * self.kernel_w) as usize
    }
    pub fn output_pixels(&self) -> usize {
        (self.batch * self.out_h * self.out_w) as usize
    }
    pub fn input_len(&self) -> usize {
        (self.batch * self.in_h * self.in_w * self.in_c) as usize
    }
    pub fn filter_len(&self) -> usize {
        self.taps() * (self.in_c * self.out_c) as usize
    }
    pub fn output_len(&self) -> usize {
        self.output_pixels() * self.out_c as usize
    }
    /// Rows (and columns) the windows span, from the first padded row to the last one read.
    fn spanned_h(&self) -> usize {
        ((self.out_h - 1) * self.stride_h + (self.kernel_h - 1) * self.dilation_h + 1) as usize
    }
    fn spanned_w(&self) -> usize {
        ((self.out_w - 1) * self.stride_w + (self.kernel_w - 1) * self.dilation_w + 1) as usize
    }
    /// True when some window reaches outside the input.
    pub fn reads_padding(&self) -> bool {
        self.pad_top > 0
            || self.pad_left > 0
            || self.spanned_h() > (self.pad_top + self.in_h) as usize
            || self.spanned_w() > (self.pad_left + self.in_w) as usize
    }
    /// The same convolution over an input that already holds its padding.
    fn padded(&self) -> Conv2dParams {
        Conv2dParams {
            in_h: self.spanned_h().max((self.pad_top + self.in_h) as usize) as u32,
            in_w: self.spanned_w().max((self.pad_left + self.in_w) as usize) as u32,
            pad_top: 0,
            pad_left: 0,
            ..*self
        }
    }
    /// Index into x of the run read by output pixel `m` at tap `t`, or None in the padding.
    pub fn input_offset(&self, m: usize, t: usize) -> Option<usize> {
        let (b, oy, ox) = self.pixel(m);
        let (ky, kx) = (t / self.kernel_w as usize, t % self.kernel_w as usize);
        self.tap_offset(b, oy, ox, ky, kx)
    }
    fn pixel(&self, m: usize) -> (usize, usize, usize) {
        let (oh, ow) = (self.out_h as usize, self.out_w as usize);
        (m / (oh * ow), m / ow % oh, m % ow)
    }
    fn tap_offset(&self, b: usize, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<usize> {
        let iy = (oy * self.stride_h as usize + ky * self.dilation_h as usize).checked_sub(self.pad_top as usize)?;
        let ix = (ox * self.stride_w as usize + kx * self.dilation_w as usize).checked_sub(self.pad_left as usize)?;
        if iy >= self.in_h as usize || ix >= self.in_w as usize {
            return None;
        }
        Some(((b * self.in_h as usize + iy) * self.in_w as usize + ix) * self.in_c as usize)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    Winograd,
    Pointwise,
    RowRuns { padded: bool },
    Taps,
}

fn plan(p: &Conv2dParams) -> Plan {
    let pointwise = p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 && p.stride_w == 1 && !p.reads_padding();
    if winograd::applies(p) {
        Plan::Winograd
    } else if pointwise && p.out_h == p.in_h && p.out_w == p.in_w {
        Plan::Pointwise
    } else if p.dilation_w == 1 && p.kernel_w > 1 {
        Plan::RowRuns { padded: p.reads_padding() }
    } else {
        Plan::Taps
    }
}

/// Scratch sizes `conv2d_fwd` needs: f32 values (padded copy or zero row) and pointers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2dScratch {
    pub floats: usize,
    pub pointers: usize,
}

pub fn conv2d_scratch(p: &Conv2dParams) -> Conv2dScratch {
    let chunk_rows = round_up(MC, MR);
    match plan(p) {
        Plan::Winograd => Conv2dScratch { floats: winograd::scratch_floats(p), pointers: winograd::SCRATCH_POINTERS },
        Plan::Pointwise => Conv2dScratch { floats: 0, pointers: GEMM_INDIRECTION_LEN },
        Plan::RowRuns { padded } => Conv2dScratch {
            floats: if padded { p.padded().input_len() } else { 0 },
            pointers: chunk_rows * p.kernel_h as usize,
        },
        Plan::Taps => Conv2dScratch { floats: p.in_c as usize, pointers: chunk_rows * p.taps() },
    }
}

/// Length of the packed filter and bias: the GEMM's packed B (kh·kw·c_in x c_out), or the
/// Winograd layout. It depends only on the filter's shape and the plan, not on the input size.
pub fn conv2d_packed_len(p: &Conv2dParams) -> usize {
    match plan(p) {
        Plan::Winograd => winograd::packed_len(p),
        _ => packed_weights_len(p.taps() * p.in_c as usize, p.out_c as usize),
    }
}

/// Packs the filter (kh, kw, c_in, c_out) and bias in the layout `conv2d_fwd` reads for this
/// plan; `floats` is scratch sized by `conv2d_scratch`.
pub fn conv2d_pack(p: &Conv2dParams, filter: &[f32], bias: Option<&[f32]>, floats: &mut [f32], packed: &mut [f32]) {
    match plan(p) {
        Plan::Winograd => winograd::pack_filter(p, filter, bias, floats, packed),
        _ => pack_weights(p.taps() * p.in_c as usize, p.out_c as usize, filter, Strides::row_major(p.out_c as usize), bias, packed),
    }
}

/// y = clamp(conv2d(x, filter) + bias) with the filter and bias already packed by `conv2d_pack`;
/// scratch sized by `conv2d_scratch`.
pub fn conv2d_fwd<V: F32x4>(
    p: &Conv2dParams,
    x: &[f32],
    packed: &[f32],
    y: &mut [f32],
    clamp: Clamp,
    floats: &mut [f32],
    pointers: &mut [*const f32],
) {
    assert!(packed.len() >= conv2d_packed_len(p), "conv2d_fwd: packed filter too short");
    conv2d_fwd_impl::<V>(p, x, Weights { packed: packed.as_ptr() as *mut f32, src: None }, y, clamp, floats, pointers)
}

/// As `conv2d_fwd` from the unpacked filter (kh, kw, c_in, c_out) and bias, packed into `packed`
/// (`conv2d_packed_len` values). On the GEMM plans each panel slice is packed just before the first
/// chunk of output rows uses it, instead of in a pass of its own. Measured (A/B, one process):
/// the separate pass cost 7-15% on the deep rows (3x3x512, 1x1x1024), whose packed filters
/// (4-9 MB) came back from L3.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_fwd_packing<V: F32x4>(
    p: &Conv2dParams,
    x: &[f32],
    filter: &[f32],
    bias: Option<&[f32]>,
    packed: &mut [f32],
    y: &mut [f32],
    clamp: Clamp,
    floats: &mut [f32],
    pointers: &mut [*const f32],
) {
    let (k, n) = (p.taps() * p.in_c as usize, p.out_c as usize);
    assert!(packed.len() >= conv2d_packed_len(p) && filter.len() >= k * n, "conv2d_fwd_packing: filter or packed buffer too short");
    assert!(bias.map_or(true, |b| b.len() >= n), "conv2d_fwd_packing: bias too short");
    let src = PackSource { k, n, b: filter, strides: Strides::row_major(n), bias };
    conv2d_fwd_impl::<V>(p, x, Weights { packed: packed.as_mut_ptr(), src: Some(&src) }, y, clamp, floats, pointers)
}

/// The packed buffer, and the source to pack it from during the first chunk (None: already packed).
#[derive(Clone, Copy)]
struct Weights<'a> {
    packed: *mut f32,
    src: Option<&'a PackSource<'a>>,
}

impl Weights<'_> {
    /// Runs one chunk of the IGEMM, packing while it runs when this is the first chunk.
    ///
    /// # Safety
    /// As `igemm_chunk`; `packed` is valid for the packed length of k = ks·kc and n.
    #[allow(clippy::too_many_arguments)]
    unsafe fn chunk<V: F32x4>(&self, first: bool, m: usize, n: usize, kc: usize, ks: usize, indirection: &[*const f32], c: *mut f32, c_stride: usize, out: Epilogue) {
        let len = packed_weights_len(ks * kc, n);
        match self.src {
            Some(src) if first => igemm_chunk_packing::<V>(m, n, kc, ks, indirection, std::slice::from_raw_parts_mut(self.packed, len), src, c, c_stride, out),
            _ => igemm_chunk::<V>(m, n, kc, ks, indirection, std::slice::from_raw_parts(self.packed, len), c, c_stride, out),
        }
    }
}

fn conv2d_fwd_impl<V: F32x4>(
    p: &Conv2dParams,
    x: &[f32],
    weights: Weights,
    y: &mut [f32],
    clamp: Clamp,
    floats: &mut [f32],
    pointers: &mut [*const f32],
) {
    let (n, k) = (p.out_c as usize, p.taps() * p.in_c as usize);
    let scratch = conv2d_scratch(p);
    assert!(x.len() >= p.input_len() && y.len() >= p.output_len(), "conv2d_fwd: buffers too short");
    assert!(floats.len() >= scratch.floats && pointers.len() >= scratch.pointers, "conv2d_fwd: scratch too short");
    if p.output_len() == 0 {
        return;
    }
    match plan(p) {
        Plan::Winograd => {
            // SAFETY: both entry points checked the packed buffer's length.
            let packed = unsafe { std::slice::from_raw_parts_mut(weights.packed, winograd::packed_len(p)) };
            if let Some(src) = weights.src {
                winograd::pack_filter(p, src.b, src.bias, floats, packed);
            }
            winograd::conv2d_winograd::<V>(p, x, packed, y, clamp, floats, pointers);
        }
        Plan::Pointwise => {
            let len = packed_weights_len(k, n);
            // SAFETY: both entry points checked the packed buffer's length.
            unsafe {
                match weights.src {
                    Some(src) => gemm_packing::<V>(p.output_pixels(), x, k, src, std::slice::from_raw_parts_mut(weights.packed, len), y, n, Epilogue::store(clamp), pointers),
                    None => gemm::<V>(p.output_pixels(), n, k, x, k, std::slice::from_raw_parts(weights.packed, len), y, n, Epilogue::store(clamp), pointers),
                }
            }
        }
        Plan::RowRuns { padded: false } => row_runs::<V>(p, x, weights, y, clamp, pointers),
        Plan::RowRuns { padded: true } => {
            let q = p.padded();
            let copy = &mut floats[..q.input_len()];
            pad_input(p, &q, x, copy);
            row_runs::<V>(&q, copy, weights, y, clamp, pointers);
        }
        Plan::Taps => {
            let (zeros, _) = floats.split_at_mut(p.in_c as usize);
            zeros.iter_mut().for_each(|z| *z = 0.0);
            taps::<V>(p, x, weights, y, clamp, zeros, pointers);
        }
    }
}

/// Copies x into the larger padded geometry q, zeros around it (only the border is zeroed: the
/// interior is overwritten anyway).
fn pad_input(p: &Conv2dParams, q: &Conv2dParams, x: &[f32], out: &mut [f32]) {
    let c = p.in_c as usize;
    let (h, w, qh, qw) = (p.in_h as usize, p.in_w as usize, q.in_h as usize, q.in_w as usize);
    let (top, left) = (p.pad_top as usize, p.pad_left as usize);
    let (row, run) = (qw * c, w * c);
    for (b, image) in out[..p.batch as usize * qh * row].chunks_exact_mut(qh * row).enumerate() {
        let (above, rest) = image.split_at_mut(top * row);
        let (inside, below) = rest.split_at_mut(h * row);
        above.iter_mut().chain(below.iter_mut()).for_each(|v| *v = 0.0);
        for (iy, padded_row) in inside.chunks_exact_mut(row).enumerate() {
            let (before, rest) = padded_row.split_at_mut(left * c);
            let (values, after) = rest.split_at_mut(run);
            before.iter_mut().chain(after.iter_mut()).for_each(|v| *v = 0.0);
            let src = (b * h + iy) * run;
            values.copy_from_slice(&x[src..src + run]);
        }
    }
}

/// Output pixels m0, m0 + 1, ... as (batch, oy, ox), counted up without a division per pixel.
#[derive(Clone, Copy)]
struct PixelWalk {
    b: usize,
    oy: usize,
    ox: usize,
    oh: usize,
    ow: usize,
}

impl PixelWalk {
    fn at(p: &Conv2dParams, m: usize) -> PixelWalk {
        let (b, oy, ox) = p.pixel(m);
        PixelWalk { b, oy, ox, oh: p.out_h as usize, ow: p.out_w as usize }
    }
    fn next(&mut self) {
        self.ox += 1;
        if self.ox == self.ow {
            self.ox = 0;
            self.oy += 1;
            if self.oy == self.oh {
                self.oy = 0;
                self.b += 1;
            }
        }
    }
}

/// Runs the IGEMM chunk by chunk; `tap(pixel, t)` is the pointer output pixel (b, oy, ox) reads at tap t.
#[allow(clippy::too_many_arguments)]
fn chunked<V: F32x4>(
    p: &Conv2dParams,
    kc: usize,
    ks: usize,
    weights: Weights,
    y: &mut [f32],
    clamp: Clamp,
    pointers: &mut [*const f32],
    tap: impl Fn((usize, usize, usize), usize) -> *const f32,
) {
    let (m, n) = (p.output_pixels(), p.out_c as usize);
    for m0 in (0..m).step_by(MC) {
        let mc = MC.min(m - m0);
        // Layout [block][tap][MR]; rows past mc repeat the last row (computed, never stored).
        let mut walk = PixelWalk::at(p, m0);
        for r in 0..round_up(mc, MR) {
            let (block, lane) = (r / MR, r % MR);
            let slots = &mut pointers[block * ks * MR + lane..];
            for t in 0..ks {
                slots[t * MR] = tap((walk.b, walk.oy, walk.ox), t);
            }
            if r + 1 < mc {
                walk.next();
            }
        }
        // SAFETY: `tap` hands out pointers to kc readable values each (checked by the callers).
        unsafe { weights.chunk::<V>(m0 == 0, mc, n, kc, ks, pointers, y.as_mut_ptr().add(m0 * n), n, Epilogue::store(clamp)) };
    }
}

/// kh taps of kw·c_in contiguous values; x holds no padding (reads_padding() is false).
fn row_runs<V: F32x4>(p: &Conv2dParams, x: &[f32], weights: Weights, y: &mut [f32], clamp: Clamp, pointers: &mut [*const f32]) {
    let (c, kh, kw) = (p.in_c as usize, p.kernel_h as usize, p.kernel_w as usize);
    let (row_stride, tap_stride) = (p.in_w as usize * c, p.dilation_h as usize * p.in_w as usize * c);
    assert!(x.len() >= p.input_len());
    chunked::<V>(p, kw * c, kh, weights, y, clamp, pointers, |(b, oy, ox), ky| {
        let start = (b * p.in_h as usize + oy * p.stride_h as usize) * row_stride + ox * p.stride_w as usize * c;
        x[start + ky * tap_stride..].as_ptr()
    });
}

/// kh·kw taps of c_in values; taps in the padding read `zeros`.
#[allow(clippy::too_many_arguments)]
fn taps<V: F32x4>(p: &Conv2dParams, x: &[f32], weights: Weights, y: &mut [f32], clamp: Clamp, zeros: &[f32], pointers: &mut [*const f32]) {
    let (kh, kw) = (p.kernel_h as usize, p.kernel_w as usize);
    chunked::<V>(p, p.in_c as usize, kh * kw, weights, y, clamp, pointers, |(b, oy, ox), t| match p.tap_offset(b, oy, ox, t / kw, t % kw) {
        Some(offset) => x[offset..].as_ptr(),
        None => zeros.as_ptr(),
    });
}
