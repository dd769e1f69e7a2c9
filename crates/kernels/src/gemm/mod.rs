//! Packed GEMM and indirect GEMM (IGEMM), row-major f32.
//!
//! C[m x n] = clamp(bias + A[m x k] · B[k x n]).
//! B (the weights) is packed once per call into NR-wide panels: each panel holds NR bias values,
//! then k rows of NR values, zero-padded past n, so the microkernel starts its accumulators from
//! the bias and walks the panel linearly.
//! The microkernel reads A through an indirection buffer of pointers, `ks` taps per output row,
//! each tap a contiguous run of `kc` values (Dukhan 2019, arXiv 1907.02129). Plain GEMM is
//! ks = 1, kc = k; an NHWC convolution is ks = kh·kw taps of kc = c_in channels.
//! The indirection buffer is laid out per block of MR output rows: [block][tap][MR].
//! Plain GEMM also packs A, per chunk and k-block, as [block][k][MR] (`pack_a`): the tile's MR
//! values of one k sit together, so the microkernel reads them through one pointer at fixed
//! offsets instead of through MR pointers.
//! Deep k is cut into k-blocks of at most KC (whole taps, or one tap's channel range): each block
//! sweeps every panel and row block, the tile starting from the bias (first block) or from C.

use crate::simd::F32x4;
use crate::Clamp;
use std::cell::UnsafeCell;

pub const MR: usize = 4;
pub const NR: usize = 8;
/// Output rows per chunk: a chunk's A rows stay in L2 while each B panel (in L1) sweeps them.
pub const MC: usize = 64;

/// What happens to a finished tile: added to what C holds (or overwriting it), then clamped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Epilogue {
    pub accumulate: bool,
    pub clamp: Clamp,
}

impl Epilogue {
    pub fn store(clamp: Clamp) -> Epilogue {
        Epilogue { accumulate: false, clamp }
    }
    pub const ACCUMULATE: Epilogue = Epilogue { accumulate: true, clamp: Clamp::NONE };
}

pub fn round_up(x: usize, to: usize) -> usize {
    (x + to - 1) / to * to
}

/// Element (row r, col j) of a matrix lives at `r * row_stride + j * col_stride`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strides {
    pub row: usize,
    pub col: usize,
}

impl Strides {
    pub fn row_major(cols: usize) -> Strides {
        Strides { row: cols, col: 1 }
    }
    /// The layout of B when B is given transposed, as an (n x k) row-major matrix.
    pub fn transposed(rows: usize) -> Strides {
        Strides { row: 1, col: rows }
    }
}

pub fn packed_weights_len(k: usize, n: usize) -> usize {
    round_up(n, NR) * (k + 1)
}

/// Packs B (k x n, any strides) and an optional bias (n) into NR-wide panels.
pub fn pack_weights(k: usize, n: usize, b: &[f32], strides: Strides, bias: Option<&[f32]>, packed: &mut [f32]) {
    let src = PackSource { k, n, b, strides, bias };
    let panel_len = NR * (k + 1);
    for (p, panel) in packed[..packed_weights_len(k, n)].chunks_exact_mut(panel_len).enumerate() {
        pack_panel(&src, p, 0, k, true, panel);
    }
}

/// Unpacked weights (B, k x n, and the bias) for packing each panel slice just before its first
/// use, so the separate packing pass and its read-back from L3 go away.
#[derive(Clone, Copy, Debug)]
pub struct PackSource<'a> {
    pub k: usize,
    pub n: usize,
    pub b: &'a [f32],
    pub strides: Strides,
    pub bias: Option<&'a [f32]>,
}

