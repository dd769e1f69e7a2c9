//! Convolution over 1, 2 or 3 spatial axes with groups, NDHWC, forward and both gradients.
//!
//! x (n, d, h, w, c_in), filter (kd, kh, kw, c_in/G, c_out), y (n, od, oh, ow, c_out); 1-D is
//! d = h = 1 and 2-D is d = 1. Per axis a: out_a = (in_a + pad_before + pad_after − dil·(k − 1) − 1)
//! / stride + 1, computed by the caller (one definition, in TypeScript). Output pixel o at tap k
//! reads input position o·stride − pad_before + k·dil on each axis; outside the input that is the
//! zero row, or, on axes flagged circular, the position wrapped modulo the input size (so the
//! gradient scattered through the same offsets wraps back by itself — no padded copy needed).
//! Group g reads channels [g·c_in/G, (g+1)·c_in/G) and writes outputs [g·c_out/G, (g+1)·c_out/G).
//!
//! A convolution that is plain 2-D (groups 1, no circular axis, depth 1) goes to `conv2d_fwd` and
//! its gradients, which keep the pointwise and row-run fast paths; the rest runs the tap-wise
//! indirect GEMM here, one packed weight block per group.

use super::{conv2d_bwd_filter, conv2d_bwd_input, conv2d_bwd_scratch, conv2d_fwd, conv2d_fwd_packing, conv2d_pack, conv2d_packed_len, conv2d_scratch, Conv2dParams, BWD_ROWS};
use crate::gemm::{gemm, igemm_chunk, pack_weights, packed_weights_len, round_up, Epilogue, Strides, GEMM_INDIRECTION_LEN, MC, MR};
use crate::simd::F32x4;
use crate::Clamp;

/// Axis order everywhere: [d, h, w].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct ConvNdParams {
    pub batch: u32,
    pub in_c: u32,
    pub out_c: u32,
    pub groups: u32,
    /// Bit a set: axis a wraps around (circular padding).
    pub circular: u32,
    pub input: [u32; 3],
    pub output: [u32; 3],
    pub kernel: [u32; 3],
    pub stride: [u32; 3],
    pub dilation: [u32; 3],
    pub pad_before: [u32; 3],
}

impl ConvNdParams {
    pub fn taps(&self) -> usize {
        self.kernel.iter().map(|&k| k as usize).product()
    }
    pub fn group_in(&self) -> usize {
        (self.in_c / self.groups.max(1)) as usize
    }
    pub fn group_out(&self) -> usize {
        (self.out_c / self.groups.max(1)) as usize
    }
    fn spatial(v: [u32; 3]) -> usize {
        v.iter().map(|&s| s as usize).product()
    }
    pub fn output_pixels(&self) -> usize {
        self.batch as usize * Self::spatial(self.output)
    }
    pub fn input_len(&self) -> usize {
        self.batch as usize * Self::spatial(self.input) * self.in_c as usize
    }
    pub fn filter_len(&self) -> usize {
        self.taps() * self.group_in() * self.out_c as usize
    }
    pub fn output_len(&self) -> usize {
        self.output_pixels() * self.out_c as usize
    }
    /// True when the parameters describe a valid convolution the kernels can run.
    pub fn is_valid(&self) -> bool {
        let g = self.groups;
        g >= 1 && self.in_c % g == 0 && self.out_c % g == 0 && self.kernel.iter().all(|&k| k >= 1)
            && self.stride.iter().all(|&s| s >= 1) && self.dilation.iter().all(|&d| d >= 1)
            && (0..3).all(|a| self.circular & (1 << a) == 0 || self.input[a] >= 1)
    }

    /// The same convolution as plain 2-D parameters, when it is one.
    pub fn as_2d(&self) -> Option<Conv2dParams> {
        let plain = self.groups == 1 && self.circular == 0 && self.input[0] == 1 && self.output[0] == 1 && self.kernel[0] == 1 && self.pad_before[0] == 0;
        plain.then(|| Conv2dParams {
            batch: self.batch,
            in_h: self.input[1],
            in_w: self.input[2],
            in_c: self.in_c,
            out_h: self.output[1],
            out_w: self.output[2],
            out_c: self.out_c,
            kernel_h: self.kernel[1],
            kernel_w: self.kernel[2],
            stride_h: self.stride[1],
            stride_w: self.stride[2],
            dilation_h: self.dilation[1],
            dilation_w: self.dilation[2],
            pad_top: self.pad_before[1],
            pad_left: self.pad_before[2],
        })
    }

    /// (batch, [od, oh, ow]) of output pixel m.
    pub fn pixel(&self, m: usize) -> (usize, [usize; 3]) {
        let [od, oh, ow] = self.output.map(|v| v as usize);
        (m / (od * oh * ow), [m / (oh * ow) % od, m / ow % oh, m % ow])
    }
    pub fn tap(&self, t: usize) -> [usize; 3] {
        let [_, kh, kw] = self.kernel.map(|v| v as usize);
        [t / (kh * kw), t / kw % kh, t % kw]
    }
    /// Index into x of the c_in-channel run read by output pixel (b, o) at tap k, or None in zero padding.
    pub fn tap_offset(&self, b: usize, o: [usize; 3], k: [usize; 3]) -> Option<usize> {
        let mut index = b;
        for a in 0..3 {
            let size = self.input[a] as i64;
            let mut i = (o[a] * self.stride[a] as usize + k[a] * self.dilation[a] as usize) as i64 - self.pad_before[a] as i64;
            if self.circular & (1 << a) != 0 {
                i = i.rem_euclid(size);
            } else if i < 0 || i >= size {
                return None;
            }
            index = index * size as usize + i as usize;
        }
        Some(index * self.in_c as usize)
    }
}

