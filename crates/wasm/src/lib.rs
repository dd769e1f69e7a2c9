//! The WebAssembly module: plain-number exports over convkit-kernels. No math here.
//!
//! ABI: every pointer is a u32 offset into linear memory. Ops with many settings take one
//! `#[repr(C)]` call struct written into memory by the TypeScript side (see ts/core/abi.ts, which
//! mirrors these layouts field by field). Exports return a status: 0 ok, 1 out of memory.
//! Shapes are validated in TypeScript before any call; the asserts here are a last line.
//! Exports are `#[wasm_bindgen]` functions over plain numbers (u32, usize, f32, and raw pointers to
//! the call structs, which cross as u32), so the generated glue converts nothing and TypeScript calls
//! the raw exports directly, typed by wasm-bindgen's convkit_bg.wasm.d.ts.

use convkit_kernels::conv::{conv2d_fwd, conv2d_pack, conv2d_packed_len, conv2d_scratch, Conv2dParams};
use convkit_kernels::elementwise::{binary, clamp, Add, BinaryOp, Broadcast, Mul, MAX_RANK};
use convkit_kernels::gemm::{gemm, gemm_packing, pack_weights, packed_weights_len, Epilogue, PackSource, Strides, GEMM_INDIRECTION_LEN};
use convkit_kernels::reference::{conv2d_reference, gemm_reference};
use convkit_kernels::simd::{peak, Fast};
use convkit_kernels::Clamp;
use std::alloc::{alloc as raw_alloc, dealloc, Layout};
use wasm_bindgen::prelude::wasm_bindgen;

mod conv;
mod fft;
mod local;
mod optim;
mod nn;
mod training;
mod workspace;
use workspace::{workspace, OutOfMemory};

pub(crate) const OK: u32 = 0;
const OUT_OF_MEMORY: u32 = 1;
const ALIGN: usize = 16;

pub(crate) fn status(r: Result<(), OutOfMemory>) -> u32 {
    match r {
        Ok(()) => OK,
        Err(OutOfMemory) => OUT_OF_MEMORY,
    }
}

/// Returns 0 when the allocation cannot be made (memory cannot grow); never traps.
#[wasm_bindgen]
pub fn alloc(bytes: usize) -> usize {
    match Layout::from_size_align(bytes.max(1), ALIGN) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { raw_alloc(layout) as usize },
        Err(_) => 0,
    }
}

/// # Safety
/// `ptr` came from `alloc(bytes)` with the same `bytes` and was not freed before.
#[wasm_bindgen]
pub unsafe fn free(ptr: usize, bytes: usize) {
    if ptr != 0 {
        dealloc(ptr as *mut u8, Layout::from_size_align_unchecked(bytes.max(1), ALIGN));
    }
}

/// Bytes held by the reusable scratch space (packing and indirection buffers).
#[wasm_bindgen]
pub fn workspace_bytes() -> usize {
    workspace().bytes()
}

#[wasm_bindgen]
pub fn workspace_release() {
    workspace().release()
}

pub(crate) unsafe fn slice<'a>(ptr: u32, len: usize) -> &'a [f32] {
    if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(ptr as usize as *const f32, len)
    }
}

pub(crate) unsafe fn slice_mut<'a>(ptr: u32, len: usize) -> &'a mut [f32] {
    if len == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(ptr as usize as *mut f32, len)
    }
}

pub(crate) unsafe fn optional<'a>(ptr: u32, len: usize) -> Option<&'a [f32]> {
    if ptr == 0 {
        None
    } else {
        Some(slice(ptr, len))
    }
}

/// C[b] = clamp(bias + op(A[b]) · op(B[b])) for b in 0..batch; the transposes are in the strides.
#[repr(C)]
pub struct GemmCall {
    pub batch: u32,
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub a: u32,
    pub a_row_stride: u32,
    pub a_col_stride: u32,
    pub a_batch_stride: u32,
    pub b: u32,
    pub b_row_stride: u32,
    pub b_col_stride: u32,
    pub b_batch_stride: u32,
    pub bias: u32,
    pub c: u32,
    pub clamp_min: f32,
    pub clamp_max: f32,
    /// 0, or (when every item shares one B: b_batch_stride = 0) the caller's buffer of
    /// `packed_weights_len(k, n)` f32 for packed B and bias, kept across calls.
    pub packed: u32,
    /// 1: `packed` already holds this B and bias. 0: pack them into it during this call.
    pub packed_ready: u32,
}