/// `pack_panel` for panels p .. p + count, the common case row by row across the panels.
fn pack_panels(src: &PackSource, p: usize, count: usize, r0: usize, r1: usize, with_bias: bool, panels: &mut [f32]) {
    let panel_len = NR * (src.k + 1);
    if count == 2 && src.strides.col == 1 && (p + 2) * NR <= src.n {
        let (first, second) = panels.split_at_mut(panel_len);
        pack_panel(src, p, r0, r0, with_bias, first);
        pack_panel(src, p + 1, r0, r0, with_bias, second);
        let (b, row_stride, j0) = (src.b, src.strides.row, p * NR);
        let (rows0, rows1) = (&mut first[NR * (1 + r0)..NR * (1 + r1)], &mut second[NR * (1 + r0)..NR * (1 + r1)]);
        for (r, (o0, o1)) in rows0.chunks_exact_mut(NR).zip(rows1.chunks_exact_mut(NR)).enumerate() {
            let start = (r0 + r) * row_stride + j0;
            let run = &b[start..start + 2 * NR];
            o0.copy_from_slice(&run[..NR]);
            o1.copy_from_slice(&run[NR..]);
        }
        return;
    }
    for (i, panel) in panels.chunks_exact_mut(panel_len).take(count).enumerate() {
        pack_panel(src, p + i, r0, r1, with_bias, panel);
    }
}

/// Writes k-rows r0..r1 of panel p (and its bias row when `with_bias`) into `panel`, the panel's
/// NR·(k + 1) values of the packed buffer.
fn pack_panel(src: &PackSource, p: usize, r0: usize, r1: usize, with_bias: bool, panel: &mut [f32]) {
    let (b, strides) = (src.b, src.strides);
    let j0 = p * NR;
    let cols = NR.min(src.n - j0);
    let (bias_row, rows) = panel.split_at_mut(NR);
    if with_bias {
        for (jj, out) in bias_row.iter_mut().enumerate() {
            *out = match src.bias {
                Some(bias) if jj < cols => bias[j0 + jj],
                _ => 0.0,
            };
        }
    }
    let rows = &mut rows[r0 * NR..r1 * NR];
    if cols == NR && strides.col == 1 {
        // The common case (a row-major filter, a full panel): whole 8-value runs.
        for (r, row) in rows.chunks_exact_mut(NR).enumerate() {
            let start = (r0 + r) * strides.row + j0;
            row.copy_from_slice(&b[start..start + NR]);
        }
        return;
    }
    for (r, row) in rows.chunks_exact_mut(NR).enumerate() {
        for (jj, out) in row.iter_mut().enumerate() {
            *out = if jj < cols { b[(r0 + r) * strides.row + (j0 + jj) * strides.col] } else { 0.0 };
        }
    }
}

/// How one microkernel call starts and ends its tile: from the packed bias (first k-block) and/or
/// what C holds (accumulating, or a later k-block), clamped only after the last k-block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tile {
    pub bias: bool,
    pub accumulate: bool,
    pub clamp: Clamp,
}

/// The 4x8 IGEMM microkernel: C[mr x nc] = clamp(bias + Σ_tap Σ_kc A·W (+ C)) for one MR-row block and
/// one NR-column panel. Rows past `mr` are computed from duplicated pointers and not stored.
/// Each of the ks·MR pointers is read at elements `a_off .. a_off + kc`; `w` points at the first of
/// the ks·kc packed k-rows used, `bias` at the panel's bias row (read when `tile.bias`).
///
/// # Safety
/// `a` holds ks·MR pointers, each to a_off + kc readable f32; `w` holds ks·kc rows of NR f32;
/// `c` has `mr` rows of `nc` writable f32 at stride `c_stride`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn igemm_4x8<V: F32x4>(
    mr: usize,
    nc: usize,
    kc: usize,
    ks: usize,
    a: *const *const f32,
    a_off: usize,
    bias: *const f32,
    w: *const f32,
    c: *mut f32,
    c_stride: usize,
    tile: Tile,
) {
    let mut w = w;
    let (bias0, bias1) = if tile.bias { (V::load(bias), V::load(bias.add(4))) } else { (V::splat(0.0), V::splat(0.0)) };
    let mut acc = [[bias0, bias1]; MR];
    let mut a = a;
    for _ in 0..ks {
        let mut rows = [(*a).add(a_off), (*a.add(1)).add(a_off), (*a.add(2)).add(a_off), (*a.add(3)).add(a_off)];
        a = a.add(MR);
        // Not unrolled: unrolling by 4 made V8 spill accumulators (1.3-1.6x slower, measured).
        // Counted by w against its end rather than by a counter, which V8 kept in a stack slot
        // (one reload and one add fewer per step; 1x1 rows 1.03-1.05x, A/B).
        let w_end = w.add(kc * NR);
        while w != w_end {
            tile_step::<V>(&mut acc, rows, w);
            w = w.add(NR);
            rows = rows.map(|row| row.add(1));
        }
    }
    store_tile::<V>(&acc, mr, nc, c, c_stride, tile);
}

