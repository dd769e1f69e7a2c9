//! Naive N-d grouped convolution (and its gradients) straight from the definition in conv/nd.rs,
//! with its own index arithmetic (not ConvNdParams::tap_offset) so the two are checked against each other.

use crate::conv::ConvNdParams;
use crate::Clamp;

/// Visits every (output index, input index or None, filter index) triple of the convolution.
fn for_each_term(p: &ConvNdParams, mut f: impl FnMut(usize, Option<usize>, usize)) {
    let (cin_g, cout_g) = (p.group_in(), p.group_out());
    let [id, ih, iw] = p.input.map(|v| v as i64);
    let [od, oh, ow] = p.output.map(|v| v as usize);
    let [kd, kh, kw] = p.kernel.map(|v| v as usize);
    let (in_c, out_c) = (p.in_c as usize, p.out_c as usize);
    let pos = |a: usize, o: usize, k: usize, size: i64| -> Option<i64> {
        let i = (o * p.stride[a] as usize + k * p.dilation[a] as usize) as i64 - p.pad_before[a] as i64;
        if p.circular & (1 << a) != 0 {
            Some(((i % size) + size) % size)
        } else if i >= 0 && i < size {
            Some(i)
        } else {
            None
        }
    };
    for b in 0..p.batch as usize {
        for z in 0..od {
            for y in 0..oh {
                for x in 0..ow {
                    for co in 0..out_c {
                        let g = co / cout_g;
                        let out = (((b * od + z) * oh + y) * ow + x) * out_c + co;
                        for a in 0..kd {
                            for bb in 0..kh {
                                for c in 0..kw {
                                    let at = match (pos(0, z, a, id), pos(1, y, bb, ih), pos(2, x, c, iw)) {
                                        (Some(i0), Some(i1), Some(i2)) => Some((((b as i64 * id + i0) * ih + i1) * iw + i2) as usize * in_c),
                                        _ => None,
                                    };
                                    for ci in 0..cin_g {
                                        let fi = ((((a * kh + bb) * kw + c) * cin_g + ci) * out_c) + co;
                                        f(out, at.map(|i| i + g * cin_g + ci), fi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn conv_nd_reference(p: &ConvNdParams, x: &[f32], filter: &[f32], bias: Option<&[f32]>, clamp: Clamp, y: &mut [f32]) {
    let mut acc = vec![0f64; p.output_len()];
    for_each_term(p, |o, i, f| {
        if let Some(i) = i {
            acc[o] += x[i] as f64 * filter[f] as f64;
        }
    });
    let out_c = p.out_c as usize;
    for (o, v) in acc.iter().enumerate() {
        y[o] = clamp.apply((v + bias.map_or(0.0, |b| b[o % out_c] as f64)) as f32);
    }
}

pub fn conv_nd_bwd_input_reference(p: &ConvNdParams, dy: &[f32], filter: &[f32], dx: &mut [f32]) {
    let mut acc = vec![0f64; p.input_len()];
    for_each_term(p, |o, i, f| {
        if let Some(i) = i {
            acc[i] += dy[o] as f64 * filter[f] as f64;
        }
    });
    dx.iter_mut().zip(&acc).for_each(|(d, a)| *d = *a as f32);
}

pub fn conv_nd_bwd_filter_reference(p: &ConvNdParams, x: &[f32], dy: &[f32], dfilter: &mut [f32]) {
    let mut acc = vec![0f64; p.filter_len()];
    for_each_term(p, |o, i, f| {
        if let Some(i) = i {
            acc[f] += dy[o] as f64 * x[i] as f64;
        }
    });
    dfilter.iter_mut().zip(&acc).for_each(|(d, a)| *d = *a as f32);
}
