//! Native sweep of the nn kernels (on the `Scalar` vector; the wasm build's simd128 is swept by the
//! vitest suite) against the f64 references, over lengths below, at and above 4 lanes. Outputs are
//! prefilled with NaN and guarded past the end.

use convkit_kernels::elementwise::{binary, Broadcast, Div, Sub};
use convkit_kernels::nn::activation::{sigmoid, sigmoid_bwd, tanh, tanh_bwd};
use convkit_kernels::nn::batchnorm::{batch_norm_bwd, batch_norm_infer, batch_norm_train, Affine, Gradients, Moving, Normalization, Saved, Statistics};
use convkit_kernels::nn::dropout::dropout;
use convkit_kernels::nn::rows::{argmax, copy_blocks};
use convkit_kernels::nn::softmax::{log_softmax, log_softmax_bwd, softmax, softmax_bwd, softmax_cross_entropy, softmax_cross_entropy_bwd, Targets};
use convkit_kernels::reference::*;
use convkit_kernels::simd::{exp, F32x4, Fast};

mod common;
use common::{assert_close, prefilled, Lcg};

const LENGTHS: [usize; 10] = [1, 2, 3, 4, 5, 7, 8, 9, 17, 64];

#[test]
fn exp_is_within_a_few_ulp_and_handles_the_edges() {
    let mut x: Vec<f32> = (-8800..=8800).map(|i| i as f32 * 0.01).collect();
    x.extend_from_slice(&[-87.0, -87.3, -88.0, -100.0, 0.0, -0.0, 1e-8, 88.3]);
    for chunk in x.chunks(4) {
        let mut lanes = [0.0; 4];
        lanes[..chunk.len()].copy_from_slice(chunk);
        // SAFETY: lanes holds 4 values.
        let got = exp(unsafe { Fast::load(lanes.as_ptr()) }).to_array();
        for (g, &v) in got.iter().zip(chunk) {
            let want = (v as f64).exp();
            if want < 1.2e-38 {
                assert!(*g <= 1.2e-38 && *g >= 0.0, "exp({}) = {}", v, g);
            } else {
                assert!(((*g as f64 - want) / want).abs() < 4e-7, "exp({}) = {} want {}", v, g, want);
            }
        }
    }
    let special = exp(Fast::splat(f32::NAN)).to_array()[0];
    assert!(special.is_nan());
    assert_eq!(exp(Fast::splat(f32::NEG_INFINITY)).to_array()[0], 0.0);
    assert_eq!(exp(Fast::splat(f32::INFINITY)).to_array()[0], f32::INFINITY);
    assert_eq!(exp(Fast::splat(100.0)).to_array()[0], f32::INFINITY);
}

#[test]
fn sigmoid_and_tanh_match_reference() {
    let mut rng = Lcg(3);
    for &n in &LENGTHS {
        let mut x = rng.values(n, 12.0);
        if n > 4 {
            x[0] = 1e-3;
            x[1] = -0.6;
            x[2] = f32::NAN;
            x[3] = f32::NEG_INFINITY;
            x[4] = f32::INFINITY;
        }
        let mut reference = vec![0.0; n];
        let mut fast = prefilled(n);
        sigmoid::<Fast>(&x, &mut fast);
        sigmoid_reference(&x, &mut reference);
        assert_close(&format!("sigmoid n={}", n), &fast, &reference, 2e-6, 2e-6);
        let mut fast = prefilled(n);
        tanh::<Fast>(&x, &mut fast);
        tanh_reference(&x, &mut reference);
        assert_close(&format!("tanh n={}", n), &fast, &reference, 2e-6, 2e-6);
    }
}

#[test]
fn sigmoid_stays_accurate_far_into_the_tails() {
    let x = [-80.0f32, -30.0, -16.0, 16.0, 30.0];
    let mut y = [0.0; 5];
    sigmoid::<Fast>(&x, &mut y);
    for (v, g) in x.iter().zip(y) {
        let want = 1.0 / (1.0 + (-*v as f64).exp());
        assert!(((g as f64 - want) / want).abs() < 1e-6, "sigmoid({}) = {} want {}", v, g, want);
    }
}

#[test]
fn activation_gradients_match_reference() {
    let mut rng = Lcg(4);
    for &n in &LENGTHS {
        let (y, dy) = (rng.values(n, 1.0), rng.values(n, 1.0));
        let mut fast = prefilled(n);
        sigmoid_bwd::<Fast>(&y, &dy, &mut fast);
        let reference: Vec<f32> = y.iter().zip(&dy).map(|(&y, &d)| (d as f64 * y as f64 * (1.0 - y as f64)) as f32).collect();
        assert_close("sigmoid_bwd", &fast, &reference, 1e-6, 1e-6);
        let mut fast = prefilled(n);
        tanh_bwd::<Fast>(&y, &dy, &mut fast);
        let reference: Vec<f32> = y.iter().zip(&dy).map(|(&y, &d)| (d as f64 * (1.0 - y as f64 * y as f64)) as f32).collect();
        assert_close("tanh_bwd", &fast, &reference, 1e-6, 1e-6);
    }
}

