//! Native sweep of the depthwise, locally-connected and 1/2/3-D pooling kernels against the naive
//! references: outputs prefilled with NaN and guarded past the end, channel counts below, at and
//! above the 4 lanes (and the 16-channel block of the depthwise kernel).

use convkit_kernels::dwconv::{dwconv2d_bwd_filter, dwconv2d_bwd_input, dwconv2d_bwd_input_scratch_len, dwconv2d_nhwc_f32, dwconv2d_scratch_len, DwConv2dParams};
use convkit_kernels::local::{local2d_bwd_filter, local2d_bwd_input, local2d_fwd, Local2dParams};
use convkit_kernels::pool::{avg_pool3d_bwd, avg_pool3d_fwd, max_pool3d_bwd, max_pool3d_bwd_scalar, max_pool3d_fwd, Pool3dParams};
use convkit_kernels::reference::{
    dwconv2d_bwd_filter_reference, dwconv2d_bwd_input_reference, dwconv2d_reference, local2d_bwd_filter_reference, local2d_bwd_input_reference,
    local2d_reference, pool3d_reference,
};
use convkit_kernels::simd::Fast;
use convkit_kernels::Clamp;

mod common;
use common::{assert_close, prefilled, Lcg};

const CHANNELS: [usize; 10] = [1, 2, 3, 4, 5, 8, 15, 16, 17, 33];

/// Output size and front padding along one axis ('same' when `same`, else 'valid').
fn axis(size: usize, kernel: usize, stride: usize, dilation: usize, same: bool) -> (u32, u32) {
    let span = dilation * (kernel - 1) + 1;
    if same {
        let out = (size + stride - 1) / stride;
        let total = ((out - 1) * stride + span).saturating_sub(size);
        (out as u32, (total / 2) as u32)
    } else {
        (((size - span) / stride + 1) as u32, 0)
    }
}

#[test]
fn dwconv2d_matches_reference() {
    let mut rng = Lcg(17);
    for case in 0..160 {
        let (kh, kw) = (1 + rng.below(5), 1 + rng.below(5));
        let (dh, dw) = (1 + rng.below(2), 1 + rng.below(2));
        let (sh, sw) = (1 + rng.below(2), 1 + rng.below(2));
        // Some cases are wide enough for runs of interior pixel pairs (the paired path).
        let extra = if case % 8 >= 5 { 9 } else { 0 };
        let (h, w) = ((kh - 1) * dh + 1 + rng.below(6), (kw - 1) * dw + 1 + rng.below(6) + extra);
        let same = case % 2 == 0;
        let (out_h, pad_top) = axis(h, kh, sh, dh, same);
        let (out_w, pad_left) = axis(w, kw, sw, dw, same);
        let mut c = CHANNELS[rng.below(CHANNELS.len())];
        if case % 10 == 9 {
            // 512+ output channels: pixel pairs take 16-channel blocks, then 8, 4 and a scalar tail.
            c = [171, 520, 523][case % 3];
        }
        let m = [1, 1, 2, 3][case % 4];
        let p = DwConv2dParams {
            batch: 1 + rng.below(2) as u32,
            in_h: h as u32,
            in_w: w as u32,
            channels: c as u32,
            multiplier: m as u32,
            out_h,
            out_w,
            kernel_h: kh as u32,
            kernel_w: kw as u32,
            stride_h: sh as u32,
            stride_w: sw as u32,
            dilation_h: dh as u32,
            dilation_w: dw as u32,
            pad_top,
            pad_left,
        };
        let clamp = if case % 3 == 0 { Clamp::RELU } else { Clamp::NONE };
        let (x, filter, bias, dy) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(p.out_c(), 1.0), rng.values(p.output_len(), 1.0));
        let bias = if case % 5 < 3 { Some(&bias[..]) } else { None };
        let label = format!("dwconv2d case {} {:?}", case, p);

        let mut fast = prefilled(p.output_len());
        dwconv2d_nhwc_f32::<Fast>(&p, &x, &filter, bias, clamp, &mut fast, &mut vec![f32::NAN; dwconv2d_scratch_len(&p)]);
        let mut reference = vec![0.0; p.output_len()];
        dwconv2d_reference(&p, &x, &filter, bias, clamp, &mut reference);
        assert_close(&label, &fast, &reference, 1e-5, 1e-5);

        let mut fast = prefilled(p.input_len());
        dwconv2d_bwd_input::<Fast>(&p, &dy, &filter, &mut fast, &mut vec![f32::NAN; dwconv2d_bwd_input_scratch_len(&p)]);
        let mut reference = vec![0.0; p.input_len()];
        dwconv2d_bwd_input_reference(&p, &dy, &filter, &mut reference);
        assert_close(&format!("{} dx", label), &fast, &reference, 1e-5, 1e-5);

        let mut fast = prefilled(p.filter_len());
        dwconv2d_bwd_filter::<Fast>(&p, &x, &dy, &mut fast);
        let mut reference = vec![0.0; p.filter_len()];
        dwconv2d_bwd_filter_reference(&p, &x, &dy, &mut reference);
        assert_close(&format!("{} dfilter", label), &fast, &reference, 1e-4, 1e-5);
    }
}

