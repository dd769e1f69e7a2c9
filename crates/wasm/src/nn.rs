//! Exports for the nn kernels: sub/div, sigmoid/tanh, the softmax family and the fused softmax
//! cross-entropy, batch normalisation, dropout, argmax and the block copy behind concat.
//! Same ABI as lib.rs: u32 offsets, #[repr(C)] call structs, status codes.

use crate::{binary_call, slice, slice_mut, BinaryCall, OK};
use convkit_kernels::elementwise::{Div, Sub};
use convkit_kernels::nn::activation::{sigmoid, sigmoid_bwd, tanh, tanh_bwd};
use convkit_kernels::nn::batchnorm::{batch_norm_bwd, infer_statistics, normalize, train_statistics, Affine, Gradients, Moving, Normalization, Saved, Statistics};
use convkit_kernels::nn::dropout::dropout;
use convkit_kernels::nn::rows::{argmax, copy_blocks};
use convkit_kernels::nn::softmax::{log_softmax, log_softmax_bwd, softmax, softmax_bwd, softmax_cross_entropy, softmax_cross_entropy_bwd, Targets};
use convkit_kernels::simd::Fast;
use wasm_bindgen::prelude::wasm_bindgen;

unsafe fn words<'a, T>(ptr: u32, len: usize) -> &'a [T] {
    if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(ptr as usize as *const T, len)
    }
}

unsafe fn words_mut<'a, T>(ptr: u32, len: usize) -> &'a mut [T] {
    if len == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(ptr as usize as *mut T, len)
    }
}

/// # Safety
/// As `add_f32`.
#[wasm_bindgen]
pub unsafe fn sub_f32(call: *const BinaryCall) -> u32 {
    binary_call::<Sub>(call)
}

/// # Safety
/// As `add_f32`.
#[wasm_bindgen]
pub unsafe fn div_f32(call: *const BinaryCall) -> u32 {
    binary_call::<Div>(call)
}

/// # Safety
/// x and y hold `len` values each.
#[wasm_bindgen]
pub unsafe fn sigmoid_f32(x: u32, y: u32, len: usize) -> u32 {
    sigmoid::<Fast>(slice(x, len), slice_mut(y, len));
    OK
}

/// # Safety
/// x and y hold `len` values each.
#[wasm_bindgen]
pub unsafe fn tanh_f32(x: u32, y: u32, len: usize) -> u32 {
    tanh::<Fast>(slice(x, len), slice_mut(y, len));
    OK
}

/// # Safety
/// y, dy and dx hold `len` values each.
#[wasm_bindgen]
pub unsafe fn sigmoid_bwd_f32(y: u32, dy: u32, dx: u32, len: usize) -> u32 {
    sigmoid_bwd::<Fast>(slice(y, len), slice(dy, len), slice_mut(dx, len));
    OK
}

/// # Safety
/// y, dy and dx hold `len` values each.
#[wasm_bindgen]
pub unsafe fn tanh_bwd_f32(y: u32, dy: u32, dx: u32, len: usize) -> u32 {
    tanh_bwd::<Fast>(slice(y, len), slice(dy, len), slice_mut(dx, len));
    OK
}

/// # Safety
/// x and y hold rows·k values each.
#[wasm_bindgen]
pub unsafe fn softmax_f32(x: u32, y: u32, rows: usize, k: usize) -> u32 {
    softmax::<Fast>(rows, k, slice(x, rows * k), slice_mut(y, rows * k));
    OK
}

/// # Safety
/// x and y hold rows·k values each.
#[wasm_bindgen]
pub unsafe fn log_softmax_f32(x: u32, y: u32, rows: usize, k: usize) -> u32 {
    log_softmax::<Fast>(rows, k, slice(x, rows * k), slice_mut(y, rows * k));
    OK
}

/// # Safety
/// y, dy and dx hold rows·k values each.
#[wasm_bindgen]
pub unsafe fn softmax_bwd_f32(y: u32, dy: u32, dx: u32, rows: usize, k: usize) -> u32 {
    softmax_bwd::<Fast>(rows, k, slice(y, rows * k), slice(dy, rows * k), slice_mut(dx, rows * k));
    OK
}

/// # Safety
/// y, dy and dx hold rows·k values each.
#[wasm_bindgen]
pub unsafe fn log_softmax_bwd_f32(y: u32, dy: u32, dx: u32, rows: usize, k: usize) -> u32 {
    log_softmax_bwd::<Fast>(rows, k, slice(y, rows * k), slice(dy, rows * k), slice_mut(dx, rows * k));
    OK
}

/// Forward: out (one value) = the mean loss. Backward: out (rows, classes) = dlogits, scaled by
/// the one value at dloss. Labels are int32 class indices when `sparse`, else (rows, classes) f32.
#[repr(C)]
pub struct SoftmaxCrossEntropyCall {
    pub rows: u32,
    pub classes: u32,
    pub sparse: u32,
    pub logits: u32,
    pub labels: u32,
    pub dloss: u32,
    pub out: u32,
}

impl SoftmaxCrossEntropyCall {
    fn dims(&self) -> (usize, usize) {
        (self.rows as usize, self.classes as usize)
    }
    unsafe fn targets<'a>(&self) -> Targets<'a> {
        let (rows, k) = self.dims();
        if self.sparse != 0 {
            Targets::Classes(words(self.labels, rows))
        } else {
            Targets::Probabilities(slice(self.labels, rows * k))
        }
    }
}

