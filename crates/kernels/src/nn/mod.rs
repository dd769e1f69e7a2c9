//! Neural-network kernels beyond convolution: sigmoid and tanh, the softmax family and the fused
//! softmax cross-entropy, batch normalisation, dropout, and the row helpers argmax and block copy.
//! Each takes plain slices; gradients sit beside their forward.

pub mod activation;
pub mod batchnorm;
pub mod dropout;
pub mod rows;
pub mod softmax;

use crate::simd::F32x4;

/// Calls f on x in blocks of 4 lanes; the tail goes through one padded block, so every element
/// sees the same arithmetic.
#[inline(always)]
pub(crate) fn map_lanes<V: F32x4>(x: &[f32], y: &mut [f32], pad: f32, f: impl Fn(V) -> V) {
    assert!(y.len() >= x.len());
    let n = x.len();
    let vectors = n / 4 * 4;
    for i in (0..vectors).step_by(4) {
        // SAFETY: i + 4 <= n <= both lengths.
        unsafe { f(V::load(x.as_ptr().add(i))).store(y.as_mut_ptr().add(i)) };
    }
    if vectors < n {
        let out = f(padded(&x[vectors..], pad)).to_array();
        y[vectors..n].copy_from_slice(&out[..n - vectors]);
    }
}

/// As `map_lanes` over two inputs.
#[inline(always)]
pub(crate) fn zip_lanes<V: F32x4>(a: &[f32], b: &[f32], y: &mut [f32], f: impl Fn(V, V) -> V) {
    assert!(b.len() >= a.len() && y.len() >= a.len());
    let n = a.len();
    let vectors = n / 4 * 4;
    for i in (0..vectors).step_by(4) {
        // SAFETY: i + 4 <= n <= all three lengths.
        unsafe { f(V::load(a.as_ptr().add(i)), V::load(b.as_ptr().add(i))).store(y.as_mut_ptr().add(i)) };
    }
    if vectors < n {
        let out = f(padded(&a[vectors..n], 0.0), padded(&b[vectors..n], 0.0)).to_array();
        y[vectors..n].copy_from_slice(&out[..n - vectors]);
    }
}

/// Up to 4 values in a vector, the missing lanes set to `pad`.
#[inline(always)]
pub(crate) fn padded<V: F32x4>(tail: &[f32], pad: f32) -> V {
    let mut lanes = [pad; 4];
    lanes[..tail.len()].copy_from_slice(tail);
    // SAFETY: lanes holds 4 values.
    unsafe { V::load(lanes.as_ptr()) }
}

#[inline(always)]
pub(crate) fn horizontal_sum<V: F32x4>(v: V) -> f32 {
    let [a, b, c, d] = v.to_array();
    (a + b) + (c + d)
}