#[test]
fn sub_and_div_broadcast_like_add() {
    let mut rng = Lcg(5);
    let space = Broadcast { shape: vec![3, 5, 7], a_strides: vec![35, 7, 1], b_strides: vec![0, 0, 1] };
    let (a, b) = (rng.values(105, 1.0), rng.values(7, 1.0));
    let mut reference = vec![0.0; 105];
    let mut fast = prefilled(105);
    binary::<Fast, Sub>(&space, &a, &b, &mut fast);
    binary_reference(&space, &a, &b, |x, y| x - y, &mut reference);
    assert_close("sub", &fast, &reference, 1e-6, 1e-6);
    let mut fast = prefilled(105);
    binary::<Fast, Div>(&space, &a, &b, &mut fast);
    binary_reference(&space, &a, &b, |x, y| x / y, &mut reference);
    assert_close("div", &fast, &reference, 1e-6, 1e-6);
}

#[test]
fn softmax_family_matches_reference() {
    let mut rng = Lcg(6);
    for &k in &LENGTHS {
        let rows = 3;
        let x = rng.values(rows * k, 30.0);
        let dy = rng.values(rows * k, 1.0);
        let mut reference = vec![0.0; rows * k];
        let mut y = prefilled(rows * k);
        softmax::<Fast>(rows, k, &x, &mut y);
        softmax_reference(rows, k, &x, &mut reference);
        assert_close(&format!("softmax k={}", k), &y, &reference, 1e-6, 1e-6);
        let mut dx = prefilled(rows * k);
        softmax_bwd::<Fast>(rows, k, &y[..rows * k], &dy, &mut dx);
        softmax_bwd_reference(rows, k, &y[..rows * k], &dy, &mut reference);
        assert_close(&format!("softmax_bwd k={}", k), &dx, &reference, 1e-5, 1e-5);

        let mut y = prefilled(rows * k);
        log_softmax::<Fast>(rows, k, &x, &mut y);
        log_softmax_reference(rows, k, &x, &mut reference);
        assert_close(&format!("log_softmax k={}", k), &y, &reference, 1e-5, 1e-5);
        let mut dx = prefilled(rows * k);
        log_softmax_bwd::<Fast>(rows, k, &y[..rows * k], &dy, &mut dx);
        log_softmax_bwd_reference(rows, k, &y[..rows * k], &dy, &mut reference);
        assert_close(&format!("log_softmax_bwd k={}", k), &dx, &reference, 1e-5, 1e-5);
    }
}

#[test]
fn softmax_rows_with_nan_become_nan_and_minus_infinity_gives_zero() {
    let x = [1.0, f32::NAN, 2.0, 0.0, f32::NEG_INFINITY, 1.0];
    let mut y = [0.0; 6];
    softmax::<Fast>(2, 3, &x, &mut y);
    assert!(y[..3].iter().all(|v| v.is_nan()));
    assert_eq!(y[4], 0.0);
    assert!((y[3] + y[5] - 1.0).abs() < 1e-6);
}

#[test]
fn softmax_cross_entropy_matches_reference() {
    let mut rng = Lcg(7);
    for &k in &LENGTHS {
        let rows = 5;
        let logits = rng.values(rows * k, 20.0);
        let classes: Vec<i32> = (0..rows).map(|r| ((r * 7 + 3) % k) as i32).collect();
        let soft: Vec<f32> = rng.values(rows * k, 1.0).iter().map(|v| v.abs()).collect();
        for targets in [Targets::Classes(&classes), Targets::Probabilities(&soft)] {
            let label = format!("softmax_cross_entropy k={} {:?}", k, matches!(targets, Targets::Classes(_)));
            let (got, want) = (softmax_cross_entropy::<Fast>(rows, k, &logits, targets), softmax_cross_entropy_reference(rows, k, &logits, targets));
            assert!((got - want).abs() <= 1e-5 + 1e-5 * want.abs(), "{}: {} vs {}", label, got, want);
            let mut dx = prefilled(rows * k);
            let mut reference = vec![0.0; rows * k];
            softmax_cross_entropy_bwd::<Fast>(rows, k, &logits, targets, 0.7, &mut dx);
            softmax_cross_entropy_bwd_reference(rows, k, &logits, targets, 0.7, &mut reference);
            assert_close(&label, &dx, &reference, 1e-6, 1e-6);
        }
    }
}

