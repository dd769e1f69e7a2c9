//! Kernels over an (outer, mid, inner) view of a tensor: argmax along mid, and the strided block
//! copy that concat (and the slicing in its gradient) is made of.

/// out[o, i] = the index m of the largest x[o, m, i]: the first one on ties; a NaN counts as the
/// largest (NumPy's rule), so the first NaN wins.
pub fn argmax(outer: usize, mid: usize, inner: usize, x: &[f32], out: &mut [i32]) {
    assert!(x.len() >= outer * mid * inner && out.len() >= outer * inner && mid > 0);
    for o in 0..outer {
        for i in 0..inner {
            let at = |m: usize| x[(o * mid + m) * inner + i];
            let mut best = 0;
            for m in 1..mid {
                if at(best).is_nan() {
                    break;
                }
                if at(m) > at(best) || at(m).is_nan() {
                    best = m;
                }
            }
            out[o * inner + i] = best as i32;
        }
    }
}

/// Copies `rows` runs of `len` words: run r from src[r·src_stride..] to dst[r·dst_stride..].
pub fn copy_blocks<T: Copy>(rows: usize, len: usize, src: &[T], src_stride: usize, dst: &mut [T], dst_stride: usize) {
    if rows == 0 || len == 0 {
        return;
    }
    assert!(src.len() >= (rows - 1) * src_stride + len && dst.len() >= (rows - 1) * dst_stride + len);
    for r in 0..rows {
        dst[r * dst_stride..r * dst_stride + len].copy_from_slice(&src[r * src_stride..r * src_stride + len]);
    }
}
