use super::F32x4;
use crate::Clamp;

#[derive(Clone, Copy, Debug)]
pub struct Scalar(pub [f32; 4]);

#[inline(always)]
fn lanes(a: [f32; 4], b: [f32; 4], f: impl Fn(f32, f32) -> f32) -> [f32; 4] {
    [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])]
}

#[inline(always)]
fn nan_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a < b {
        a
    } else {
        b
    }
}

#[inline(always)]
fn nan_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a > b {
        a
    } else {
        b
    }
}

impl F32x4 for Scalar {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        Scalar([x; 4])
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Scalar([*p, *p.add(1), *p.add(2), *p.add(3)])
    }
    #[inline(always)]
    unsafe fn load_splat(p: *const f32) -> Self {
        Scalar([*p; 4])
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        for (i, v) in self.0.iter().enumerate() {
            *p.add(i) = *v;
        }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Scalar(lanes(self.0, o.0, |a, b| a + b))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Scalar(lanes(self.0, o.0, |a, b| a * b))
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        Scalar(lanes(self.0, o.0, nan_min))
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        Scalar(lanes(self.0, o.0, nan_max))
    }
    #[inline(always)]
    fn clamp(self, lo: Self, hi: Self) -> Self {
        Scalar([0, 1, 2, 3].map(|i| Clamp { min: lo.0[i], max: hi.0[i] }.apply(self.0[i])))
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        self.0
    }
    #[inline(always)]
    fn transpose(rows: [Self; 4]) -> [Self; 4] {
        let m = rows.map(|r| r.0);
        [0, 1, 2, 3].map(|c| Scalar([m[0][c], m[1][c], m[2][c], m[3][c]]))
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Scalar(lanes(self.0, o.0, |a, b| a - b))
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        Scalar(lanes(self.0, o.0, |a, b| a / b))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        Scalar(self.0.map(f32::sqrt))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Scalar(self.0.map(f32::abs))
    }
    #[inline(always)]
    fn round(self) -> Self {
        Scalar(self.0.map(round_ties_even))
    }
    #[inline(always)]
    fn pow2i(self) -> Self {
        Scalar(self.0.map(|n| f32::from_bits(((n as i32 + 127) as u32) << 23)))
    }
    #[inline(always)]
    fn select_lt(self, o: Self, a: Self, b: Self) -> Self {
        let pick = |i: usize| if self.0[i] < o.0[i] { a.0[i] } else { b.0[i] };
        Scalar([pick(0), pick(1), pick(2), pick(3)])
    }
    #[inline(always)]
    fn route_to_max(self, max: Self, pending: Self) -> (Self, Self) {
        let (mut taken, mut left) = ([0.0; 4], [0.0; 4]);
        for i in 0..4 {
            (taken[i], left[i]) = route_lane_to_max(self.0[i], max.0[i], pending.0[i]);
        }
        (Scalar(taken), Scalar(left))
    }
}

/// `F32x4::route_to_max` for one lane: (the pixel's gradient, the gradient still to route).
#[inline(always)]
pub fn route_lane_to_max(x: f32, max: f32, pending: f32) -> (f32, f32) {
    if x == max || x.is_nan() {
        (pending, 0.0)
    } else {
        (0.0, pending)
    }
}

/// f32::round_ties_even is newer than the Rust 1.63 this crate builds with.
#[inline(always)]
fn round_ties_even(x: f32) -> f32 {
    let r = x.round();
    if (r - x).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}
