//! exp on 4 lanes, for the activation and softmax kernels: wasm has no vector exp, and a libm call
//! per lane costs ~10x this. Cephes' expf: exp(x) = 2^n · exp(r), n = round(x / ln 2),
//! |r| ≤ ln2 / 2, exp(r) by a degree-7 polynomial; ~2 ulp over the normal range.

use super::F32x4;

const LOG2E: f32 = std::f32::consts::LOG2_E;
/// ln 2 split in two, so n · LN2_HI is exact and r keeps its low bits.
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// Below this 2^n would be subnormal: the result is 0 (exp(-87.3) ≈ 1.2e-38).
const MIN_X: f32 = -87.336_55;
/// Above this n would reach 128: the result is +inf, a little early (true overflow is at 88.72;
/// the kernels here only take exp of values ≤ 0).
const MAX_X: f32 = 88.376_26;
const POLY: [f32; 6] = [1.987_569_2e-4, 1.398_2e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 0.5];

/// e^x per lane; NaN stays NaN, -inf gives 0, +inf gives +inf.
#[inline(always)]
pub fn exp<V: F32x4>(x: V) -> V {
    let clamped = x.max(V::splat(MIN_X)).min(V::splat(MAX_X));
    let n = clamped.mul(V::splat(LOG2E)).round();
    let r = clamped.sub(n.mul(V::splat(LN2_HI))).sub(n.mul(V::splat(LN2_LO)));
    let mut p = V::splat(POLY[0]);
    for &c in &POLY[1..] {
        p = p.mul(r).add(V::splat(c));
    }
    let e = p.mul(r.mul(r)).add(r).add(V::splat(1.0)).mul(n.pow2i());
    let e = x.select_lt(V::splat(MIN_X), V::splat(0.0), e);
    V::splat(MAX_X).select_lt(x, V::splat(f32::INFINITY), e)
}
