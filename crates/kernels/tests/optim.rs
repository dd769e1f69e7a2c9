//! The optimizer updates (on the `Scalar` vector natively; the wasm build is checked again by the
//! vitest suite) against their f64 references, step by step, over sizes below, at and above the
//! 4-lane width; plus hand-worked first steps. Buffers are slices of larger ones whose guard
//! region must stay untouched.

use convkit_kernels::optim::{adam, sgd, AdamParams, SgdParams};
use convkit_kernels::reference::{adam_reference, sgd_reference};
use convkit_kernels::simd::Fast;

mod common;
use common::{assert_close, Lcg};

const SIZES: [usize; 12] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17];

#[test]
fn sgd_matches_reference() {
    let mut rng = Lcg(3);
    for &(momentum, nesterov) in &[(0.0, 0), (0.9, 0), (0.9, 1), (0.5, 1)] {
        let p = SgdParams { learning_rate: 0.05, momentum, nesterov };
        for &n in &SIZES {
            let (mut w, mut velocity) = (rng.guarded(n, 1.0), rng.guarded(n, 0.1));
            for step in 0..4 {
                let g = rng.guarded(n, 1.0);
                let (mut w_ref, mut v_ref) = (w.clone(), velocity.clone());
                sgd::<Fast>(&p, &mut w[..n], &g[..n], &mut velocity[..n]);
                sgd_reference(&p, &mut w_ref[..n], &g[..n], &mut v_ref[..n]);
                let label = format!("sgd {:?} n={} step {}", p, n, step);
                assert_close(&label, &w, &w_ref[..n], 1e-6, 1e-5);
                assert_close(&label, &velocity, &v_ref[..n], 1e-6, 1e-5);
            }
        }
    }
}

#[test]
fn sgd_without_momentum_needs_no_velocity() {
    let mut w = [1.0, -2.0, 3.0, 0.5, 4.0];
    sgd::<Fast>(&SgdParams { learning_rate: 0.5, momentum: 0.0, nesterov: 0 }, &mut w, &[2.0, 2.0, -2.0, 1.0, 0.0], &mut []);
    assert_eq!(w, [0.0, -3.0, 4.0, 0.0, 4.0]);
}

#[test]
fn adam_and_adamw_match_reference() {
    let mut rng = Lcg(11);
    for &weight_decay in &[0.0, 0.01] {
        for &n in &SIZES {
            let (mut w, mut m, mut v) = (rng.guarded(n, 1.0), rng.guarded(n, 0.0), rng.guarded(n, 0.0));
            for step in 1..=6 {
                let p = AdamParams { learning_rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weight_decay, step };
                let g = rng.guarded(n, 2.0);
                let (mut w_ref, mut m_ref, mut v_ref) = (w.clone(), m.clone(), v.clone());
                adam::<Fast>(&p, &mut w[..n], &g[..n], &mut m[..n], &mut v[..n]);
                adam_reference(&p, &mut w_ref[..n], &g[..n], &mut m_ref[..n], &mut v_ref[..n]);
                let label = format!("adam wd={} n={} step {}", weight_decay, n, step);
                assert_close(&label, &w, &w_ref[..n], 1e-6, 1e-5);
                assert_close(&label, &m, &m_ref[..n], 1e-6, 1e-5);
                assert_close(&label, &v, &v_ref[..n], 1e-6, 1e-5);
            }
        }
    }
}

#[test]
fn adam_first_step_moves_each_weight_by_the_learning_rate_against_the_gradient() {
    // Step 1 from zero moments: m = 0.1·g, v = 0.001·g², α = η·√0.001 / 0.1, so Δw = −η·g/|g|.
    let p = AdamParams { learning_rate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 0.0, weight_decay: 0.0, step: 1 };
    let mut w = [1.0, 1.0, 1.0, 1.0, 1.0];
    let (mut m, mut v) = ([0.0; 5], [0.0; 5]);
    adam::<Fast>(&p, &mut w, &[3.0, -0.5, 100.0, -7.0, 1e-3], &mut m, &mut v);
    for (i, &wi) in w.iter().enumerate() {
        let expected = if i % 2 == 0 { 0.9 } else { 1.1 };
        assert!((wi - expected).abs() < 1e-5, "w[{}] = {}", i, wi);
    }
}

#[test]
fn adamw_decays_weights_before_the_adam_step() {
    let p = AdamParams { learning_rate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weight_decay: 0.5, step: 3 };
    let mut w = [2.0, -4.0];
    let (mut m, mut v) = ([0.0; 2], [0.0; 2]);
    adam::<Fast>(&p, &mut w, &[0.0, 0.0], &mut m, &mut v);
    // A zero gradient with zero moments leaves only the decay: w·(1 − 0.5·0.1).
    assert_eq!(w, [1.9, -3.8]);
}