#[test]
fn dwconv2d_clamps_to_both_bounds() {
    // A clamp bounded on both sides (relu6-like) in every vector path: the 3x3 rows, pixel pairs
    // (stride 2, 520 channels) and single border pixels; NaN still passes through.
    let clamp = Clamp { min: -0.5, max: 0.5 };
    for (c, s) in [(8, 1), (17, 2), (520, 1)] {
        let (h, w) = (6, 9);
        let (out_h, pad_top) = axis(h, 3, s, 1, true);
        let (out_w, pad_left) = axis(w, 3, s, 1, true);
        let p = DwConv2dParams { batch: 1, in_h: h as u32, in_w: w as u32, channels: c as u32, multiplier: 1, out_h, out_w, kernel_h: 3, kernel_w: 3, stride_h: s as u32, stride_w: s as u32, dilation_h: 1, dilation_w: 1, pad_top, pad_left };
        let mut rng = Lcg(5 + c as u32);
        let (mut x, filter, bias) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(p.out_c(), 1.0));
        x[c + 1] = f32::NAN;
        let mut fast = prefilled(p.output_len());
        dwconv2d_nhwc_f32::<Fast>(&p, &x, &filter, Some(&bias), clamp, &mut fast, &mut vec![f32::NAN; dwconv2d_scratch_len(&p)]);
        let mut reference = vec![0.0; p.output_len()];
        dwconv2d_reference(&p, &x, &filter, Some(&bias), clamp, &mut reference);
        assert!(reference.iter().any(|v| *v == 0.5) && reference.iter().any(|v| *v == -0.5) && reference.iter().any(|v| v.is_nan()));
        assert_close(&format!("dwconv2d clamp c {} stride {}", c, s), &fast, &reference, 1e-6, 1e-6);
    }
}

#[test]
fn dwconv2d_propagates_nan() {
    let p = DwConv2dParams { batch: 1, in_h: 3, in_w: 3, channels: 5, multiplier: 1, out_h: 3, out_w: 3, kernel_h: 3, kernel_w: 3, stride_h: 1, stride_w: 1, dilation_h: 1, dilation_w: 1, pad_top: 1, pad_left: 1 };
    let mut x = vec![1.0; p.input_len()];
    x[0] = f32::NAN;
    let filter = vec![0.5; p.filter_len()];
    let mut fast = prefilled(p.output_len());
    dwconv2d_nhwc_f32::<Fast>(&p, &x, &filter, None, Clamp::RELU, &mut fast, &mut vec![f32::NAN; dwconv2d_scratch_len(&p)]);
    let mut reference = vec![0.0; p.output_len()];
    dwconv2d_reference(&p, &x, &filter, None, Clamp::RELU, &mut reference);
    assert!(reference[0].is_nan() && reference[20].is_nan() && !reference[1].is_nan() && !reference[40].is_nan());
    assert_close("dwconv2d NaN", &fast, &reference, 1e-6, 1e-6);
}