/// # Safety
/// `call` points to a SoftmaxCrossEntropyCall whose buffers hold the sizes it states.
#[wasm_bindgen]
pub unsafe fn softmax_cross_entropy_f32(call: *const SoftmaxCrossEntropyCall) -> u32 {
    let call = &*call;
    let (rows, k) = call.dims();
    slice_mut(call.out, 1)[0] = softmax_cross_entropy::<Fast>(rows, k, slice(call.logits, rows * k), call.targets());
    OK
}

/// # Safety
/// As `softmax_cross_entropy_f32`.
#[wasm_bindgen]
pub unsafe fn softmax_cross_entropy_bwd_f32(call: *const SoftmaxCrossEntropyCall) -> u32 {
    let call = &*call;
    let (rows, k) = call.dims();
    let dloss = slice(call.dloss, 1)[0];
    softmax_cross_entropy_bwd::<Fast>(rows, k, slice(call.logits, rows * k), call.targets(), dloss, slice_mut(call.out, rows * k));
    OK
}

/// x and y are (rows, channels); every other buffer holds `channels` values. Training reads the
/// batch statistics and, when moving_mean is not 0, updates the moving ones in place; inference
/// reads moving_mean and moving_variance. mean and invstd receive what was used; with y = 0 that is
/// all that is computed (the backward's recomputation).
#[repr(C)]
pub struct BatchNormCall {
    pub rows: u32,
    pub channels: u32,
    pub training: u32,
    pub momentum: f32,
    pub epsilon: f32,
    pub x: u32,
    pub gamma: u32,
    pub beta: u32,
    pub moving_mean: u32,
    pub moving_variance: u32,
    pub mean: u32,
    pub invstd: u32,
    pub y: u32,
}

/// # Safety
/// `call` points to a BatchNormCall whose buffers hold the sizes it states.
#[wasm_bindgen]
pub unsafe fn batch_norm_f32(call: *const BatchNormCall) -> u32 {
    let call = &*call;
    let (c, len) = (call.channels as usize, (call.rows * call.channels) as usize);
    let x = slice(call.x, len);
    let saved = Saved { mean: slice_mut(call.mean, c), invstd: slice_mut(call.invstd, c) };
    if call.training != 0 {
        let moving = if call.moving_mean == 0 {
            None
        } else {
            Some(Moving { mean: slice_mut(call.moving_mean, c), variance: slice_mut(call.moving_variance, c), momentum: call.momentum })
        };
        train_statistics::<Fast>(x, call.epsilon, moving, saved);
    } else {
        infer_statistics(call.epsilon, Statistics { mean: slice(call.moving_mean, c), variance: slice(call.moving_variance, c) }, saved);
    }
    if call.y != 0 {
        let affine = Affine { gamma: slice(call.gamma, c), beta: slice(call.beta, c) };
        let saved = Normalization { mean: slice(call.mean, c), invstd: slice(call.invstd, c) };
        normalize::<Fast>(x, affine, saved, slice_mut(call.y, len));
    }
    OK
}

/// x, dy and dx are (rows, channels); the rest hold `channels` values.
#[repr(C)]
pub struct BatchNormBwdCall {
    pub rows: u32,
    pub channels: u32,
    pub training: u32,
    pub x: u32,
    pub dy: u32,
    pub gamma: u32,
    pub mean: u32,
    pub invstd: u32,
    pub dx: u32,
    pub dgamma: u32,
    pub dbeta: u32,
}

/// # Safety
/// `call` points to a BatchNormBwdCall whose buffers hold the sizes it states.
#[wasm_bindgen]
pub unsafe fn batch_norm_bwd_f32(call: *const BatchNormBwdCall) -> u32 {
    let call = &*call;
    let (c, len) = (call.channels as usize, (call.rows * call.channels) as usize);
    let saved = Normalization { mean: slice(call.mean, c), invstd: slice(call.invstd, c) };
    let grads = Gradients { dx: slice_mut(call.dx, len), dgamma: slice_mut(call.dgamma, c), dbeta: slice_mut(call.dbeta, c) };
    batch_norm_bwd::<Fast>(slice(call.x, len), slice(call.dy, len), slice(call.gamma, c), saved, call.training != 0, grads);
    OK
}

/// # Safety
/// x and y hold `len` values each.
#[wasm_bindgen]
pub unsafe fn dropout_f32(x: u32, y: u32, len: usize, seed: u32, threshold: u32, scale: f32) -> u32 {
    dropout(slice(x, len), slice_mut(y, len), seed, threshold, scale);
    OK
}

/// # Safety
/// x holds outer·mid·inner f32, out outer·inner i32; mid > 0.
#[wasm_bindgen]
pub unsafe fn argmax_f32(x: u32, out: u32, outer: usize, mid: usize, inner: usize) -> u32 {
    argmax(outer, mid, inner, slice(x, outer * mid * inner), words_mut(out, outer * inner));
    OK
}

/// Copies `rows` runs of `len` 32-bit words, strides in words.
///
/// # Safety
/// Both buffers hold (rows − 1)·stride + len words and do not overlap.
#[wasm_bindgen]
pub unsafe fn copy_blocks_u32(src: u32, src_stride: usize, dst: u32, dst_stride: usize, rows: usize, len: usize) -> u32 {
    if rows > 0 && len > 0 {
        let src = words::<u32>(src, (rows - 1) * src_stride + len);
        copy_blocks(rows, len, src, src_stride, words_mut(dst, (rows - 1) * dst_stride + len), dst_stride);
    }
    OK
}
