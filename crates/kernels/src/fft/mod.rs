//! Fast Fourier transforms along the middle axis of an (outer, n, inner) layout, and the spectral
//! channel mixing of FFT convolution. The contract (complex layout, conventions) is docs/fft.md.
//!
//! A plan holds the radix passes of one n (4, 2, 3, 5, 7, 11, 13) with precomputed twiddles, or
//! Bluestein's algorithm for larger prime factors. Transforms run in blocks of 4 side by side
//! (4 inner indices when inner >= 4; 4 rows of a last-axis transform when inner == 1) or one at a
//! time: a block is gathered into split re/im scratch, every pass vectorises across its 4 lanes,
//! and it is scattered back. A single transform vectorises inside itself (pffft style): the first
//! radix-4 pass over 4 butterflies at once with a transpose, the later passes over strides >= 4;
//! when n is a multiple of 16 it reads and writes the caller's interleaved buffers directly.
//! Stockham passes need no bit reversal; the inverse is the forward transform of re/im swapped.
//! Everything is generic over `Lanes`: the `Scalar` vector runs the same code as simd128.

mod io;
mod lanes;
mod mix;
mod passes;
mod plan;
mod real;

pub use lanes::Lanes;
pub use mix::{spectral_mix, spectral_mix_bwd_filter, spectral_mix_bwd_input};
pub use plan::{AllocError, FftPlan, MAX_RADIX};
pub use real::RealFftPlan;

use io::{flat_fits, for_blocks, gather, lanes_for, scatter, Strided};

impl FftPlan {
    /// Floats of scratch `c2c` needs for this `inner`.
    pub fn scratch_len(&self, inner: usize) -> usize {
        self.floats(lanes_for(inner, self.flat(inner)))
    }

    /// Transforms go 4 (outer, inner) pairs at a time, except last-axis transforms that read and
    /// write the interleaved buffers directly (faster: no gather, no transposes).
    fn flat(&self, inner: usize) -> bool {
        flat_fits(self.len()) && !(inner == 1 && self.fuses())
    }

    /// Complex (outer, n, inner, 2) -> same; `inverse` uses e^{+...} and scales by 1/n.
    /// x and y may be the same buffer.
    ///
    /// # Safety
    /// x and y point to outer·n·inner·2 floats; `scratch` holds `scratch_len(inner)`.
    pub unsafe fn c2c_raw<V: Lanes>(&self, x: *const f32, y: *mut f32, outer: usize, inner: usize, inverse: bool, scratch: &mut [f32]) {
        let n = self.len();
        assert!(scratch.len() >= self.scratch_len(inner));
        let scale = if inverse { 1.0 / n as f32 } else { 1.0 };
        let scratch = scratch.as_mut_ptr();
        for_blocks(outer, inner, self.flat(inner), |bl| {
            let offset = 2 * (bl.o * n * inner + bl.i);
            if inner == 1 && bl.lanes == 1 && self.forward_interleaved::<V>(x.add(offset), y.add(offset), inverse, scale, scratch) {
                return;
            }
            let at = Strided::complex(inner, bl.lane(n));
            let (a, b, extra) = self.buffers(bl.lanes, scratch);
            gather::<V>(x.add(offset), at, n, bl.lanes, a);
            let out = if inverse {
                self.forward::<V>(bl.lanes, a.swapped(), b.swapped(), extra).swapped()
            } else {
                self.forward::<V>(bl.lanes, a, b, extra)
            };
            scatter::<V>(out, n, bl.lanes, y.add(offset), at, scale);
        });
    }

    /// Safe form of `c2c_raw` over distinct slices.
    #[allow(clippy::too_many_arguments)]
    pub fn c2c<V: Lanes>(&self, x: &[f32], y: &mut [f32], outer: usize, inner: usize, inverse: bool, scratch: &mut [f32]) {
        let len = outer * self.len() * inner * 2;
        assert!(x.len() >= len && y.len() >= len);
        // SAFETY: lengths checked above; scratch is checked inside.
        unsafe { self.c2c_raw::<V>(x.as_ptr(), y.as_mut_ptr(), outer, inner, inverse, scratch) }
    }
}
