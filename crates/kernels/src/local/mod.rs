//! Locally-connected 2-D layer (unshared convolution), NHWC, forward and backward.
//!
//! x (n, h, w, c_in), w (oh·ow, kh·kw·c_in, c_out) as Keras's LocallyConnected2D (implementation 1):
//! one (kh·kw·c_in, c_out) matrix per output location l = oy·ow + ox, rows in (ky, kx, c_in) order.
//! y (n, oh, ow, c_out) = bias[l] + patch(l)·w[l]; bias, when given, is (oh·ow, c_out).
//! 1-D is the h = 1 case. Padding taps read zero (they are skipped), so their weights get zero
//! gradient. Forward vectorises over c_out, contiguous in both w and y.

use crate::simd::F32x4;

/// Most taps a window may have (the forward's on-stack tap table; 11x11 fits).
pub const MAX_TAPS: usize = 128;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Local2dParams {
    pub batch: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub in_c: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub out_c: u32,
    pub kernel_h: u32,
    pub kernel_w: u32,
    pub stride_h: u32,
    pub stride_w: u32,
    pub pad_top: u32,
    pub pad_left: u32,
}

impl Local2dParams {
    pub fn locations(&self) -> usize {
        (self.out_h * self.out_w) as usize
    }
    /// Rows of one location's matrix: kh·kw·c_in.
    pub fn patch_len(&self) -> usize {
        (self.kernel_h * self.kernel_w * self.in_c) as usize
    }
    pub fn input_len(&self) -> usize {
        (self.batch * self.in_h * self.in_w * self.in_c) as usize
    }
    pub fn output_len(&self) -> usize {
        self.batch as usize * self.locations() * self.out_c as usize
    }
    pub fn weights_len(&self) -> usize {
        self.locations() * self.patch_len() * self.out_c as usize
    }
    /// Calls f(b, l, tap row in the patch, input pixel offset) for every tap inside the input.
    fn for_each_tap(&self, mut f: impl FnMut(usize, usize, usize, usize)) {
        let (h, w, c) = (self.in_h as isize, self.in_w as isize, self.in_c as usize);
        for b in 0..self.batch as usize {
            for oy in 0..self.out_h as usize {
                for ox in 0..self.out_w as usize {
                    let l = oy * self.out_w as usize + ox;
                    for ky in 0..self.kernel_h as usize {
                        let iy = (oy * self.stride_h as usize + ky) as isize - self.pad_top as isize;
                        if iy < 0 || iy >= h {
                            continue;
                        }
                        for kx in 0..self.kernel_w as usize {
                            let ix = (ox * self.stride_w as usize + kx) as isize - self.pad_left as isize;
                            if ix < 0 || ix >= w {
                                continue;
                            }
                            let pixel = (((b as isize * h + iy) * w + ix) as usize) * c;
                            f(b, l, (ky * self.kernel_w as usize + kx) * c, pixel);
                        }
                    }
                }
            }
        }
    }
}

/// Accumulates 4·N output channels from `co` of one (item, location) in registers over every
/// tap and input channel: a 1 x 4N GEMM row, x broadcast, w streamed.
///
/// # Safety
/// co + 4·N <= c_out; the tap pixels and weight rows are inside x and w.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn local_block<V: F32x4, const N: usize>(taps: &[(usize, usize)], cin: usize, cout: usize, x: *const f32, w: *const f32, start: Option<*const f32>, y: *mut f32, co: usize) {
    let mut acc = [V::splat(0.0); N];
    if let Some(bias) = start {
        for (i, a) in acc.iter_mut().enumerate() {
            *a = V::load(bias.add(co + 4 * i));
        }
    }
    for &(pixel, row) in taps {
        for ci in 0..cin {
            let xv = V::load_splat(x.add(pixel + ci));
            let wrow = w.add((row + ci) * cout + co);
            for (i, a) in acc.iter_mut().enumerate() {
                *a = a.add(xv.mul(V::load(wrow.add(4 * i))));
            }
        }
    }
    for (i, a) in acc.iter().enumerate() {
        a.store(y.add(co + 4 * i));
    }
}

