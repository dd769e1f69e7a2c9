//! Max and average pooling over 1, 2 or 3 spatial axes, channels-last, forward and backward.
//!
//! x (n, d, h, w, c) -> y (n, od, oh, ow, c); window (kd, kh, kw), strides (sd, sh, sw),
//! front/top/left padding given, output size computed by the caller. 2-D pooling is the d = 1
//! case and 1-D pooling (n, t, c) the d = h = 1 case, so one kernel serves all three. Padding never
//! takes part: a max is over the window's pixels inside the input, an average divides by their
//! count (as TensorFlow does). Forward vectorises over channels, which are contiguous.

use crate::simd::{route_lane_to_max, F32x4};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Pool3dParams {
    pub batch: u32,
    pub in_d: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub channels: u32,
    pub out_d: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub kernel_d: u32,
    pub kernel_h: u32,
    pub kernel_w: u32,
    pub stride_d: u32,
    pub stride_h: u32,
    pub stride_w: u32,
    pub pad_front: u32,
    pub pad_top: u32,
    pub pad_left: u32,
}

/// The pixels of one window that lie inside the input: planes z0..z1, rows y0..y1, columns x0..x1.
struct Window {
    z0: usize,
    z1: usize,
    y0: usize,
    y1: usize,
    x0: usize,
    x1: usize,
}

impl Window {
    fn count(&self) -> usize {
        (self.z1 - self.z0) * (self.y1 - self.y0) * (self.x1 - self.x0)
    }
}

impl Pool3dParams {
    pub fn input_len(&self) -> usize {
        self.batch as usize * (self.in_d * self.in_h * self.in_w * self.channels) as usize
    }
    pub fn output_len(&self) -> usize {
        self.batch as usize * (self.out_d * self.out_h * self.out_w * self.channels) as usize
    }
    fn window(&self, oz: usize, oy: usize, ox: usize) -> Window {
        let clip = |o: usize, stride: u32, pad: u32, kernel: u32, size: u32| {
            let start = (o * stride as usize) as isize - pad as isize;
            let end = start + kernel as isize;
            (start.max(0) as usize, end.clamp(0, size as isize) as usize)
        };
        // One plane deep (1-D and 2-D pools): no clipping needed along depth.
        let (z0, z1) = if self.kernel_d == 1 && self.pad_front == 0 { (oz * self.stride_d as usize, oz * self.stride_d as usize + 1) } else { clip(oz, self.stride_d, self.pad_front, self.kernel_d, self.in_d) };
        let (y0, y1) = clip(oy, self.stride_h, self.pad_top, self.kernel_h, self.in_h);
        let (x0, x1) = clip(ox, self.stride_w, self.pad_left, self.kernel_w, self.in_w);
        Window { z0, z1, y0, y1, x0, x1 }
    }
    /// Windows that do not overlap and lie wholly inside the input, one plane deep: the usual
    /// CNN pool (2x2 stride 2 'valid'), whose backward takes a vector path.
    fn tiles(&self) -> bool {
        self.kernel_d == 1
            && self.pad_front == 0
            && self.pad_top == 0
            && self.pad_left == 0
            && self.stride_h >= self.kernel_h
            && self.stride_w >= self.kernel_w
            && self.out_d == self.in_d
            && self.stride_d == 1
            && (self.out_h as usize).saturating_sub(1) * self.stride_h as usize + self.kernel_h as usize <= self.in_h as usize
            && (self.out_w as usize).saturating_sub(1) * self.stride_w as usize + self.kernel_w as usize <= self.in_w as usize
            && (self.kernel_h * self.kernel_w) as usize <= MAX_TILE
    }
    /// Calls f(output offset, input offset of the window's first pixel) for every output pixel;
    /// only for `tiles()` geometries, where no window needs clipping.
    fn for_each_tile(&self, mut f: impl FnMut(usize, usize)) {
        let (c, h, w) = (self.channels as usize, self.in_h as usize, self.in_w as usize);
        let mut out = 0;
        for plane in 0..self.batch as usize * self.in_d as usize {
            for oy in 0..self.out_h as usize {
                let row = (plane * h + oy * self.stride_h as usize) * w;
                for ox in 0..self.out_w as usize {
                    f(out, (row + ox * self.stride_w as usize) * c);
                    out += c;
                }
            }
        }
    }
    /// Calls f(output offset, window, input offset of item b) for every output pixel.
    fn for_each_output(&self, mut f: impl FnMut(usize, &Window, usize)) {
        let (c, d, h, w) = (self.channels as usize, self.in_d as usize, self.in_h as usize, self.in_w as usize);
        let mut out = 0;
        for b in 0..self.batch as usize {
            for oz in 0..self.out_d as usize {
                for oy in 0..self.out_h as usize {
                    for ox in 0..self.out_w as usize {
                        f(out, &self.window(oz, oy, ox), b * d * h * w * c);
                        out += c;
                    }
                }
            }
        }
    }
    /// Calls f(pixel offset) for every pixel of the window, in row-major order. FLAT says the
    /// window is one plane deep (kernel_d = 1: every 1-D and 2-D pool), so the plane loop goes.
    #[inline(always)]
    fn for_each_pixel<const FLAT: bool>(&self, win: &Window, item: usize, mut f: impl FnMut(usize)) {
        let (c, h, w) = (self.channels as usize, self.in_h as usize, self.in_w as usize);
        if FLAT {
            plane_pixels(win, item + win.z0 * h * w * c, w, c, &mut f);
        } else {
            for iz in win.z0..win.z1 {
                plane_pixels(win, item + iz * h * w * c, w, c, &mut f);
            }
        }
    }
}

