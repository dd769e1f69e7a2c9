//! The machine's SIMD peak, measured: independent multiply-add chains with no memory traffic.
//! Twelve chains cover the mul→add latency on two mul and two add pipes (wasm SIMD has no FMA).

use super::F32x4;

/// Floating-point operations done by one iteration of `peak_probe`.
pub const PEAK_PROBE_FLOPS_PER_ITERATION: usize = 12 * 2 * 4;

/// Runs `iterations` steps of 12 independent x = x·m + a chains; returns a value that depends on
/// every chain so the work cannot be optimised away.
pub fn peak_probe<V: F32x4>(iterations: u32, seed: f32) -> f32 {
    // m comes from the argument, not a literal: a literal becomes a v128.const used in the loop,
    // and with one Deno 2.9 (V8 15.0) ran the probe at half speed (a hand-written probe, measured).
    let m = V::splat(1.0 - seed * 1e-4);
    let a = V::splat(seed * 1e-4);
    let mut x = [V::splat(seed); 12];
    for (i, xi) in x.iter_mut().enumerate() {
        *xi = xi.add(V::splat(i as f32));
    }
    let [mut x0, mut x1, mut x2, mut x3, mut x4, mut x5, mut x6, mut x7, mut x8, mut x9, mut x10, mut x11] = x;
    for _ in 0..iterations {
        x0 = x0.mul(m).add(a);
        x1 = x1.mul(m).add(a);
        x2 = x2.mul(m).add(a);
        x3 = x3.mul(m).add(a);
        x4 = x4.mul(m).add(a);
        x5 = x5.mul(m).add(a);
        x6 = x6.mul(m).add(a);
        x7 = x7.mul(m).add(a);
        x8 = x8.mul(m).add(a);
        x9 = x9.mul(m).add(a);
        x10 = x10.mul(m).add(a);
        x11 = x11.mul(m).add(a);
    }
    // Summed as vectors first: with 48 lane extractions after it, Firefox 153 ran the loop at half
    // speed (measured on a copy of this function, both ways).
    let sum = x0.add(x1).add(x2.add(x3)).add(x4.add(x5).add(x6.add(x7))).add(x8.add(x9).add(x10.add(x11)));
    sum.to_array().iter().sum()
}
