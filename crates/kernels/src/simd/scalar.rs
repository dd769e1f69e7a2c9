use super::F32x4;

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
    fn to_array(self) -> [f32; 4] {
        self.0
    }
}
