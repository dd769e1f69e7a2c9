//! What every native kernel test uses: a seeded generator, outputs prefilled with NaN and followed
//! by a guard zone that must stay untouched, and the tolerance rule (NaN matches NaN, ±Inf itself).
#![allow(dead_code)]

pub const GUARD: usize = 8;
pub const SENTINEL: f32 = 12345.5;

pub struct Lcg(pub u32);

impl Lcg {
    pub fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(1664525).wrapping_add(1013904223);
        self.0 as f32 / 2f32.powi(31) - 1.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next() + 1.0) / 2.0 * n as f32) as usize % n
    }
    /// n values in [-scale, scale).
    pub fn values(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.next() * scale).collect()
    }
    /// n values followed by the guard zone.
    pub fn guarded(&mut self, n: usize, scale: f32) -> Vec<f32> {
        let mut v = self.values(n, scale);
        v.extend([SENTINEL; GUARD]);
        v
    }
}

/// An output buffer of n NaNs (every element must be written) and the guard zone.
pub fn prefilled(n: usize) -> Vec<f32> {
    let mut v = vec![f32::NAN; n + GUARD];
    v[n..].iter_mut().for_each(|x| *x = SENTINEL);
    v
}

/// `got` is `reference` followed by an untouched guard zone; |got − ref| ≤ atol + rtol·|ref|.
pub fn assert_close(label: &str, got: &[f32], reference: &[f32], atol: f32, rtol: f32) {
    assert_eq!(got.len(), reference.len() + GUARD, "{}", label);
    assert!(got[reference.len()..].iter().all(|&x| x == SENTINEL), "{}: wrote past the end", label);
    for (i, (g, r)) in got.iter().zip(reference).enumerate() {
        let ok = if r.is_nan() { g.is_nan() } else if r.is_infinite() { g == r } else { (g - r).abs() <= atol + rtol * r.abs() };
        assert!(ok, "{}: index {} got {} expected {}", label, i, g, r);
    }
}
