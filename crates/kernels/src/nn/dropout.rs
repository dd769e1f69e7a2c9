//! Inverted dropout with a counter-based mask: element i is kept when lowbias32(i + lowbias32(seed))
//! ≥ threshold, threshold = ⌊rate · 2^32⌋, and kept values are scaled by 1/(1 − rate). The mask is a
//! pure function of (seed, i) in integer arithmetic, so a seed gives the same mask in every
//! runtime, and the backward regenerates it (the same kernel applied to dy) instead of storing it.

/// Chris Wellons' lowbias32: a cheap integer hash with good avalanche.
#[inline(always)]
pub fn lowbias32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

#[inline(always)]
pub fn dropout_keeps(key: u32, i: u32, threshold: u32) -> bool {
    lowbias32(i.wrapping_add(key)) >= threshold
}

/// y = x · scale where the mask keeps element i, else 0.
pub fn dropout(x: &[f32], y: &mut [f32], seed: u32, threshold: u32, scale: f32) {
    assert!(y.len() >= x.len());
    let key = lowbias32(seed);
    for (i, (o, &v)) in y.iter_mut().zip(x).enumerate() {
        *o = if dropout_keeps(key, i as u32, threshold) { v * scale } else { 0.0 };
    }
}