/// `igemm_4x8` for A packed by `pack_a`: the kc·MR values at `a`, the tile's MR values of each k
/// together, read through one pointer. Same sums as `igemm_4x8` with ks = 1. Its splat loads
/// carry their offsets only after the build's post-pass (scripts/build-wasm.mjs); LLVM 14 adds
/// them to the pointer instead. Measured (A/B of two builds in one page or process), against the
/// 4-pointer `igemm_4x8`: Firefox 153 1x1 and Winograd rows 1.32-1.47x faster with the offsets
/// folded, unchanged without; Chromium 1.00-1.13x; Node 1.03-1.1x. Inlined on purpose: out of line
/// (kept so through wasm-opt), Node ran those rows 6-16% slower. Firefox's speed of this same loop
/// moved 1.3-1.45x with changes elsewhere in `igemm_chunk_impl` (packing A for the convolutions'
/// IGEMM too), so re-measure Firefox after changing the code around it.
///
/// # Safety
/// `a` holds kc·MR readable f32, `w` kc rows of NR; `c` as for `igemm_4x8` with mr = MR.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_4x8_packed<V: F32x4>(nc: usize, kc: usize, a: *const f32, bias: *const f32, w: *const f32, c: *mut f32, c_stride: usize, tile: Tile) {
    let (bias0, bias1) = if tile.bias { (V::load(bias), V::load(bias.add(4))) } else { (V::splat(0.0), V::splat(0.0)) };
    let mut acc = [[bias0, bias1]; MR];
    let (mut a, mut w) = (a, w);
    let a_end = a.add(kc * MR);
    while a != a_end {
        tile_step::<V>(&mut acc, [a, a.add(1), a.add(2), a.add(3)], w);
        a = a.add(MR);
        w = w.add(NR);
    }
    store_tile::<V>(&acc, MR, nc, c, c_stride, tile);
}

/// Writes rows 0..mr, columns 0..nc of a finished tile to C: added to what C holds when
/// accumulating, then clamped.
///
/// # Safety
/// `c` has `mr` rows of `nc` writable f32 at stride `c_stride`.
#[inline(always)]
unsafe fn store_tile<V: F32x4>(acc: &[[V; 2]; MR], mr: usize, nc: usize, c: *mut f32, c_stride: usize, tile: Tile) {
    let (lo, hi) = (V::splat(tile.clamp.min), V::splat(tile.clamp.max));
    for (r, row) in acc.iter().enumerate().take(mr) {
        let dst = c.add(r * c_stride);
        let (mut v0, mut v1) = (row[0], row[1]);
        if tile.accumulate {
            let [p0, p1] = load_row::<V>(dst, nc);
            v0 = v0.add(p0);
            v1 = v1.add(p1);
        }
        let (v0, v1) = (v0.clamp(lo, hi), v1.clamp(lo, hi));
        if nc == NR {
            v0.store(dst);
            v1.store(dst.add(4));
        } else {
            let lanes = [v0.to_array(), v1.to_array()];
            for j in 0..nc {
                *dst.add(j) = lanes[j / 4][j % 4];
            }
        }
    }
}