/// The window's pixels in one plane starting at offset `plane`.
#[inline(always)]
fn plane_pixels(win: &Window, plane: usize, w: usize, c: usize, f: &mut impl FnMut(usize)) {
    let mut row = plane + (win.y0 * w + win.x0) * c;
    for _ in win.y0..win.y1 {
        let mut pixel = row;
        for _ in win.x0..win.x1 {
            f(pixel);
            pixel += c;
        }
        row += w * c;
    }
}

fn pool_fwd<V: F32x4>(p: &Pool3dParams, x: &[f32], y: &mut [f32], max: bool) {
    if p.tiles() {
        if max {
            pool_fwd_tiles::<V, true>(p, x, y)
        } else {
            pool_fwd_tiles::<V, false>(p, x, y)
        }
    } else if p.kernel_d == 1 {
        pool_fwd_planes::<V, true>(p, x, y, max)
    } else {
        pool_fwd_planes::<V, false>(p, x, y, max)
    }
}

/// The offsets of a window's pixels from its first one, row-major.
fn window_offsets<'a>(p: &Pool3dParams, offsets: &'a mut [usize; MAX_TILE]) -> &'a [usize] {
    let (c, w, kh, kw) = (p.channels as usize, p.in_w as usize, p.kernel_h as usize, p.kernel_w as usize);
    for ky in 0..kh {
        for kx in 0..kw {
            offsets[ky * kw + kx] = (ky * w + kx) * c;
        }
    }
    &offsets[..kh * kw]
}

fn pool_fwd_planes<V: F32x4, const FLAT: bool>(p: &Pool3dParams, x: &[f32], y: &mut [f32], max: bool) {
    assert!(x.len() >= p.input_len() && y.len() >= p.output_len());
    let c = p.channels as usize;
    let vectors = c / 4 * 4;
    p.for_each_output(|out, win, item| {
        let count = win.count() as f32;
        let start = if max { f32::NEG_INFINITY } else { 0.0 };
        for ch in (0..vectors).step_by(4) {
            let mut acc = V::splat(start);
            p.for_each_pixel::<FLAT>(win, item, |pixel| {
                // SAFETY: ch + 4 <= c, and the pixel lies inside x (checked above).
                let v = unsafe { V::load(x.as_ptr().add(pixel + ch)) };
                acc = if max { acc.max(v) } else { acc.add(v) };
            });
            let acc = if max { acc } else { acc.mul(V::splat(1.0 / count)) };
            // SAFETY: out + ch + 4 <= output length.
            unsafe { acc.store(y.as_mut_ptr().add(out + ch)) };
        }
        for ch in vectors..c {
            let mut acc = start;
            p.for_each_pixel::<FLAT>(win, item, |pixel| {
                let v = x[pixel + ch];
                acc = if !max { acc + v } else if v > acc || v.is_nan() { v } else { acc };
            });
            y[out + ch] = if max { acc } else { acc * (1.0 / count) };
        }
    });
}

