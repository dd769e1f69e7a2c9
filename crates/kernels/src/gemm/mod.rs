//! Packed GEMM and indirect GEMM (IGEMM), row-major f32.
//!
//! C[m x n] = clamp(bias + A[m x k] · B[k x n]).
//! B (the weights) is packed once per call into NR-wide panels: each panel holds NR bias values,
//! then k rows of NR values, zero-padded past n, so the microkernel starts its accumulators from
//! the bias and walks the panel linearly.
//! A is never packed: the microkernel reads it through an indirection buffer of pointers, `ks`
//! taps per output row, each tap a contiguous run of `kc` values (Dukhan 2019, arXiv 1907.02129).
//! Plain GEMM is ks = 1, kc = k; an NHWC convolution is ks = kh·kw taps of kc = c_in channels.
//! The indirection buffer is laid out per block of MR output rows: [block][tap][MR].

use crate::simd::F32x4;
use crate::Clamp;

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
    let panel_len = NR * (k + 1);
    for (p, panel) in packed[..packed_weights_len(k, n)].chunks_exact_mut(panel_len).enumerate() {
        let j0 = p * NR;
        let cols = NR.min(n - j0);
        let (bias_row, rows) = panel.split_at_mut(NR);
        for (jj, out) in bias_row.iter_mut().enumerate() {
            *out = match bias {
                Some(bias) if jj < cols => bias[j0 + jj],
                _ => 0.0,
            };
        }
        for (r, row) in rows.chunks_exact_mut(NR).enumerate() {
            for (jj, out) in row.iter_mut().enumerate() {
                *out = if jj < cols { b[r * strides.row + (j0 + jj) * strides.col] } else { 0.0 };
            }
        }
    }
}

/// The 4x8 IGEMM microkernel: C[mr x nc] = clamp(bias + Σ_tap Σ_kc A·W (+ C)) for one MR-row block and
/// one NR-column panel. Rows past `mr` are computed from duplicated pointers and not stored.
///
/// # Safety
/// `a` holds ks·MR pointers, each to kc readable f32; `w` is one packed panel (NR·(1 + ks·kc));
/// `c` has `mr` rows of `nc` writable f32 at stride `c_stride`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn igemm_4x8<V: F32x4>(
    mr: usize,
    nc: usize,
    kc: usize,
    ks: usize,
    a: *const *const f32,
    w: *const f32,
    c: *mut f32,
    c_stride: usize,
    out: Epilogue,
) {
    let mut w = w;
    let bias0 = V::load(w);
    let bias1 = V::load(w.add(4));
    w = w.add(NR);
    let (mut c00, mut c01, mut c10, mut c11) = (bias0, bias1, bias0, bias1);
    let (mut c20, mut c21, mut c30, mut c31) = (bias0, bias1, bias0, bias1);
    let mut a = a;
    for _ in 0..ks {
        let (a0, a1, a2, a3) = (*a, *a.add(1), *a.add(2), *a.add(3));
        a = a.add(MR);
        for k in 0..kc {
            let b0 = V::load(w);
            let b1 = V::load(w.add(4));
            w = w.add(NR);
            let v0 = V::load_splat(a0.add(k));
            c00 = c00.add(v0.mul(b0));
            c01 = c01.add(v0.mul(b1));
            let v1 = V::load_splat(a1.add(k));
            c10 = c10.add(v1.mul(b0));
            c11 = c11.add(v1.mul(b1));
            let v2 = V::load_splat(a2.add(k));
            c20 = c20.add(v2.mul(b0));
            c21 = c21.add(v2.mul(b1));
            let v3 = V::load_splat(a3.add(k));
            c30 = c30.add(v3.mul(b0));
            c31 = c31.add(v3.mul(b1));
        }
    }
    let (lo, hi) = (V::splat(out.clamp.min), V::splat(out.clamp.max));
    let rows = [[c00, c01], [c10, c11], [c20, c21], [c30, c31]];
    for (r, row) in rows.iter().enumerate().take(mr) {
        let dst = c.add(r * c_stride);
        let (mut v0, mut v1) = (row[0], row[1]);
        if out.accumulate {
            let [p0, p1] = load_row::<V>(dst, nc);
            v0 = v0.add(p0);
            v1 = v1.add(p1);
        }
        let (v0, v1) = (v0.max(lo).min(hi), v1.max(lo).min(hi));
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

/// One chunk of up to MC output rows against every panel of B.
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
    let panel_len = NR * (1 + ks * kc);
    let blocks = (m + MR - 1) / MR;
    debug_assert!(indirection.len() >= blocks * ks * MR);
    debug_assert!(packed.len() >= packed_weights_len(ks * kc, n));
    for j in (0..n).step_by(NR) {
        let w = packed.as_ptr().add(j / NR * panel_len);
        for block in 0..blocks {
            let i = block * MR;
            igemm_4x8::<V>(
                MR.min(m - i),
                NR.min(n - j),
                kc,
                ks,
                indirection.as_ptr().add(block * ks * MR),
                w,
                c.add(i * c_stride + j),
                c_stride,
                out,
            );
        }
    }
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
    if m == 0 || n == 0 {
        return;
    }
    assert!(m == 0 || a.len() >= (m - 1) * a_stride + k, "gemm: A too short");
    assert!(c.len() >= (m - 1) * c_stride + n, "gemm: C too short");
    assert!(packed.len() >= packed_weights_len(k, n), "gemm: packed B too short");
    for m0 in (0..m).step_by(MC) {
        let mc = MC.min(m - m0);
        let padded = round_up(mc, MR);
        for (r, ptr) in rows[..padded].iter_mut().enumerate() {
            // Rows past the end repeat the last row: computed, never stored.
            *ptr = a[(m0 + r.min(mc - 1)) * a_stride..].as_ptr();
        }
        // SAFETY: every pointer addresses a full row of k values; C was bounds-checked above.
        unsafe {
            igemm_chunk::<V>(mc, n, k, 1, &rows[..padded], packed, c.as_mut_ptr().add(m0 * c_stride), c_stride, out);
        }
    }
}