/// Copies values off..off + kc of each full block of MR rows into `out` as [block][k][MR].
///
/// # Safety
/// Each of `rows` (a whole number of blocks) points to off + kc readable f32; `out` holds
/// rows.len()·kc writable f32.
unsafe fn pack_a<V: F32x4>(rows: &[*const f32], off: usize, kc: usize, out: *mut f32) {
    for (b, block) in rows.chunks_exact(MR).enumerate() {
        let src = [block[0].add(off), block[1].add(off), block[2].add(off), block[3].add(off)];
        let dst = out.add(b * kc * MR);
        let whole = kc / 4 * 4;
        for k in (0..whole).step_by(4) {
            let columns = V::transpose(src.map(|row| V::load(row.add(k))));
            for (i, column) in columns.iter().enumerate() {
                column.store(dst.add((k + i) * MR));
            }
        }
        for k in whole..kc {
            for (r, row) in src.iter().enumerate() {
                *dst.add(k * MR + r) = *row.add(k);
            }
        }
    }
}

/// One k step of a 4x8 tile: row r of `acc` += the value at `rows[r]` times the NR weights at `w`.
/// The step of both `igemm_4x8` and the filter gradient's `dw_tile`.
///
/// # Safety
/// Each of `rows` points to 1 readable f32, `w` to NR.
#[inline(always)]
pub unsafe fn tile_step<V: F32x4>(acc: &mut [[V; 2]; MR], rows: [*const f32; MR], w: *const f32) {
    let (b0, b1) = (V::load(w), V::load(w.add(4)));
    for (c, row) in acc.iter_mut().zip(rows) {
        let v = V::load_splat(row);
        c[0] = c[0].add(v.mul(b0));
        c[1] = c[1].add(v.mul(b1));
    }
}

/// One output row of `igemm_4x8` (the pointers of its taps at stride MR from `a`): the tail of
/// a chunk whose rows are not a multiple of MR (49 pixels of a 7x7 layer: 12 tiles and 1 row,
/// instead of 13 tiles of which the last computes 3 rows for nothing). Same sums as `igemm_4x8`.
///
/// # Safety
/// As `igemm_4x8` for one row.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn igemm_1x8<V: F32x4>(nc: usize, kc: usize, ks: usize, a: *const *const f32, a_off: usize, bias: *const f32, w: *const f32, c: *mut f32, tile: Tile) {
    let mut w = w;
    let (mut c0, mut c1) = if tile.bias { (V::load(bias), V::load(bias.add(4))) } else { (V::splat(0.0), V::splat(0.0)) };
    for t in 0..ks {
        let mut a0 = (*a.add(t * MR)).add(a_off);
        let w_end = w.add(kc * NR);
        while w != w_end {
            let v0 = V::load_splat(a0);
            c0 = c0.add(v0.mul(V::load(w)));
            c1 = c1.add(v0.mul(V::load(w.add(4))));
            w = w.add(NR);
            a0 = a0.add(1);
        }
    }
    let (lo, hi) = (V::splat(tile.clamp.min), V::splat(tile.clamp.max));
    if tile.accumulate {
        let [p0, p1] = load_row::<V>(c, nc);
        c0 = c0.add(p0);
        c1 = c1.add(p1);
    }
    let (v0, v1) = (c0.clamp(lo, hi), c1.clamp(lo, hi));
    if nc == NR {
        v0.store(c);
        v1.store(c.add(4));
    } else {
        let lanes = [v0.to_array(), v1.to_array()];
        for j in 0..nc {
            *c.add(j) = lanes[j / 4][j % 4];
        }
    }
}

/// The first `nc` values of a C row as two vectors, zeros past nc.
#[inline(always)]
unsafe fn load_row<V: F32x4>(src: *const f32, nc: usize) -> [V; 2] {
    if nc == NR {
        return [V::load(src), V::load(src.add(4))];
    }
    let mut row = [0.0f32; NR];
    for (j, v) in row.iter_mut().enumerate().take(nc) {
        *v = *src.add(j);
    }
    [V::load(row.as_ptr()), V::load(row.as_ptr().add(4))]
}

