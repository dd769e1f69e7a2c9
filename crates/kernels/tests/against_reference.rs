//! Native sweep of the fast kernels (here on the `Scalar` vector; the wasm build swaps in
//! simd128 and is swept again by the vitest suite) against the naive references, across sizes
//! below, at and above the 4x8 tile. Outputs are prefilled with NaN and guarded past the end.

use convkit_kernels::conv::{conv2d_bwd_filter, conv2d_bwd_input, conv2d_bwd_scratch, conv2d_fwd, conv2d_fwd_packing, conv2d_scratch, Conv2dParams};
use convkit_kernels::elementwise::{binary, clamp, reduce_sum, relu_bwd, relu_bwd_scalar, Add, Broadcast, Mul};
use convkit_kernels::gemm::{gemm, gemm_packing, pack_weights, packed_weights_len, Epilogue, KBlocks, PackSource, Strides, GEMM_INDIRECTION_LEN, KC, NR};
use convkit_kernels::reference::{binary_reference, conv2d_bwd_filter_reference, conv2d_bwd_input_reference, conv2d_reference, gemm_reference};
use convkit_kernels::simd::{peak, Fast};
use convkit_kernels::Clamp;

mod common;
use common::{assert_close, prefilled, Lcg};

const SIZES: [usize; 14] = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 64, 67];

#[test]
fn gemm_matches_reference() {
    let mut rng = Lcg(7);
    for case in 0..150 {
        let (m, n, k) = (SIZES[rng.below(SIZES.len())], SIZES[rng.below(SIZES.len())], SIZES[rng.below(SIZES.len())]);
        let transposed_b = case % 2 == 1;
        let clamp = if case % 3 == 0 { Clamp::RELU } else { Clamp::NONE };
        let (a, b, bias) = (rng.values(m * k, 1.0), rng.values(k * n, 1.0), rng.values(n, 1.0));
        let b_strides = if transposed_b { Strides::transposed(k) } else { Strides::row_major(n) };
        let bias = if case % 4 < 2 { Some(&bias[..]) } else { None };

        let mut reference = vec![0.0; m * n];
        gemm_reference(m, n, k, &a, Strides::row_major(k), &b, b_strides, bias, clamp, &mut reference);
        let mut rows = vec![std::ptr::null(); GEMM_INDIRECTION_LEN];
        let label = format!("gemm m={} n={} k={} case {}", m, n, k, case);

        // Packing B while the first rows run leaves exactly what packing it up front gives.
        let mut packed = vec![f32::NAN; packed_weights_len(k, n)];
        let mut fast = prefilled(m * n);
        let src = PackSource { k, n, b: &b, strides: b_strides, bias };
        gemm_packing::<Fast>(m, &a, k, &src, &mut packed, &mut fast, n, Epilogue::store(clamp), &mut rows);
        assert_close(&format!("{} packing", label), &fast, &reference, 1e-4, 1e-4);
        let mut eager = vec![f32::NAN; packed_weights_len(k, n)];
        pack_weights(k, n, &b, b_strides, bias, &mut eager);
        assert_eq!(packed.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), eager.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "{}: packed B", label);

        let mut fast = prefilled(m * n);
        gemm::<Fast>(m, n, k, &a, k, &packed, &mut fast, n, Epilogue::store(clamp), &mut rows);
        assert_close(&label, &fast, &reference, 1e-4, 1e-4);
    }
}