/// Scratch for `conv_nd_fwd`: (f32 values, pointers). The packed filter is not scratch: see `conv_nd_packed_len`.
pub fn conv_nd_scratch(p: &ConvNdParams) -> (usize, usize) {
    match p.as_2d() {
        Some(q) => {
            let s = conv2d_scratch(&q);
            (s.floats, s.pointers)
        }
        None => (p.group_in(), round_up(MC, MR) * p.taps()),
    }
}

/// Length of the packed filter `conv_nd_fwd` reads: conv2d's for a plain 2-D convolution, else one
/// `pack_weights` block per group. The layout depends only on the filter, the bias, the groups and
/// the plan (not on the input size), so a caller can keep it across calls while they are unchanged.
pub fn conv_nd_packed_len(p: &ConvNdParams) -> usize {
    match p.as_2d() {
        Some(q) => conv2d_packed_len(&q),
        None => p.groups.max(1) as usize * packed_weights_len(p.taps() * p.group_in(), p.group_out()),
    }
}

/// y = clamp(conv(x, filter) + bias); filter (k..., c_in/G, c_out) unpacked; scratch sized by
/// `conv_nd_scratch`. `packed` (conv_nd_packed_len values) holds the packed filter and bias when
/// `packed_ready`; otherwise they are packed into it during the call. Either way it holds them after.
#[allow(clippy::too_many_arguments)]
pub fn conv_nd_fwd<V: F32x4>(
    p: &ConvNdParams,
    x: &[f32],
    filter: &[f32],
    bias: Option<&[f32]>,
    packed: &mut [f32],
    packed_ready: bool,
    y: &mut [f32],
    clamp: Clamp,
    floats: &mut [f32],
    pointers: &mut [*const f32],
) {
    let (need_floats, need_pointers) = conv_nd_scratch(p);
    assert!(p.is_valid(), "conv_nd_fwd: invalid parameters");
    assert!(x.len() >= p.input_len() && filter.len() >= p.filter_len() && y.len() >= p.output_len(), "conv_nd_fwd: buffers too short");
    assert!(bias.map_or(true, |b| b.len() >= p.out_c as usize), "conv_nd_fwd: bias too short");
    assert!(packed.len() >= conv_nd_packed_len(p), "conv_nd_fwd: packed filter too short");
    assert!(floats.len() >= need_floats && pointers.len() >= need_pointers, "conv_nd_fwd: scratch too short");
    let (cin, cout, out_c, taps) = (p.group_in(), p.group_out(), p.out_c as usize, p.taps());
    let (k, block_len) = (taps * cin, packed_weights_len(taps * cin, cout));
    let pack_group = |g: usize, packed: &mut [f32]| pack_weights(k, cout, &filter[g * cout..], Strides::row_major(out_c), bias.map(|b| &b[g * cout..]), packed);
    if p.output_len() == 0 {
        // No output row to pack during: pack up front, so `packed` holds the filter after every call.
        if let (Some(q), false) = (p.as_2d(), packed_ready) {
            conv2d_pack(&q, &filter[..k * cout], bias, floats, packed);
        } else if !packed_ready {
            for (g, block) in packed.chunks_exact_mut(block_len).take(p.groups as usize).enumerate() {
                pack_group(g, block);
            }
        }
        return;
    }
    if let Some(q) = p.as_2d() {
        let packed = &mut packed[..conv2d_packed_len(&q)];
        return if packed_ready {
            conv2d_fwd::<V>(&q, x, packed, y, clamp, floats, pointers)
        } else {
            conv2d_fwd_packing::<V>(&q, x, &filter[..k * cout], bias, packed, y, clamp, floats, pointers)
        };
    }
    let zeros = &mut floats[..cin];
    zeros.iter_mut().for_each(|z| *z = 0.0);
    let m = p.output_pixels();
    for (g, packed) in packed.chunks_exact_mut(block_len).take(p.groups as usize).enumerate() {
        if !packed_ready {
            pack_group(g, packed);
        }
        for m0 in (0..m).step_by(MC) {
            let mc = MC.min(m - m0);
            // Layout [block][tap][MR]; rows past mc repeat the last row (computed, never stored).
            for r in 0..round_up(mc, MR) {
                let (block, lane) = (r / MR, r % MR);
                let (b, o) = p.pixel(m0 + r.min(mc - 1));
                for t in 0..taps {
                    pointers[(block * taps + t) * MR + lane] = match p.tap_offset(b, o, p.tap(t)) {
                        Some(offset) => x[offset + g * cin..offset + (g + 1) * cin].as_ptr(),
                        None => zeros.as_ptr(),
                    };
                }
            }
            // SAFETY: every pointer addresses cin readable values (sliced above); y holds m rows of
            // out_c values and this group's cout columns start at g·cout < out_c.
            unsafe {
                igemm_chunk::<V>(mc, cout, cin, taps, pointers, packed, y.as_mut_ptr().add(m0 * out_c + g * cout), out_c, Epilogue::store(clamp));
            }
        }
    }
}