/// Longest k-block: a KC x NR slice of a weight panel (18 KB) stays in L1 while every row block of
/// the chunk sweeps it, instead of the whole panel streaming from L2/L3 once per row block when k
/// is large (3x3x512: 147 KB panels). Measured (A/B in one process, CPU time): 7x7x512 3x3 and
/// 7x7x1024 1x1 1.2-1.25x faster; KC = 256 also splits the mid-size rows and loses ~5% there.
/// 576 rather than 512 keeps 3x3x64 (k = 576, e.g. the small CNN's conv2 dx) in one block instead
/// of two (2 taps + 1): that dx 1.06-1.11x; the forward conv rows unchanged within noise.
pub const KC: usize = 576;

/// The k-blocks of an IGEMM over ks taps of kc values: whole taps grouped up to KC values when
/// kc <= KC, else one tap split into near-equal channel ranges; no block is longer than KC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KBlocks {
    taps_per_block: usize,
    splits: usize,
    ks: usize,
    kc: usize,
}

impl KBlocks {
    pub fn new(kc: usize, ks: usize) -> KBlocks {
        if kc > KC {
            KBlocks { taps_per_block: 1, splits: (kc + KC - 1) / KC, ks, kc }
        } else {
            // As many whole taps as fit in KC, spread evenly over the fewest blocks.
            let fit = (KC / kc.max(1)).max(1);
            let blocks = (ks + fit - 1) / fit;
            KBlocks { taps_per_block: (ks + blocks.max(1) - 1) / blocks.max(1), splits: 1, ks, kc }
        }
    }
    pub fn count(&self) -> usize {
        (self.ks + self.taps_per_block - 1) / self.taps_per_block * self.splits
    }
    /// Block b: (first tap, taps, first channel, channels).
    pub fn get(&self, b: usize) -> (usize, usize, usize, usize) {
        let (group, split) = (b / self.splits, b % self.splits);
        let t0 = group * self.taps_per_block;
        let (c0, c1) = (split * self.kc / self.splits, (split + 1) * self.kc / self.splits);
        (t0, self.taps_per_block.min(self.ks - t0), c0, c1 - c0)
    }
}

/// One chunk of up to MC output rows against every panel of B, k-block by k-block.
///
/// # Safety
/// `indirection` holds ceil(m/MR)·ks·MR valid pointers, each to kc readable f32; `packed` holds
/// the packed weights for k = ks·kc and n; `c` has m rows of n writable f32 at stride `c_stride`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn igemm_chunk<V: F32x4>(
    m: usize,
    n: usize,
    kc: usize,
    ks: usize,
    indirection: &[*const f32],
    packed: &[f32],
    c: *mut f32,
    c_stride: usize,
    out: Epilogue,
) {
    debug_assert!(packed.len() >= packed_weights_len(ks * kc, n));
    igemm_chunk_impl::<V>(m, n, kc, ks, indirection, None, packed.as_ptr() as *mut f32, None, c, c_stride, out)
}

/// As `igemm_chunk`, packing `src` into `packed` panel slice by panel slice as the chunk first
/// uses it (the first chunk of a call; later chunks read `packed` through `igemm_chunk`).
///
/// # Safety
/// As `igemm_chunk`; `src` describes k = ks·kc rows and n columns.
#[allow(clippy::too_many_arguments)]
pub unsafe fn igemm_chunk_packing<V: F32x4>(
    m: usize,
    n: usize,
    kc: usize,
    ks: usize,
    indirection: &[*const f32],
    packed: &mut [f32],
    src: &PackSource,
    c: *mut f32,
    c_stride: usize,
    out: Epilogue,
) {
    assert!(packed.len() >= packed_weights_len(ks * kc, n) && src.k == ks * kc && src.n == n, "igemm_chunk_packing: shapes");
    igemm_chunk_impl::<V>(m, n, kc, ks, indirection, None, packed.as_mut_ptr(), Some(src), c, c_stride, out)
}