#[test]
fn deep_gemm_matches_reference_across_k_blocks() {
    // k past KC splits into channel ranges; accumulation and clamp must span the k-blocks.
    let mut rng = Lcg(17);
    for (case, &(m, n, k)) in [(5, 9, KC + 1), (9, 16, 3 * KC + 7), (1, 3, 2 * KC), (67, 17, KC - 1)].iter().enumerate() {
        let (a, b, bias) = (rng.values(m * k, 1.0), rng.values(k * n, 1.0), rng.values(n, 1.0));
        let mut packed = vec![f32::NAN; packed_weights_len(k, n)];
        pack_weights(k, n, &b, Strides::row_major(n), Some(&bias), &mut packed);
        let mut rows = vec![std::ptr::null(); GEMM_INDIRECTION_LEN];
        for &(clamp, accumulate) in &[(Clamp::RELU, false), (Clamp::NONE, true)] {
            let mut fast = prefilled(m * n);
            if accumulate {
                fast[..m * n].iter_mut().for_each(|v| *v = 0.5);
            }
            let out = Epilogue { accumulate, clamp };
            gemm::<Fast>(m, n, k, &a, k, &packed, &mut fast, n, out, &mut rows);
            let mut reference = vec![0.0; m * n];
            gemm_reference(m, n, k, &a, Strides::row_major(k), &b, Strides::row_major(n), Some(&bias), clamp, &mut reference);
            if accumulate {
                // The reference clamps nothing here (Clamp::NONE), so adding C afterwards is exact.
                reference.iter_mut().for_each(|r| *r += 0.5);
            }
            assert_close(&format!("deep gemm m={} n={} k={} case {}", m, n, k, case), &fast, &reference, 1e-4, 1e-4);
        }
    }
}

#[test]
fn gemm_reads_rows_at_a_stride_longer_than_k() {
    // Winograd's GEMMs read A rows 16·c_in apart; gemm packs A from those rows (pack_a), whole
    // 4-value runs and a tail, per k-block.
    let mut rng = Lcg(29);
    for (case, &(m, n, k, a_stride)) in [(13, 9, 7, 12), (70, 16, 33, 48), (8, 5, KC + 5, KC + 9)].iter().enumerate() {
        let (a, b) = (rng.values((m - 1) * a_stride + k, 1.0), rng.values(k * n, 1.0));
        let mut packed = vec![f32::NAN; packed_weights_len(k, n)];
        pack_weights(k, n, &b, Strides::row_major(n), None, &mut packed);
        let mut rows = vec![std::ptr::null(); GEMM_INDIRECTION_LEN];
        let mut fast = prefilled(m * n);
        gemm::<Fast>(m, n, k, &a, a_stride, &packed, &mut fast, n, Epilogue::store(Clamp::NONE), &mut rows);
        let mut reference = vec![0.0; m * n];
        let a_strides = Strides { row: a_stride, col: 1 };
        gemm_reference(m, n, k, &a, a_strides, &b, Strides::row_major(n), None, Clamp::NONE, &mut reference);
        assert_close(&format!("strided gemm m={} n={} k={} a_stride={} case {}", m, n, k, a_stride, case), &fast, &reference, 1e-4, 1e-4);
    }
}

#[test]
fn k_blocks_cover_every_tap_and_channel_once() {
    for &(kc, ks) in &[(1, 1), (3, 25), (64, 9), (192, 3), (KC, 4), (KC + 1, 3), (1536, 3), (1024, 1), (100, 7)] {
        let blocks = KBlocks::new(kc, ks);
        let mut seen = vec![0; kc * ks];
        for b in 0..blocks.count() {
            let (t0, taps, c0, cs) = blocks.get(b);
            assert!(taps >= 1 && cs >= 1 && (cs <= KC || taps == 1) && (taps == 1 || cs == kc), "kc={} ks={} block {}", kc, ks, b);
            for t in t0..t0 + taps {
                for c in c0..c0 + cs {
                    seen[t * kc + c] += 1;
                }
            }
        }
        assert!(seen.iter().all(|&s| s == 1), "kc={} ks={}", kc, ks);
    }
}

