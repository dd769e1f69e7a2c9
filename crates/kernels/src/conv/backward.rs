//! conv2d gradients.
//!
//! dx, stride 1: the forward convolution of dy with the filter rotated 180° and its channel axes
//!     swapped, padded so that its output has x's size: the forward IGEMM, with no col2im.
//! dx, other strides: per chunk of BWD_ROWS output pixels, dcols (rows x K) = dy (rows x c_out) · Wᵀ,
//!     then each row's K = kh·kw·c_in values are added back onto the input pixels its taps read
//!     (col2im); padding taps are dropped.
//! dW: per chunk of BWD_ROWS output pixels, dW (K x c_out) += colsᵀ (K x rows) · dy (rows x c_out)
//!     with dy packed as a GEMM's B and colsᵀ never built: a pixel's K values are kh runs of
//!     kw·c_in contiguous values in (a padded copy of) x, or kh·kw runs of c_in, at fixed offsets
//!     from its window's corner; along an output row the corners are stride_w·c_in apart.
//! dW, 3x3 stride 1 with enough channels (up to 512 x 512): Winograd F(3x3, 2x2) (winograd.rs).
//! The bias gradient is a plain sum of dy over pixels (elementwise::reduce_sum).

use super::{conv2d_fwd_packing, conv2d_packed_len, conv2d_scratch, winograd, Conv2dParams};
use crate::gemm::{gemm, pack_weights, packed_weights_len, tile_step, Epilogue, Strides, GEMM_INDIRECTION_LEN, MR, NR};
use crate::simd::F32x4;
use crate::Clamp;

/// Output pixels per GEMM in the backward passes.
pub const BWD_ROWS: usize = 512;

/// Scratch for either backward pass: f32 values and pointers.
pub fn conv2d_bwd_scratch(p: &Conv2dParams) -> (usize, usize) {
    let (k, n) = (p.taps() * p.in_c as usize, p.out_c as usize);
    let input = match transposed_conv(p) {
        Some(q) => {
            let s = conv2d_scratch(&q);
            (conv2d_packed_len(&q) + k * n + s.floats, s.pointers)
        }
        None => (packed_weights_len(n, k) + BWD_ROWS * k, GEMM_INDIRECTION_LEN),
    };
    let filter = bwd_filter_scratch(p);
    (input.0.max(filter.0), input.1.max(filter.1))
}

/// The forward convolution that maps dy to dx when the stride is 1: dy as its input, x's size as its
/// output, padded by what the taps reach past the other side. None for strides > 1, or padding
/// wider than the dilated kernel (windows wholly in the padding).
fn transposed_conv(p: &Conv2dParams) -> Option<Conv2dParams> {
    let reach_h = (p.kernel_h - 1) * p.dilation_h;
    let reach_w = (p.kernel_w - 1) * p.dilation_w;
    if p.stride_h != 1 || p.stride_w != 1 || p.pad_top > reach_h || p.pad_left > reach_w {
        return None;
    }
    Some(Conv2dParams {
        in_h: p.out_h,
        in_w: p.out_w,
        in_c: p.out_c,
        out_h: p.in_h,
        out_w: p.in_w,
        out_c: p.in_c,
        pad_top: reach_h - p.pad_top,
        pad_left: reach_w - p.pad_left,
        ..*p
    })
}

/// dx = ∂L/∂x from dy = ∂L/∂y (n, oh, ow, c_out) and the filter (kh, kw, c_in, c_out).
pub fn conv2d_bwd_input<V: F32x4>(p: &Conv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    assert!(dy.len() >= p.output_len() && filter.len() >= p.filter_len() && dx.len() >= p.input_len());
    match transposed_conv(p) {
        Some(q) => {
            let (k, n) = (q.taps() * q.in_c as usize, q.out_c as usize);
            let (packed, rest) = floats.split_at_mut(conv2d_packed_len(&q));
            let (rotated, rest) = rest.split_at_mut(k * n);
            rotate_filter(p, filter, rotated);
            conv2d_fwd_packing::<V>(&q, dy, rotated, None, packed, dx, Clamp::NONE, rest, pointers);
        }
        None => conv2d_bwd_input_col2im::<V>(p, dy, filter, dx, floats, pointers),
    }
}

