//! Exports for the Fourier family (docs/fft.md): complex, real-to-complex and complex-to-real FFTs
//! along the middle axis of (outer, n, inner), and spectral channel mixing with its gradients.
//! Plans (factors, twiddles) are cached per n here; creating one may allocate and fails as status
//! 1 (out of memory), never a trap. Scratch comes from the shared workspace.

use crate::workspace::{with_scratch, OutOfMemory};
use crate::{slice, slice_mut, status, OK};
use convkit_kernels::fft::{spectral_mix, spectral_mix_bwd_filter, spectral_mix_bwd_input, AllocError, FftPlan, RealFftPlan};
use convkit_kernels::reference::{dft_reference, irdft_reference, rdft_reference};
use convkit_kernels::simd::Fast;
use wasm_bindgen::prelude::wasm_bindgen;

/// Plans kept per kind; beyond this many the oldest is dropped.
const CACHED_PLANS: usize = 16;

struct Cache<P> {
    plans: Vec<(usize, P)>,
}

impl<P> Cache<P> {
    const EMPTY: Cache<P> = Cache { plans: Vec::new() };

    fn get(&mut self, n: usize, make: impl FnOnce(usize) -> Result<P, AllocError>) -> Result<&P, OutOfMemory> {
        if let Some(at) = self.plans.iter().position(|(m, _)| *m == n) {
            return Ok(&self.plans[at].1);
        }
        let plan = make(n).map_err(|_| OutOfMemory)?;
        if self.plans.len() >= CACHED_PLANS {
            self.plans.remove(0);
        }
        self.plans.try_reserve(1).map_err(|_| OutOfMemory)?;
        self.plans.push((n, plan));
        Ok(&self.plans.last().expect("just pushed").1)
    }
}

static mut COMPLEX: Cache<FftPlan> = Cache::EMPTY;
static mut REAL: Cache<RealFftPlan> = Cache::EMPTY;

fn complex_plans() -> &'static mut Cache<FftPlan> {
    // SAFETY: wasm32 without threads: no concurrent access; exports never re-enter.
    unsafe { &mut *std::ptr::addr_of_mut!(COMPLEX) }
}

fn real_plans() -> &'static mut Cache<RealFftPlan> {
    // SAFETY: as complex_plans.
    unsafe { &mut *std::ptr::addr_of_mut!(REAL) }
}

/// Drops every cached plan (they are rebuilt on the next call).
#[wasm_bindgen]
pub fn fft_plans_release() {
    complex_plans().plans = Vec::new();
    real_plans().plans = Vec::new();
}

impl<P> Cache<P> {
    /// Drops the plan for n, so a call that failed for want of memory does not keep it.
    fn forget(&mut self, n: usize) {
        self.plans.retain(|(m, _)| *m != n);
    }
}

/// Complex (outer, n, inner, 2) -> same; `inverse` nonzero for the inverse (scaled by 1/n).
/// x and y may be the same buffer.
///
/// # Safety
/// x and y hold outer·n·inner·2 f32.
#[wasm_bindgen]
pub unsafe fn fft_c2c_f32(x: u32, y: u32, outer: usize, n: usize, inner: usize, inverse: u32) -> u32 {
    if outer == 0 || n == 0 || inner == 0 {
        return OK;
    }
    let r = complex_plans().get(n, FftPlan::new).and_then(|plan| {
        with_scratch(plan.scratch_len(inner), |scratch| {
            plan.c2c_raw::<Fast>(x as usize as *const f32, y as usize as *mut f32, outer, inner, inverse != 0, scratch)
        })
    });
    if r.is_err() {
        complex_plans().forget(n);
    }
    status(r)
}

/// Real (outer, n, inner) -> complex (outer, n/2+1, inner, 2).
///
/// # Safety
/// x and y hold their sizes above and do not overlap.
#[wasm_bindgen]
pub unsafe fn fft_r2c_f32(x: u32, y: u32, outer: usize, n: usize, inner: usize) -> u32 {
    if outer == 0 || n == 0 || inner == 0 {
        return OK;
    }
    let r = real_plans().get(n, RealFftPlan::new).and_then(|plan| {
        with_scratch(plan.scratch_len(inner), |scratch| plan.r2c_raw::<Fast>(x as usize as *const f32, y as usize as *mut f32, outer, inner, scratch))
    });
    if r.is_err() {
        real_plans().forget(n);
    }
    status(r)
}