/// Windows that tile the input (`tiles()`): no clipping, so each window is its fixed pixel
/// offsets from its corner, and the count is the window's size. Same sums and maxima, in the same
/// order, as `pool_fwd_planes`.
fn pool_fwd_tiles<V: F32x4, const MAX: bool>(p: &Pool3dParams, x: &[f32], y: &mut [f32]) {
    assert!(x.len() >= p.input_len() && y.len() >= p.output_len());
    let mut offsets = [0usize; MAX_TILE];
    let offsets = window_offsets(p, &mut offsets);
    with_window_len(offsets, |offsets| fwd_tiles::<V, MAX>(p, x, y, offsets));
}

#[inline(always)]
fn fwd_tiles<V: F32x4, const MAX: bool>(p: &Pool3dParams, x: &[f32], y: &mut [f32], offsets: &[usize]) {
    let c = p.channels as usize;
    let vectors = c / 4 * 4;
    let scale = 1.0 / offsets.len() as f32;
    let start = if MAX { f32::NEG_INFINITY } else { 0.0 };
    p.for_each_tile(|out, corner| {
        for ch in (0..vectors).step_by(4) {
            let mut acc = V::splat(start);
            for &o in offsets {
                // SAFETY: the window lies inside the input (tiles()) and ch + 4 <= c.
                let v = unsafe { V::load(x.as_ptr().add(corner + o + ch)) };
                acc = if MAX { acc.max(v) } else { acc.add(v) };
            }
            let acc = if MAX { acc } else { acc.mul(V::splat(scale)) };
            // SAFETY: out + ch + 4 <= output length.
            unsafe { acc.store(y.as_mut_ptr().add(out + ch)) };
        }
        for ch in vectors..c {
            let mut acc = start;
            for &o in offsets {
                let v = x[corner + o + ch];
                acc = if !MAX { acc + v } else if v > acc || v.is_nan() { v } else { acc };
            }
            y[out + ch] = if MAX { acc } else { acc * scale };
        }
    });
}

pub fn max_pool3d_fwd<V: F32x4>(p: &Pool3dParams, x: &[f32], y: &mut [f32]) {
    pool_fwd::<V>(p, x, y, true)
}

pub fn avg_pool3d_fwd<V: F32x4>(p: &Pool3dParams, x: &[f32], y: &mut [f32]) {
    pool_fwd::<V>(p, x, y, false)
}

/// dx: each window's dy goes to the first pixel holding its maximum (a NaN counts as the maximum).
/// `y` is the forward's output (the windows' maxima). Windows that tile the input without overlap
/// or padding (2x2 stride 2 'valid', the usual CNN pool) take a vector path that compares each
/// pixel with its window's maximum and writes each pixel once; others take
/// `max_pool3d_bwd_scalar`, which finds the maxima again.
pub fn max_pool3d_bwd<V: F32x4>(p: &Pool3dParams, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
    if p.tiles() {
        max_pool_bwd_tiles::<V>(p, x, y, dy, dx)
    } else {
        max_pool3d_bwd_scalar(p, x, dy, dx)
    }
}

/// Largest window of the vector path (its pixel offsets live on the stack).
const MAX_TILE: usize = 64;

