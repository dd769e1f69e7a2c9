//! One small 4-lane f32 vector trait with two implementations: `Simd128` (wasm32 with
//! `+simd128`) and `Scalar` (a plain array, everywhere). Kernels are written once, generic over
//! `F32x4`; `Fast` names the best implementation for the target being compiled.

mod scalar;
pub use scalar::{route_lane_to_max, Scalar};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd128::Simd128;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub type Fast = Simd128;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub type Fast = Scalar;

pub mod peak;
mod math;
pub use math::exp;

pub trait F32x4: Copy {
    fn splat(x: f32) -> Self;
    /// # Safety
    /// `p` must point to 4 readable f32 (no alignment needed).
    unsafe fn load(p: *const f32) -> Self;
    /// # Safety
    /// `p` must point to 1 readable f32.
    unsafe fn load_splat(p: *const f32) -> Self;
    /// # Safety
    /// `p` must point to 4 writable f32 (no alignment needed).
    unsafe fn store(self, p: *mut f32);
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// Lane-wise min/max that propagate NaN.
    fn min(self, o: Self) -> Self;
    fn max(self, o: Self) -> Self;
    /// `Clamp::apply` per lane: lo below lo, hi above hi, else the lane itself (NaN passes). Written
    /// as f32x4_pmax then f32x4_pmin, which LLVM 14 (Rust 1.63) emits as a compare and a bitselect
    /// each, 4 instructions a side in V8 (IEEE min/max take 7-8); skipping an unbounded clamp in the
    /// GEMM epilogue measured no faster (A/B), so only the depthwise kernels skip it.
    fn clamp(self, lo: Self, hi: Self) -> Self;
    fn to_array(self) -> [f32; 4];
    /// Rows become columns.
    fn transpose(rows: [Self; 4]) -> [Self; 4];
    fn sub(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
    /// Lane-wise IEEE square root (correctly rounded, as f32x4.sqrt).
    fn sqrt(self) -> Self;
    fn abs(self) -> Self;
    /// Lanes rounded to the nearest integer, ties to even.
    fn round(self) -> Self;
    /// 2^n for lanes holding integers n in [-126, 127] (exp's scaling step).
    fn pow2i(self) -> Self;
    /// Per lane: `a` where self < o, else `b` (NaN compares false, so it picks `b`).
    fn select_lt(self, o: Self, a: Self, b: Self) -> Self;
    /// Max-pool backward's step for one window pixel (self) against the window's maximum `max`:
    /// (this pixel's gradient, the gradient still to route). Where the pixel is the maximum (equal
    /// to it, or NaN: a NaN maximum came from a NaN pixel), it takes `pending` and leaves 0;
    /// elsewhere it takes 0 and leaves `pending`. Visiting the window in order, the first maximal
    /// pixel gets the gradient.
    fn route_to_max(self, max: Self, pending: Self) -> (Self, Self);
}
