//! The optimizer updates by the formula, element by element in f64 (see optim/mod.rs).

use crate::optim::{AdamParams, SgdParams};

pub fn sgd_reference(p: &SgdParams, w: &mut [f32], g: &[f32], velocity: &mut [f32]) {
    let (lr, mu) = (p.learning_rate as f64, p.momentum as f64);
    for i in 0..w.len() {
        let (wi, gi) = (w[i] as f64, g[i] as f64);
        w[i] = if p.momentum == 0.0 {
            wi - lr * gi
        } else {
            let v = mu * velocity[i] as f64 - lr * gi;
            velocity[i] = v as f32;
            if p.nesterov != 0 {
                wi + mu * v - lr * gi
            } else {
                wi + v
            }
        } as f32;
    }
}

pub fn adam_reference(p: &AdamParams, w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
    let t = p.step as f64;
    let (lr, b1, b2) = (p.learning_rate as f64, p.beta1 as f64, p.beta2 as f64);
    let alpha = lr * (1.0 - b2.powf(t)).sqrt() / (1.0 - b1.powf(t));
    for i in 0..w.len() {
        let gi = g[i] as f64;
        let wi = w[i] as f64 * (1.0 - p.weight_decay as f64 * lr);
        let mi = b1 * m[i] as f64 + (1.0 - b1) * gi;
        let vi = b2 * v[i] as f64 + (1.0 - b2) * gi * gi;
        m[i] = mi as f32;
        v[i] = vi as f32;
        w[i] = (wi - alpha * mi / (vi.sqrt() + p.epsilon as f64)) as f32;
    }
}
