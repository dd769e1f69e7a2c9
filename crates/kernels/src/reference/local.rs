//! Oracles for the depthwise and locally-connected families: naive loops, f64 accumulation.

use crate::dwconv::DwConv2dParams;
use crate::local::Local2dParams;
use crate::Clamp;

/// Input offset of (b, oy, ox, ky, kx) for a dilated window, or None in the padding.
#[allow(clippy::too_many_arguments)]
fn dw_input(p: &DwConv2dParams, b: usize, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<usize> {
    let iy = (oy * p.stride_h as usize + ky * p.dilation_h as usize) as isize - p.pad_top as isize;
    let ix = (ox * p.stride_w as usize + kx * p.dilation_w as usize) as isize - p.pad_left as isize;
    if iy < 0 || ix < 0 || iy >= p.in_h as isize || ix >= p.in_w as isize {
        return None;
    }
    Some((((b * p.in_h as usize + iy as usize) * p.in_w as usize) + ix as usize) * p.channels as usize)
}

/// Visits every (output index, input index, filter index) product of the depthwise convolution.
fn dw_products(p: &DwConv2dParams, mut f: impl FnMut(usize, usize, usize)) {
    let (c, m) = (p.channels as usize, p.multiplier as usize);
    for b in 0..p.batch as usize {
        for oy in 0..p.out_h as usize {
            for ox in 0..p.out_w as usize {
                let out = ((b * p.out_h as usize + oy) * p.out_w as usize + ox) * c * m;
                for ky in 0..p.kernel_h as usize {
                    for kx in 0..p.kernel_w as usize {
                        if let Some(i) = dw_input(p, b, oy, ox, ky, kx) {
                            for ci in 0..c {
                                for j in 0..m {
                                    f(out + ci * m + j, i + ci, ((ky * p.kernel_w as usize + kx) * c + ci) * m + j);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn dwconv2d_reference(p: &DwConv2dParams, x: &[f32], filter: &[f32], bias: Option<&[f32]>, clamp: Clamp, y: &mut [f32]) {
    let oc = p.out_c();
    let mut acc: Vec<f64> = (0..p.output_len()).map(|i| bias.map_or(0.0, |b| b[i % oc] as f64)).collect();
    dw_products(p, |o, i, w| acc[o] += x[i] as f64 * filter[w] as f64);
    y.iter_mut().zip(acc).for_each(|(y, a)| *y = clamp.apply(a as f32));
}

pub fn dwconv2d_bwd_input_reference(p: &DwConv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32]) {
    let mut acc = vec![0.0f64; p.input_len()];
    dw_products(p, |o, i, w| acc[i] += dy[o] as f64 * filter[w] as f64);
    dx.iter_mut().zip(acc).for_each(|(d, a)| *d = a as f32);
}

pub fn dwconv2d_bwd_filter_reference(p: &DwConv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32]) {
    let mut acc = vec![0.0f64; p.filter_len()];
    dw_products(p, |o, i, w| acc[w] += dy[o] as f64 * x[i] as f64);
    dfilter.iter_mut().zip(acc).for_each(|(d, a)| *d = a as f32);
}

/// Visits every (output index, input index, weight index) product of the locally-connected layer.
fn local_products(p: &Local2dParams, mut f: impl FnMut(usize, usize, usize)) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    for b in 0..p.batch as usize {
        for oy in 0..p.out_h as usize {
            for ox in 0..p.out_w as usize {
                let l = oy * p.out_w as usize + ox;
                for ky in 0..p.kernel_h as usize {
                    for kx in 0..p.kernel_w as usize {
                        let iy = (oy * p.stride_h as usize + ky) as isize - p.pad_top as isize;
                        let ix = (ox * p.stride_w as usize + kx) as isize - p.pad_left as isize;
                        if iy < 0 || ix < 0 || iy >= p.in_h as isize || ix >= p.in_w as isize {
                            continue;
                        }
                        let pixel = ((b * p.in_h as usize + iy as usize) * p.in_w as usize + ix as usize) * cin;
                        for ci in 0..cin {
                            for co in 0..cout {
                                let row = (ky * p.kernel_w as usize + kx) * cin + ci;
                                f((b * p.locations() + l) * cout + co, pixel + ci, (l * p.patch_len() + row) * cout + co);
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn local2d_reference(p: &Local2dParams, x: &[f32], w: &[f32], bias: Option<&[f32]>, y: &mut [f32]) {
    let per_item = p.locations() * p.out_c as usize;
    let mut acc: Vec<f64> = (0..p.output_len()).map(|i| bias.map_or(0.0, |b| b[i % per_item] as f64)).collect();
    local_products(p, |o, i, k| acc[o] += x[i] as f64 * w[k] as f64);
    y.iter_mut().zip(acc).for_each(|(y, a)| *y = a as f32);
}

pub fn local2d_bwd_input_reference(p: &Local2dParams, dy: &[f32], w: &[f32], dx: &mut [f32]) {
    let mut acc = vec![0.0f64; p.input_len()];
    local_products(p, |o, i, k| acc[i] += dy[o] as f64 * w[k] as f64);
    dx.iter_mut().zip(acc).for_each(|(d, a)| *d = a as f32);
}

pub fn local2d_bwd_filter_reference(p: &Local2dParams, x: &[f32], dy: &[f32], dw: &mut [f32]) {
    let mut acc = vec![0.0f64; p.weights_len()];
    local_products(p, |o, i, k| acc[k] += dy[o] as f64 * x[i] as f64);
    dw.iter_mut().zip(acc).for_each(|(d, a)| *d = a as f32);
}

/// Max (NaN wins) or mean over each window's pixels inside the input, in 1, 2 or 3 spatial axes.
pub fn pool3d_reference(p: &crate::pool::Pool3dParams, x: &[f32], max: bool, y: &mut [f32]) {
    let c = p.channels as usize;
    let axis = |o: usize, stride: u32, pad: u32, kernel: u32, size: u32| {
        let start = (o * stride as usize) as isize - pad as isize;
        (0..kernel as isize).map(move |k| start + k).filter(move |&i| i >= 0 && i < size as isize).map(|i| i as usize)
    };
    let mut out = 0;
    for b in 0..p.batch as usize {
        for oz in 0..p.out_d as usize {
            for oy in 0..p.out_h as usize {
                for ox in 0..p.out_w as usize {
                    for ch in 0..c {
                        let mut values = Vec::new();
                        for iz in axis(oz, p.stride_d, p.pad_front, p.kernel_d, p.in_d) {
                            for iy in axis(oy, p.stride_h, p.pad_top, p.kernel_h, p.in_h) {
                                for ix in axis(ox, p.stride_w, p.pad_left, p.kernel_w, p.in_w) {
                                    let i = (((b * p.in_d as usize + iz) * p.in_h as usize + iy) * p.in_w as usize + ix) * c + ch;
                                    values.push(x[i] as f64);
                                }
                            }
                        }
                        y[out] = if max {
                            values.iter().fold(f64::NEG_INFINITY, |m, &v| if v.is_nan() || m.is_nan() { f64::NAN } else { m.max(v) }) as f32
                        } else {
                            (values.iter().sum::<f64>() / values.len() as f64) as f32
                        };
                        out += 1;
                    }
                }
            }
        }
    }
}
