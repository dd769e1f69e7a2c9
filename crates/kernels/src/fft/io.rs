//! Moving elements between the caller's strided layout and the split lane buffers: element t,
//! lane l sits at `src + t·stride + l·lane_stride` (real part) and `+ im_off` (imaginary part).

use super::lanes::Lanes;
use super::passes::Split;

/// Where the elements of one lane block live in the caller's buffer (all in floats): element t
/// of lane l at `t·stride + lane[l]` (real part) and `+ im_off` (imaginary part).
#[derive(Clone, Copy)]
pub(crate) struct Strided {
    pub stride: usize,
    pub im_off: usize,
    pub lane: [usize; 4],
    /// d when the lanes are evenly spaced, lane[l] = l·d.
    pub lane_stride: Option<usize>,
}

impl Strided {
    fn new(stride: usize, im_off: usize, lane: [usize; 4]) -> Strided {
        let d = lane[1];
        let even = lane == [0, d, 2 * d, 3 * d];
        Strided { stride, im_off, lane, lane_stride: if even { Some(d) } else { None } }
    }
    /// Interleaved complex (outer, n, inner, 2); `lane` in complex elements.
    pub fn complex(inner: usize, lane: [usize; 4]) -> Strided {
        Strided::new(2 * inner, 1, lane.map(|l| 2 * l))
    }
    /// A real (outer, n, inner) signal read as pairs: element t is (x[2t], x[2t+1]).
    pub fn real_pairs(inner: usize, lane: [usize; 4]) -> Strided {
        Strided::new(2 * inner, inner, lane)
    }
    fn interleaved(&self) -> bool {
        self.im_off == 1 && self.lane_stride == Some(2)
    }
    /// Contiguous interleaved elements per lane, lanes evenly spaced (rows of a last-axis layout).
    fn rows(&self) -> Option<usize> {
        if self.stride == 2 && self.im_off == 1 {
            self.lane_stride
        } else {
            None
        }
    }
}

pub(crate) unsafe fn gather<V: Lanes>(src: *const f32, at: Strided, count: usize, lanes: usize, dst: Split) {
    if lanes == 4 && at.interleaved() {
        for t in 0..count {
            let p = src.add(t * at.stride);
            let (re, im) = V::deinterleave(V::load(p), V::load(p.add(4)));
            re.store(dst.re.add(4 * t));
            im.store(dst.im.add(4 * t));
        }
    } else if lanes == 4 && at.lane_stride == Some(1) {
        for t in 0..count {
            let p = src.add(t * at.stride);
            V::load(p).store(dst.re.add(4 * t));
            V::load(p.add(at.im_off)).store(dst.im.add(4 * t));
        }
    } else {
        let mut t = 0;
        if let (4, Some(d)) = (lanes, at.rows()) {
            while t + 4 <= count {
                let (mut re, mut im) = ([V::splat(0.0); 4], [V::splat(0.0); 4]);
                for l in 0..4 {
                    let p = src.add(l * d + 2 * t);
                    let (r, i) = V::deinterleave(V::load(p), V::load(p.add(4)));
                    re[l] = r;
                    im[l] = i;
                }
                let (re, im) = (V::transpose(re), V::transpose(im));
                for k in 0..4 {
                    re[k].store(dst.re.add(4 * (t + k)));
                    im[k].store(dst.im.add(4 * (t + k)));
                }
                t += 4;
            }
        }
        if lanes == 1 && at.stride == 2 && at.im_off == 1 {
            while t + 4 <= count {
                let p = src.add(2 * t);
                let (re, im) = V::deinterleave(V::load(p), V::load(p.add(4)));
                re.store(dst.re.add(t));
                im.store(dst.im.add(t));
                t += 4;
            }
        }
        for t in t..count {
            for l in 0..lanes {
                let p = src.add(t * at.stride + at.lane[l]);
                *dst.re.add(t * lanes + l) = *p;
                *dst.im.add(t * lanes + l) = *p.add(at.im_off);
            }
        }
    }
}