/// With `a_pack` (ks = 1 only), each k-block first packs the full row blocks' A into it
/// (`pack_a`; MC·KC values are enough) and the microkernel reads A from there.
///
/// # Safety
/// As `igemm_chunk`; `packed` is written only when `src` is given.
#[allow(clippy::too_many_arguments)]
unsafe fn igemm_chunk_impl<V: F32x4>(
    m: usize,
    n: usize,
    kc: usize,
    ks: usize,
    indirection: &[*const f32],
    a_pack: Option<*mut f32>,
    packed: *mut f32,
    src: Option<&PackSource>,
    c: *mut f32,
    c_stride: usize,
    out: Epilogue,
) {
    let panel_len = NR * (1 + ks * kc);
    let blocks = (m + MR - 1) / MR;
    debug_assert!(indirection.len() >= blocks * ks * MR);
    let kblocks = KBlocks::new(kc, ks);
    let count = kblocks.count();
    for kb in 0..count {
        let (t0, taps, c0, cs) = kblocks.get(kb);
        let tile = Tile {
            bias: kb == 0,
            accumulate: kb > 0 || out.accumulate,
            clamp: if kb + 1 == count { out.clamp } else { Clamp::NONE },
        };
        let a = indirection.as_ptr().add(t0 * MR);
        let first_row = t0 * kc + c0;
        let w = packed.add(NR * (1 + first_row));
        // The k-block's rows are contiguous: whole taps (cs = kc) or one tap's channel range.
        let pack = src.map(|src| (src, first_row, first_row + taps * cs, kb == 0));
        if let Some(buffer) = a_pack {
            debug_assert!(ks == 1 && m <= MC && cs <= KC);
            pack_a::<V>(&indirection[..m / MR * MR], c0, cs, buffer);
        }
        let rows = BlockRows { a, block_stride: ks * MR, a_off: c0, packed: a_pack.map(|p| p as *const f32) };
        igemm_kblock::<V>(m, n, cs, taps, rows, packed, w, panel_len, c, c_stride, tile, pack);
    }
}

/// Where a k-block's microkernels read A: through the indirection buffer (`a`, the block-0
/// pointers of the k-block's first tap, the next row block's `block_stride` pointers on, each
/// read from element `a_off`), or, when `packed` is given, the full row blocks from there
/// (`pack_a`'s layout for this k-block) and only a last partial block through `a`.
#[derive(Clone, Copy, Debug)]
struct BlockRows {
    a: *const *const f32,
    block_stride: usize,
    a_off: usize,
    packed: Option<*const f32>,
}

/// One k-block of a chunk: every panel against every row block. Kept out of line so that the hot
/// loop compiles as it did before k-blocking (inlined into the k-block loop it ran ~5% slower).
/// With `pack` = (source, first row, end row, bias), each panel's rows of this k-block (and its
/// bias row) are packed just before the row blocks sweep them.
///
/// # Safety
/// As `igemm_chunk`, with `rows` as `BlockRows` states; `w` is panel 0's first k-row of the block.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn igemm_kblock<V: F32x4>(
    m: usize,
    n: usize,
    kc: usize,
    ks: usize,
    rows: BlockRows,
    panels: *mut f32,
    w: *const f32,
    panel_len: usize,
    c: *mut f32,
    c_stride: usize,
    tile: Tile,
    pack: Option<(&PackSource, usize, usize, bool)>,
) {
    let full_blocks = m / MR;
    for j in (0..n).step_by(NR) {
        let p = j / NR * panel_len;
        if let Some((src, r0, r1, bias)) = pack {
            // Panels in pairs: each source row then gives one whole 64-byte line (two 8-value runs).
            if j % (2 * NR) == 0 {
                let pair = if j + NR < n { 2 } else { 1 };
                pack_panels(src, j / NR, pair, r0, r1, bias, std::slice::from_raw_parts_mut(panels.add(p), pair * panel_len));
            }
        }
        let (a, a_off) = (rows.a, rows.a_off);
        for block in 0..full_blocks {
            let (c, nc) = (c.add(block * MR * c_stride + j), NR.min(n - j));
            match rows.packed {
                Some(packed) => gemm_4x8_packed::<V>(nc, kc, packed.add(block * kc * MR), panels.add(p), w.add(p), c, c_stride, tile),
                None => igemm_4x8::<V>(MR, nc, kc, ks, a.add(block * rows.block_stride), a_off, panels.add(p), w.add(p), c, c_stride, tile),
            }
        }
        // A last block of 1-3 rows runs row by row instead of as a padded 4-row tile.
        for r in full_blocks * MR..m {
            let a = a.add(full_blocks * rows.block_stride + r % MR);
            igemm_1x8::<V>(NR.min(n - j), kc, ks, a, a_off, panels.add(p), w.add(p), c.add(r * c_stride + j), tile);
        }
    }
}

