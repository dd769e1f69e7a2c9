//! Spectral channel mixing, complex interleaved: x (batch, freqs, cin), w (freqs, cin, cout),
//! y (batch, freqs, cout). Vectorised over 4 output channels (or, for the input gradient, over a
//! run of 4 output channels reduced at the end), re and im deinterleaved in registers.

use super::lanes::Lanes;

#[inline(always)]
unsafe fn load_split<V: Lanes>(p: *const f32) -> (V, V) {
    V::deinterleave(V::load(p), V::load(p.add(4)))
}

#[inline(always)]
unsafe fn store_split<V: Lanes>(p: *mut f32, re: V, im: V) {
    let (a, b) = V::interleave(re, im);
    a.store(p);
    b.store(p.add(4));
}

fn check(batch: usize, freqs: usize, cin: usize, cout: usize, x: usize, w: usize, y: usize) {
    assert!(x >= 2 * batch * freqs * cin && w >= 2 * freqs * cin * cout && y >= 2 * batch * freqs * cout);
}

/// y[b,f,o] = Σ_i x[b,f,i] · w[f,i,o]
pub fn spectral_mix<V: Lanes>(x: &[f32], w: &[f32], y: &mut [f32], batch: usize, freqs: usize, cin: usize, cout: usize) {
    check(batch, freqs, cin, cout, x.len(), w.len(), y.len());
    let (xp, wp, yp) = (x.as_ptr(), w.as_ptr(), y.as_mut_ptr());
    for b in 0..batch {
        for f in 0..freqs {
            let xs = 2 * (b * freqs + f) * cin;
            let ws = 2 * f * cin * cout;
            let ys = 2 * (b * freqs + f) * cout;
            let mut o = 0;
            // SAFETY: every index is below the lengths checked above.
            unsafe {
                while o + 4 <= cout {
                    let (mut ar, mut ai) = (V::splat(0.0), V::splat(0.0));
                    for i in 0..cin {
                        let (xr, xi) = (V::load_splat(xp.add(xs + 2 * i)), V::load_splat(xp.add(xs + 2 * i + 1)));
                        let (wr, wi) = load_split::<V>(wp.add(ws + 2 * (i * cout + o)));
                        ar = ar.add(xr.mul(wr)).sub(xi.mul(wi));
                        ai = ai.add(xr.mul(wi)).add(xi.mul(wr));
                    }
                    store_split(yp.add(ys + 2 * o), ar, ai);
                    o += 4;
                }
            }
            for o in o..cout {
                let (mut ar, mut ai) = (0f32, 0f32);
                for i in 0..cin {
                    let (xr, xi) = (x[xs + 2 * i], x[xs + 2 * i + 1]);
                    let (wr, wi) = (w[ws + 2 * (i * cout + o)], w[ws + 2 * (i * cout + o) + 1]);
                    ar += xr * wr - xi * wi;
                    ai += xr * wi + xi * wr;
                }
                y[ys + 2 * o] = ar;
                y[ys + 2 * o + 1] = ai;
            }
        }
    }
}

/// dx[b,f,i] = Σ_o dy[b,f,o] · conj(w[f,i,o])
pub fn spectral_mix_bwd_input<V: Lanes>(dy: &[f32], w: &[f32], dx: &mut [f32], batch: usize, freqs: usize, cin: usize, cout: usize) {
    check(batch, freqs, cin, cout, dx.len(), w.len(), dy.len());
    let (dyp, wp) = (dy.as_ptr(), w.as_ptr());
    for b in 0..batch {
        for f in 0..freqs {
            let ds = 2 * (b * freqs + f) * cout;
            for i in 0..cin {
                let ws = 2 * (f * cin + i) * cout;
                let (mut ar, mut ai) = (V::splat(0.0), V::splat(0.0));
                let mut o = 0;
                // SAFETY: every index is below the lengths checked above.
                unsafe {
                    while o + 4 <= cout {
                        let (gr, gi) = load_split::<V>(dyp.add(ds + 2 * o));
                        let (wr, wi) = load_split::<V>(wp.add(ws + 2 * o));
                        ar = ar.add(gr.mul(wr)).add(gi.mul(wi));
                        ai = ai.add(gi.mul(wr)).sub(gr.mul(wi));
                        o += 4;
                    }
                }
                let (r, im) = (ar.to_array(), ai.to_array());
                let (mut sr, mut si) = ((r[0] + r[1]) + (r[2] + r[3]), (im[0] + im[1]) + (im[2] + im[3]));
                for o in o..cout {
                    let (gr, gi) = (dy[ds + 2 * o], dy[ds + 2 * o + 1]);
                    let (wr, wi) = (w[ws + 2 * o], w[ws + 2 * o + 1]);
                    sr += gr * wr + gi * wi;
                    si += gi * wr - gr * wi;
                }
                let at = 2 * ((b * freqs + f) * cin + i);
                dx[at] = sr;
                dx[at + 1] = si;
            }
        }
    }
}

/// dw[f,i,o] = Σ_b conj(x[b,f,i]) · dy[b,f,o]
pub fn spectral_mix_bwd_filter<V: Lanes>(x: &[f32], dy: &[f32], dw: &mut [f32], batch: usize, freqs: usize, cin: usize, cout: usize) {
    check(batch, freqs, cin, cout, x.len(), dw.len(), dy.len());
    let (xp, dyp, dwp) = (x.as_ptr(), dy.as_ptr(), dw.as_mut_ptr());
    for f in 0..freqs {
        for i in 0..cin {
            let ws = 2 * (f * cin + i) * cout;
            let mut o = 0;
            // SAFETY: every index is below the lengths checked above.
            unsafe {
                while o + 4 <= cout {
                    let (mut ar, mut ai) = (V::splat(0.0), V::splat(0.0));
                    for b in 0..batch {
                        let xs = 2 * ((b * freqs + f) * cin + i);
                        let (xr, xi) = (V::load_splat(xp.add(xs)), V::load_splat(xp.add(xs + 1)));
                        let (gr, gi) = load_split::<V>(dyp.add(2 * ((b * freqs + f) * cout + o)));
                        ar = ar.add(xr.mul(gr)).add(xi.mul(gi));
                        ai = ai.add(xr.mul(gi)).sub(xi.mul(gr));
                    }
                    store_split(dwp.add(ws + 2 * o), ar, ai);
                    o += 4;
                }
            }
            for o in o..cout {
                let (mut ar, mut ai) = (0f32, 0f32);
                for b in 0..batch {
                    let xs = 2 * ((b * freqs + f) * cin + i);
                    let (xr, xi) = (x[xs], x[xs + 1]);
                    let g = 2 * ((b * freqs + f) * cout + o);
                    let (gr, gi) = (dy[g], dy[g + 1]);
                    ar += xr * gr + xi * gi;
                    ai += xr * gi - xi * gr;
                }
                dw[ws + 2 * o] = ar;
                dw[ws + 2 * o + 1] = ai;
            }
        }
    }
}
