//! The FFT kernels (here on the `Scalar` vector; the wasm build swaps in simd128 and is checked
//! against the same oracles through the wasm exports) against the naive f64 DFT, over every
//! length 1..=64 and larger powers, primes (Bluestein) and mixed lengths, single transforms and
//! 4-lane blocks with leftovers. Outputs are prefilled with NaN and guarded past the end.

use convkit_kernels::fft::{spectral_mix, spectral_mix_bwd_filter, spectral_mix_bwd_input, FftPlan, RealFftPlan};
use convkit_kernels::reference::{dft_reference, irdft_reference, rdft_reference, spectral_mix_bwd_filter_reference, spectral_mix_bwd_input_reference, spectral_mix_reference};
use convkit_kernels::simd::Fast;

mod common;
use common::{assert_close, prefilled, Lcg, GUARD};

const LARGE: [usize; 10] = [97, 127, 128, 243, 256, 500, 1000, 1024, 4096, 4099];

/// (outer, inner) layouts: a single transform, lanes below, at and above a 4-lane block, and
/// inner < 4 run 4 (outer, inner) pairs at a time with a leftover.
fn layouts(n: usize) -> Vec<(usize, usize)> {
    if n > 1024 {
        vec![(1, 1), (1, 4)]
    } else if n > 300 {
        vec![(1, 1), (1, 5), (4, 1)]
    } else {
        vec![(1, 1), (2, 1), (1, 2), (3, 3), (1, 4), (2, 5), (1, 8), (2, 9), (4, 1), (9, 1), (2, 2), (5, 2)]
    }
}

/// Float error of an FFT grows with log n and with the size of the outputs (about √n here).
fn atol(n: usize) -> f32 {
    3e-6 * (n as f32).sqrt() * ((n as f32).log2() + 2.0)
}

fn lengths() -> Vec<usize> {
    (1..=64).chain(LARGE).collect()
}

#[test]
fn c2c_matches_dft() {
    let mut rng = Lcg(11);
    for n in lengths() {
        let plan = FftPlan::new(n).unwrap();
        for (outer, inner) in layouts(n) {
            let len = outer * n * inner * 2;
            let x = rng.values(len, 1.0);
            for inverse in [false, true] {
                let mut scratch = vec![f32::NAN; plan.scratch_len(inner)];
                let mut y = prefilled(len);
                plan.c2c::<Fast>(&x, &mut y, outer, inner, inverse, &mut scratch);
                let mut want = vec![0.0; len];
                dft_reference(&x, &mut want, outer, n, inner, inverse);
                let tol = if inverse { atol(n) / n as f32 } else { atol(n) };
                assert_close(&format!("c2c n={} outer={} inner={} inverse={}", n, outer, inner, inverse), &y, &want, tol, 1e-4);
            }
        }
    }
}

#[test]
fn c2c_in_place_and_round_trip() {
    let mut rng = Lcg(12);
    for n in [1, 6, 16, 17, 60, 64, 97, 1024, 4099] {
        let plan = FftPlan::new(n).unwrap();
        for (outer, inner) in [(1, 1), (2, 6), (5, 1), (3, 3)] {
            let len = outer * n * inner * 2;
            let x = rng.values(len, 1.0);
            let mut scratch = vec![f32::NAN; plan.scratch_len(inner)];
            let mut buf = x.clone();
            let p = buf.as_mut_ptr();
            // SAFETY: one buffer of the full size, in place.
            unsafe { plan.c2c_raw::<Fast>(p, p, outer, inner, false, &mut scratch) };
            let mut want = vec![0.0; len];
            dft_reference(&x, &mut want, outer, n, inner, false);
            want.extend([common::SENTINEL; GUARD]);
            buf.extend([common::SENTINEL; GUARD]);
            assert_close(&format!("in place n={}", n), &buf, &want[..len], atol(n), 1e-4);
            let mut back = prefilled(len);
            plan.c2c::<Fast>(&buf[..len], &mut back, outer, inner, true, &mut scratch);
            assert_close(&format!("round trip n={}", n), &back, &x, atol(n) / (n as f32).sqrt(), 1e-4);
        }
    }
}