/// The filter (kh, kw, c_in, c_out) rotated 180° with its channel axes swapped: (kh, kw, c_out, c_in).
fn rotate_filter(p: &Conv2dParams, filter: &[f32], rotated: &mut [f32]) {
    let (cin, cout, taps) = (p.in_c as usize, p.out_c as usize, p.taps());
    for t in 0..taps {
        let (src, dst) = (&filter[(taps - 1 - t) * cin * cout..], &mut rotated[t * cout * cin..]);
        for ci in 0..cin {
            for co in 0..cout {
                dst[co * cin + ci] = src[ci * cout + co];
            }
        }
    }
}

fn conv2d_bwd_input_col2im<V: F32x4>(p: &Conv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    let (cin, n) = (p.in_c as usize, p.out_c as usize);
    let k = p.taps() * cin;
    let (packed, rest) = floats.split_at_mut(packed_weights_len(n, k));
    // Wᵀ: element (c_out row r, tap-channel column j) is filter[j·c_out + r].
    pack_weights(n, k, filter, Strides { row: 1, col: n }, None, packed);
    let dcols = &mut rest[..BWD_ROWS * k];
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    let m = p.output_pixels();
    for m0 in (0..m).step_by(BWD_ROWS) {
        let mc = BWD_ROWS.min(m - m0);
        gemm::<V>(mc, k, n, &dy[m0 * n..], n, packed, dcols, k, Epilogue::store(Clamp::NONE), pointers);
        for r in 0..mc {
            let (b, oy, ox) = p.pixel(m0 + r);
            for t in 0..p.taps() {
                let (ky, kx) = (t / p.kernel_w as usize, t % p.kernel_w as usize);
                if let Some(offset) = p.tap_offset(b, oy, ox, ky, kx) {
                    let src = &dcols[r * k + t * cin..r * k + (t + 1) * cin];
                    dx[offset..offset + cin].iter_mut().zip(src).for_each(|(d, s)| *d += s);
                }
            }
        }
    }
}

/// Scratch (f32 values, pointers) of `conv2d_bwd_filter`: Winograd's, or packed dy, the padded copy
/// of x, and one pointer per stretch of a chunk (at most BWD_ROWS / out_w + 2 of them).
fn bwd_filter_scratch(p: &Conv2dParams) -> (usize, usize) {
    if winograd::applies_to_filter_gradient(p) {
        return (winograd::bwd_filter_scratch(p), 0);
    }
    let copy = if p.reads_padding() { p.padded().input_len() } else { 0 };
    (packed_weights_len(BWD_ROWS, p.out_c as usize) + copy, BWD_ROWS / p.out_w.max(1) as usize + 2)
}

