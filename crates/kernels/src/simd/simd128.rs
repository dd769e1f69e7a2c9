use super::F32x4;
use core::arch::wasm32::*;

#[derive(Clone, Copy)]
pub struct Simd128(pub v128);

impl F32x4 for Simd128 {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        Simd128(f32x4_splat(x))
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Simd128(v128_load(p as *const v128))
    }
    #[inline(always)]
    unsafe fn load_splat(p: *const f32) -> Self {
        Simd128(v128_load32_splat(p as *const u32))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        v128_store(p as *mut v128, self.0)
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Simd128(f32x4_add(self.0, o.0))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Simd128(f32x4_mul(self.0, o.0))
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        Simd128(f32x4_min(self.0, o.0))
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        Simd128(f32x4_max(self.0, o.0))
    }
    #[inline(always)]
    fn clamp(self, lo: Self, hi: Self) -> Self {
        // pmax(x, lo) = x < lo ? lo : x; pmin(y, hi) = hi < y ? hi : y.
        Simd128(f32x4_pmin(f32x4_pmax(self.0, lo.0), hi.0))
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(self.0),
            f32x4_extract_lane::<1>(self.0),
            f32x4_extract_lane::<2>(self.0),
            f32x4_extract_lane::<3>(self.0),
        ]
    }
    #[inline(always)]
    fn transpose(r: [Self; 4]) -> [Self; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(r[0].0, r[1].0);
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(r[0].0, r[1].0);
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(r[2].0, r[3].0);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(r[2].0, r[3].0);
        [
            Simd128(i32x4_shuffle::<0, 1, 4, 5>(t0, t2)),
            Simd128(i32x4_shuffle::<2, 3, 6, 7>(t0, t2)),
            Simd128(i32x4_shuffle::<0, 1, 4, 5>(t1, t3)),
            Simd128(i32x4_shuffle::<2, 3, 6, 7>(t1, t3)),
        ]
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Simd128(f32x4_sub(self.0, o.0))
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        Simd128(f32x4_div(self.0, o.0))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        Simd128(f32x4_sqrt(self.0))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Simd128(f32x4_abs(self.0))
    }
    #[inline(always)]
    fn round(self) -> Self {
        Simd128(f32x4_nearest(self.0))
    }
    #[inline(always)]
    fn pow2i(self) -> Self {
        Simd128(i32x4_shl(i32x4_add(i32x4_trunc_sat_f32x4(self.0), i32x4_splat(127)), 23))
    }
    #[inline(always)]
    fn select_lt(self, o: Self, a: Self, b: Self) -> Self {
        Simd128(v128_bitselect(a.0, b.0, f32x4_lt(self.0, o.0)))
    }
    #[inline(always)]
    fn route_to_max(self, max: Self, pending: Self) -> (Self, Self) {
        let hit = v128_or(f32x4_eq(self.0, max.0), f32x4_ne(self.0, self.0));
        (Simd128(v128_and(pending.0, hit)), Simd128(v128_andnot(pending.0, hit)))
    }
}
