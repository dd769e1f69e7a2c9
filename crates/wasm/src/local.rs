//! Exports for the depthwise, locally-connected and 1/2/3-D pooling kernels. Same ABI as lib.rs:
//! u32 offsets, #[repr(C)] call structs mirrored in ts/core/abi.ts, status codes.

use crate::workspace::with_scratch;
use crate::{slice, slice_mut, status, OK};
use convkit_kernels::dwconv::{dwconv2d_bwd_filter, dwconv2d_bwd_input, dwconv2d_bwd_input_scratch_len, dwconv2d_nhwc_f32, dwconv2d_scratch_len, DwConv2dParams};
use convkit_kernels::local::{local2d_bwd_filter, local2d_bwd_input, local2d_fwd, Local2dParams};
use convkit_kernels::pool::{avg_pool3d_bwd, avg_pool3d_fwd, max_pool3d_bwd, max_pool3d_fwd, Pool3dParams};
use convkit_kernels::simd::Fast;
use convkit_kernels::Clamp;
use wasm_bindgen::prelude::wasm_bindgen;

unsafe fn optional<'a>(ptr: u32, len: usize) -> Option<&'a [f32]> {
    if ptr == 0 {
        None
    } else {
        Some(slice(ptr, len))
    }
}

/// Forward: x, filter, bias (0: none) -> out (y). Backward: dy with x (filter gradient) or with
/// filter (input gradient) -> out.
#[repr(C)]
pub struct DwConv2dCall {
    pub params: DwConv2dParams,
    pub x: u32,
    pub filter: u32,
    pub bias: u32,
    pub dy: u32,
    pub out: u32,
    pub clamp_min: f32,
    pub clamp_max: f32,
}

/// # Safety
/// `call` points to a DwConv2dCall whose x, filter, bias and out are valid for its params.
#[wasm_bindgen]
pub unsafe fn dwconv2d_f32(call: *const DwConv2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    let clamp = Clamp { min: call.clamp_min, max: call.clamp_max };
    status(with_scratch(dwconv2d_scratch_len(p), |scratch| {
        dwconv2d_nhwc_f32::<Fast>(p, slice(call.x, p.input_len()), slice(call.filter, p.filter_len()), optional(call.bias, p.out_c()), clamp, slice_mut(call.out, p.output_len()), scratch)
    }))
}

/// # Safety
/// `call` points to a DwConv2dCall whose dy, filter and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn dwconv2d_bwd_input_f32(call: *const DwConv2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    status(with_scratch(dwconv2d_bwd_input_scratch_len(p), |scratch| {
        dwconv2d_bwd_input::<Fast>(p, slice(call.dy, p.output_len()), slice(call.filter, p.filter_len()), slice_mut(call.out, p.input_len()), scratch)
    }))
}

/// # Safety
/// `call` points to a DwConv2dCall whose x, dy and out (dfilter) are valid for its params.
#[wasm_bindgen]
pub unsafe fn dwconv2d_bwd_filter_f32(call: *const DwConv2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    dwconv2d_bwd_filter::<Fast>(p, slice(call.x, p.input_len()), slice(call.dy, p.output_len()), slice_mut(call.out, p.filter_len()));
    OK
}

/// As DwConv2dCall, for the locally-connected layer (filter = the per-location weights).
#[repr(C)]
pub struct Local2dCall {
    pub params: Local2dParams,
    pub x: u32,
    pub filter: u32,
    pub bias: u32,
    pub dy: u32,
    pub out: u32,
}

/// # Safety
/// `call` points to a Local2dCall whose x, filter, bias and out are valid for its params.
#[wasm_bindgen]
pub unsafe fn local2d_f32(call: *const Local2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    let bias = optional(call.bias, p.locations() * p.out_c as usize);
    local2d_fwd::<Fast>(p, slice(call.x, p.input_len()), slice(call.filter, p.weights_len()), bias, slice_mut(call.out, p.output_len()));
    OK
}

/// # Safety
/// `call` points to a Local2dCall whose dy, filter and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn local2d_bwd_input_f32(call: *const Local2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    local2d_bwd_input::<Fast>(p, slice(call.dy, p.output_len()), slice(call.filter, p.weights_len()), slice_mut(call.out, p.input_len()));
    OK
}

/// # Safety
/// `call` points to a Local2dCall whose x, dy and out (dw) are valid for its params.
#[wasm_bindgen]
pub unsafe fn local2d_bwd_filter_f32(call: *const Local2dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    local2d_bwd_filter::<Fast>(p, slice(call.x, p.input_len()), slice(call.dy, p.output_len()), slice_mut(call.out, p.weights_len()));
    OK
}

/// Forward: x -> out (y). Backward: x, y (the forward's output; max only), dy -> out (dx). 1-D
/// and 2-D pools are the d = h = 1 and d = 1 cases.
#[repr(C)]
pub struct Pool3dCall {
    pub params: Pool3dParams,
    pub x: u32,
    pub y: u32,
    pub dy: u32,
    pub out: u32,
}

/// # Safety
/// `call` points to a Pool3dCall whose x and out are valid for its params.
#[wasm_bindgen]
pub unsafe fn max_pool3d_f32(call: *const Pool3dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    max_pool3d_fwd::<Fast>(p, slice(call.x, p.input_len()), slice_mut(call.out, p.output_len()));
    OK
}

/// # Safety
/// As `max_pool3d_f32`.
#[wasm_bindgen]
pub unsafe fn avg_pool3d_f32(call: *const Pool3dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    avg_pool3d_fwd::<Fast>(p, slice(call.x, p.input_len()), slice_mut(call.out, p.output_len()));
    OK
}

/// # Safety
/// `call` points to a Pool3dCall whose x, y, dy and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn max_pool3d_bwd_f32(call: *const Pool3dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    max_pool3d_bwd::<Fast>(p, slice(call.x, p.input_len()), slice(call.y, p.output_len()), slice(call.dy, p.output_len()), slice_mut(call.out, p.input_len()));
    OK
}

/// # Safety
/// `call` points to a Pool3dCall whose dy and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn avg_pool3d_bwd_f32(call: *const Pool3dCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    avg_pool3d_bwd(p, slice(call.dy, p.output_len()), slice_mut(call.out, p.input_len()));
    OK
}
