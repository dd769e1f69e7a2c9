//! The softmax family over the last axis: x viewed as (rows, k), each row shifted by its maximum
//! so no exp overflows. Gradients come from the output: softmax's dx = y·(dy − Σ dy·y),
//! log-softmax's dx = dy − e^y·Σ dy. The cross-entropy is fused: it never materialises the
//! softmax, and its backward recomputes each row rather than keeping one.

use super::{horizontal_sum, map_lanes, padded, zip_lanes};
use crate::simd::{exp, F32x4};

/// The maximum of a row; NaN if the row holds one (so the whole row becomes NaN, as in PyTorch).
fn row_max<V: F32x4>(x: &[f32]) -> f32 {
    let vectors = x.len() / 4 * 4;
    let mut acc = padded::<V>(&x[vectors..], f32::NEG_INFINITY);
    for i in (0..vectors).step_by(4) {
        // SAFETY: i + 4 <= x.len().
        acc = acc.max(unsafe { V::load(x.as_ptr().add(i)) });
    }
    acc.to_array().iter().fold(f32::NEG_INFINITY, |m, &v| if m.is_nan() || v.is_nan() { f32::NAN } else { m.max(v) })
}

/// Σ f(a, b) lane by lane; the tail's missing lanes are 0 in both (f(0, 0) must add nothing).
#[inline(always)]
fn sum_lanes<V: F32x4>(a: &[f32], b: &[f32], f: impl Fn(V, V) -> V) -> f32 {
    assert!(b.len() >= a.len());
    let vectors = a.len() / 4 * 4;
    let mut acc = f(padded(&a[vectors..], 0.0), padded(&b[vectors..a.len()], 0.0));
    for i in (0..vectors).step_by(4) {
        // SAFETY: i + 4 <= a.len() <= b.len().
        acc = acc.add(unsafe { f(V::load(a.as_ptr().add(i)), V::load(b.as_ptr().add(i))) });
    }
    horizontal_sum(acc)
}

/// Σ e^(x − shift), writing each term to `out` when given. The tail's missing lanes are −inf: they add 0.
#[inline(always)]
fn exp_sum<V: F32x4>(x: &[f32], shift: f32, mut out: Option<&mut [f32]>) -> f32 {
    let vectors = x.len() / 4 * 4;
    let s = V::splat(shift);
    let tail = exp(padded::<V>(&x[vectors..], f32::NEG_INFINITY).sub(s));
    let mut acc = tail;
    for i in (0..vectors).step_by(4) {
        // SAFETY: i + 4 <= x.len().
        let e = exp(unsafe { V::load(x.as_ptr().add(i)) }.sub(s));
        if let Some(out) = out.as_deref_mut() {
            assert!(out.len() >= x.len());
            // SAFETY: i + 4 <= x.len() <= out.len().
            unsafe { e.store(out.as_mut_ptr().add(i)) };
        }
        acc = acc.add(e);
    }
    if let Some(out) = out {
        out[vectors..x.len()].copy_from_slice(&tail.to_array()[..x.len() - vectors]);
    }
    horizontal_sum(acc)
}

/// max + ln Σ e^(x − max): log Σ e^x without overflow.
fn log_sum_exp<V: F32x4>(x: &[f32]) -> f32 {
    let max = row_max::<V>(x);
    max + exp_sum::<V>(x, max, None).ln()
}

fn check(rows: usize, k: usize, buffers: &[&[f32]]) {
    assert!(buffers.iter().all(|b| b.len() >= rows * k));
}

pub fn softmax<V: F32x4>(rows: usize, k: usize, x: &[f32], y: &mut [f32]) {
    check(rows, k, &[x, y]);
    for r in 0..rows {
        let (row, out) = (&x[r * k..(r + 1) * k], &mut y[r * k..(r + 1) * k]);
        let inverse = 1.0 / exp_sum::<V>(row, row_max::<V>(row), Some(&mut *out));
        out.iter_mut().for_each(|v| *v *= inverse);
    }
}

