//! Circular padding and its adjoint against the naive reference, padding below, at and above the
//! image size (a kernel larger than the input wraps more than once).
mod common;

use common::{assert_close, prefilled, Lcg};
use convkit_kernels::conv::{pad_circular_nhwc_adjoint_f32, pad_circular_nhwc_f32, PadParams};
use convkit_kernels::reference::{pad_circular_adjoint_reference, pad_circular_reference};

fn random_params(rng: &mut Lcg) -> PadParams {
    let mut pick = |lo: u32, hi: u32| lo + rng.below((hi - lo + 1) as usize) as u32;
    let (h, w) = (pick(1, 5), pick(1, 6));
    PadParams { batch: pick(1, 2), h, w, c: pick(1, 5), top: pick(0, 2 * h), bottom: pick(0, 2 * h), left: pick(0, 2 * w), right: pick(0, 2 * w) }
}

#[test]
fn pad_circular_matches_reference() {
    let mut rng = Lcg(41);
    for _ in 0..300 {
        let p = random_params(&mut rng);
        let x = rng.values(p.input_len(), 1.0);
        let mut fast = prefilled(p.output_len());
        pad_circular_nhwc_f32(&p, &x, &mut fast);
        let mut reference = vec![0.0; p.output_len()];
        pad_circular_reference(&p, &x, &mut reference);
        assert_close(&format!("pad {:?}", p), &fast, &reference, 0.0, 0.0);
    }
}

#[test]
fn pad_circular_adjoint_matches_reference() {
    let mut rng = Lcg(43);
    for _ in 0..300 {
        let p = random_params(&mut rng);
        let dy = rng.values(p.output_len(), 1.0);
        let mut fast = prefilled(p.input_len());
        pad_circular_nhwc_adjoint_f32(&p, &dy, &mut fast);
        let mut reference = vec![0.0; p.input_len()];
        pad_circular_adjoint_reference(&p, &dy, &mut reference);
        assert_close(&format!("pad adjoint {:?}", p), &fast, &reference, 1e-5, 1e-5);
    }
}

/// <pad(x), dy> = <x, adjoint(dy)>: the adjoint is the transpose of the padding.
#[test]
fn pad_circular_adjoint_is_the_transpose() {
    let mut rng = Lcg(47);
    for _ in 0..50 {
        let p = random_params(&mut rng);
        let (x, dy) = (rng.values(p.input_len(), 1.0), rng.values(p.output_len(), 1.0));
        let (mut y, mut dx) = (vec![0.0; p.output_len()], vec![0.0; p.input_len()]);
        pad_circular_nhwc_f32(&p, &x, &mut y);
        pad_circular_nhwc_adjoint_f32(&p, &dy, &mut dx);
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(u, v)| *u as f64 * *v as f64).sum::<f64>();
        let (left, right) = (dot(&y, &dy), dot(&x, &dx));
        assert!((left - right).abs() <= 1e-4 * (1.0 + left.abs()), "{:?}: {} vs {}", p, left, right);
    }
}

#[test]
fn pad_circular_of_an_empty_batch_writes_nothing() {
    let p = PadParams { batch: 0, h: 3, w: 3, c: 2, top: 1, bottom: 1, left: 1, right: 1 };
    pad_circular_nhwc_f32(&p, &[], &mut []);
    pad_circular_nhwc_adjoint_f32(&p, &[], &mut []);
}