/// Non-overlapping full windows: each window's dy goes, 4 channels at a time, to the first pixel
/// equal to the window's maximum (`route_to_max`); every other window pixel gets 0, and pixels
/// outside every window stay 0.
fn max_pool_bwd_tiles<V: F32x4>(p: &Pool3dParams, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
    assert!(x.len() >= p.input_len() && y.len() >= p.output_len() && dy.len() >= p.output_len() && dx.len() >= p.input_len());
    let mut offsets = [0usize; MAX_TILE];
    let offsets = window_offsets(p, &mut offsets);
    // Pixels outside every window stay 0; when the windows tile the input exactly there are none.
    let covered = p.stride_h == p.kernel_h && p.stride_w == p.kernel_w && p.out_h * p.stride_h == p.in_h && p.out_w * p.stride_w == p.in_w;
    if !covered {
        dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    }
    with_window_len(offsets, |offsets| bwd_tiles::<V>(p, x, y, dy, dx, offsets));
}

/// Calls f(offsets), with the 2x2 window's four offsets as a fixed-length array, so that the
/// inlined loops over the window unroll for the usual pool.
#[inline(always)]
fn with_window_len(offsets: &[usize], mut f: impl FnMut(&[usize])) {
    match <[usize; 4]>::try_from(offsets) {
        Ok(four) => f(&four),
        Err(_) => f(offsets),
    }
}

#[inline(always)]
fn bwd_tiles<V: F32x4>(p: &Pool3dParams, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32], offsets: &[usize]) {
    let c = p.channels as usize;
    let vectors = c / 4 * 4;
    p.for_each_tile(|out, corner| {
        for ch in (0..vectors).step_by(4) {
            // SAFETY: the window lies inside the input (checked by the caller) and ch + 4 <= c.
            unsafe {
                let max = V::load(y.as_ptr().add(out + ch));
                let mut pending = V::load(dy.as_ptr().add(out + ch));
                for &o in offsets {
                    let (g, left) = V::load(x.as_ptr().add(corner + o + ch)).route_to_max(max, pending);
                    g.store(dx.as_mut_ptr().add(corner + o + ch));
                    pending = left;
                }
            }
        }
        for ch in vectors..c {
            let (max, mut pending) = (y[out + ch], dy[out + ch]);
            for &o in offsets {
                let (g, left) = route_lane_to_max(x[corner + o + ch], max, pending);
                dx[corner + o + ch] = g;
                pending = left;
            }
        }
    });
}

/// The scalar reference for `max_pool3d_bwd`: any windows, padding and overlap.
pub fn max_pool3d_bwd_scalar(p: &Pool3dParams, x: &[f32], dy: &[f32], dx: &mut [f32]) {
    assert!(x.len() >= p.input_len() && dy.len() >= p.output_len() && dx.len() >= p.input_len());
    let c = p.channels as usize;
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    p.for_each_output(|out, win, item| {
        for ch in 0..c {
            let mut best: Option<(usize, f32)> = None;
            p.for_each_pixel::<false>(win, item, |pixel| {
                let i = pixel + ch;
                let v = x[i];
                let better = match best {
                    None => true,
                    Some((_, b)) => !b.is_nan() && (v > b || v.is_nan()),
                };
                if better {
                    best = Some((i, v));
                }
            });
            if let Some((i, _)) = best {
                dx[i] += dy[out + ch];
            }
        }
    });
}

/// dx: each window's dy is shared equally among its pixels inside the input.
pub fn avg_pool3d_bwd(p: &Pool3dParams, dy: &[f32], dx: &mut [f32]) {
    assert!(dy.len() >= p.output_len() && dx.len() >= p.input_len());
    let c = p.channels as usize;
    dx[..p.input_len()].iter_mut().for_each(|v| *v = 0.0);
    p.for_each_output(|out, win, item| {
        let share = 1.0 / win.count() as f32;
        p.for_each_pixel::<false>(win, item, |i| {
            for ch in 0..c {
                dx[i + ch] += dy[out + ch] * share;
            }
        });
    });
}
