//! Naive circular padding and its adjoint, pixel by pixel from the definition in conv/pad.rs.

use crate::conv::PadParams;

/// Visits every (output index, input index) pair of the padding, channel by channel.
fn for_each_copy(p: &PadParams, mut f: impl FnMut(usize, usize)) {
    let (h, w, c) = (p.h as i64, p.w as i64, p.c as usize);
    let (oh, ow) = (h + p.top as i64 + p.bottom as i64, w + p.left as i64 + p.right as i64);
    for b in 0..p.batch as i64 {
        for i in 0..oh {
            for j in 0..ow {
                let (si, sj) = (((i - p.top as i64) % h + h) % h, ((j - p.left as i64) % w + w) % w);
                for ch in 0..c {
                    f((((b * oh + i) * ow + j) as usize) * c + ch, (((b * h + si) * w + sj) as usize) * c + ch);
                }
            }
        }
    }
}

pub fn pad_circular_reference(p: &PadParams, x: &[f32], y: &mut [f32]) {
    for_each_copy(p, |out, input| y[out] = x[input]);
}

/// Sums in f64, then rounds once.
pub fn pad_circular_adjoint_reference(p: &PadParams, dy: &[f32], dx: &mut [f32]) {
    let mut sum = vec![0.0f64; p.input_len()];
    for_each_copy(p, |out, input| sum[input] += dy[out] as f64);
    dx.iter_mut().zip(&sum).for_each(|(d, s)| *d = *s as f32);
}