/// Complex (outer, n/2+1, inner, 2) -> real (outer, n, inner), scaled by 1/n.
///
/// # Safety
/// x and y hold their sizes above and do not overlap.
#[wasm_bindgen]
pub unsafe fn fft_c2r_f32(x: u32, y: u32, outer: usize, n: usize, inner: usize) -> u32 {
    if outer == 0 || n == 0 || inner == 0 {
        return OK;
    }
    let r = real_plans().get(n, RealFftPlan::new).and_then(|plan| {
        with_scratch(plan.scratch_len(inner), |scratch| plan.c2r_raw::<Fast>(x as usize as *const f32, y as usize as *mut f32, outer, inner, scratch))
    });
    if r.is_err() {
        real_plans().forget(n);
    }
    status(r)
}

/// The naive f64 DFT (O(n²)), for tests: same arguments as fft_c2c_f32 (x and y distinct).
///
/// # Safety
/// As `fft_c2c_f32`.
#[wasm_bindgen]
pub unsafe fn fft_c2c_f32_reference(x: u32, y: u32, outer: usize, n: usize, inner: usize, inverse: u32) -> u32 {
    let len = outer * n * inner * 2;
    dft_reference(slice(x, len), slice_mut(y, len), outer, n, inner, inverse != 0);
    OK
}

/// # Safety
/// As `fft_r2c_f32`.
#[wasm_bindgen]
pub unsafe fn fft_r2c_f32_reference(x: u32, y: u32, outer: usize, n: usize, inner: usize) -> u32 {
    rdft_reference(slice(x, outer * n * inner), slice_mut(y, outer * (n / 2 + 1) * inner * 2), outer, n, inner);
    OK
}

/// # Safety
/// As `fft_c2r_f32`.
#[wasm_bindgen]
pub unsafe fn fft_c2r_f32_reference(x: u32, y: u32, outer: usize, n: usize, inner: usize) -> u32 {
    irdft_reference(slice(x, outer * (n / 2 + 1) * inner * 2), slice_mut(y, outer * n * inner), outer, n, inner);
    OK
}

/// y[b,f,o] = Σ_i x[b,f,i] · w[f,i,o], all complex interleaved.
///
/// # Safety
/// x (batch, freqs, cin, 2), w (freqs, cin, cout, 2), y (batch, freqs, cout, 2), y distinct.
#[wasm_bindgen]
pub unsafe fn spectral_mix_f32(x: u32, w: u32, y: u32, batch: usize, freqs: usize, cin: usize, cout: usize) -> u32 {
    let (xl, wl, yl) = (2 * batch * freqs * cin, 2 * freqs * cin * cout, 2 * batch * freqs * cout);
    spectral_mix::<Fast>(slice(x, xl), slice(w, wl), slice_mut(y, yl), batch, freqs, cin, cout);
    OK
}

/// dx[b,f,i] = Σ_o dy[b,f,o] · conj(w[f,i,o]).
///
/// # Safety
/// dy (batch, freqs, cout, 2), w (freqs, cin, cout, 2), dx (batch, freqs, cin, 2), dx distinct.
#[wasm_bindgen]
pub unsafe fn spectral_mix_bwd_input_f32(dy: u32, w: u32, dx: u32, batch: usize, freqs: usize, cin: usize, cout: usize) -> u32 {
    let (xl, wl, yl) = (2 * batch * freqs * cin, 2 * freqs * cin * cout, 2 * batch * freqs * cout);
    spectral_mix_bwd_input::<Fast>(slice(dy, yl), slice(w, wl), slice_mut(dx, xl), batch, freqs, cin, cout);
    OK
}

/// dw[f,i,o] = Σ_b conj(x[b,f,i]) · dy[b,f,o].
///
/// # Safety
/// x (batch, freqs, cin, 2), dy (batch, freqs, cout, 2), dw (freqs, cin, cout, 2), dw distinct.
#[wasm_bindgen]
pub unsafe fn spectral_mix_bwd_filter_f32(x: u32, dy: u32, dw: u32, batch: usize, freqs: usize, cin: usize, cout: usize) -> u32 {
    let (xl, wl, yl) = (2 * batch * freqs * cin, 2 * freqs * cin * cout, 2 * batch * freqs * cout);
    spectral_mix_bwd_filter::<Fast>(slice(x, xl), slice(dy, yl), slice_mut(dw, wl), batch, freqs, cin, cout);
    OK
}