thread_local! {
    /// `gemm`'s packed A: one chunk's k-block (`pack_a`), 144 KB, in static memory rather than
    /// the callers' scratch so that no call can fail to get it.
    static A_PACK: UnsafeCell<[f32; MC * KC]> = const { UnsafeCell::new([0.0; MC * KC]) };
}

/// Scratch pointers needed by `gemm` (one chunk of row pointers).
pub const GEMM_INDIRECTION_LEN: usize = MC;

/// C[m x n] = clamp(packed bias + A · B (+ C when accumulating)) with A row-major at row stride
/// `a_stride` and B packed. `rows` is scratch for GEMM_INDIRECTION_LEN pointers.
#[allow(clippy::too_many_arguments)]
pub fn gemm<V: F32x4>(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    a_stride: usize,
    packed: &[f32],
    c: &mut [f32],
    c_stride: usize,
    out: Epilogue,
    rows: &mut [*const f32],
) {
    assert!(packed.len() >= packed_weights_len(k, n), "gemm: packed B too short");
    gemm_impl::<V>(m, n, k, a, a_stride, packed.as_ptr() as *mut f32, None, c, c_stride, out, rows)
}

/// As `gemm`, with B given unpacked in `src` and packed into `packed` while the first chunk runs.
#[allow(clippy::too_many_arguments)]
pub fn gemm_packing<V: F32x4>(
    m: usize,
    a: &[f32],
    a_stride: usize,
    src: &PackSource,
    packed: &mut [f32],
    c: &mut [f32],
    c_stride: usize,
    out: Epilogue,
    rows: &mut [*const f32],
) {
    let (n, k) = (src.n, src.k);
    assert!(packed.len() >= packed_weights_len(k, n), "gemm: packed B too short");
    gemm_impl::<V>(m, n, k, a, a_stride, packed.as_mut_ptr(), Some(src), c, c_stride, out, rows)
}

#[allow(clippy::too_many_arguments)]
fn gemm_impl<V: F32x4>(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    a_stride: usize,
    packed: *mut f32,
    src: Option<&PackSource>,
    c: &mut [f32],
    c_stride: usize,
    out: Epilogue,
    rows: &mut [*const f32],
) {
    if m == 0 || n == 0 {
        return;
    }
    assert!(m == 0 || a.len() >= (m - 1) * a_stride + k, "gemm: A too short");
    assert!(c.len() >= (m - 1) * c_stride + n, "gemm: C too short");
    for m0 in (0..m).step_by(MC) {
        let mc = MC.min(m - m0);
        let padded = round_up(mc, MR);
        for (r, ptr) in rows[..padded].iter_mut().enumerate() {
            // Rows past the end repeat the last row: computed, never stored.
            *ptr = a[(m0 + r.min(mc - 1)) * a_stride..].as_ptr();
        }
        // SAFETY: every pointer addresses a full row of k values; C was bounds-checked above; the
        // packed buffer (checked by the callers) is written only by the first chunk, when packing.
        unsafe {
            let pack = if m0 == 0 { src } else { None };
            let c = c.as_mut_ptr().add(m0 * c_stride);
            A_PACK.with(|a_pack| igemm_chunk_impl::<V>(mc, n, k, 1, &rows[..padded], Some(a_pack.get() as *mut f32), packed, pack, c, c_stride, out));
        }
    }
}
