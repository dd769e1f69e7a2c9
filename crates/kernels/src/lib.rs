//! convkit's kernels: plain functions over slices and raw pointers, no allocation in inner loops,
//! no knowledge of JavaScript. Layout is channels-last everywhere (NHWC images, (kh,kw,cin,cout)
//! filters). `reference` holds the naive loop version of every family: the oracle the fast
//! kernels are tested against.

pub mod conv;
pub mod dwconv;
pub mod elementwise;
pub mod fft;
pub mod gemm;
pub mod local;
pub mod nn;
pub mod optim;
pub mod pool;
pub mod reference;
pub mod simd;

/// Output clamp applied in a kernel's epilogue: relu is `Clamp { min: 0.0, max: f32::INFINITY }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clamp {
    pub min: f32,
    pub max: f32,
}

impl Clamp {
    pub const NONE: Clamp = Clamp { min: f32::NEG_INFINITY, max: f32::INFINITY };
    pub const RELU: Clamp = Clamp { min: 0.0, max: f32::INFINITY };

    /// NaN passes through, as in PyTorch's relu.
    #[inline(always)]
    pub fn apply(self, x: f32) -> f32 {
        if x < self.min {
            self.min
        } else if x > self.max {
            self.max
        } else {
            x
        }
    }
}
