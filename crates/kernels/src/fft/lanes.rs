//! The lane shuffles the FFT needs beyond `F32x4`: complex (de)interleaving and reversal, for the
//! scalar vector (the reference) and simd128.

use crate::simd::{F32x4, Scalar};

pub trait Lanes: F32x4 {
    /// (r0 i0 r1 i1), (r2 i2 r3 i3) -> (r0 r1 r2 r3), (i0 i1 i2 i3).
    fn deinterleave(a: Self, b: Self) -> (Self, Self);
    /// The inverse of `deinterleave`.
    fn interleave(re: Self, im: Self) -> (Self, Self);
    /// (a3 a2 a1 a0)
    fn reverse(self) -> Self;
}

impl Lanes for Scalar {
    #[inline(always)]
    fn deinterleave(a: Self, b: Self) -> (Self, Self) {
        let (a, b) = (a.0, b.0);
        (Scalar([a[0], a[2], b[0], b[2]]), Scalar([a[1], a[3], b[1], b[3]]))
    }
    #[inline(always)]
    fn interleave(re: Self, im: Self) -> (Self, Self) {
        let (r, i) = (re.0, im.0);
        (Scalar([r[0], i[0], r[1], i[1]]), Scalar([r[2], i[2], r[3], i[3]]))
    }
    #[inline(always)]
    fn reverse(self) -> Self {
        let a = self.0;
        Scalar([a[3], a[2], a[1], a[0]])
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use super::Lanes;
    use crate::simd::Simd128;
    use core::arch::wasm32::i32x4_shuffle;

    impl Lanes for Simd128 {
        #[inline(always)]
        fn deinterleave(a: Self, b: Self) -> (Self, Self) {
            (Simd128(i32x4_shuffle::<0, 2, 4, 6>(a.0, b.0)), Simd128(i32x4_shuffle::<1, 3, 5, 7>(a.0, b.0)))
        }
        #[inline(always)]
        fn interleave(re: Self, im: Self) -> (Self, Self) {
            (Simd128(i32x4_shuffle::<0, 4, 1, 5>(re.0, im.0)), Simd128(i32x4_shuffle::<2, 6, 3, 7>(re.0, im.0)))
        }
        #[inline(always)]
        fn reverse(self) -> Self {
            Simd128(i32x4_shuffle::<3, 2, 1, 0>(self.0, self.0))
        }
    }
}