/// Scratch for either gradient: (f32 values, pointers).
pub fn conv_nd_bwd_scratch(p: &ConvNdParams) -> (usize, usize) {
    match p.as_2d() {
        Some(q) => conv2d_bwd_scratch(&q),
        None => {
            let (k, n) = (p.taps() * p.group_in(), p.group_out());
            let input = packed_weights_len(n, k) + BWD_ROWS * k;
            let filter = packed_weights_len(BWD_ROWS, n) + BWD_ROWS * k;
            (input.max(filter), GEMM_INDIRECTION_LEN)
        }
    }
}

/// dx = ∂L/∂x from dy and the filter: per group dcols = dy_g · W_gᵀ, then col2im (wrapping on circular axes).
pub fn conv_nd_bwd_input<V: F32x4>(p: &ConvNdParams, dy: &[f32], filter: &[f32], dx: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    assert!(p.is_valid(), "conv_nd_bwd_input: invalid parameters");
    assert!(dy.len() >= p.output_len() && filter.len() >= p.filter_len() && dx.len() >= p.input_len());
    if let Some(q) = p.as_2d() {
        return conv2d_bwd_input::<V>(&q, dy, filter, dx, floats, pointers);
    }
    let (cin, cout, out_c, taps) = (p.group_in(), p.group_out(), p.out_c as usize, p.taps());
    let k = taps * cin;
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    let m = p.output_pixels();
    if m == 0 || k == 0 || cout == 0 {
        return;
    }
    let (packed, rest) = floats.split_at_mut(packed_weights_len(cout, k));
    let dcols = &mut rest[..BWD_ROWS * k];
    for g in 0..p.groups as usize {
        // W_gᵀ: element (output channel r, tap-channel column j) is filter[j·c_out + g·cout + r].
        pack_weights(cout, k, &filter[g * cout..], Strides { row: 1, col: out_c }, None, packed);
        for m0 in (0..m).step_by(BWD_ROWS) {
            let mc = BWD_ROWS.min(m - m0);
            gemm::<V>(mc, k, cout, &dy[m0 * out_c + g * cout..], out_c, packed, dcols, k, Epilogue::store(Clamp::NONE), pointers);
            for r in 0..mc {
                let (b, o) = p.pixel(m0 + r);
                for t in 0..taps {
                    if let Some(offset) = p.tap_offset(b, o, p.tap(t)) {
                        let src = &dcols[r * k + t * cin..r * k + (t + 1) * cin];
                        let dst = offset + g * cin;
                        dx[dst..dst + cin].iter_mut().zip(src).for_each(|(d, s)| *d += s);
                    }
                }
            }
        }
    }
}

/// dW = ∂L/∂filter (k..., c_in/G, c_out) from x and dy: per group dW_g += colsᵀ · dy_g.
pub fn conv_nd_bwd_filter<V: F32x4>(p: &ConvNdParams, x: &[f32], dy: &[f32], dfilter: &mut [f32], floats: &mut [f32], pointers: &mut [*const f32]) {
    assert!(p.is_valid(), "conv_nd_bwd_filter: invalid parameters");
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dfilter.len() >= p.filter_len());
    if let Some(q) = p.as_2d() {
        return conv2d_bwd_filter::<V>(&q, x, dy, dfilter, floats, pointers);
    }
    let (cin, cout, out_c, taps) = (p.group_in(), p.group_out(), p.out_c as usize, p.taps());
    let k = taps * cin;
    dfilter[..p.filter_len()].iter_mut().for_each(|v| *v = 0.0);
    let m = p.output_pixels();
    if m == 0 || k == 0 || cout == 0 {
        return;
    }
    let (packed, rest) = floats.split_at_mut(packed_weights_len(BWD_ROWS, cout));
    let cols_t = &mut rest[..BWD_ROWS * k];
    for g in 0..p.groups as usize {
        for m0 in (0..m).step_by(BWD_ROWS) {
            let mc = BWD_ROWS.min(m - m0);
            pack_weights(mc, cout, &dy[m0 * out_c + g * cout..], Strides::row_major(out_c), None, packed);
            for r in 0..mc {
                let (b, o) = p.pixel(m0 + r);
                for t in 0..taps {
                    let offset = p.tap_offset(b, o, p.tap(t));
                    for ci in 0..cin {
                        cols_t[(t * cin + ci) * mc + r] = offset.map_or(0.0, |at| x[at + g * cin + ci]);
                    }
                }
            }
            gemm::<V>(k, cout, mc, &cols_t[..k * mc], mc, packed, &mut dfilter[g * cout..], out_c, Epilogue::ACCUMULATE, pointers);
        }
    }
}
