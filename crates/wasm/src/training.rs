//! Exports for training: pooling forward and backward, reductions and activation gradients
//! (convolution gradients are in conv.rs).
//! Same ABI as lib.rs: u32 offsets, #[repr(C)] call structs, status codes.

use crate::{slice, slice_mut, OK};
use convkit_kernels::elementwise::{reduce_sum, relu_bwd};
use convkit_kernels::pool::{avg_pool2d_bwd, avg_pool2d_fwd, max_pool2d_bwd, max_pool2d_fwd, Pool2dParams};
use convkit_kernels::simd::Fast;
use wasm_bindgen::prelude::wasm_bindgen;

/// Forward: x -> out (y). Backward: x, dy -> out (dx).
#[repr(C)]
pub struct Pool2dCall {
    pub params: Pool2dParams,
    pub x: u32,
    pub dy: u32,
    pub out: u32,
}

/// # Safety
/// `call` points to a Pool2dCall whose x and out are valid for its params.
#[wasm_bindgen]
pub unsafe fn max_pool2d_f32(call: *const Pool2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    max_pool2d_fwd::<Fast>(p, slice(call.x, p.input_len()), slice_mut(call.out, p.output_len()));
    OK
}

/// # Safety
/// As `max_pool2d_f32`.
#[wasm_bindgen]
pub unsafe fn avg_pool2d_f32(call: *const Pool2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    avg_pool2d_fwd::<Fast>(p, slice(call.x, p.input_len()), slice_mut(call.out, p.output_len()));
    OK
}

/// # Safety
/// `call` points to a Pool2dCall whose x, dy and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn max_pool2d_bwd_f32(call: *const Pool2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    max_pool2d_bwd(p, slice(call.x, p.input_len()), slice(call.dy, p.output_len()), slice_mut(call.out, p.input_len()));
    OK
}

/// # Safety
/// `call` points to a Pool2dCall whose dy and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn avg_pool2d_bwd_f32(call: *const Pool2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    avg_pool2d_bwd(p, slice(call.dy, p.output_len()), slice_mut(call.out, p.input_len()));
    OK
}

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
    relu_bwd(slice(y, len), slice(dy, len), slice_mut(dx, len));
    OK
}
