//! 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray 2015,
//! arXiv 1509.09308): each 2x2 output tile comes from a 4x4 input tile d as
//!     y = Aᵀ [ Σ_ci U_ci ⊙ (Bᵀ d_ci B) ] A,   U = G g Gᵀ (the filter, transformed once),
//! 16 multiplies per (c_in, c_out) pair and tile instead of 36. For each of the 16 positions ξ of
//! the 4x4 transform the sum over input channels is a GEMM (tiles x c_in)·(c_in x c_out), so a
//! block of tiles is an input transform (adds only), 16 GEMMs on the packed microkernel, and an
//! output transform (adds only) with the bias and the clamp.
//!
//! The packed filter: U_ξ for ξ = 0..16, each packed as a GEMM's B (c_in x c_out, zero bias
//! row), then the bias (c_out values, zeros when absent). The input gradient is this forward on
//! the rotated filter (backward.rs); the filter gradient is F(3x3, 2x2), at the end of this file.

use super::backward::{dw_tile, Stretch};
use super::{pad_input, Conv2dParams};
use crate::gemm::{gemm, pack_weights, packed_weights_len, Epilogue, Strides, GEMM_INDIRECTION_LEN, NR};
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

/// The grid of 2x2 output tiles (the last row or column may stick out of the output) over the
/// padded copy of x they read: 2·tiles + 2 rows and columns, x at (pad_top, pad_left).
#[derive(Clone, Copy)]
struct Grid {
    /// The convolution over the padded copy.
    padded: Conv2dParams,
    tiles_h: usize,
    tiles_w: usize,
    out_h: usize,
    out_w: usize,
}

impl Grid {
    fn new(p: &Conv2dParams) -> Grid {
        let (tiles_h, tiles_w) = ((p.out_h as usize + 1) / 2, (p.out_w as usize + 1) / 2);
        let padded = Conv2dParams { in_h: 2 * tiles_h as u32 + 2, in_w: 2 * tiles_w as u32 + 2, pad_top: 0, pad_left: 0, ..*p };
        Grid { padded, tiles_h, tiles_w, out_h: p.out_h as usize, out_w: p.out_w as usize }
    }
    fn tiles(&self) -> usize {
        self.padded.batch as usize * self.tiles_h * self.tiles_w
    }
    /// (batch, tile row, tile column) of tile t.
    fn at(&self, t: usize) -> (usize, usize, usize) {
        (t / (self.tiles_h * self.tiles_w), t / self.tiles_w % self.tiles_h, t % self.tiles_w)
    }
    /// The pixel of the padded copy at tile t's window corner.
    fn corner(&self, t: usize) -> usize {
        let (b, ty, tx) = self.at(t);
        (b * self.padded.in_h as usize + 2 * ty) * self.padded.in_w as usize + 2 * tx
    }
    /// Tile t's first output pixel, and which of its pixels exist (`channels` apart).
    fn output(&self, t: usize, channels: usize) -> (usize, TileOut) {
        let (b, ty, tx) = self.at(t);
        let first = (b * self.out_h + 2 * ty) * self.out_w + 2 * tx;
        (first, TileOut { rows: 2.min(self.out_h - 2 * ty), cols: 2.min(self.out_w - 2 * tx), row_stride: self.out_w * channels })
    }
}

/// f32 scratch: the padded input, then a block's transformed inputs and GEMM outputs (which also
/// hold one transformed filter slice, c_in·c_out values, while packing).
pub fn scratch_floats(p: &Conv2dParams) -> usize {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    Grid::new(p).padded.input_len() + (16 * TILES * (cin + cout)).max(cin * cout)
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
    let grid = Grid::new(p);
    let q = grid.padded;
    assert!(packed.len() >= packed_len(p) && floats.len() >= scratch_floats(p) && pointers.len() >= SCRATCH_POINTERS, "conv2d_winograd: buffers too short");
    let (copy, rest) = floats.split_at_mut(q.input_len());
    pad_input(p, &q, x, copy);
    let (inputs, rest) = rest.split_at_mut(16 * TILES * cin);
    let products = &mut rest[..16 * TILES * cout];
    let slice = packed_weights_len(cin, cout);
    let bias = &packed[16 * slice..16 * slice + cout];
    for t0 in (0..grid.tiles()).step_by(TILES) {
        let count = TILES.min(grid.tiles() - t0);
        for t in 0..count {
            // SAFETY: the 4x4 window from the tile's corner lies inside the padded copy; the tile's
            // 16·cin values lie inside `inputs`.
            unsafe { transform_input::<V>(&copy[grid.corner(t0 + t) * cin..], q.in_w as usize * cin, cin, inputs[t * 16 * cin..].as_mut_ptr()) };
        }
        // Tile-major ([tile][ξ][channel]): each transform touches one contiguous run; a ξ-major layout
        // put its 16 slices a multiple of 4 KB apart, all in one L1 set.
        for xi in 0..16 {
            let a = &inputs[xi * cin..count * 16 * cin];
            let c = &mut products[xi * cout..count * 16 * cout];
            gemm::<V>(count, cout, cin, a, 16 * cin, &packed[xi * slice..(xi + 1) * slice], c, 16 * cout, Epilogue::store(Clamp::NONE), pointers);
        }
        for t in 0..count {
            let (first, out) = grid.output(t0 + t, cout);
            // SAFETY: the tile's existing output pixels lie inside y; its 16·cout products inside `products`.
            unsafe { transform_output::<V>(&products[t * 16 * cout..(t + 1) * 16 * cout], bias, clamp, y[first * cout..].as_mut_ptr(), out) };
        }
    }
}