pub(crate) unsafe fn scatter<V: Lanes>(src: Split, count: usize, lanes: usize, dst: *mut f32, at: Strided, scale: f32) {
    let sv = V::splat(scale);
    if lanes == 4 && at.interleaved() {
        for t in 0..count {
            let p = dst.add(t * at.stride);
            let re = V::load(src.re.add(4 * t)).mul(sv);
            let im = V::load(src.im.add(4 * t)).mul(sv);
            let (a, b) = V::interleave(re, im);
            a.store(p);
            b.store(p.add(4));
        }
    } else if lanes == 4 && at.lane_stride == Some(1) {
        for t in 0..count {
            let p = dst.add(t * at.stride);
            V::load(src.re.add(4 * t)).mul(sv).store(p);
            V::load(src.im.add(4 * t)).mul(sv).store(p.add(at.im_off));
        }
    } else {
        let mut t = 0;
        if let (4, Some(d)) = (lanes, at.rows()) {
            while t + 4 <= count {
                let (mut re, mut im) = ([sv; 4], [sv; 4]);
                for k in 0..4 {
                    re[k] = V::load(src.re.add(4 * (t + k))).mul(sv);
                    im[k] = V::load(src.im.add(4 * (t + k))).mul(sv);
                }
                let (re, im) = (V::transpose(re), V::transpose(im));
                for l in 0..4 {
                    let p = dst.add(l * d + 2 * t);
                    let (a, b) = V::interleave(re[l], im[l]);
                    a.store(p);
                    b.store(p.add(4));
                }
                t += 4;
            }
        }
        if lanes == 1 && at.stride == 2 && at.im_off == 1 {
            while t + 4 <= count {
                let p = dst.add(2 * t);
                let (a, b) = V::interleave(V::load(src.re.add(t)).mul(sv), V::load(src.im.add(t)).mul(sv));
                a.store(p);
                b.store(p.add(4));
                t += 4;
            }
        }
        for t in t..count {
            for l in 0..lanes {
                let p = dst.add(t * at.stride + at.lane[l]);
                *p = *src.re.add(t * lanes + l) * scale;
                *p.add(at.im_off) = *src.im.add(t * lanes + l) * scale;
            }
        }
    }
}

/// Real values x[t·stride + lane[l]] into dst.re, zeros into dst.im.
pub(crate) unsafe fn gather_real(src: *const f32, stride: usize, lane: [usize; 4], count: usize, lanes: usize, dst: Split) {
    for t in 0..count {
        for (l, &at) in lane.iter().enumerate().take(lanes) {
            *dst.re.add(t * lanes + l) = *src.add(t * stride + at);
            *dst.im.add(t * lanes + l) = 0.0;
        }
    }
}

/// The real parts, scaled, out to x[t·stride + lane[l]].
pub(crate) unsafe fn scatter_real(src: Split, count: usize, lanes: usize, dst: *mut f32, stride: usize, lane: [usize; 4], scale: f32) {
    for t in 0..count {
        for (l, &at) in lane.iter().enumerate().take(lanes) {
            *dst.add(t * stride + at) = *src.re.add(t * lanes + l) * scale;
        }
    }
}

/// Transforms up to this length run 4 (outer, inner) pairs side by side in memory order, so
/// inner sizes that are not multiples of 4 leave no single transforms behind but the last few.
pub(crate) const FLAT_MAX: usize = 1024;

/// A group of transforms run together: `lanes` (1 or 4) of them, the first at (outer o, inner i).
/// `flat`: the lanes are the next (outer, inner) pairs in memory order; otherwise inner indices
/// i..i+lanes of one outer index.
#[derive(Clone, Copy)]
pub(crate) struct Block {
    pub o: usize,
    pub i: usize,
    pub lanes: usize,
    flat: bool,
    inner: usize,
}

impl Block {
    /// Element offsets of the lanes from lane 0 in a layout (outer, len, inner).
    pub fn lane(&self, len: usize) -> [usize; 4] {
        if !self.flat {
            return [0, 1, 2, 3];
        }
        let q = self.o * self.inner + self.i;
        let at = |q: usize| (q / self.inner) * len * self.inner + q % self.inner;
        [0, 1, 2, 3].map(|l| at(q + l) - at(q))
    }
}

/// Whether a transform of length n goes 4 (outer, inner) pairs at a time.
pub(crate) fn flat_fits(n: usize) -> bool {
    n <= FLAT_MAX
}

pub(crate) fn lanes_for(inner: usize, flat: bool) -> usize {
    if inner >= 4 || flat {
        4
    } else {
        1
    }
}

/// Calls f for each block of an (outer, ·, inner) layout.
pub(crate) fn for_blocks(outer: usize, inner: usize, flat: bool, mut f: impl FnMut(Block)) {
    if flat {
        let (total, mut q) = (outer * inner, 0);
        while q < total {
            let lanes = if total - q >= 4 { 4 } else { 1 };
            f(Block { o: q / inner, i: q % inner, lanes, flat: true, inner });
            q += lanes;
        }
        return;
    }
    for o in 0..outer {
        let mut i = 0;
        while i < inner {
            let lanes = if inner - i >= 4 { 4 } else { 1 };
            f(Block { o, i, lanes, flat: false, inner });
            i += lanes;
        }
    }
}
