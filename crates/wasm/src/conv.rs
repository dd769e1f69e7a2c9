//! Exports for the convolution family over 1, 2 or 3 spatial axes with groups and circular axes
//! (conv1d, conv2d, conv3d, conv2dTranspose in TypeScript). Same ABI as lib.rs: u32 offsets,
//! #[repr(C)] call structs, status codes. Plain 2-D calls take conv2d's fast paths inside the kernel.

use crate::workspace::workspace;
use crate::{optional, slice, slice_mut, status, OK};
use convkit_kernels::conv::{conv_nd_bwd_filter, conv_nd_bwd_input, conv_nd_bwd_scratch, conv_nd_fwd, conv_nd_packed_len, conv_nd_scratch, ConvNdParams};
use convkit_kernels::conv::{pad_circular_nhwc_adjoint_f32, pad_circular_nhwc_f32, PadParams};
use convkit_kernels::reference::conv_nd_reference;
use convkit_kernels::simd::Fast;
use convkit_kernels::Clamp;
use wasm_bindgen::prelude::wasm_bindgen;

#[repr(C)]
pub struct ConvNdCall {
    pub params: ConvNdParams,
    pub x: u32,
    pub filter: u32,
    pub bias: u32,
    pub y: u32,
    pub clamp_min: f32,
    pub clamp_max: f32,
    /// The caller's buffer of `conv_nd_packed_len` f32 for the packed filter and bias, kept across
    /// calls (XNNPACK likewise packs a filter once, not per call).
    pub packed: u32,
    /// 1: `packed` already holds this filter and bias. 0: pack them into it during this call.
    pub packed_ready: u32,
}

/// Forward: x, filter (and bias) -> y. Gradients: dy with filter -> out (dx), dy with x -> out (dfilter).
#[repr(C)]
pub struct ConvNdBwdCall {
    pub params: ConvNdParams,
    pub x: u32,
    pub filter: u32,
    pub dy: u32,
    pub out: u32,
}

/// # Safety
/// `call` points to a ConvNdCall whose buffers are valid for the sizes its params state.
#[wasm_bindgen]
pub unsafe fn conv_nd_f32(call: *const ConvNdCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    let (floats, pointers) = conv_nd_scratch(p);
    let ws = workspace();
    status(ws.reserve(floats, pointers).map(|()| {
        let (_, floats, pointers) = ws.split(0);
        let clamp = Clamp { min: call.clamp_min, max: call.clamp_max };
        let (x, filter, bias) = (slice(call.x, p.input_len()), slice(call.filter, p.filter_len()), optional(call.bias, p.out_c as usize));
        let packed = slice_mut(call.packed, conv_nd_packed_len(p));
        conv_nd_fwd::<Fast>(p, x, filter, bias, packed, call.packed_ready != 0, slice_mut(call.y, p.output_len()), clamp, floats, pointers)
    }))
}

/// f32 values of the packed filter `conv_nd_f32` needs for this call (only its params are read).
///
/// # Safety
/// `call` points to a ConvNdCall.
#[wasm_bindgen]
pub unsafe fn conv_nd_packed_len_f32(call: *const ConvNdCall) -> u32 {
    conv_nd_packed_len(&(*call).params) as u32
}

/// # Safety
/// As `conv_nd_f32`.
#[wasm_bindgen]
pub unsafe fn conv_nd_f32_reference(call: *const ConvNdCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    let clamp = Clamp { min: call.clamp_min, max: call.clamp_max };
    let (x, filter, bias) = (slice(call.x, p.input_len()), slice(call.filter, p.filter_len()), optional(call.bias, p.out_c as usize));
    conv_nd_reference(p, x, filter, bias, clamp, slice_mut(call.y, p.output_len()));
    OK
}

fn with_bwd_scratch(p: &ConvNdParams, kernel: impl FnOnce(&mut [f32], &mut [*const f32])) -> u32 {
    let (floats, pointers) = conv_nd_bwd_scratch(p);
    let ws = workspace();
    status(ws.reserve(floats, pointers).map(|()| {
        let (_, floats, pointers) = ws.split(0);
        kernel(floats, pointers)
    }))
}

/// # Safety
/// `call` points to a ConvNdBwdCall; dy, filter and out (dx) are valid for its params.
#[wasm_bindgen]
pub unsafe fn conv_nd_bwd_input_f32(call: *const ConvNdBwdCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    with_bwd_scratch(p, |floats, pointers| {
        conv_nd_bwd_input::<Fast>(p, slice(call.dy, p.output_len()), slice(call.filter, p.filter_len()), slice_mut(call.out, p.input_len()), floats, pointers)
    })
}

/// # Safety
/// `call` points to a ConvNdBwdCall; x, dy and out (dfilter) are valid for its params.
#[wasm_bindgen]
pub unsafe fn conv_nd_bwd_filter_f32(call: *const ConvNdBwdCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    with_bwd_scratch(p, |floats, pointers| {
        conv_nd_bwd_filter::<Fast>(p, slice(call.x, p.input_len()), slice(call.dy, p.output_len()), slice_mut(call.out, p.filter_len()), floats, pointers)
    })
}

/// Circular padding: x (params' input) -> y (its padded output); the adjoint: dy (padded) -> dx.
#[repr(C)]
pub struct PadCall {
    pub params: PadParams,
    pub from: u32,
    pub to: u32,
}

/// # Safety
/// `call` points to a PadCall; `from` holds the input and `to` the padded output its params state.
#[wasm_bindgen]
pub unsafe fn pad_circular_f32(call: *const PadCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    pad_circular_nhwc_f32(p, slice(call.from, p.input_len()), slice_mut(call.to, p.output_len()));
    OK
}

/// # Safety
/// `call` points to a PadCall; `from` holds the padded gradient and `to` the input-sized result.
#[wasm_bindgen]
pub unsafe fn pad_circular_adjoint_f32(call: *const PadCall) -> u32 {
    let (call, p) = (&*call, &(*call).params);
    pad_circular_nhwc_adjoint_f32(p, slice(call.from, p.output_len()), slice_mut(call.to, p.input_len()));
    OK
}