/// T d Tᵀ for d the 4x4 window at `at` (rows `row_stride` apart, pixels `cin` apart), 4 channels
/// from c, where `t` applies T to one column: Bᵀ d B for the forward, F(3, 2)'s for the gradient.
/// Element [i][j] is position ξ = 4i + j.
///
/// # Safety
/// The window's 4 rows of 4 pixels, channels c..c + 4, are readable from `at`.
#[inline(always)]
unsafe fn transform_window<V: F32x4>(at: *const f32, row_stride: usize, cin: usize, c: usize, t: impl Fn([V; 4]) -> [V; 4]) -> [[V; 4]; 4] {
    let d = |r: usize, col: usize| V::load(at.add(r * row_stride + col * cin + c));
    let rows = [0, 1, 2, 3].map(|r| [d(r, 0), d(r, 1), d(r, 2), d(r, 3)]);
    // T d, column by column, then (T d) Tᵀ row by row.
    let cols = [0, 1, 2, 3].map(|col| t([rows[0][col], rows[1][col], rows[2][col], rows[3][col]]));
    [0, 1, 2, 3].map(|i| t(cols.map(|col| col[i])))
}

/// One tile's 16 transformed values per input channel: Bᵀ d B for d the 4x4 window at `corner`
/// (rows `row_stride` apart, pixels `cin` apart), written to `out` as [ξ][channel].
///
/// # Safety
/// `out` has 16·cin writable values.
#[inline(always)]
unsafe fn transform_input<V: F32x4>(corner: &[f32], row_stride: usize, cin: usize, out: *mut f32) {
    assert!(corner.len() >= 3 * row_stride + 4 * cin);
    for c in (0..cin).step_by(4) {
        let v = transform_window::<V>(corner.as_ptr(), row_stride, cin, c, bt);
        for (i, row) in v.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                v.store(out.add((4 * i + j) * cin + c));
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

/// One tile's outputs: clamp(bias + Aᵀ m A) for m the tile's 16 products, [ξ][channel].
///
/// # Safety
/// `y` holds the tile's pixels (`out`), bias.len() channels apart.
#[inline(always)]
unsafe fn transform_output<V: F32x4>(m: &[f32], bias: &[f32], clamp: Clamp, y: *mut f32, out: TileOut) {
    let cout = bias.len();
    assert!(m.len() >= 16 * cout && cout % 4 == 0);
    let (lo, hi) = (V::splat(clamp.min), V::splat(clamp.max));
    for c in (0..cout).step_by(4) {
        let v = |xi: usize| V::load(m.as_ptr().add(xi * cout + c));
        // Aᵀ m, column by column, then (Aᵀ m) A row by row.
        let cols = [0, 1, 2, 3].map(|j| at([v(j), v(4 + j), v(8 + j), v(12 + j)]));
        let b = V::load(bias.as_ptr().add(c));
        for r in 0..out.rows {
            let pair = at(cols.map(|col| col[r]));
            for (col, value) in pair.iter().enumerate().take(out.cols) {
                value.add(b).clamp(lo, hi).store(y.add(r * out.row_stride + col * cout + c));
            }
        }
    }
}

// ---- the filter gradient ---------------------------------------------------------------------
//
// dW[a][b] = Σ over output pixels of x_padded[oy + a][ox + b] · dy[oy][ox]. Over one 2x2 tile of
// output pixels that is a 4x4 window d of x correlated with the tile's 2x2 dy g, a 3x3 result:
// F(3x3, 2x2) = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A with the matrices below. Summed over tiles, each of
// the 16 positions ξ is a product (c_in x tiles)·(tiles x c_out), accumulated block by block of
// tiles into 16 c_in x c_out sums, which the output transform turns into the 3x3 taps. Both
// operands are written as the filter-gradient kernel (`dw_tile`) reads them, each with vector
// stores: x's in panels of 4 channels ([ξ][c_in/4][tile][4]), dy's as packed GEMM panels.

/// Tiles per block: the products' depth.
const BWD_TILES: usize = 256;

/// Most f32 values of the 16 c_in x c_out sums (16 MiB: 512 x 512 channels).
const MAX_SUMS: usize = 4 << 20;

/// Whether the filter gradient takes F(3x3, 2x2): as `applies`, while its sums stay within
/// MAX_SUMS. Wider layers take the direct kernel, whose scratch does not grow with c_in·c_out.
pub fn applies_to_filter_gradient(p: &Conv2dParams) -> bool {
    applies(p) && 16 * p.in_c as usize * p.out_c as usize <= MAX_SUMS
}

/// f32 scratch for `conv2d_winograd_bwd_filter`.
pub fn bwd_filter_scratch(p: &Conv2dParams) -> usize {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    Grid::new(p).padded.input_len() + 16 * cin * BWD_TILES + 16 * packed_weights_len(BWD_TILES, cout) + 16 * cin * cout
}

/// Bᵀ of F(3, 2): [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 −1 0 1].
#[inline(always)]
fn bt_grad<V: F32x4>(a: [V; 4]) -> [V; 4] {
    [a[0].sub(a[2]), a[1].add(a[2]), a[2].sub(a[1]), a[3].sub(a[1])]
}

/// G of F(3, 2): [1 0; ½ ½; ½ −½; 0 1].
#[inline(always)]
fn g_grad<V: F32x4>(a: [V; 2]) -> [V; 4] {
    let half = V::splat(0.5);
    [a[0], a[0].add(a[1]).mul(half), a[0].sub(a[1]).mul(half), a[1]]
}

/// Aᵀ of F(3, 2): [1 1 1 0; 0 1 −1 0; 0 1 1 1].
#[inline(always)]
fn at_grad<V: F32x4>(a: [V; 4]) -> [V; 3] {
    let middle = a[1].add(a[2]);
    [a[0].add(middle), a[1].sub(a[2]), middle.add(a[3])]
}

/// dW (3, 3, c_in, c_out) = ∂L/∂filter from x and dy, for the geometries `applies` accepts.
pub(super) fn conv2d_winograd_bwd_filter<V: F32x4>(p: &Conv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32], floats: &mut [f32]) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dfilter.len() >= p.filter_len() && floats.len() >= bwd_filter_scratch(p), "conv2d_winograd_bwd_filter: buffers too short");
    let grid = Grid::new(p);
    let q = grid.padded;
    let (copy, rest) = floats.split_at_mut(q.input_len());
    pad_input(p, &q, x, copy);
    let (xp, rest) = rest.split_at_mut(16 * cin * BWD_TILES);
    let (dyp, rest) = rest.split_at_mut(16 * packed_weights_len(BWD_TILES, cout));
    let sums = &mut rest[..16 * cin * cout];
    sums.iter_mut().for_each(|v| *v = 0.0);
    for t0 in (0..grid.tiles()).step_by(BWD_TILES) {
        let count = BWD_TILES.min(grid.tiles() - t0);
        let slice = packed_weights_len(count, cout);
        clear_panel_padding(cout, count, &mut dyp[..16 * slice]);
        for t in 0..count {
            // SAFETY: the window lies inside the padded copy; t < BWD_TILES.
            unsafe { transform_x_panels::<V>(&copy[grid.corner(t0 + t) * cin..], q.in_w as usize * cin, cin, t, xp.as_mut_ptr()) };
            let (first, tile) = grid.output(t0 + t, cout);
            transform_dy_packed::<V>(&dy[first * cout..], tile, cout, t, count, &mut dyp[..16 * slice]);
        }
        let tiles_run = Stretch { step: 4, width: count };
        let panel_len = NR * (count + 1);
        for xi in 0..16 {
            for cb in 0..cin / 4 {
                let panel = [xp[(xi * cin + 4 * cb) * BWD_TILES..].as_ptr()];
                for co in (0..cout).step_by(NR) {
                    let w = &dyp[xi * slice + co / NR * panel_len + NR..xi * slice + (co / NR + 1) * panel_len];
                    let c = &mut sums[xi * cin * cout + 4 * cb * cout + co..];
                    // SAFETY: the x panel holds count rows of 4 values; w holds count rows of NR;
                    // c has 4 rows of NR.min(cout − co) values at stride cout.
                    unsafe { dw_tile::<V>(4, NR.min(cout - co), &tiles_run, 0, count, panel.as_ptr(), 0, w.as_ptr(), c.as_mut_ptr(), cout) };
                }
            }
        }
    }
    transform_sums::<V>(sums, cin, cout, dfilter);
}