#[test]
fn r2c_matches_dft() {
    let mut rng = Lcg(13);
    for n in lengths() {
        let plan = RealFftPlan::new(n).unwrap();
        for (outer, inner) in layouts(n) {
            let x = rng.values(outer * n * inner, 1.0);
            let out = outer * (n / 2 + 1) * inner * 2;
            let mut scratch = vec![f32::NAN; plan.scratch_len(inner)];
            let mut y = prefilled(out);
            plan.r2c::<Fast>(&x, &mut y, outer, inner, &mut scratch);
            let mut want = vec![0.0; out];
            rdft_reference(&x, &mut want, outer, n, inner);
            assert_close(&format!("r2c n={} outer={} inner={}", n, outer, inner), &y, &want, atol(n), 1e-4);
        }
    }
}

#[test]
fn c2r_matches_inverse_dft_and_ignores_dc_and_nyquist_imaginary_parts() {
    let mut rng = Lcg(14);
    for n in lengths() {
        let plan = RealFftPlan::new(n).unwrap();
        for (outer, inner) in layouts(n) {
            let x = rng.values(outer * (n / 2 + 1) * inner * 2, 1.0);
            let out = outer * n * inner;
            let mut scratch = vec![f32::NAN; plan.scratch_len(inner)];
            let mut y = prefilled(out);
            plan.c2r::<Fast>(&x, &mut y, outer, inner, &mut scratch);
            let mut want = vec![0.0; out];
            irdft_reference(&x, &mut want, outer, n, inner);
            assert_close(&format!("c2r n={} outer={} inner={}", n, outer, inner), &y, &want, 2.0 * atol(n) / n as f32, 1e-4);
        }
    }
}

#[test]
fn plans_pick_bluestein_only_for_prime_factors_above_13() {
    for (n, bluestein) in [(1, false), (13, false), (17, true), (4096, false), (2 * 3 * 5 * 7 * 11 * 13, false), (4099, true), (34, true)] {
        assert_eq!(FftPlan::new(n).unwrap().is_bluestein(), bluestein, "n={}", n);
    }
}

#[test]
fn spectral_mix_matches_reference() {
    let mut rng = Lcg(15);
    for case in 0..60 {
        let (batch, freqs, cin, cout) = (1 + rng.below(3), 1 + rng.below(6), 1 + rng.below(9), 1 + rng.below(11));
        let label = format!("case {} batch={} freqs={} cin={} cout={}", case, batch, freqs, cin, cout);
        let (xl, wl, yl) = (2 * batch * freqs * cin, 2 * freqs * cin * cout, 2 * batch * freqs * cout);
        let (x, w, dy) = (rng.values(xl, 1.0), rng.values(wl, 1.0), rng.values(yl, 1.0));

        let (mut y, mut want) = (prefilled(yl), vec![0.0; yl]);
        spectral_mix::<Fast>(&x, &w, &mut y, batch, freqs, cin, cout);
        spectral_mix_reference(&x, &w, &mut want, batch, freqs, cin, cout);
        assert_close(&format!("mix {}", label), &y, &want, 1e-5, 1e-4);

        let (mut dx, mut want) = (prefilled(xl), vec![0.0; xl]);
        spectral_mix_bwd_input::<Fast>(&dy, &w, &mut dx, batch, freqs, cin, cout);
        spectral_mix_bwd_input_reference(&dy, &w, &mut want, batch, freqs, cin, cout);
        assert_close(&format!("mix bwd input {}", label), &dx, &want, 1e-5, 1e-4);

        let (mut dw, mut want) = (prefilled(wl), vec![0.0; wl]);
        spectral_mix_bwd_filter::<Fast>(&x, &dy, &mut dw, batch, freqs, cin, cout);
        spectral_mix_bwd_filter_reference(&x, &dy, &mut want, batch, freqs, cin, cout);
        assert_close(&format!("mix bwd filter {}", label), &dw, &want, 1e-5, 1e-4);
    }
}

#[test]
fn plans_too_large_for_memory_fail_instead_of_aborting() {
    for n in [usize::MAX / 2, 1 << 62, (1 << 61) + 1] {
        assert!(FftPlan::new(n).is_err(), "n={}", n);
        assert!(RealFftPlan::new(n).is_err(), "n={}", n);
    }
}