#[test]
fn packed_weights_are_bias_then_k_rows_zero_padded() {
    let (k, n) = (2, 3);
    let b = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let mut packed = vec![f32::NAN; packed_weights_len(k, n)];
    pack_weights(k, n, &b, Strides::row_major(n), Some(&[7.0, 8.0, 9.0]), &mut packed);
    let mut expected = vec![0.0; NR * 3];
    expected[..3].copy_from_slice(&[7.0, 8.0, 9.0]);
    expected[NR..NR + 3].copy_from_slice(&[1.0, 2.0, 3.0]);
    expected[2 * NR..2 * NR + 3].copy_from_slice(&[4.0, 5.0, 6.0]);
    assert_eq!(packed, expected);
}

/// A random conv geometry: every fourth one pointwise; bottom/right padding shows only in the output size.
fn random_conv(rng: &mut Lcg, case: usize) -> Conv2dParams {
    let pointwise = case % 4 == 0;
    let mut pick = |lo: usize, hi: usize| lo + rng.below(hi - lo + 1);
    let (kh, kw) = if pointwise { (1, 1) } else { (pick(1, 5), pick(1, 5)) };
    let (sh, sw, dh, dw) = if pointwise { (1, 1, 1, 1) } else { (pick(1, 3), pick(1, 3), pick(1, 2), pick(1, 2)) };
    let (pt, pl, pb, pr) = if pointwise { (0, 0, 0, 0) } else { (pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)) };
    let (batch, cin, cout) = (pick(1, 3), pick(1, 19), pick(1, 21));
    let h = dh * (kh - 1) + 1 + pick(0, 9);
    let w = dw * (kw - 1) + 1 + pick(0, 9);
    let u = |v: usize| v as u32;
    Conv2dParams {
        batch: u(batch),
        in_h: u(h),
        in_w: u(w),
        in_c: u(cin),
        out_h: u((h + pt + pb - dh * (kh - 1) - 1) / sh + 1),
        out_w: u((w + pl + pr - dw * (kw - 1) - 1) / sw + 1),
        out_c: u(cout),
        kernel_h: u(kh),
        kernel_w: u(kw),
        stride_h: u(sh),
        stride_w: u(sw),
        dilation_h: u(dh),
        dilation_w: u(dw),
        pad_top: u(pt),
        pad_left: u(pl),
    }
}

#[test]
fn conv2d_matches_reference() {
    let mut rng = Lcg(11);
    for case in 0..130 {
        let mut p = random_conv(&mut rng, case);
        if case >= 120 {
            // Deep channels: taps split into k-blocks (and Pointwise's k past KC).
            p.in_c = [KC as u32 + 3, 300, 130][case % 3];
            p.batch = 1;
        }
        let (cout, k) = (p.out_c as usize, p.taps() * p.in_c as usize);
        let (x, filter, bias) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(cout, 1.0));
        let mut packed = vec![0.0; packed_weights_len(k, cout)];
        pack_weights(k, cout, &filter, Strides::row_major(cout), Some(&bias), &mut packed);
        let scratch = conv2d_scratch(&p);
        let mut floats = vec![f32::NAN; scratch.floats];
        let mut pointers = vec![std::ptr::null(); scratch.pointers];
        let mut fast = prefilled(p.output_len());
        conv2d_fwd::<Fast>(&p, &x, &packed, &mut fast, Clamp::NONE, &mut floats, &mut pointers);

        let mut reference = vec![0.0; p.output_len()];
        conv2d_reference(&p, &x, &filter, Some(&bias), Clamp::NONE, &mut reference);
        assert_close(&format!("conv2d {:?}", p), &fast, &reference, 1e-4, 1e-4);

        // Packing during the first chunk: same result, and the same packed buffer for later chunks.
        let bias = if case % 5 == 0 { None } else { Some(&bias[..]) };
        let mut lazily = vec![f32::NAN; packed.len()];
        let mut fast = prefilled(p.output_len());
        floats.iter_mut().for_each(|v| *v = f32::NAN);
        conv2d_fwd_packing::<Fast>(&p, &x, &filter, bias, &mut lazily, &mut fast, Clamp::RELU, &mut floats, &mut pointers);
        conv2d_reference(&p, &x, &filter, bias, Clamp::RELU, &mut reference);
        assert_close(&format!("conv2d packing {:?}", p), &fast, &reference, 1e-4, 1e-4);
        pack_weights(k, cout, &filter, Strides::row_major(cout), bias, &mut packed);
        assert!(lazily.iter().zip(&packed).all(|(a, b)| a.to_bits() == b.to_bits()), "conv2d packing: packed buffer {:?}", p);
    }
}

