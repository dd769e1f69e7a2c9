//! conv2d gradients, as GEMMs over chunks of BWD_ROWS output pixels.
//!
//! dx: dcols (rows x K) = dy (rows x c_out) · Wᵀ, then each row's K = kh·kw·c_in values are added
//!     back onto the input pixels its taps read (col2im); padding taps are dropped.
//! dW: dW (K x c_out) += colsᵀ (K x rows) · dy (rows x c_out), with colsᵀ gathered from x.
//! The bias gradient is a plain sum of dy over pixels (elementwise::reduce_sum).

use super::Conv2dParams;
use crate::gemm::{gemm, pack_weights, packed_weights_len, Epilogue, Strides, GEMM_INDIRECTION_LEN};
use crate::simd::F32x4;
use crate::Clamp;

/// Output pixels per GEMM in the backward passes.
pub const BWD_ROWS: usize = 512;
/// Row stride of colsᵀ: not a power of two, so its rows (written 4 pixels at a time, all K of
/// them at once) do not all fall in the same few L1 sets.
const COLS_STRIDE: usize = BWD_ROWS + 4;

/// Scratch for either backward pass: f32 values and pointers.
pub fn conv2d_bwd_scratch(p: &Conv2dParams) -> (usize, usize) {
    let (k, n) = (p.taps() * p.in_c as usize, p.out_c as usize);
    let input = packed_weights_len(n, k) + BWD_ROWS * k;
    let filter = packed_weights_len(BWD_ROWS, n) + COLS_STRIDE * k;
    (input.max(filter), GEMM_INDIRECTION_LEN)
}

/// dx = ∂L/∂x from dy = ∂L/∂y (n, oh, ow, c_out) and the filter (kh, kw, c_in, c_out).
pub fn conv2d_bwd_input<V: F32x4>(p: &Conv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    let (cin, n) = (p.in_c as usize, p.out_c as usize);
    let k = p.taps() * cin;
    assert!(dy.len() >= p.output_len() && filter.len() >= p.filter_len() && dx.len() >= p.input_len());
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

/// dW = ∂L/∂filter (kh, kw, c_in, c_out) from x and dy.
pub fn conv2d_bwd_filter<V: F32x4>(p: &Conv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    let (cin, n) = (p.in_c as usize, p.out_c as usize);
    let k = p.taps() * cin;
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dfilter.len() >= p.filter_len());
    let (packed, rest) = floats.split_at_mut(packed_weights_len(BWD_ROWS, n));
    let cols_t = &mut rest[..COLS_STRIDE * k];
    dfilter[..p.filter_len()].iter_mut().for_each(|v| *v = 0.0);
    let m = p.output_pixels();
    for m0 in (0..m).step_by(BWD_ROWS) {
        let mc = BWD_ROWS.min(m - m0);
        pack_weights(mc, n, &dy[m0 * n..], Strides::row_major(n), None, packed);
        gather_cols_transposed(p, x, m0, mc, cols_t);
        gemm::<V>(k, n, mc, cols_t, COLS_STRIDE, packed, dfilter, n, Epilogue::ACCUMULATE, pointers);
    }
}

/// colsᵀ (K x mc, row stride COLS_STRIDE): row j = tap·c_in + channel, column r = output pixel
/// m0 + r; zeros in the padding. Four pixels at a time, so each row gets 16 contiguous bytes.
fn gather_cols_transposed(p: &Conv2dParams, x: &[f32], m0: usize, mc: usize, cols_t: &mut [f32]) {
    let cin = p.in_c as usize;
    assert!(cols_t.len() >= p.taps() * cin * COLS_STRIDE && mc <= BWD_ROWS);
    let mut r = 0;
    while r < mc {
        let lanes = 4.min(mc - r);
        let mut pixels = [(0usize, 0usize, 0usize); 4];
        for (l, px) in pixels.iter_mut().enumerate().take(lanes) {
            *px = p.pixel(m0 + r + l);
        }
        for t in 0..p.taps() {
            let (ky, kx) = (t / p.kernel_w as usize, t % p.kernel_w as usize);
            let mut offsets = [None; 4];
            for l in 0..lanes {
                let (b, oy, ox) = pixels[l];
                offsets[l] = p.tap_offset(b, oy, ox, ky, kx);
            }
            for ci in 0..cin {
                let row = (t * cin + ci) * COLS_STRIDE + r;
                for l in 0..lanes {
                    cols_t[row + l] = offsets[l].map_or(0.0, |o| x[o + ci]);
                }
            }
        }
        r += 4;
    }
}