#[test]
fn batch_norm_matches_reference_in_both_modes() {
    let mut rng = Lcg(8);
    for &c in &LENGTHS {
        let rows = 11;
        let x: Vec<f32> = rng.values(rows * c, 3.0).iter().map(|v| v + 1.5).collect();
        let (gamma, beta, dy) = (rng.values(c, 2.0), rng.values(c, 1.0), rng.values(rows * c, 1.0));
        let (moving_mean, moving_var): (Vec<f32>, Vec<f32>) = (rng.values(c, 1.0), rng.values(c, 1.0).iter().map(|v| v.abs() + 0.5).collect());
        let eps = 1e-3;
        for training in [true, false] {
            let label = format!("batch_norm c={} training={}", c, training);
            let (mut mean, mut invstd, mut y) = (vec![f32::NAN; c], vec![f32::NAN; c], prefilled(rows * c));
            let (mut new_mean, mut new_var) = (moving_mean.clone(), moving_var.clone());
            let affine = Affine { gamma: &gamma, beta: &beta };
            let saved = Saved { mean: &mut mean, invstd: &mut invstd };
            let (ref_mean, ref_var) = if training {
                batch_norm_train::<Fast>(&x, affine, eps, Some(Moving { mean: &mut new_mean, variance: &mut new_var, momentum: 0.9 }), saved, &mut y);
                batch_stats_reference(&x, c)
            } else {
                batch_norm_infer::<Fast>(&x, affine, eps, Statistics { mean: &moving_mean, variance: &moving_var }, saved, &mut y);
                (moving_mean.iter().map(|&v| v as f64).collect(), moving_var.iter().map(|&v| v as f64).collect())
            };
            let mut reference = vec![0.0; rows * c];
            batch_norm_reference(&x, &gamma, &beta, &ref_mean, &ref_var, eps, &mut reference);
            assert_close(&label, &y, &reference, 1e-5, 1e-5);
            if training {
                for j in 0..c {
                    let (m, v) = (0.9 * moving_mean[j] as f64 + 0.1 * ref_mean[j], 0.9 * moving_var[j] as f64 + 0.1 * ref_var[j]);
                    assert!((new_mean[j] as f64 - m).abs() < 1e-5 && (new_var[j] as f64 - v).abs() < 1e-5, "{}: moving stats", label);
                }
            }

            let (mut dx, mut dgamma, mut dbeta) = (prefilled(rows * c), prefilled(c), prefilled(c));
            let grads = Gradients { dx: &mut dx[..rows * c], dgamma: &mut dgamma[..c], dbeta: &mut dbeta[..c] };
            batch_norm_bwd::<Fast>(&x, &dy, &gamma, Normalization { mean: &mean, invstd: &invstd }, training, grads);
            let (rdx, rdgamma, rdbeta) = batch_norm_bwd_reference(&x, &dy, &gamma, &ref_mean, &ref_var, eps, training);
            assert_close(&format!("{} dx", label), &dx, &rdx, 1e-4, 1e-4);
            assert_close(&format!("{} dgamma", label), &dgamma, &rdgamma, 1e-4, 1e-4);
            assert_close(&format!("{} dbeta", label), &dbeta, &rdbeta, 1e-4, 1e-4);
        }
    }
}

#[test]
fn dropout_matches_reference_and_keeps_about_one_minus_rate() {
    let mut rng = Lcg(9);
    let x = rng.values(10_000, 1.0);
    for (rate, seed) in [(0.1, 1u32), (0.5, 2), (0.9, 3)] {
        let threshold = (rate * 4_294_967_296.0f64).floor() as u32;
        let mut fast = prefilled(x.len());
        dropout(&x, &mut fast, seed, threshold, (1.0 / (1.0 - rate)) as f32);
        let mut reference = vec![0.0; x.len()];
        dropout_reference(&x, seed, rate, &mut reference);
        assert_close(&format!("dropout rate {}", rate), &fast, &reference, 1e-6, 1e-6);
        let kept = fast[..x.len()].iter().filter(|&&v| v != 0.0).count() as f64 / x.len() as f64;
        assert!((kept - (1.0 - rate)).abs() < 0.02, "rate {}: kept {}", rate, kept);
    }
    let (mut a, mut b) = (vec![0.0; 64], vec![0.0; 64]);
    dropout(&x[..64], &mut a, 7, 1 << 31, 2.0);
    dropout(&x[..64], &mut b, 8, 1 << 31, 2.0);
    assert_ne!(a, b, "different seeds, different masks");
}

#[test]
fn argmax_matches_reference_and_takes_the_first_nan() {
    let mut rng = Lcg(10);
    for &(outer, mid, inner) in &[(1, 1, 1), (3, 7, 1), (2, 5, 3), (1, 17, 4)] {
        let mut x = rng.values(outer * mid * inner, 1.0);
        x[0] = x[inner.min(x.len() - 1)];
        let (mut fast, mut reference) = (vec![-1; outer * inner], vec![-2; outer * inner]);
        argmax(outer, mid, inner, &x, &mut fast);
        argmax_reference(outer, mid, inner, &x, &mut reference);
        assert_eq!(fast, reference, "argmax {:?}", (outer, mid, inner));
    }
    let mut out = [0];
    argmax(1, 4, 1, &[1.0, f32::NAN, 5.0, f32::NAN], &mut out);
    assert_eq!(out, [1]);
}

#[test]
fn copy_blocks_copies_strided_runs() {
    let src: Vec<u32> = (0..12).collect();
    let mut dst = vec![99u32; 10];
    copy_blocks(3, 2, &src, 4, &mut dst[1..], 3);
    assert_eq!(dst, [99, 0, 1, 99, 4, 5, 99, 8, 9, 99]);
}