impl GemmCall {
    fn dims(&self) -> (usize, usize, usize) {
        (self.m as usize, self.n as usize, self.k as usize)
    }
    fn a_strides(&self) -> Strides {
        Strides { row: self.a_row_stride as usize, col: self.a_col_stride as usize }
    }
    fn b_strides(&self) -> Strides {
        Strides { row: self.b_row_stride as usize, col: self.b_col_stride as usize }
    }
    fn clamp(&self) -> Clamp {
        Clamp { min: self.clamp_min, max: self.clamp_max }
    }
    fn span(rows: usize, cols: usize, s: Strides) -> usize {
        if rows == 0 || cols == 0 {
            0
        } else {
            (rows - 1) * s.row + (cols - 1) * s.col + 1
        }
    }
    unsafe fn a<'a>(&self, item: usize) -> &'a [f32] {
        let (m, _, k) = self.dims();
        slice(self.a + 4 * (item as u32 * self.a_batch_stride), Self::span(m, k, self.a_strides()))
    }
    unsafe fn b<'a>(&self, item: usize) -> &'a [f32] {
        let (_, n, k) = self.dims();
        slice(self.b + 4 * (item as u32 * self.b_batch_stride), Self::span(k, n, self.b_strides()))
    }
    unsafe fn c<'a>(&self, item: usize) -> &'a mut [f32] {
        let (m, n, _) = self.dims();
        slice_mut(self.c + 4 * (item * m * n) as u32, m * n)
    }
    unsafe fn bias<'a>(&self) -> Option<&'a [f32]> {
        optional(self.bias, self.n as usize)
    }
}

/// # Safety
/// `call` points to a GemmCall whose buffers are valid for the sizes it states.
#[wasm_bindgen]
pub unsafe fn gemm_f32(call: *const GemmCall) -> u32 {
    let call = &*call;
    let (m, n, k) = call.dims();
    let kept = call.packed != 0 && call.b_batch_stride == 0;
    let packed_len = packed_weights_len(k, n);
    let scratch_packed_len = if kept { 0 } else { packed_len };
    let ws = workspace();
    status((|| {
        let a_copy_len = if call.a_col_stride == 1 { 0 } else { m * k };
        ws.reserve(scratch_packed_len + a_copy_len, GEMM_INDIRECTION_LEN)?;
        let mut ready = kept && call.packed_ready != 0;
        for item in 0..call.batch as usize {
            let (scratch_packed, a_copy, rows) = ws.split(scratch_packed_len);
            let packed = if kept { slice_mut(call.packed, packed_len) } else { scratch_packed };
            let (a, a_stride) = if a_copy_len == 0 {
                (call.a(item), call.a_row_stride as usize)
            } else {
                copy_rows(m, k, call.a(item), call.a_strides(), a_copy);
                (&a_copy[..a_copy_len], k)
            };
            let out = Epilogue::store(call.clamp());
            if ready {
                gemm::<Fast>(m, n, k, a, a_stride, packed, call.c(item), n, out, rows);
            } else {
                let src = PackSource { k, n, b: call.b(item), strides: call.b_strides(), bias: call.bias() };
                gemm_packing::<Fast>(m, a, a_stride, &src, packed, call.c(item), n, out, rows);
                // gemm_packing packs while its first rows run: with no rows, nothing was packed.
                ready = kept && m > 0;
            }
        }
        if kept && !ready {
            pack_weights(k, n, call.b(0), call.b_strides(), call.bias(), slice_mut(call.packed, packed_len));
        }
        Ok(())
    })())
}

/// f32 values of the packed B a GemmCall keeps in `packed`.
#[wasm_bindgen]
pub fn gemm_packed_len_f32(k: u32, n: u32) -> u32 {
    packed_weights_len(k as usize, n as usize) as u32
}

fn copy_rows(m: usize, k: usize, a: &[f32], s: Strides, out: &mut [f32]) {
    for i in 0..m {
        for kk in 0..k {
            out[i * k + kk] = a[i * s.row + kk * s.col];
        }
    }
}

/// # Safety
/// As `gemm_f32`.
#[wasm_bindgen]
pub unsafe fn gemm_f32_reference(call: *const GemmCall) -> u32 {
    let call = &*call;
    let (m, n, k) = call.dims();
    for item in 0..call.batch as usize {
        gemm_reference(m, n, k, call.a(item), call.a_strides(), call.b(item), call.b_strides(), call.bias(), call.clamp(), call.c(item));
    }
    OK
}

