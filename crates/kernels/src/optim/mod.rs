//! Optimizer updates, in place over one variable's flat f32 buffers, in Keras's form so that the
//! numbers follow Keras / TensorFlow.js step for step (η learning rate, g the gradient):
//!
//! SGD    v ← μ·v − η·g;  w ← w + v  (Nesterov: w ← w + μ·v − η·g);  μ = 0: w ← w − η·g, no v.
//! Adam   m ← m + (g − m)(1 − β1);  v ← v + (g² − v)(1 − β2);  w ← w − α·m / (√v + ε),
//!        α = η·√(1 − β2ᵗ) / (1 − β1ᵗ) at step t (1-based).
//! AdamW  w ← w − w·λ·η (decoupled weight decay λ), then the Adam step.
//!
//! Every element, the tail of the buffer included, goes through the same 4-lane code, so an
//! element's result never depends on where it sits in the buffer.

use crate::simd::F32x4;

#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct SgdParams {
    pub learning_rate: f32,
    pub momentum: f32,
    /// 0 or 1.
    pub nesterov: u32,
}

/// Adam and AdamW (weight_decay > 0).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct AdamParams {
    pub learning_rate: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub epsilon: f32,
    pub weight_decay: f32,
    /// The step being taken, from 1.
    pub step: u32,
}

impl AdamParams {
    /// The bias-corrected step size α, worked out in f64 and rounded once.
    pub fn step_size(&self) -> f32 {
        let t = self.step as f64;
        let (b1, b2) = (self.beta1 as f64, self.beta2 as f64);
        (self.learning_rate as f64 * (1.0 - b2.powf(t)).sqrt() / (1.0 - b1.powf(t))) as f32
    }
}

/// Four lanes from `s` at `i`, zero-padded past the end.
#[inline(always)]
fn get<V: F32x4>(s: &[f32], i: usize) -> V {
    if i + 4 <= s.len() {
        // SAFETY: the 4 values from i lie inside s.
        unsafe { V::load(s.as_ptr().add(i)) }
    } else {
        let mut lanes = [0.0; 4];
        lanes[..s.len() - i].copy_from_slice(&s[i..]);
        // SAFETY: lanes holds 4 values.
        unsafe { V::load(lanes.as_ptr()) }
    }
}

/// Writes the lanes of `v` to `s` from `i`, as many as fit.
#[inline(always)]
fn put<V: F32x4>(v: V, s: &mut [f32], i: usize) {
    if i + 4 <= s.len() {
        // SAFETY: the 4 values from i lie inside s.
        unsafe { v.store(s.as_mut_ptr().add(i)) }
    } else {
        let n = s.len() - i;
        s[i..].copy_from_slice(&v.to_array()[..n]);
    }
}

/// One SGD step on w; `velocity` (same length as w) is read and written only when momentum ≠ 0.
pub fn sgd<V: F32x4>(p: &SgdParams, w: &mut [f32], g: &[f32], velocity: &mut [f32]) {
    let n = w.len();
    let momentum = p.momentum != 0.0;
    assert!(g.len() == n && (!momentum || velocity.len() == n));
    let (lr, mu) = (V::splat(p.learning_rate), V::splat(p.momentum));
    for i in (0..n).step_by(4) {
        let step = get::<V>(g, i).mul(lr);
        let wi = get::<V>(w, i);
        let next = if momentum {
            let v = mu.mul(get::<V>(velocity, i)).sub(step);
            put(v, velocity, i);
            if p.nesterov != 0 {
                wi.add(mu.mul(v).sub(step))
            } else {
                wi.add(v)
            }
        } else {
            wi.sub(step)
        };
        put(next, w, i);
    }
}

/// One Adam (AdamW when weight_decay > 0) step on w, updating the moments m and v.
pub fn adam<V: F32x4>(p: &AdamParams, w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
    let n = w.len();
    assert!(g.len() == n && m.len() == n && v.len() == n);
    let alpha = V::splat(p.step_size());
    let (keep1, keep2) = (V::splat(1.0 - p.beta1), V::splat(1.0 - p.beta2));
    let (decay, epsilon) = (V::splat(p.weight_decay * p.learning_rate), V::splat(p.epsilon));
    for i in (0..n).step_by(4) {
        let gi = get::<V>(g, i);
        let mut wi = get::<V>(w, i);
        if p.weight_decay != 0.0 {
            wi = wi.sub(wi.mul(decay));
        }
        let mi = get::<V>(m, i);
        let mi = mi.add(gi.sub(mi).mul(keep1));
        let vi = get::<V>(v, i);
        let vi = vi.add(gi.mul(gi).sub(vi).mul(keep2));
        put(mi, m, i);
        put(vi, v, i);
        put(wi.sub(mi.mul(alpha).div(vi.sqrt().add(epsilon))), w, i);
    }
}