#[test]
fn conv2d_gradients_match_reference() {
    let mut rng = Lcg(13);
    for case in 0..60 {
        let p = random_conv(&mut rng, case);
        check_conv2d_gradients(&mut rng, p);
    }
}

/// The small CNN's two convolutions ('same' 3x3, c_in 1 and 32): many BWD_ROWS chunks, dx by the
/// transposed forward convolution, dW by kernel-row runs of the padded input.
#[test]
fn conv2d_gradients_of_the_small_cnn_match_reference() {
    let mut rng = Lcg(29);
    for (size, cin, cout) in [(28, 1, 32), (14, 32, 64)] {
        let p = Conv2dParams {
            batch: 3, in_h: size, in_w: size, in_c: cin, out_h: size, out_w: size, out_c: cout,
            kernel_h: 3, kernel_w: 3, stride_h: 1, stride_w: 1, dilation_h: 1, dilation_w: 1, pad_top: 1, pad_left: 1,
        };
        check_conv2d_gradients(&mut rng, p);
    }
}

/// conv2d_bwd_input and conv2d_bwd_filter against the references, on random x, filter and dy.
fn check_conv2d_gradients(rng: &mut Lcg, p: Conv2dParams) {
    let (x, filter, dy) = (rng.values(p.input_len(), 1.0), rng.values(p.filter_len(), 1.0), rng.values(p.output_len(), 1.0));
    let (floats_len, pointers_len) = conv2d_bwd_scratch(&p);
    let mut floats = vec![f32::NAN; floats_len];
    let mut pointers = vec![std::ptr::null(); pointers_len];

    let mut dx = prefilled(p.input_len());
    conv2d_bwd_input::<Fast>(&p, &dy, &filter, &mut dx, &mut floats, &mut pointers);
    let mut reference = vec![0.0; p.input_len()];
    conv2d_bwd_input_reference(&p, &dy, &filter, &mut reference);
    assert_close(&format!("conv2d dx {:?}", p), &dx, &reference, 1e-4, 1e-4);

    let mut dfilter = prefilled(p.filter_len());
    conv2d_bwd_filter::<Fast>(&p, &x, &dy, &mut dfilter, &mut floats, &mut pointers);
    let mut reference = vec![0.0; p.filter_len()];
    conv2d_bwd_filter_reference(&p, &x, &dy, &mut reference);
    assert_close(&format!("conv2d dfilter {:?}", p), &dfilter, &reference, 1e-4, 1e-4);
}

#[test]
fn reduce_sum_matches_a_plain_sum() {
    // inner: lines of 16 columns, then 4-column vectors, then single columns; inner = 1: whole
    // runs, 16 values a step then a tail.
    let mut rng = Lcg(37);
    for (outer, mid, inner) in [(1, 300, 32), (2, 7, 37), (3, 5, 3), (1, 1, 16), (2, 9, 20), (1, 1000, 1), (3, 37, 1), (2, 5, 1)] {
        let x = rng.values(outer * mid * inner, 1.0);
        let mut fast = prefilled(outer * inner);
        reduce_sum::<Fast>(outer, mid, inner, &x, &mut fast);
        let reference: Vec<f32> = (0..outer * inner).map(|oi| (0..mid).map(|m| x[(oi / inner * mid + m) * inner + oi % inner]).sum()).collect();
        assert_close(&format!("reduce_sum {} {} {}", outer, mid, inner), &fast, &reference, 1e-4, 1e-5);
    }
}

