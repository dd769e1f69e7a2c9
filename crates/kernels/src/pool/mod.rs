//! 2-D max and average pooling, NHWC, forward and backward.
//!
//! x (n, h, w, c) -> y (n, oh, ow, c); window (kh, kw), strides (sh, sw), top/left padding given,
//! output size computed by the caller. Padding never takes part: a max is over the window's
//! pixels inside the image, an average divides by their count (as TensorFlow does).
//! Forward vectorises over channels, which are contiguous in NHWC.

use crate::simd::F32x4;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Pool2dParams {
    pub batch: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub channels: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub kernel_h: u32,
    pub kernel_w: u32,
    pub stride_h: u32,
    pub stride_w: u32,
    pub pad_top: u32,
    pub pad_left: u32,
}

/// The pixels of one window that lie inside the image: rows y0..y1, columns x0..x1.
struct Window {
    y0: usize,
    y1: usize,
    x0: usize,
    x1: usize,
}

impl Pool2dParams {
    pub fn input_len(&self) -> usize {
        (self.batch * self.in_h * self.in_w * self.channels) as usize
    }
    pub fn output_len(&self) -> usize {
        (self.batch * self.out_h * self.out_w * self.channels) as usize
    }
    fn window(&self, oy: usize, ox: usize) -> Window {
        let clip = |o: usize, stride: u32, pad: u32, kernel: u32, size: u32| {
            let start = (o * stride as usize) as isize - pad as isize;
            let end = start + kernel as isize;
            (start.max(0) as usize, end.clamp(0, size as isize) as usize)
        };
        let (y0, y1) = clip(oy, self.stride_h, self.pad_top, self.kernel_h, self.in_h);
        let (x0, x1) = clip(ox, self.stride_w, self.pad_left, self.kernel_w, self.in_w);
        Window { y0, y1, x0, x1 }
    }
    /// Calls f(output offset, window, input offset of image b) for every output pixel.
    fn for_each_output(&self, mut f: impl FnMut(usize, &Window, usize)) {
        let (c, h, w) = (self.channels as usize, self.in_h as usize, self.in_w as usize);
        let mut out = 0;
        for b in 0..self.batch as usize {
            for oy in 0..self.out_h as usize {
                for ox in 0..self.out_w as usize {
                    f(out, &self.window(oy, ox), b * h * w * c);
                    out += c;
                }
            }
        }
    }
}

fn pool_fwd<V: F32x4>(p: &Pool2dParams, x: &[f32], y: &mut [f32], max: bool) {
    assert!(x.len() >= p.input_len() && y.len() >= p.output_len());
    let (c, w) = (p.channels as usize, p.in_w as usize);
    let vectors = c / 4 * 4;
    p.for_each_output(|out, win, image| {
        let count = ((win.y1 - win.y0) * (win.x1 - win.x0)) as f32;
        let start = if max { f32::NEG_INFINITY } else { 0.0 };
        let pixel = |iy: usize, ix: usize| image + (iy * w + ix) * c;
        for ch in (0..vectors).step_by(4) {
            let mut acc = V::splat(start);
            for iy in win.y0..win.y1 {
                for ix in win.x0..win.x1 {
                    // SAFETY: ch + 4 <= c, and the pixel lies inside x (checked above).
                    let v = unsafe { V::load(x.as_ptr().add(pixel(iy, ix) + ch)) };
                    acc = if max { acc.max(v) } else { acc.add(v) };
                }
            }
            let acc = if max { acc } else { acc.mul(V::splat(1.0 / count)) };
            // SAFETY: out + ch + 4 <= output length.
            unsafe { acc.store(y.as_mut_ptr().add(out + ch)) };
        }
        for ch in vectors..c {
            let mut acc = start;
            for iy in win.y0..win.y1 {
                for ix in win.x0..win.x1 {
                    let v = x[pixel(iy, ix) + ch];
                    acc = if !max { acc + v } else if v > acc || v.is_nan() { v } else { acc };
                }
            }
            y[out + ch] = if max { acc } else { acc * (1.0 / count) };
        }
    });
}

pub fn max_pool2d_fwd<V: F32x4>(p: &Pool2dParams, x: &[f32], y: &mut [f32]) {
    pool_fwd::<V>(p, x, y, true)
}

pub fn avg_pool2d_fwd<V: F32x4>(p: &Pool2dParams, x: &[f32], y: &mut [f32]) {
    pool_fwd::<V>(p, x, y, false)
}

/// dx: each window's dy goes to the first pixel holding its maximum (a NaN counts as the maximum).
pub fn max_pool2d_bwd(p: &Pool2dParams, x: &[f32], dy: &[f32], dx: &mut [f32]) {
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dx.len() >= p.input_len());
    let (c, w) = (p.channels as usize, p.in_w as usize);
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    p.for_each_output(|out, win, image| {
        for ch in 0..c {
            let mut best: Option<(usize, f32)> = None;
            for iy in win.y0..win.y1 {
                for ix in win.x0..win.x1 {
                    let i = image + (iy * w + ix) * c + ch;
                    let v = x[i];
                    let better = match best {
                        None => true,
                        Some((_, b)) => !b.is_nan() && (v > b || v.is_nan()),
                    };
                    if better {
                        best = Some((i, v));
                    }
                }
            }
            if let Some((i, _)) = best {
                dx[i] += dy[out + ch];
            }
        }
    });
}

/// dx: each window's dy is shared equally among its pixels inside the image.
pub fn avg_pool2d_bwd(p: &Pool2dParams, dy: &[f32], dx: &mut [f32]) {
    assert!(dy.len() >= p.output_len() && dx.len() >= p.input_len());
    let (c, w) = (p.channels as usize, p.in_w as usize);
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    p.for_each_output(|out, win, image| {
        let share = 1.0 / ((win.y1 - win.y0) * (win.x1 - win.x0)) as f32;
        for iy in win.y0..win.y1 {
            for ix in win.x0..win.x1 {
                let i = image + (iy * w + ix) * c;
                for ch in 0..c {
                    dx[i + ch] += dy[out + ch] * share;
                }
            }
        }
    });
}