/// dW = ∂L/∂filter (kh, kw, c_in, c_out) from x and dy.
pub fn conv2d_bwd_filter<V: F32x4>(p: &Conv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    let (cin, n) = (p.in_c as usize, p.out_c as usize);
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dfilter.len() >= p.filter_len());
    if winograd::applies_to_filter_gradient(p) {
        return winograd::conv2d_winograd_bwd_filter::<V>(p, x, dy, dfilter, floats);
    }
    let (need_floats, need_pointers) = bwd_filter_scratch(p);
    assert!(floats.len() >= need_floats && pointers.len() >= need_pointers, "conv2d_bwd_filter: scratch too short");
    let (packed, rest) = floats.split_at_mut(packed_weights_len(BWD_ROWS, n));
    let dfilter = &mut dfilter[..p.filter_len()];
    dfilter.iter_mut().for_each(|v| *v = 0.0);
    if p.output_len() == 0 {
        return;
    }
    let (q, x) = if p.reads_padding() {
        let q = p.padded();
        let copy = &mut rest[..q.input_len()];
        super::pad_input(p, &q, x, copy);
        (q, &*copy)
    } else {
        (*p, &x[..p.input_len()])
    };
    let row_stride = q.in_w as usize * cin;
    // colsᵀ rows g·run .. (g + 1)·run at a pixel are `run` contiguous values at `offsets[g]` from its
    // window's corner: whole kernel rows (kw·c_in values) when dilation_w is 1, else single taps.
    let (kh, kw, dh, dw) = (p.kernel_h as usize, p.kernel_w as usize, p.dilation_h as usize, p.dilation_w as usize);
    let mut offsets = [0usize; MAX_RUNS];
    let run = if dw == 1 { kw * cin } else { cin };
    let runs = if dw == 1 { kh } else { kh * kw };
    assert!(runs <= MAX_RUNS, "conv2d_bwd_filter: kernel too large");
    for (g, offset) in offsets.iter_mut().enumerate().take(runs) {
        *offset = if dw == 1 { g * dh * row_stride } else { g / kw * dh * row_stride + g % kw * dw * cin };
    }
    let stretch = Stretch { step: q.stride_w as usize * cin, width: p.out_w as usize };
    let m = p.output_pixels();
    for m0 in (0..m).step_by(BWD_ROWS) {
        let mc = BWD_ROWS.min(m - m0);
        pack_weights(mc, n, &dy[m0 * n..], Strides::row_major(n), None, packed);
        // One pointer per stretch (the chunk's pixels in one output row): its first window's corner.
        let stretches = stretch.count(m0, mc);
        let mut pixel = m0;
        for corner in pointers[..stretches].iter_mut() {
            let (b, oy, ox) = q.pixel(pixel);
            let at = ((b * q.in_h as usize + oy * q.stride_h as usize) * q.in_w as usize + ox * q.stride_w as usize) * cin;
            *corner = x[at..].as_ptr();
            pixel += stretch.width - ox;
        }
        let panel_len = NR * (mc + 1);
        for (panel, co) in (0..n).step_by(NR).enumerate() {
            let w = &packed[panel * panel_len + NR..(panel + 1) * panel_len];
            for (g, &offset) in offsets.iter().enumerate().take(runs) {
                for j in (0..run).step_by(MR) {
                    let mr = MR.min(run - j);
                    let tile = &mut dfilter[(g * run + j) * n + co..];
                    // SAFETY: every pixel's window reads offset + run values from its corner inside
                    // x (or the padded copy); w holds mc rows of NR; the tile has mr rows of n from co.
                    unsafe {
                        dw_tile::<V>(mr, NR.min(n - co), &stretch, m0 % stretch.width, mc, pointers.as_ptr(), offset + j, w.as_ptr(), tile.as_mut_ptr(), n)
                    };
                }
            }
        }
    }
}

/// Most runs per pixel in `conv2d_bwd_filter` (kh, or kh·kw when dilation_w > 1).
const MAX_RUNS: usize = 64;

/// Output pixels in one output row: consecutive windows `step` values apart in x.
pub(super) struct Stretch {
    pub(super) step: usize,
    pub(super) width: usize,
}

impl Stretch {
    /// How many output rows pixels m0 .. m0 + mc touch.
    fn count(&self, m0: usize, mc: usize) -> usize {
        (m0 % self.width + mc + self.width - 1) / self.width
    }
}

/// C[mr x nc] += Σ_r a_r ⊗ w_r over output pixels r < mc: a_r the mr values at `first` from pixel r's
/// window corner (rows past mr repeat the last one, computed and not stored), w_r row r of a
/// packed dy panel. The corners are corners[s] + i·step for stretch s, the first stretch starting
/// at column ox0.
///
/// # Safety
/// Every corner + first + mr values is readable; w holds mc rows of NR f32; c has mr rows of nc
/// writable f32 at stride c_stride.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn dw_tile<V: F32x4>(mr: usize, nc: usize, stretch: &Stretch, ox0: usize, mc: usize, corners: *const *const f32, first: usize, w: *const f32, c: *mut f32, c_stride: usize) {
    let mut acc = [[V::splat(0.0); 2]; MR];
    let (o1, o2, o3) = (1.min(mr - 1), 2.min(mr - 1), 3.min(mr - 1));
    let mut w = w;
    let (mut left, mut width, mut corners) = (mc, stretch.width - ox0, corners);
    while left > 0 {
        let len = width.min(left);
        let mut a0 = (*corners).add(first);
        let w_end = w.add(len * NR);
        while w != w_end {
            tile_step::<V>(&mut acc, [a0, a0.add(o1), a0.add(o2), a0.add(o3)], w);
            w = w.add(NR);
            a0 = a0.add(stretch.step);
        }
        left -= len;
        width = stretch.width;
        corners = corners.add(1);
    }
    for (i, &[v0, v1]) in acc.iter().enumerate().take(mr) {
        let dst = c.add(i * c_stride);
        if nc == NR {
            V::load(dst).add(v0).store(dst);
            V::load(dst.add(4)).add(v1).store(dst.add(4));
        } else {
            let lanes = [v0.to_array(), v1.to_array()];
            for j in 0..nc {
                *dst.add(j) += lanes[j / 4][j % 4];
            }
        }
    }
}
