//! Batch normalisation, channels-last: x viewed as (rows, c), every axis but the last a row.
//! y = (x − mean) · invstd · gamma + beta, invstd = 1/√(var + ε). Training normalises with the
//! batch mean and biased variance and folds both into the moving averages (Keras' convention:
//! moving = momentum · moving + (1 − momentum) · batch, the variance biased); inference uses the
//! moving statistics. The mean and invstd used are returned per channel; the backward takes them
//! (recomputed from x, not kept: they cost one pass).
//! Rows are walked in memory order, 4 channels per vector; accumulators are the output buffers.

use crate::simd::F32x4;

pub struct Affine<'a> {
    pub gamma: &'a [f32],
    pub beta: &'a [f32],
}

/// Per-channel mean and variance (the moving statistics, read in inference).
pub struct Statistics<'a> {
    pub mean: &'a [f32],
    pub variance: &'a [f32],
}

/// The moving statistics a training step updates in place.
pub struct Moving<'a> {
    pub mean: &'a mut [f32],
    pub variance: &'a mut [f32],
    pub momentum: f32,
}

/// What the forward keeps for the backward: the mean and invstd it normalised with.
pub struct Saved<'a> {
    pub mean: &'a mut [f32],
    pub invstd: &'a mut [f32],
}

/// The same, read by the backward.
pub struct Normalization<'a> {
    pub mean: &'a [f32],
    pub invstd: &'a [f32],
}

pub struct Gradients<'a> {
    pub dx: &'a mut [f32],
    pub dgamma: &'a mut [f32],
    pub dbeta: &'a mut [f32],
}

fn rows_of(len: usize, c: usize) -> usize {
    len.checked_div(c).unwrap_or(0)
}

/// For each row of x (and of `other`, same shape): acc[j] += f(x[j], other[j], j), 4 channels at a time.
#[inline(always)]
fn accumulate<V: F32x4>(x: &[f32], other: &[f32], acc: &mut [f32], f: impl Fn(V, V, usize) -> V, scalar: impl Fn(f32, f32, usize) -> f32) {
    let c = acc.len();
    let vectors = c / 4 * 4;
    assert!(other.len() >= x.len());
    for r in 0..rows_of(x.len(), c) {
        let (xr, or) = (&x[r * c..(r + 1) * c], &other[r * c..(r + 1) * c]);
        for j in (0..vectors).step_by(4) {
            // SAFETY: j + 4 <= c, the length of xr, or and acc.
            unsafe {
                let sum = V::load(acc.as_ptr().add(j)).add(f(V::load(xr.as_ptr().add(j)), V::load(or.as_ptr().add(j)), j));
                sum.store(acc.as_mut_ptr().add(j));
            }
        }
        for j in vectors..c {
            acc[j] += scalar(xr[j], or[j], j);
        }
    }
}

/// y[r, j] = f(x[r, j], other[r, j], j) for every row, 4 channels at a time.
#[inline(always)]
fn per_channel<V: F32x4>(c: usize, x: &[f32], other: &[f32], y: &mut [f32], f: impl Fn(V, V, usize) -> V, scalar: impl Fn(f32, f32, usize) -> f32) {
    let vectors = c / 4 * 4;
    assert!(other.len() >= x.len() && y.len() >= x.len());
    for r in 0..rows_of(x.len(), c) {
        let o = r * c;
        for j in (0..vectors).step_by(4) {
            // SAFETY: o + j + 4 <= (r + 1)·c <= the length of x, other and y.
            unsafe { f(V::load(x.as_ptr().add(o + j)), V::load(other.as_ptr().add(o + j)), j).store(y.as_mut_ptr().add(o + j)) };
        }
        for j in vectors..c {
            y[o + j] = scalar(x[o + j], other[o + j], j);
        }
    }
}

/// Four consecutive per-channel values from j.
#[inline(always)]
fn lanes<V: F32x4>(v: &[f32], j: usize) -> V {
    assert!(j + 4 <= v.len());
    // SAFETY: checked just above.
    unsafe { V::load(v.as_ptr().add(j)) }
}

/// The batch mean and biased variance of each channel (two passes: no cancellation).
pub fn batch_stats<V: F32x4>(x: &[f32], mean: &mut [f32], variance: &mut [f32]) {
    let c = mean.len();
    assert!(variance.len() == c);
    let scale = 1.0 / rows_of(x.len(), c) as f32;
    mean.iter_mut().for_each(|m| *m = 0.0);
    accumulate::<V>(x, x, mean, |v, _, _| v, |v, _, _| v);
    mean.iter_mut().for_each(|m| *m *= scale);
    let mean = &*mean;
    variance.iter_mut().for_each(|v| *v = 0.0);
    accumulate::<V>(
        x,
        x,
        variance,
        |v, _, j| {
            let d = v.sub(lanes(mean, j));
            d.mul(d)
        },
        |v, _, j| (v - mean[j]) * (v - mean[j]),
    );
    variance.iter_mut().for_each(|v| *v *= scale);
}