#[repr(C)]
pub struct Conv2dCall {
    pub params: Conv2dParams,
    pub x: u32,
    pub filter: u32,
    pub bias: u32,
    pub y: u32,
    pub clamp_min: f32,
    pub clamp_max: f32,
}

/// The memory a Conv2dCall points at. Lifetimes are the caller's promise, not tied to the call.
struct Conv2dBuffers<'a> {
    x: &'a [f32],
    filter: &'a [f32],
    bias: Option<&'a [f32]>,
    y: &'a mut [f32],
}

impl Conv2dCall {
    unsafe fn buffers<'a>(&self) -> Conv2dBuffers<'a> {
        let p = &self.params;
        Conv2dBuffers {
            x: slice(self.x, p.input_len()),
            filter: slice(self.filter, p.filter_len()),
            bias: optional(self.bias, p.out_c as usize),
            y: slice_mut(self.y, p.output_len()),
        }
    }
    fn clamp(&self) -> Clamp {
        Clamp { min: self.clamp_min, max: self.clamp_max }
    }
}

/// # Safety
/// `call` points to a Conv2dCall whose buffers are valid for the sizes its params state.
#[wasm_bindgen]
pub unsafe fn conv2d_f32(call: *const Conv2dCall) -> u32 {
    let call = &*call;
    let p = &call.params;
    let Conv2dBuffers { x, filter, bias, y } = call.buffers();
    let (packed_len, scratch) = (conv2d_packed_len(p), conv2d_scratch(p));
    let ws = workspace();
    status((|| {
        ws.reserve(packed_len + scratch.floats, scratch.pointers)?;
        let (packed, floats, pointers) = ws.split(packed_len);
        conv2d_pack(p, filter, bias, floats, packed);
        conv2d_fwd::<Fast>(p, x, packed, y, call.clamp(), floats, pointers);
        Ok(())
    })())
}

/// # Safety
/// As `conv2d_f32`.
#[wasm_bindgen]
pub unsafe fn conv2d_f32_reference(call: *const Conv2dCall) -> u32 {
    let call = &*call;
    let Conv2dBuffers { x, filter, bias, y } = call.buffers();
    conv2d_reference(&call.params, x, filter, bias, call.clamp(), y);
    OK
}

#[repr(C)]
pub struct BinaryCall {
    pub rank: u32,
    pub shape: [u32; MAX_RANK],
    pub a_strides: [u32; MAX_RANK],
    pub b_strides: [u32; MAX_RANK],
    pub a: u32,
    pub a_len: u32,
    pub b: u32,
    pub b_len: u32,
    pub out: u32,
}

pub(crate) unsafe fn binary_call<Op: BinaryOp>(call: *const BinaryCall) -> u32 {
    let call = &*call;
    let rank = call.rank as usize;
    let widen = |v: &[u32]| v[..rank].iter().map(|&d| d as usize).collect::<Vec<_>>();
    let space = Broadcast { shape: widen(&call.shape), a_strides: widen(&call.a_strides), b_strides: widen(&call.b_strides) };
    let out = slice_mut(call.out, space.len());
    binary::<Fast, Op>(&space, slice(call.a, call.a_len as usize), slice(call.b, call.b_len as usize), out);
    OK
}

/// # Safety
/// `call` points to a BinaryCall whose buffers are valid for the sizes it states.
#[wasm_bindgen]
pub unsafe fn add_f32(call: *const BinaryCall) -> u32 {
    binary_call::<Add>(call)
}

/// # Safety
/// As `add_f32`.
#[wasm_bindgen]
pub unsafe fn mul_f32(call: *const BinaryCall) -> u32 {
    binary_call::<Mul>(call)
}

/// # Safety
/// `x` and `y` hold `len` f32 each (they may be the same buffer).
#[wasm_bindgen]
pub unsafe fn clamp_f32(x: u32, y: u32, len: usize, min: f32, max: f32) -> u32 {
    let y = slice_mut(y, len);
    let x = slice(x, len);
    clamp::<Fast>(x, y, Clamp { min, max });
    OK
}

#[wasm_bindgen]
pub fn peak_probe(iterations: u32, seed: f32) -> f32 {
    peak::peak_probe::<Fast>(iterations, seed)
}

#[wasm_bindgen]
pub fn peak_probe_flops_per_iteration() -> u32 {
    peak::PEAK_PROBE_FLOPS_PER_ITERATION as u32
}
