//! conv_nd (1/2/3-D, groups, circular axes) forward and gradients against the naive reference.
mod common;

use common::{assert_close, prefilled, Lcg};
use convkit_kernels::conv::{conv_nd_bwd_filter, conv_nd_bwd_input, conv_nd_bwd_scratch, conv_nd_fwd, conv_nd_packed_len, conv_nd_scratch, ConvNdParams};
use convkit_kernels::reference::{conv_nd_bwd_filter_reference, conv_nd_bwd_input_reference, conv_nd_reference};
use convkit_kernels::simd::Fast;
use convkit_kernels::Clamp;

/// Sizes below, at and above the 4x8 tile; case % 4 picks 1-D, 2-D, 3-D or 2-D with groups 1 (fast
/// paths), and every seventh case is a 3x3 stride-1 convolution with enough channels for Winograd.
fn random_params(rng: &mut Lcg, case: usize) -> ConvNdParams {
    if case % 7 == 6 {
        return winograd_params(rng);
    }
    let mut pick = |lo: usize, hi: usize| lo + rng.below(hi - lo + 1);
    let dims = [1, 2, 3, 2][case % 4];
    let groups = if case % 4 == 3 { 1 } else { pick(1, 3) };
    let (cin, cout) = (groups * pick(1, 6), groups * pick(1, 10));
    let circular = if case % 5 == 0 { pick(0, 7) as u32 } else { 0 };
    let mut p = ConvNdParams { batch: pick(1, 2) as u32, in_c: cin as u32, out_c: cout as u32, groups: groups as u32, circular, ..Default::default() };
    for a in 0..3 {
        if a < 3 - dims {
            p.input[a] = 1;
            p.output[a] = 1;
            p.kernel[a] = 1;
            p.stride[a] = 1;
            p.dilation[a] = 1;
            p.circular &= !(1 << a);
            continue;
        }
        let (k, s, d) = (pick(1, 3), pick(1, 2), pick(1, 2));
        let span = d * (k - 1) + 1;
        let size = pick(1, 7).max(if p.circular & (1 << a) != 0 { span } else { 1 });
        let (before, after) = (pick(0, 2).min(size), pick(0, 2).min(size));
        // Padding `after` is implicit: the output covers the windows that fit in size + before + after.
        let padded = (size + before + after).max(span);
        p.input[a] = size as u32;
        p.output[a] = ((padded - span) / s + 1) as u32;
        p.kernel[a] = k as u32;
        p.stride[a] = s as u32;
        p.dilation[a] = d as u32;
        p.pad_before[a] = before as u32;
    }
    p
}

/// 2-D 3x3, stride 1, 16-36 channels (multiples of 4), odd and even sizes, any padding.
fn winograd_params(rng: &mut Lcg) -> ConvNdParams {
    let mut pick = |lo: usize, hi: usize| lo + rng.below(hi - lo + 1);
    let (batch, cin, cout) = (pick(1, 2), 4 * pick(4, 8), 4 * pick(4, 9));
    let (size, before, after) = ([pick(1, 9), pick(1, 9)], [pick(0, 2), pick(0, 2)], [pick(0, 2), pick(0, 2)]);
    conv3x3(batch, cin, cout, size, before, after)
}

/// A 2-D 3x3 stride-1 convolution of (batch, h, w, cin) to cout channels with this padding.
fn conv3x3(batch: usize, cin: usize, cout: usize, size: [usize; 2], before: [usize; 2], after: [usize; 2]) -> ConvNdParams {
    let mut p = ConvNdParams { batch: batch as u32, in_c: cin as u32, out_c: cout as u32, groups: 1, ..Default::default() };
    p.kernel = [1, 3, 3];
    p.stride = [1; 3];
    p.dilation = [1; 3];
    p.input = [1, size[0] as u32, size[1] as u32];
    p.output[0] = 1;
    for a in 0..2 {
        p.output[a + 1] = ((size[a] + before[a] + after[a]).max(3) - 2) as u32;
        p.pad_before[a + 1] = before[a] as u32;
    }
    p
}

/// conv_nd_fwd into a fresh output, with `packed` ready or to be packed; returns the output.
fn forward(p: &ConvNdParams, x: &[f32], filter: &[f32], bias: &[f32], packed: &mut [f32], packed_ready: bool, clamp: Clamp) -> Vec<f32> {
    let (floats, pointers) = conv_nd_scratch(p);
    let (mut floats, mut pointers) = (vec![f32::NAN; floats], vec![std::ptr::null(); pointers]);
    let mut y = prefilled(p.output_len());
    conv_nd_fwd::<Fast>(p, x, filter, Some(bias), packed, packed_ready, &mut y, clamp, &mut floats, &mut pointers);
    y
}

