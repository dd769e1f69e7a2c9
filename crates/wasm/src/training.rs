//! Exports for training: reductions and activation gradients (convolution gradients are in
//! conv.rs, pooling in local.rs).
//! Same ABI as lib.rs: u32 offsets, #[repr(C)] call structs, status codes.

use crate::{slice, slice_mut, OK};
use convkit_kernels::elementwise::{reduce_sum, relu_bwd};
use convkit_kernels::simd::Fast;
use wasm_bindgen::prelude::wasm_bindgen;

/// # Safety
/// x holds outer·mid·inner values, y outer·inner.
#[wasm_bindgen]
pub unsafe fn reduce_sum_f32(x: u32, y: u32, outer: usize, mid: usize, inner: usize) -> u32 {
    reduce_sum::<Fast>(outer, mid, inner, slice(x, outer * mid * inner), slice_mut(y, outer * inner));
    OK
}

/// # Safety
/// y, dy and dx hold `len` values each.
#[wasm_bindgen]
pub unsafe fn relu_bwd_f32(y: u32, dy: u32, dx: u32, len: usize) -> u32 {
    relu_bwd::<Fast>(slice(y, len), slice(dy, len), slice_mut(dx, len));
    OK
}
