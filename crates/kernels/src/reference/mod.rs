//! The oracle: naive loops, f64 accumulation, no tricks. Every fast kernel is tested against these.

use crate::conv::Conv2dParams;
use crate::elementwise::Broadcast;
use crate::gemm::Strides;
use crate::Clamp;

mod nn;
pub use nn::*;

mod local;
pub use local::*;

mod conv_nd;
pub use conv_nd::{conv_nd_bwd_filter_reference, conv_nd_bwd_input_reference, conv_nd_reference};

mod pad;
pub use pad::{pad_circular_adjoint_reference, pad_circular_reference};

mod fft;
pub use fft::{dft_reference, irdft_reference, rdft_reference, spectral_mix_bwd_filter_reference, spectral_mix_bwd_input_reference, spectral_mix_reference};

pub mod optim;
pub use optim::{adam_reference, sgd_reference};

/// C = clamp(bias + A·B) for any strides of A and B; C row-major (m x n).
#[allow(clippy::too_many_arguments)]
pub fn gemm_reference(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    a_strides: Strides,
    b: &[f32],
    b_strides: Strides,
    bias: Option<&[f32]>,
    clamp: Clamp,
    c: &mut [f32],
) {
    for i in 0..m {
        for j in 0..n {
            let mut sum = bias.map_or(0.0, |bias| bias[j] as f64);
            for kk in 0..k {
                sum += a[i * a_strides.row + kk * a_strides.col] as f64 * b[kk * b_strides.row + j * b_strides.col] as f64;
            }
            c[i * n + j] = clamp.apply(sum as f32);
        }
    }
}

pub fn conv2d_reference(p: &Conv2dParams, x: &[f32], filter: &[f32], bias: Option<&[f32]>, clamp: Clamp, y: &mut [f32]) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    for m in 0..p.output_pixels() {
        for co in 0..cout {
            let mut sum = bias.map_or(0.0, |bias| bias[co] as f64);
            for t in 0..p.taps() {
                if let Some(offset) = p.input_offset(m, t) {
                    for ci in 0..cin {
                        sum += x[offset + ci] as f64 * filter[(t * cin + ci) * cout + co] as f64;
                    }
                }
            }
            y[m * cout + co] = clamp.apply(sum as f32);
        }
    }
}

pub fn binary_reference(space: &Broadcast, a: &[f32], b: &[f32], op: impl Fn(f32, f32) -> f32, out: &mut [f32]) {
    let rank = space.shape.len();
    for (i, o) in out.iter_mut().enumerate().take(space.len()) {
        let (mut rest, mut ia, mut ib) = (i, 0, 0);
        for d in (0..rank).rev() {
            let idx = rest % space.shape[d];
            rest /= space.shape[d];
            ia += idx * space.a_strides[d];
            ib += idx * space.b_strides[d];
        }
        *o = op(a[ia], b[ib]);
    }
}

/// ∂L/∂x of conv2d by the definition: every (pixel, tap, channel) product routes dy back.
pub fn conv2d_bwd_input_reference(p: &Conv2dParams, dy: &[f32], filter: &[f32], dx: &mut [f32]) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    let mut acc = vec![0.0f64; p.input_len()];
    for m in 0..p.output_pixels() {
        for t in 0..p.taps() {
            if let Some(offset) = p.input_offset(m, t) {
                for ci in 0..cin {
                    for co in 0..cout {
                        acc[offset + ci] += dy[m * cout + co] as f64 * filter[(t * cin + ci) * cout + co] as f64;
                    }
                }
            }
        }
    }
    dx.iter_mut().zip(acc).for_each(|(d, a)| *d = a as f32);
}

/// ∂L/∂filter of conv2d by the definition.
pub fn conv2d_bwd_filter_reference(p: &Conv2dParams, x: &[f32], dy: &[f32], dfilter: &mut [f32]) {
    let (cin, cout) = (p.in_c as usize, p.out_c as usize);
    let mut acc = vec![0.0f64; p.filter_len()];
    for m in 0..p.output_pixels() {
        for t in 0..p.taps() {
            if let Some(offset) = p.input_offset(m, t) {
                for ci in 0..cin {
                    for co in 0..cout {
                        acc[(t * cin + ci) * cout + co] += x[offset + ci] as f64 * dy[m * cout + co] as f64;
                    }
                }
            }
        }
    }
    dfilter.iter_mut().zip(acc).for_each(|(d, a)| *d = a as f32);
}