/// Location-major: one location's (kh·kw·c_in, c_out) weights serve every batch item while they
/// are in cache (the weights are used n times each; a batch-major order would stream them n times).
pub fn local2d_fwd<V: F32x4>(p: &Local2dParams, x: &[f32], w: &[f32], bias: Option<&[f32]>, y: &mut [f32]) {
    assert!(x.len() >= p.input_len() && w.len() >= p.weights_len() && y.len() >= p.output_len());
    assert!(bias.map_or(true, |b| b.len() >= p.locations() * p.out_c as usize));
    assert!(p.kernel_h as usize * p.kernel_w as usize <= MAX_TAPS);
    let (cin, cout, k) = (p.in_c as usize, p.out_c as usize, p.patch_len());
    let (h, wd) = (p.in_h as isize, p.in_w as isize);
    let (blocks16, blocks4) = (cout / 16 * 16, cout / 4 * 4);
    let image = (p.in_h * p.in_w) as usize * cin;
    let mut taps = [(0usize, 0usize); MAX_TAPS];
    for oy in 0..p.out_h as usize {
        for ox in 0..p.out_w as usize {
            let l = oy * p.out_w as usize + ox;
            // (pixel offset within an image, weight row within location l) of the taps inside.
            let mut count = 0;
            for ky in 0..p.kernel_h as usize {
                let iy = (oy * p.stride_h as usize + ky) as isize - p.pad_top as isize;
                for kx in 0..p.kernel_w as usize {
                    let ix = (ox * p.stride_w as usize + kx) as isize - p.pad_left as isize;
                    if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                        taps[count] = ((iy * wd + ix) as usize * cin, l * k + (ky * p.kernel_w as usize + kx) * cin);
                        count += 1;
                    }
                }
            }
            let taps = &taps[..count];
            let start = bias.map(|b| b[l * cout..].as_ptr());
            for b in 0..p.batch as usize {
                let out = (b * p.locations() + l) * cout;
                // SAFETY: taps lie inside image b, weight rows inside w, co blocks below c_out.
                unsafe {
                    let (xp, wp, yp) = (x.as_ptr().add(b * image), w.as_ptr(), y.as_mut_ptr().add(out));
                    let mut co = 0;
                    while co < blocks16 {
                        local_block::<V, 4>(taps, cin, cout, xp, wp, start, yp, co);
                        co += 16;
                    }
                    while co < blocks4 {
                        local_block::<V, 1>(taps, cin, cout, xp, wp, start, yp, co);
                        co += 4;
                    }
                }
                for co in blocks4..cout {
                    let mut sum = bias.map_or(0.0, |bias| bias[l * cout + co]);
                    for &(pixel, row) in taps {
                        for ci in 0..cin {
                            sum += x[b * image + pixel + ci] * w[(row + ci) * cout + co];
                        }
                    }
                    y[out + co] = sum;
                }
            }
        }
    }
}

/// dx[pixel, ci] = Σ over the (location, tap) pairs that read it of dy[b, l] · w[l, tap + ci]:
/// a dot product over c_out, vectorised.
pub fn local2d_bwd_input<V: F32x4>(p: &Local2dParams, dy: &[f32], w: &[f32], dx: &mut [f32]) {
    assert!(dy.len() >= p.output_len() && w.len() >= p.weights_len() && dx.len() >= p.input_len());
    let (cin, cout, k) = (p.in_c as usize, p.out_c as usize, p.patch_len());
    let vectors = cout / 4 * 4;
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    p.for_each_tap(|b, l, row, pixel| {
        let out = (b * p.locations() + l) * cout;
        for ci in 0..cin {
            let wrow = (l * k + row + ci) * cout;
            let mut acc = V::splat(0.0);
            for co in (0..vectors).step_by(4) {
                // SAFETY: co + 4 <= c_out, inside dy's row and w's row.
                unsafe { acc = acc.add(V::load(dy.as_ptr().add(out + co)).mul(V::load(w.as_ptr().add(wrow + co)))) };
            }
            let lanes = acc.to_array();
            let mut dot = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
            for co in vectors..cout {
                dot += dy[out + co] * w[wrow + co];
            }
            dx[pixel + ci] += dot;
        }
    });
}

/// dw[l, tap + ci, co] = Σ over the batch of x[pixel, ci] · dy[b, l, co]; padding taps stay zero.
/// Vectorised over c_out (batch-major: a location-major order, as in the forward, is left to do).
pub fn local2d_bwd_filter<V: F32x4>(p: &Local2dParams, x: &[f32], dy: &[f32], dw: &mut [f32]) {
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dw.len() >= p.weights_len());
    let (cin, cout, k) = (p.in_c as usize, p.out_c as usize, p.patch_len());
    let vectors = cout / 4 * 4;
    dw[..p.weights_len()].iter_mut().for_each(|v| *v = 0.0);
    let single = Local2dParams { batch: 1, ..*p };
    let image = (p.in_h * p.in_w) as usize * cin;
    let item_out = p.locations() * cout;
    for b in 0..p.batch as usize {
        single.for_each_tap(|_, l, row, pixel| {
            let (out, pixel) = (b * item_out + l * cout, b * image + pixel);
            for ci in 0..cin {
                let wrow = (l * k + row + ci) * cout;
                let xv = x[pixel + ci];
                // SAFETY: co + 4 <= c_out, inside dy's row and dw's row.
                unsafe {
                    let xs = V::splat(xv);
                    for co in (0..vectors).step_by(4) {
                        let g = V::load(dw.as_ptr().add(wrow + co)).add(xs.mul(V::load(dy.as_ptr().add(out + co))));
                        g.store(dw.as_mut_ptr().add(wrow + co));
                    }
                }
                for co in vectors..cout {
                    dw[wrow + co] += xv * dy[out + co];
                }
            }
        });
    }
}
