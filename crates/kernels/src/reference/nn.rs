//! Naive f64 oracles for the nn kernels: the formulas as written, row by row.

use crate::nn::softmax::Targets;

fn each(x: &[f32], y: &mut [f32], f: impl Fn(f64) -> f64) {
    y.iter_mut().zip(x).for_each(|(o, &v)| *o = f(v as f64) as f32);
}

pub fn sigmoid_reference(x: &[f32], y: &mut [f32]) {
    each(x, y, |v| 1.0 / (1.0 + (-v).exp()));
}

pub fn tanh_reference(x: &[f32], y: &mut [f32]) {
    each(x, y, f64::tanh);
}

fn row(x: &[f32], r: usize, k: usize) -> Vec<f64> {
    x[r * k..(r + 1) * k].iter().map(|&v| v as f64).collect()
}

fn log_sum_exp(v: &[f64]) -> f64 {
    let max = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    max + v.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

pub fn softmax_reference(rows: usize, k: usize, x: &[f32], y: &mut [f32]) {
    for r in 0..rows {
        let v = row(x, r, k);
        let lse = log_sum_exp(&v);
        each(&x[r * k..(r + 1) * k], &mut y[r * k..(r + 1) * k], |x| (x - lse).exp());
    }
}

pub fn log_softmax_reference(rows: usize, k: usize, x: &[f32], y: &mut [f32]) {
    for r in 0..rows {
        let lse = log_sum_exp(&row(x, r, k));
        each(&x[r * k..(r + 1) * k], &mut y[r * k..(r + 1) * k], |x| x - lse);
    }
}

/// dx_i = Σ_j dy_j ∂y_j/∂x_i with the softmax Jacobian diag(y) − y·yᵀ, written out.
pub fn softmax_bwd_reference(rows: usize, k: usize, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    for r in 0..rows {
        let (y, dy) = (row(y, r, k), row(dy, r, k));
        for i in 0..k {
            let sum: f64 = (0..k).map(|j| dy[j] * y[j] * (if i == j { 1.0 } else { 0.0 } - y[i])).sum();
            dx[r * k + i] = sum as f32;
        }
    }
}

/// The log-softmax Jacobian is I − 1·softmaxᵀ: dx_i = dy_i − softmax_i · Σ_j dy_j.
pub fn log_softmax_bwd_reference(rows: usize, k: usize, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    for r in 0..rows {
        let (y, dy) = (row(y, r, k), row(dy, r, k));
        let total: f64 = dy.iter().sum();
        for i in 0..k {
            dx[r * k + i] = (dy[i] - y[i].exp() * total) as f32;
        }
    }
}

fn target_row(targets: Targets, r: usize, k: usize) -> Vec<f64> {
    match targets {
        Targets::Classes(c) => (0..k).map(|j| if j as i32 == c[r] { 1.0 } else { 0.0 }).collect(),
        Targets::Probabilities(p) => row(p, r, k),
    }
}

pub fn softmax_cross_entropy_reference(rows: usize, k: usize, logits: &[f32], targets: Targets) -> f32 {
    let mut total = 0.0;
    for r in 0..rows {
        let (x, p) = (row(logits, r, k), target_row(targets, r, k));
        let lse = log_sum_exp(&x);
        total -= (0..k).map(|j| p[j] * (x[j] - lse)).sum::<f64>();
    }
    (total / rows as f64) as f32
}

pub fn softmax_cross_entropy_bwd_reference(rows: usize, k: usize, logits: &[f32], targets: Targets, dloss: f32, dx: &mut [f32]) {
    for r in 0..rows {
        let (x, p) = (row(logits, r, k), target_row(targets, r, k));
        let (lse, mass) = (log_sum_exp(&x), p.iter().sum::<f64>());
        for j in 0..k {
            dx[r * k + j] = (((x[j] - lse).exp() * mass - p[j]) * dloss as f64 / rows as f64) as f32;
        }
    }
}

/// Per-channel mean and biased variance of x viewed as (rows, c).
pub fn batch_stats_reference(x: &[f32], c: usize) -> (Vec<f64>, Vec<f64>) {
    let rows = x.len() / c;
    let column = |j: usize| (0..rows).map(move |r| x[r * c + j] as f64);
    let mean: Vec<f64> = (0..c).map(|j| column(j).sum::<f64>() / rows as f64).collect();
    let var = (0..c).map(|j| column(j).map(|v| (v - mean[j]).powi(2)).sum::<f64>() / rows as f64).collect();
    (mean, var)
}

/// y with the given per-channel statistics.
pub fn batch_norm_reference(x: &[f32], gamma: &[f32], beta: &[f32], mean: &[f64], var: &[f64], epsilon: f32, y: &mut [f32]) {
    let c = gamma.len();
    for (i, (o, &v)) in y.iter_mut().zip(x).enumerate() {
        let j = i % c;
        *o = ((v as f64 - mean[j]) / (var[j] + epsilon as f64).sqrt() * gamma[j] as f64 + beta[j] as f64) as f32;
    }
}

/// dx, dgamma, dbeta; in training the mean and variance are functions of x, differentiated term by
/// term (∂var/∂x_i = 2(x_i − μ)/m, ∂μ/∂x_i = 1/m).
pub fn batch_norm_bwd_reference(x: &[f32], dy: &[f32], gamma: &[f32], mean: &[f64], var: &[f64], epsilon: f32, training: bool) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let c = gamma.len();
    let rows = x.len() / c;
    let m = rows as f64;
    let (mut dx, mut dgamma, mut dbeta) = (vec![0.0; x.len()], vec![0.0; c], vec![0.0; c]);
    for j in 0..c {
        let s = var[j] + epsilon as f64;
        let at = |r: usize| (x[r * c + j] as f64, dy[r * c + j] as f64);
        let g = gamma[j] as f64;
        dbeta[j] = (0..rows).map(|r| at(r).1).sum::<f64>() as f32;
        dgamma[j] = (0..rows).map(|r| at(r).1 * (at(r).0 - mean[j]) / s.sqrt()).sum::<f64>() as f32;
        // ∂L/∂var and ∂L/∂μ through x̂ = (x − μ)/√s.
        let dvar: f64 = (0..rows).map(|r| at(r).1 * g * (at(r).0 - mean[j]) * -0.5 * s.powf(-1.5)).sum();
        let dmean: f64 = (0..rows).map(|r| -at(r).1 * g / s.sqrt()).sum::<f64>() + dvar * (0..rows).map(|r| -2.0 * (at(r).0 - mean[j])).sum::<f64>() / m;
        for r in 0..rows {
            let (xv, d) = at(r);
            let direct = d * g / s.sqrt();
            dx[r * c + j] = if training { direct + dvar * 2.0 * (xv - mean[j]) / m + dmean / m } else { direct } as f32;
        }
    }
    (dx, dgamma, dbeta)
}

/// The index of the largest value along mid: the first on ties; a NaN counts as the largest.
pub fn argmax_reference(outer: usize, mid: usize, inner: usize, x: &[f32], out: &mut [i32]) {
    for o in 0..outer {
        for i in 0..inner {
            let column: Vec<f32> = (0..mid).map(|m| x[(o * mid + m) * inner + i]).collect();
            let index = column.iter().position(|v| v.is_nan()).unwrap_or_else(|| {
                let max = column.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                column.iter().position(|&v| v == max).unwrap_or(0)
            });
            out[o * inner + i] = index as i32;
        }
    }
}

/// Inverted dropout from its definition: keep element i when its hash is at least rate · 2^32.
pub fn dropout_reference(x: &[f32], seed: u32, rate: f64, y: &mut [f32]) {
    use crate::nn::dropout::lowbias32;
    let key = lowbias32(seed);
    for (i, (o, &v)) in y.iter_mut().zip(x).enumerate() {
        let keep = lowbias32(key.wrapping_add(i as u32)) as f64 >= (rate * 4_294_967_296.0).floor();
        *o = if keep { (v as f64 / (1.0 - rate)) as f32 } else { 0.0 };
    }
}