#[test]
fn local2d_matches_reference() {
    let mut rng = Lcg(23);
    for case in 0..80 {
        let (kh, kw) = (1 + rng.below(3), 1 + rng.below(3));
        let (sh, sw) = (1 + rng.below(2), 1 + rng.below(2));
        let (h, w) = (kh + rng.below(5), kw + rng.below(5));
        let same = case % 3 == 0;
        let (out_h, pad_top) = axis(h, kh, sh, 1, same);
        let (out_w, pad_left) = axis(w, kw, sw, 1, same);
        let p = Local2dParams {
            batch: 1 + rng.below(3) as u32,
            in_h: h as u32,
            in_w: w as u32,
            in_c: CHANNELS[rng.below(6)] as u32,
            out_h,
            out_w,
            out_c: CHANNELS[rng.below(CHANNELS.len())] as u32,
            kernel_h: kh as u32,
            kernel_w: kw as u32,
            stride_h: sh as u32,
            stride_w: sw as u32,
            pad_top,
            pad_left,
        };
        let per_item = p.locations() * p.out_c as usize;
        let (x, wt, bias, dy) = (rng.values(p.input_len(), 1.0), rng.values(p.weights_len(), 1.0), rng.values(per_item, 1.0), rng.values(p.output_len(), 1.0));
        let bias = if case % 2 == 0 { Some(&bias[..]) } else { None };
        let label = format!("local2d case {} {:?}", case, p);

        let mut fast = prefilled(p.output_len());
        local2d_fwd::<Fast>(&p, &x, &wt, bias, &mut fast);
        let mut reference = vec![0.0; p.output_len()];
        local2d_reference(&p, &x, &wt, bias, &mut reference);
        assert_close(&label, &fast, &reference, 1e-5, 1e-5);

        let mut fast = prefilled(p.input_len());
        local2d_bwd_input::<Fast>(&p, &dy, &wt, &mut fast);
        let mut reference = vec![0.0; p.input_len()];
        local2d_bwd_input_reference(&p, &dy, &wt, &mut reference);
        assert_close(&format!("{} dx", label), &fast, &reference, 1e-5, 1e-5);

        let mut fast = prefilled(p.weights_len());
        local2d_bwd_filter::<Fast>(&p, &x, &dy, &mut fast);
        let mut reference = vec![0.0; p.weights_len()];
        local2d_bwd_filter_reference(&p, &x, &dy, &mut reference);
        assert_close(&format!("{} dw", label), &fast, &reference, 1e-5, 1e-5);
    }
}

/// Max and average pooling forward against the reference.
fn check_pool_forward(p: &Pool3dParams, x: &[f32], label: &str) {
    for max in [true, false] {
        let mut fast = prefilled(p.output_len());
        if max {
            max_pool3d_fwd::<Fast>(p, x, &mut fast)
        } else {
            avg_pool3d_fwd::<Fast>(p, x, &mut fast)
        }
        let mut reference = vec![0.0; p.output_len()];
        pool3d_reference(p, x, max, &mut reference);
        assert_close(&format!("{} forward max={}", label, max), &fast, &reference, 1e-6, 1e-5);
    }
}

/// The max pool's forward output, which its backward takes.
fn max_pooled(p: &Pool3dParams, x: &[f32]) -> Vec<f32> {
    let mut y = vec![0.0; p.output_len()];
    max_pool3d_fwd::<Fast>(p, x, &mut y);
    y
}

#[test]
fn pool3d_matches_reference_in_1_2_and_3_axes() {
    let mut rng = Lcg(29);
    for case in 0..120 {
        let axes = 1 + case % 3;
        let mut dims = [(1usize, 1usize, 1usize, 0u32, 1u32); 3]; // (size, kernel, stride, pad, out)
        for d in dims.iter_mut().skip(3 - axes) {
            let k = 1 + rng.below(3);
            let s = 1 + rng.below(3);
            let size = k + rng.below(6);
            let (out, pad) = axis(size, k, s, 1, rng.below(2) == 0);
            *d = (size, k, s, pad, out);
        }
        let [zd, yd, xd] = dims;
        let p = Pool3dParams {
            batch: 1 + rng.below(2) as u32,
            in_d: zd.0 as u32,
            in_h: yd.0 as u32,
            in_w: xd.0 as u32,
            channels: CHANNELS[rng.below(CHANNELS.len())] as u32,
            out_d: zd.4,
            out_h: yd.4,
            out_w: xd.4,
            kernel_d: zd.1 as u32,
            kernel_h: yd.1 as u32,
            kernel_w: xd.1 as u32,
            stride_d: zd.2 as u32,
            stride_h: yd.2 as u32,
            stride_w: xd.2 as u32,
            pad_front: zd.3,
            pad_top: yd.3,
            pad_left: xd.3,
        };
        let mut x = rng.values(p.input_len(), 1.0);
        if case % 7 == 0 {
            x[0] = f32::NAN;
        }
        let label = format!("pool case {} {:?}", case, p);
        check_pool_forward(&p, &x, &label);
        // Backward: the gradient of Σ y·dy equals Σ over windows, checked by its total.
        let dy = rng.values(p.output_len(), 1.0);
        let mut dx = prefilled(p.input_len());
        avg_pool3d_bwd(&p, &dy, &mut dx);
        let total: f32 = dy.iter().sum();
        let got: f32 = dx[..p.input_len()].iter().sum();
        assert!((total - got).abs() <= 1e-3 * (1.0 + total.abs()), "{} avg backward conserves the total", label);
        let mut dx = prefilled(p.input_len());
        max_pool3d_bwd::<Fast>(&p, &x, &max_pooled(&p, &x), &dy, &mut dx);
        let got: f32 = dx[..p.input_len()].iter().sum();
        assert!((total - got).abs() <= 1e-3 * (1.0 + total.abs()), "{} max backward routes every dy", label);
        assert!(dx[p.input_len()..].iter().all(|&v| v == common::SENTINEL));
        let mut reference = vec![0.0; p.input_len()];
        max_pool3d_bwd_scalar(&p, &x, &dy, &mut reference);
        assert_close(&format!("{} max backward", label), &dx, &reference, 0.0, 0.0);
    }
}