/// y = (x − mean) · invstd · gamma + beta.
pub fn normalize<V: F32x4>(x: &[f32], affine: Affine, saved: Normalization, y: &mut [f32]) {
    let Normalization { mean, invstd } = saved;
    let c = mean.len();
    assert!(affine.gamma.len() == c && affine.beta.len() == c && invstd.len() == c);
    let (g, b) = (affine.gamma, affine.beta);
    per_channel::<V>(
        c,
        x,
        x,
        y,
        |v, _, j| v.sub(lanes(mean, j)).mul(lanes::<V>(invstd, j).mul(lanes(g, j))).add(lanes(b, j)),
        |v, _, j| (v - mean[j]) * (invstd[j] * g[j]) + b[j],
    );
}

/// Training's statistics: the batch mean and invstd; the batch mean and variance are folded into
/// `moving` when given.
pub fn train_statistics<V: F32x4>(x: &[f32], epsilon: f32, moving: Option<Moving>, saved: Saved) {
    batch_stats::<V>(x, saved.mean, saved.invstd);
    if let Some(m) = moving {
        let momentum = m.momentum;
        let blend = |old: &mut f32, new: f32| *old = momentum * *old + (1.0 - momentum) * new;
        m.mean.iter_mut().zip(saved.mean.iter()).for_each(|(o, &n)| blend(o, n));
        m.variance.iter_mut().zip(saved.invstd.iter()).for_each(|(o, &n)| blend(o, n));
    }
    saved.invstd.iter_mut().for_each(|v| *v = 1.0 / (*v + epsilon).sqrt());
}

/// Inference's statistics: the moving mean and 1/√(moving variance + ε).
pub fn infer_statistics(epsilon: f32, moving: Statistics, saved: Saved) {
    saved.mean.copy_from_slice(moving.mean);
    saved.invstd.iter_mut().zip(moving.variance).for_each(|(s, &v)| *s = 1.0 / (v + epsilon).sqrt());
}

/// Training: normalise with the batch statistics, fold them into `moving` when given.
pub fn batch_norm_train<V: F32x4>(x: &[f32], affine: Affine, epsilon: f32, moving: Option<Moving>, saved: Saved, y: &mut [f32]) {
    let Saved { mean, invstd } = saved;
    train_statistics::<V>(x, epsilon, moving, Saved { mean: &mut *mean, invstd: &mut *invstd });
    normalize::<V>(x, affine, Normalization { mean, invstd }, y);
}

/// Inference: normalise with the moving statistics.
pub fn batch_norm_infer<V: F32x4>(x: &[f32], affine: Affine, epsilon: f32, moving: Statistics, saved: Saved, y: &mut [f32]) {
    let Saved { mean, invstd } = saved;
    infer_statistics(epsilon, moving, Saved { mean: &mut *mean, invstd: &mut *invstd });
    normalize::<V>(x, affine, Normalization { mean, invstd }, y);
}

/// dbeta = Σ dy, dgamma = Σ dy·x̂ over rows; dx = gamma·invstd·dy in inference, and in training
/// (the batch statistics depend on x) dx = gamma·invstd·(dy − dbeta/m − x̂·dgamma/m), m = rows.
pub fn batch_norm_bwd<V: F32x4>(x: &[f32], dy: &[f32], gamma: &[f32], saved: Normalization, training: bool, grads: Gradients) {
    let Normalization { mean, invstd } = saved;
    let Gradients { dx, dgamma, dbeta } = grads;
    let c = gamma.len();
    assert!(mean.len() == c && invstd.len() == c && dgamma.len() == c && dbeta.len() == c);
    dbeta.iter_mut().for_each(|v| *v = 0.0);
    dgamma.iter_mut().for_each(|v| *v = 0.0);
    accumulate::<V>(dy, dy, dbeta, |g, _, _| g, |g, _, _| g);
    accumulate::<V>(
        x,
        dy,
        dgamma,
        |v, g, j| g.mul(v.sub(lanes(mean, j)).mul(lanes(invstd, j))),
        |v, g, j| g * (v - mean[j]) * invstd[j],
    );
    let (dgamma, dbeta) = (&*dgamma, &*dbeta);
    if !training {
        return per_channel::<V>(c, x, dy, dx, |_, g, j| g.mul(lanes::<V>(gamma, j).mul(lanes(invstd, j))), |_, g, j| g * gamma[j] * invstd[j]);
    }
    let m = 1.0 / rows_of(x.len(), c) as f32;
    per_channel::<V>(
        c,
        x,
        dy,
        dx,
        |v, g, j| {
            let xhat = v.sub(lanes(mean, j)).mul(lanes(invstd, j));
            let centred = g.sub(lanes::<V>(dbeta, j).mul(V::splat(m))).sub(xhat.mul(lanes::<V>(dgamma, j).mul(V::splat(m))));
            centred.mul(lanes::<V>(gamma, j).mul(lanes(invstd, j)))
        },
        |v, g, j| {
            let xhat = (v - mean[j]) * invstd[j];
            (g - dbeta[j] * m - xhat * dgamma[j] * m) * gamma[j] * invstd[j]
        },
    );
}