#[test]
fn broadcast_coalesces_contiguous_dims() {
    let same = Broadcast { shape: vec![2, 3, 4], a_strides: vec![12, 4, 1], b_strides: vec![12, 4, 1] };
    assert_eq!(same.coalesced(), Broadcast { shape: vec![24], a_strides: vec![1], b_strides: vec![1] });
    let bias = Broadcast { shape: vec![2, 3, 4], a_strides: vec![12, 4, 1], b_strides: vec![0, 0, 1] };
    assert_eq!(bias.coalesced(), Broadcast { shape: vec![6, 4], a_strides: vec![4, 1], b_strides: vec![0, 1] });
}

#[test]
fn binary_ops_match_reference() {
    let mut rng = Lcg(5);
    let spaces = [
        Broadcast { shape: vec![37], a_strides: vec![1], b_strides: vec![1] },
        Broadcast { shape: vec![3, 5, 7], a_strides: vec![35, 7, 1], b_strides: vec![0, 0, 1] },
        Broadcast { shape: vec![4, 6], a_strides: vec![1, 0], b_strides: vec![0, 1] },
        Broadcast { shape: vec![2, 9], a_strides: vec![0, 0], b_strides: vec![9, 1] },
        Broadcast { shape: vec![5, 3], a_strides: vec![1, 5], b_strides: vec![3, 1] },
    ];
    for space in &spaces {
        let a_len = space.shape.iter().zip(&space.a_strides).map(|(d, s)| (d - 1) * s).sum::<usize>() + 1;
        let b_len = space.shape.iter().zip(&space.b_strides).map(|(d, s)| (d - 1) * s).sum::<usize>() + 1;
        let (a, b) = (rng.values(a_len, 1.0), rng.values(b_len, 1.0));
        let mut reference = vec![0.0; space.len()];
        let mut fast = prefilled(space.len());
        binary::<Fast, Add>(space, &a, &b, &mut fast);
        binary_reference(space, &a, &b, |x, y| x + y, &mut reference);
        assert_close(&format!("add {:?}", space), &fast, &reference, 1e-4, 1e-4);
        let mut fast = prefilled(space.len());
        binary::<Fast, Mul>(space, &a, &b, &mut fast);
        binary_reference(space, &a, &b, |x, y| x * y, &mut reference);
        assert_close(&format!("mul {:?}", space), &fast, &reference, 1e-4, 1e-4);
    }
}

#[test]
fn relu_clamp_keeps_nan_and_zeroes_negatives() {
    let x = [-1.0, 0.5, f32::NAN, f32::NEG_INFINITY, f32::INFINITY, -0.0, 3.0];
    let mut y = [0.0; 7];
    clamp::<Fast>(&x, &mut y, Clamp::RELU);
    assert_eq!(&y[..2], &[0.0, 0.5]);
    assert!(y[2].is_nan());
    assert_eq!(&y[3..], &[0.0, f32::INFINITY, 0.0, 3.0]);
}

#[test]
fn peak_probe_is_finite_and_depends_on_iterations() {
    let (a, b) = (peak::peak_probe::<Fast>(10, 1.0), peak::peak_probe::<Fast>(20, 1.0));
    assert!(a.is_finite() && b.is_finite() && a != b);
}

#[test]
fn relu_backward_matches_its_scalar_reference() {
    let mut rng = Lcg(37);
    for &len in &[0usize, 1, 3, 4, 5, 8, 13, 67] {
        let mut y = rng.values(len, 1.0);
        if len > 2 {
            y[1] = f32::NAN;
            y[2] = 0.0;
        }
        let dy = rng.values(len, 1.0);
        let mut fast = prefilled(len);
        relu_bwd::<Fast>(&y, &dy, &mut fast[..len]);
        let mut reference = vec![f32::NAN; len];
        relu_bwd_scalar(&y, &dy, &mut reference);
        assert_close(&format!("relu_bwd len {}", len), &fast, &reference, 0.0, 0.0);
    }
}
