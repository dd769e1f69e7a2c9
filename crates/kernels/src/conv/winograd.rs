//! 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray 2015,
//! arXiv 1509.09308): each 2x2 output tile comes from a 4x4 input tile d as
//!     y = Aᵀ [ Σ_ci U_ci ⊙ (Bᵀ d_ci B) ] A,   U = G g Gᵀ (the filter, transformed once),
//! 16 multiplies per (c_in, c_out) pair and tile instead of 36. For each of the 16 positions ξ of
//! the 4x4 transform the sum over input channels is a GEMM (tiles x c_in)·(c_in x c_out), so a
//! block of tiles is an input transform (adds only), 16 GEMMs on the packed microkernel, and an
//! output transform (adds only) with the bias and the clamp.
//!
//! The packed filter: U_ξ for ξ = 0..16, each packed as a GEMM's B (c_in x c_out, zero bias
//! row), then the bias (c_out values, zeros when absent).

use super::{pad_input, Conv2dParams};
use crate::gemm::{gemm, pack_weights, packed_weights_len, Epilogue, Strides, GEMM_INDIRECTION_LEN};
use crate::simd::F32x4;
use crate::Clamp;

/// Tiles per block: the block's 16 transformed input slices (16·TILES·c_in values) and 16 GEMM
/// outputs (16·TILES·c_out) are reused straight away, from L2.
const TILES: usize = 64;

/// Whether `conv2d_fwd` takes this path: 3x3, stride 1, dilation 1, and channel counts that fill
/// the 4-lane transforms and give the GEMMs enough depth.
pub fn applies(p: &Conv2dParams) -> bool {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    (p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w) == (3, 3, 1, 1, 1, 1)
        && cin % 4 == 0
        && cout % 4 == 0
        && cin >= MIN_CHANNELS
        && cout >= MIN_CHANNELS
}

const MIN_CHANNELS: usize = 16;

pub fn packed_len(p: &Conv2dParams) -> usize {
    16 * packed_weights_len(p.in_c as usize, p.out_c as usize) + p.out_c as usize
}

/// The padded input every tile reads from: 2·tiles + 2 rows and columns, x at (pad_top, pad_left).
fn tiled(p: &Conv2dParams) -> Conv2dParams {
    Conv2dParams { in_h: 2 * tiles_along(p.out_h) as u32 + 2, in_w: 2 * tiles_along(p.out_w) as u32 + 2, pad_top: 0, pad_left: 0, ..*p }
}

fn tiles_along(out: u32) -> usize {
    (out as usize + 1) / 2
}

/// f32 scratch: the padded input, then a block's transformed inputs and GEMM outputs (which also
/// hold one transformed filter slice, c_in·c_out values, while packing).
pub fn scratch_floats(p: &Conv2dParams) -> usize {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    tiled(p).input_len() + (16 * TILES * (cin + cout)).max(cin * cout)
}

pub const SCRATCH_POINTERS: usize = GEMM_INDIRECTION_LEN;

/// Rows of G (4x3): U = G g Gᵀ.
const G: [[f32; 3]; 4] = [[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]];

/// Packs the filter (3, 3, c_in, c_out) and bias into `packed` (`packed_len` values); `u` is
/// scratch for c_in·c_out values.
pub fn pack_filter(p: &Conv2dParams, filter: &[f32], bias: Option<&[f32]>, u: &mut [f32], packed: &mut [f32]) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    let (len, slice) = (cin * cout, packed_weights_len(cin, cout));
    let u = &mut u[..len];
    for xi in 0..16 {
        let (gi, gj) = (G[xi / 4], G[xi % 4]);
        u.iter_mut().for_each(|v| *v = 0.0);
        for tap in 0..9 {
            let w = gi[tap / 3] * gj[tap % 3];
            if w != 0.0 {
                u.iter_mut().zip(&filter[tap * len..(tap + 1) * len]).for_each(|(v, &g)| *v += w * g);
            }
        }
        pack_weights(cin, cout, u, Strides::row_major(cout), None, &mut packed[xi * slice..(xi + 1) * slice]);
    }
    let out = &mut packed[16 * slice..16 * slice + cout];
    match bias {
        Some(b) => out.copy_from_slice(&b[..cout]),
        None => out.iter_mut().for_each(|v| *v = 0.0),
    }
}

/// Bᵀ·[a0, a1, a2, a3] (Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]).
#[inline(always)]
fn bt<V: F32x4>(a: [V; 4]) -> [V; 4] {
    [a[0].sub(a[2]), a[1].add(a[2]), a[2].sub(a[1]), a[1].sub(a[3])]
}

/// Aᵀ·[a0, a1, a2, a3] (Aᵀ = [1 1 1 0; 0 1 −1 −1]).
#[inline(always)]
fn at<V: F32x4>(a: [V; 4]) -> [V; 2] {
    [a[0].add(a[1]).add(a[2]), a[1].sub(a[2]).sub(a[3])]
}

