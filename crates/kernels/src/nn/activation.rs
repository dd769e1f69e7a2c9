//! Sigmoid and tanh over flat buffers, and their gradients from the output y (no need to keep x).

use super::{map_lanes, zip_lanes};
use crate::simd::{exp, F32x4};

/// 1 / (1 + e^-x), stable for any x: only e^-|x| ≤ 1 is ever computed.
#[inline(always)]
fn sigmoid_lanes<V: F32x4>(x: V) -> V {
    let (zero, one) = (V::splat(0.0), V::splat(1.0));
    let e = exp(zero.sub(x.abs()));
    let r = one.div(one.add(e));
    x.select_lt(zero, e.mul(r), r)
}

/// Cephes' tanhf: an odd polynomial below |x| = 0.625, where (1 − e)/(1 + e) would cancel;
/// above it, with e = e^-2|x| ≤ 1 so nothing overflows.
#[inline(always)]
fn tanh_lanes<V: F32x4>(x: V) -> V {
    const SMALL: [f32; 5] = [-5.704_988_7e-3, 2.063_909e-2, -5.373_971_6e-2, 1.333_144_2e-1, -3.333_328e-1];
    let (zero, one) = (V::splat(0.0), V::splat(1.0));
    let ax = x.abs();
    let e = exp(V::splat(-2.0).mul(ax));
    let large = one.sub(e).div(one.add(e));
    let large = x.select_lt(zero, zero.sub(large), large);
    let z = x.mul(x);
    let mut p = V::splat(SMALL[0]);
    for &c in &SMALL[1..] {
        p = p.mul(z).add(V::splat(c));
    }
    let small = p.mul(z).mul(x).add(x);
    ax.select_lt(V::splat(0.625), small, large)
}

pub fn sigmoid<V: F32x4>(x: &[f32], y: &mut [f32]) {
    map_lanes::<V>(x, y, 0.0, sigmoid_lanes)
}

pub fn tanh<V: F32x4>(x: &[f32], y: &mut [f32]) {
    map_lanes::<V>(x, y, 0.0, tanh_lanes)
}

/// dx = dy · y · (1 − y).
pub fn sigmoid_bwd<V: F32x4>(y: &[f32], dy: &[f32], dx: &mut [f32]) {
    zip_lanes::<V>(y, dy, dx, |y, dy| dy.mul(y).mul(V::splat(1.0).sub(y)))
}

/// dx = dy · (1 − y²).
pub fn tanh_bwd<V: F32x4>(y: &[f32], dy: &[f32], dx: &mut [f32]) {
    zip_lanes::<V>(y, dy, dx, |y, dy| dy.mul(V::splat(1.0).sub(y.mul(y))))
}