/// y = (x − max) − ln Σ e^(x − max).
pub fn log_softmax<V: F32x4>(rows: usize, k: usize, x: &[f32], y: &mut [f32]) {
    check(rows, k, &[x, y]);
    for r in 0..rows {
        let row = &x[r * k..(r + 1) * k];
        let max = row_max::<V>(row);
        let log_total = exp_sum::<V>(row, max, None).ln();
        map_lanes::<V>(row, &mut y[r * k..(r + 1) * k], 0.0, |v| v.sub(V::splat(max)).sub(V::splat(log_total)));
    }
}

/// dx = y · (dy − Σ dy·y).
pub fn softmax_bwd<V: F32x4>(rows: usize, k: usize, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    check(rows, k, &[y, dy, dx]);
    for r in 0..rows {
        let (yr, dyr) = (&y[r * k..(r + 1) * k], &dy[r * k..(r + 1) * k]);
        let s = V::splat(sum_lanes::<V>(yr, dyr, |a, b| a.mul(b)));
        zip_lanes::<V>(yr, dyr, &mut dx[r * k..(r + 1) * k], |y, dy| y.mul(dy.sub(s)));
    }
}

/// dx = dy − e^y · Σ dy.
pub fn log_softmax_bwd<V: F32x4>(rows: usize, k: usize, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    check(rows, k, &[y, dy, dx]);
    for r in 0..rows {
        let (yr, dyr) = (&y[r * k..(r + 1) * k], &dy[r * k..(r + 1) * k]);
        let s = V::splat(sum_lanes::<V>(dyr, dyr, |a, _| a));
        zip_lanes::<V>(yr, dyr, &mut dx[r * k..(r + 1) * k], |y, dy| dy.sub(exp(y).mul(s)));
    }
}

/// What each row of logits is scored against.
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a> {
    /// One class index per row, each in [0, k).
    Classes(&'a [i32]),
    /// A distribution per row, one-hot or soft: (rows, k).
    Probabilities(&'a [f32]),
}

impl<'a> Targets<'a> {
    fn check(&self, rows: usize, k: usize) {
        match *self {
            Targets::Classes(c) => assert!(c.len() >= rows && c[..rows].iter().all(|&c| c >= 0 && (c as usize) < k)),
            Targets::Probabilities(p) => assert!(p.len() >= rows * k),
        }
    }
}

/// The mean over rows of −Σ_j p_j · log softmax(x)_j = Σ_j p_j · (lse − x_j).
pub fn softmax_cross_entropy<V: F32x4>(rows: usize, k: usize, logits: &[f32], targets: Targets) -> f32 {
    check(rows, k, &[logits]);
    targets.check(rows, k);
    let mut total = 0.0f64;
    for r in 0..rows {
        let row = &logits[r * k..(r + 1) * k];
        let lse = log_sum_exp::<V>(row);
        let loss = match targets {
            Targets::Classes(c) => lse - row[c[r] as usize],
            Targets::Probabilities(p) => sum_lanes::<V>(&p[r * k..(r + 1) * k], row, |p, x| p.mul(V::splat(lse).sub(x))),
        };
        total += loss as f64;
    }
    (total / rows as f64) as f32
}

/// dlogits = (softmax · Σ_j p_j − p) · dloss / rows; for class targets Σ p = 1 and p is one-hot.
pub fn softmax_cross_entropy_bwd<V: F32x4>(rows: usize, k: usize, logits: &[f32], targets: Targets, dloss: f32, dx: &mut [f32]) {
    check(rows, k, &[logits, dx]);
    targets.check(rows, k);
    let g = dloss / rows as f32;
    for r in 0..rows {
        let (row, out) = (&logits[r * k..(r + 1) * k], &mut dx[r * k..(r + 1) * k]);
        let total = exp_sum::<V>(row, row_max::<V>(row), Some(&mut *out));
        match targets {
            Targets::Classes(c) => {
                let scale = g / total;
                out.iter_mut().for_each(|v| *v *= scale);
                out[c[r] as usize] -= g;
            }
            Targets::Probabilities(p) => {
                let p = &p[r * k..(r + 1) * k];
                let scale = g * sum_lanes::<V>(p, p, |a, _| a) / total;
                out.iter_mut().zip(p).for_each(|(v, &p)| *v = *v * scale - p * g);
            }
        }
    }
}
