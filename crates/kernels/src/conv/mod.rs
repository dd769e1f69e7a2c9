//! 2-D convolution, NHWC, forward, as an indirect GEMM.
//!
//! x (n, h, w, c_in), filter (kh, kw, c_in, c_out), y (n, oh, ow, c_out) with
//! oh = (h + pad_top + pad_bottom − dh·(kh − 1) − 1) / sh + 1 (likewise ow); the caller computes
//! the output size and padding (one definition, in TypeScript) and passes them here.
//! Output pixel m and tap (ky, kx) read input pixel (oy·sh − pad_top + ky·dh, ox·sw − pad_left + kx·dw):
//! a contiguous run of c_in channels, or the zero row when it falls in the padding.

use crate::gemm::{igemm_chunk, round_up, MC, MR};
use crate::simd::F32x4;
use crate::Clamp;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Conv2dParams {
    pub batch: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub in_c: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub out_c: u32,
    pub kernel_h: u32,
    pub kernel_w: u32,
    pub stride_h: u32,
    pub stride_w: u32,
    pub dilation_h: u32,
    pub dilation_w: u32,
    pub pad_top: u32,
    pub pad_left: u32,
}

impl Conv2dParams {
    pub fn taps(&self) -> usize {
        (self.kernel_h * self.kernel_w) as usize
    }
    pub fn output_pixels(&self) -> usize {
        (self.batch * self.out_h * self.out_w) as usize
    }
    pub fn input_len(&self) -> usize {
        (self.batch * self.in_h * self.in_w * self.in_c) as usize
    }
    pub fn filter_len(&self) -> usize {
        self.taps() * (self.in_c * self.out_c) as usize
    }
    pub fn output_len(&self) -> usize {
        self.output_pixels() * self.out_c as usize
    }
    /// Output rows that 1x1, stride-1, unpadded convolution maps one-to-one onto input pixels.
    pub fn is_pointwise(&self) -> bool {
        self.kernel_h == 1
            && self.kernel_w == 1
            && self.stride_h == 1
            && self.stride_w == 1
            && self.pad_top == 0
            && self.pad_left == 0
            && self.out_h == self.in_h
            && self.out_w == self.in_w
    }
    /// Index into x of the run read by output pixel `m` at tap `t`, or None in the padding.
    pub fn input_offset(&self, m: usize, t: usize) -> Option<usize> {
        let (oh, ow) = (self.out_h as usize, self.out_w as usize);
        let (b, oy, ox) = (m / (oh * ow), m / ow % oh, m % ow);
        let (ky, kx) = (t / self.kernel_w as usize, t % self.kernel_w as usize);
        let iy = (oy * self.stride_h as usize + ky * self.dilation_h as usize).checked_sub(self.pad_top as usize)?;
        let ix = (ox * self.stride_w as usize + kx * self.dilation_w as usize).checked_sub(self.pad_left as usize)?;
        if iy >= self.in_h as usize || ix >= self.in_w as usize {
            return None;
        }
        Some(((b * self.in_h as usize + iy) * self.in_w as usize + ix) * self.in_c as usize)
    }
}

/// Scratch pointers needed by `conv2d_fwd`.
pub fn conv2d_indirection_len(p: &Conv2dParams) -> usize {
    round_up(MC, MR) * p.taps()
}

/// y = clamp(conv2d(x, filter) + bias) with the filter and bias already packed by
/// `gemm::pack_weights(kh·kw·c_in, c_out, ...)`. `zeros` holds at least c_in zeros.
pub fn conv2d_fwd<V: F32x4>(
    p: &Conv2dParams,
    x: &[f32],
    packed: &[f32],
    y: &mut [f32],
    clamp: Clamp,
    zeros: &[f32],
    indirection: &mut [*const f32],
) {
    let (m, n, kc, ks) = (p.output_pixels(), p.out_c as usize, p.in_c as usize, p.taps());
    assert!(x.len() >= p.input_len() && y.len() >= p.output_len(), "conv2d_fwd: buffers too short");
    assert!(zeros.len() >= kc && indirection.len() >= conv2d_indirection_len(p), "conv2d_fwd: scratch too short");
    assert!(packed.len() >= crate::gemm::packed_weights_len(ks * kc, n), "conv2d_fwd: packed filter too short");
    if m == 0 || n == 0 {
        return;
    }
    for m0 in (0..m).step_by(MC) {
        let mc = MC.min(m - m0);
        fill_indirection(p, x, zeros, m0, mc, indirection);
        // SAFETY: every pointer addresses kc readable values (checked above); y is long enough.
        unsafe {
            igemm_chunk::<V>(mc, n, kc, ks, indirection, packed, y.as_mut_ptr().add(m0 * n), n, clamp);
        }
    }
}

/// Lays out pointers for output rows [m0, m0 + mc) as [block][tap][MR]; rows past mc repeat the last.
fn fill_indirection(p: &Conv2dParams, x: &[f32], zeros: &[f32], m0: usize, mc: usize, out: &mut [*const f32]) {
    let ks = p.taps();
    for block in 0..(mc + MR - 1) / MR {
        for t in 0..ks {
            for r in 0..MR {
                let row = m0 + (block * MR + r).min(mc - 1);
                out[(block * ks + t) * MR + r] = match p.input_offset(row, t) {
                    Some(offset) => x[offset..].as_ptr(),
                    None => zeros.as_ptr(),
                };
            }
        }
    }
}