#[test]
fn max_pool_backward_tiles_match_the_scalar_reference() {
    // Non-overlapping 'valid' windows (the vector paths), with ties, NaNs and odd sizes.
    let mut rng = Lcg(31);
    for case in 0..40 {
        let (k, s) = [(2, 2), (3, 3), (2, 3), (1, 1)][case % 4];
        let (h, w) = (k + rng.below(9), k + rng.below(9));
        let c = [1, 3, 4, 5, 8, 13][case % 6];
        let p = Pool3dParams {
            batch: 1 + rng.below(2) as u32,
            in_d: 1,
            in_h: h as u32,
            in_w: w as u32,
            channels: c as u32,
            out_d: 1,
            out_h: ((h - k) / s + 1) as u32,
            out_w: ((w - k) / s + 1) as u32,
            kernel_d: 1,
            kernel_h: k as u32,
            kernel_w: k as u32,
            stride_d: 1,
            stride_h: s as u32,
            stride_w: s as u32,
            ..Pool3dParams::default()
        };
        let mut x: Vec<f32> = rng.values(p.input_len(), 1.0).iter().map(|v| (v * 4.0).round()).collect();
        if case % 3 == 0 {
            for i in (0..x.len()).step_by(7) {
                x[i] = f32::NAN;
            }
        }
        check_pool_forward(&p, &x, &format!("tiles case {} {:?}", case, p));
        let dy = rng.values(p.output_len(), 1.0);
        let mut dx = prefilled(p.input_len());
        max_pool3d_bwd::<Fast>(&p, &x, &max_pooled(&p, &x), &dy, &mut dx);
        let mut reference = vec![0.0; p.input_len()];
        max_pool3d_bwd_scalar(&p, &x, &dy, &mut reference);
        assert_close(&format!("tiles case {} {:?}", case, p), &dx, &reference, 0.0, 0.0);
    }
}

#[test]
fn dwconv2d_3x3_rows_match_reference() {
    // The row-blocked 3x3 path: stride 1 and 2, 'same' and 'valid', widths around the row blocks (4 and 3 pixels),
    // channel counts with and without a tail past the last 4.
    let mut rng = Lcg(41);
    for case in 0..48 {
        let (s, same) = (1 + case % 2, case % 4 < 2);
        let (h, w) = (3 + rng.below(6), 3 + [0, 1, 3, 4, 5, 9, 13][case % 7]);
        let c = [4, 5, 8, 12, 17][case % 5];
        let (out_h, pad_top) = axis(h, 3, s, 1, same);
        let (out_w, pad_left) = axis(w, 3, s, 1, same);
        let p = DwConv2dParams {
            batch: 1 + (case % 3 == 0) as u32,
            in_h: h as u32,
            in_w: w as u32,
            channels: c as u32,
            multiplier: 1,
            out_h,
            out_w,
            kernel_h: 3,
            kernel_w: 3,
            stride_h: s as u32,
            stride_w: s as u32,
            dilation_h: 1,
            dilation_w: 1,
            pad_top,
            pad_left,
        };
        let clamp = if case % 3 == 1 { Clamp::RELU } else { Clamp::NONE };
        let (x, filter, bias) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(p.out_c(), 1.0));
        let bias = if case % 2 == 0 { Some(&bias[..]) } else { None };
        let mut fast = prefilled(p.output_len());
        dwconv2d_nhwc_f32::<Fast>(&p, &x, &filter, bias, clamp, &mut fast, &mut vec![f32::NAN; dwconv2d_scratch_len(&p)]);
        let mut reference = vec![0.0; p.output_len()];
        dwconv2d_reference(&p, &x, &filter, bias, clamp, &mut reference);
        assert_close(&format!("dw3x3 case {} {:?}", case, p), &fast, &reference, 1e-5, 1e-5);
    }
}
