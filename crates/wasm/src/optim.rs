//! Exports for the optimizers: one call per variable updates its weights and the optimizer's state
//! for it in place. Same ABI as lib.rs: u32 offsets, #[repr(C)] call structs, status codes.

use crate::{slice, slice_mut, OK};
use convkit_kernels::optim::{adam, sgd, AdamParams, SgdParams};
use convkit_kernels::simd::Fast;
use wasm_bindgen::prelude::wasm_bindgen;

#[repr(C)]
pub struct SgdCall {
    pub params: SgdParams,
    pub len: u32,
    pub w: u32,
    pub g: u32,
    /// 0 when momentum is 0.
    pub velocity: u32,
}

/// # Safety
/// `call` points to an SgdCall; w, g (and velocity unless 0) hold `len` f32 each.
#[wasm_bindgen]
pub unsafe fn sgd_f32(call: *const SgdCall) -> u32 {
    let call = &*call;
    let n = call.len as usize;
    let velocity = slice_mut(call.velocity, if call.velocity == 0 { 0 } else { n });
    sgd::<Fast>(&call.params, slice_mut(call.w, n), slice(call.g, n), velocity);
    OK
}

#[repr(C)]
pub struct AdamCall {
    pub params: AdamParams,
    pub len: u32,
    pub w: u32,
    pub g: u32,
    pub m: u32,
    pub v: u32,
}

/// # Safety
/// `call` points to an AdamCall; w, g, m and v hold `len` f32 each.
#[wasm_bindgen]
pub unsafe fn adam_f32(call: *const AdamCall) -> u32 {
    let call = &*call;
    let n = call.len as usize;
    adam::<Fast>(&call.params, slice_mut(call.w, n), slice(call.g, n), slice_mut(call.m, n), slice_mut(call.v, n));
    OK
}