fn reference(p: &ConvNdParams, x: &[f32], filter: &[f32], bias: &[f32], clamp: Clamp) -> Vec<f32> {
    let mut y = vec![0.0; p.output_len()];
    conv_nd_reference(p, x, filter, Some(bias), clamp, &mut y);
    y
}

/// Random parameters, x, filter and bias, and a NaN-filled buffer for the packed filter.
fn random_case(rng: &mut Lcg, case: usize) -> (ConvNdParams, Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>) {
    let p = random_params(rng, case);
    let (x, filter, bias) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(p.out_c as usize, 1.0));
    (p, x, filter, bias, vec![f32::NAN; conv_nd_packed_len(&p)])
}

#[test]
fn conv_nd_matches_reference() {
    let mut rng = Lcg(29);
    for case in 0..160 {
        let (p, x, filter, bias, mut packed) = random_case(&mut rng, case);
        let clamp = if case % 3 == 0 { Clamp::RELU } else { Clamp::NONE };
        let packing = forward(&p, &x, &filter, &bias, &mut packed, false, clamp);
        assert_close(&format!("conv_nd {:?}", p), &packing, &reference(&p, &x, &filter, &bias, clamp), 1e-4, 1e-4);
        // The filter packed by that call serves another input.
        let x2 = rng.values(p.input_len(), 1.0);
        let reused = forward(&p, &x2, &filter, &bias, &mut packed, true, clamp);
        assert_close(&format!("conv_nd packed reused {:?}", p), &reused, &reference(&p, &x2, &filter, &bias, clamp), 1e-4, 1e-4);
    }
}

#[test]
fn conv_nd_packs_the_filter_even_without_output() {
    let mut rng = Lcg(37);
    for case in 0..12 {
        let (p, x, filter, bias, mut packed) = random_case(&mut rng, case);
        forward(&ConvNdParams { batch: 0, ..p }, &[], &filter, &bias, &mut packed, false, Clamp::NONE);
        let reused = forward(&p, &x, &filter, &bias, &mut packed, true, Clamp::NONE);
        assert_close(&format!("conv_nd packed without output {:?}", p), &reused, &reference(&p, &x, &filter, &bias, Clamp::NONE), 1e-4, 1e-4);
    }
}

/// dx and dW of `p` for random x, filter and dy against the reference, to `atol` (and 1e-4 relative).
fn check_gradients(p: &ConvNdParams, rng: &mut Lcg, atol: f32) {
    let (x, filter, dy) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(p.output_len(), 1.0));
    let (floats, pointers) = conv_nd_bwd_scratch(p);
    let (mut floats, mut pointers) = (vec![f32::NAN; floats], vec![std::ptr::null(); pointers]);

    let mut dx = prefilled(p.input_len());
    conv_nd_bwd_input::<Fast>(p, &dy, &filter, &mut dx, &mut floats, &mut pointers);
    let mut reference = vec![0.0; p.input_len()];
    conv_nd_bwd_input_reference(p, &dy, &filter, &mut reference);
    assert_close(&format!("conv_nd dx {:?}", p), &dx, &reference, atol, 1e-4);

    let mut dfilter = prefilled(p.filter_len());
    conv_nd_bwd_filter::<Fast>(p, &x, &dy, &mut dfilter, &mut floats, &mut pointers);
    let mut reference = vec![0.0; p.filter_len()];
    conv_nd_bwd_filter_reference(p, &x, &dy, &mut reference);
    assert_close(&format!("conv_nd dfilter {:?}", p), &dfilter, &reference, atol, 1e-4);
}

#[test]
fn conv_nd_gradients_match_reference() {
    let mut rng = Lcg(31);
    for case in 0..160 {
        let p = random_params(&mut rng, case);
        check_gradients(&p, &mut rng, 1e-4);
    }
}

#[test]
fn winograd_gradients_span_tile_blocks() {
    // 2 x 12 x 12 tiles = 288 > one block of 256; odd output sizes; c_out % 8 == 4 (a half panel).
    let mut rng = Lcg(41);
    for (size, pad, cout) in [(24, 1, 20), (23, 0, 16), (25, 2, 36)] {
        check_gradients(&conv3x3(2, 16, cout, [size; 2], [pad; 2], [pad; 2]), &mut rng, 1e-3);
    }
}