/// Zeros what the dy transform never writes in a block's 16 packed slices of k = count rows: each
/// panel's bias row, and the lanes past c_out of the last panel.
fn clear_panel_padding(cout: usize, count: usize, dyp: &mut [f32]) {
    let panel_len = NR * (count + 1);
    for panel in dyp.chunks_exact_mut(panel_len) {
        panel[..NR].iter_mut().for_each(|v| *v = 0.0);
    }
    if cout % NR != 0 {
        let last = cout / NR;
        for slice in dyp.chunks_exact_mut(packed_weights_len(count, cout)) {
            for row in slice[last * panel_len + NR..(last + 1) * panel_len].chunks_exact_mut(NR) {
                row[cout % NR..].iter_mut().for_each(|v| *v = 0.0);
            }
        }
    }
}

/// Bᵀ d B (F(3, 2)'s Bᵀ) of one tile's 4x4 window of x, in panels of 4 channels: value (ξ, channel
/// ci) of tile t goes to xp[(ξ·c_in + ci − ci % 4)·BWD_TILES + 4·t + ci % 4].
///
/// # Safety
/// `xp` has 16·c_in·BWD_TILES writable values and t < BWD_TILES.
#[inline(always)]
unsafe fn transform_x_panels<V: F32x4>(corner: &[f32], row_stride: usize, cin: usize, t: usize, xp: *mut f32) {
    assert!(corner.len() >= 3 * row_stride + 4 * cin);
    for c in (0..cin).step_by(4) {
        let v = transform_window::<V>(corner.as_ptr(), row_stride, cin, c, bt_grad);
        for (i, row) in v.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                v.store(xp.add(((4 * i + j) * cin + c) * BWD_TILES + 4 * t));
            }
        }
    }
}