/// y = clamp(conv2d(x, filter) + bias) from the filter packed by `pack_filter`.
pub(super) fn conv2d_winograd<V: F32x4>(p: &Conv2dParams, x: &[f32], packed: &[f32], y: &mut [f32], clamp: Clamp, floats: &mut [f32], pointers: &mut [*const f32]) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    let q = tiled(p);
    assert!(packed.len() >= packed_len(p) && floats.len() >= scratch_floats(p) && pointers.len() >= SCRATCH_POINTERS, "conv2d_winograd: buffers too short");
    let (copy, rest) = floats.split_at_mut(q.input_len());
    pad_input(p, &q, x, copy);
    let (inputs, rest) = rest.split_at_mut(16 * TILES * cin);
    let products = &mut rest[..16 * TILES * cout];
    let (th, tw) = (tiles_along(p.out_h), tiles_along(p.out_w));
    let tiles = p.batch as usize * th * tw;
    let slice = packed_weights_len(cin, cout);
    let bias = &packed[16 * slice..16 * slice + cout];
    for t0 in (0..tiles).step_by(TILES) {
        let count = TILES.min(tiles - t0);
        for t in 0..count {
            let (b, ty, tx) = ((t0 + t) / (th * tw), (t0 + t) / tw % th, (t0 + t) % tw);
            let corner = ((b * q.in_h as usize + 2 * ty) * q.in_w as usize + 2 * tx) * cin;
            // SAFETY: the 4x4 window from the tile's corner lies inside the padded copy (2·th + 2 rows, 2·tw + 2 columns).
            unsafe { transform_input::<V>(&copy[corner..], q.in_w as usize * cin, cin, inputs[t * cin..].as_mut_ptr(), TILES * cin) };
        }
        for xi in 0..16 {
            let a = &inputs[xi * TILES * cin..(xi * TILES + count) * cin];
            let c = &mut products[xi * TILES * cout..(xi * TILES + count) * cout];
            gemm::<V>(count, cout, cin, a, cin, &packed[xi * slice..(xi + 1) * slice], c, cout, Epilogue::store(Clamp::NONE), pointers);
        }
        for t in 0..count {
            let (b, ty, tx) = ((t0 + t) / (th * tw), (t0 + t) / tw % th, (t0 + t) % tw);
            let rows = 2.min(p.out_h as usize - 2 * ty);
            let cols = 2.min(p.out_w as usize - 2 * tx);
            let first = ((b * p.out_h as usize + 2 * ty) * p.out_w as usize + 2 * tx) * cout;
            let out = TileOut { rows, cols, row_stride: p.out_w as usize * cout };
            // SAFETY: the tile's rows x cols output pixels lie inside y; products hold 16 slices of count·cout.
            unsafe { transform_output::<V>(products[t * cout..].as_ptr(), TILES * cout, bias, cout, clamp, y[first..].as_mut_ptr(), out) };
        }
    }
}

/// One tile's 16 transformed values per input channel: Bᵀ d B for d the 4x4 window at `corner`
/// (rows `row_stride` apart, pixels `cin` apart), written to `out` + ξ·`xi_stride` + channel.
///
/// # Safety
/// `corner` holds the window; `out` has 16 slices of cin writable values at `xi_stride`.
#[inline(always)]
unsafe fn transform_input<V: F32x4>(corner: &[f32], row_stride: usize, cin: usize, out: *mut f32, xi_stride: usize) {
    assert!(corner.len() >= 3 * row_stride + 4 * cin);
    let at = corner.as_ptr();
    for c in (0..cin).step_by(4) {
        let d = |r: usize, col: usize| V::load(at.add(r * row_stride + col * cin + c));
        let rows = [0, 1, 2, 3].map(|r| [d(r, 0), d(r, 1), d(r, 2), d(r, 3)]);
        // Bᵀ d, column by column, then (Bᵀ d) B row by row.
        let cols = [0, 1, 2, 3].map(|col| bt([rows[0][col], rows[1][col], rows[2][col], rows[3][col]]));
        for i in 0..4 {
            let v = bt(cols.map(|col| col[i]));
            for (j, v) in v.iter().enumerate() {
                v.store(out.add((4 * i + j) * xi_stride + c));
            }
        }
    }
}

/// Which output pixels of a 2x2 tile exist (the last row or column of tiles may stick out).
#[derive(Clone, Copy)]
struct TileOut {
    rows: usize,
    cols: usize,
    row_stride: usize,
}

/// One tile's outputs: clamp(bias + Aᵀ m A) for m the 16 products at `m` + ξ·`xi_stride` + channel.
///
/// # Safety
/// `m` holds 16 slices of cout values at `xi_stride`; `y` holds the tile's pixels (`out`), cout apart.
#[inline(always)]
unsafe fn transform_output<V: F32x4>(m: *const f32, xi_stride: usize, bias: &[f32], cout: usize, clamp: Clamp, y: *mut f32, out: TileOut) {
    let (lo, hi) = (V::splat(clamp.min), V::splat(clamp.max));
    for c in (0..cout).step_by(4) {
        let v = |xi: usize| V::load(m.add(xi * xi_stride + c));
        // Aᵀ m, column by column, then (Aᵀ m) A row by row.
        let cols = [0, 1, 2, 3].map(|j| at([v(j), v(4 + j), v(8 + j), v(12 + j)]));
        let b = V::load(bias[c..c + 4].as_ptr());
        for r in 0..out.rows {
            let pair = at(cols.map(|col| col[r]));
            for (col, value) in pair.iter().enumerate().take(out.cols) {
                value.add(b).clamp(lo, hi).store(y.add(r * out.row_stride + col * cout + c));
            }
        }
    }
}