/// G g Gᵀ of one tile's 2x2 dy (zeros past the output's edge), written into the block's 16 packed
/// slices (k = count rows): channel co of tile t at panel co/NR, row t, lane co % NR.
fn transform_dy_packed<V: F32x4>(dy: &[f32], tile: TileOut, cout: usize, t: usize, count: usize, dyp: &mut [f32]) {
    let (panel_len, slice) = (NR * (count + 1), packed_weights_len(count, cout));
    let zero = V::splat(0.0);
    for c in (0..cout).step_by(4) {
        let g = |r: usize, col: usize| {
            if r < tile.rows && col < tile.cols {
                // SAFETY: the pixel is inside the output and c + 4 <= cout.
                unsafe { V::load(dy.as_ptr().add(r * tile.row_stride + col * cout + c)) }
            } else {
                zero
            }
        };
        let cols = [0, 1].map(|col| g_grad([g(0, col), g(1, col)]));
        let at = (c / NR) * panel_len + NR * (1 + t) + c % NR;
        for i in 0..4 {
            for (j, v) in g_grad(cols.map(|col| col[i])).iter().enumerate() {
                let to = (4 * i + j) * slice + at;
                // SAFETY: to + 4 lies inside the ξ's slice (row t < count, lanes c % NR + 4 <= NR).
                unsafe { v.store(dyp[to..to + 4].as_mut_ptr()) };
            }
        }
    }
}

/// dW taps from the 16 sums: Aᵀ m A (3x3) for each (c_in, c_out).
fn transform_sums<V: F32x4>(sums: &[f32], cin: usize, cout: usize, dfilter: &mut [f32]) {
    let len = cin * cout;
    assert!(sums.len() >= 16 * len && dfilter.len() >= 9 * len && cout % 4 == 0);
    for e in (0..len).step_by(4) {
        // SAFETY: e + 4 <= len (c_out is a multiple of 4).
        let m = |xi: usize| unsafe { V::load(sums.as_ptr().add(xi * len + e)) };
        let cols = [0, 1, 2, 3].map(|j| at_grad([m(j), m(4 + j), m(8 + j), m(12 + j)]));
        for r in 0..3 {
            for (col, v) in at_grad(cols.map(|c| c[r])).iter().enumerate() {
                // SAFETY: (3r + col)·len + e + 4 <= 9·len.
                unsafe { v.store(dfilter.as_mut_ptr().add((3 * r + col) * len + e)) };
            }
        }
    }
}
