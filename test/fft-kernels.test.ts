// The FFT kernels as the wasm module runs them (simd128), export by export, against the naive f64
// DFT exports of the same module (fft_*_reference): every length 1..64 and larger powers, primes
// (Bluestein) and mixed lengths, single transforms, 4 (outer, inner) pairs at a time for inner < 4,
// and 4-lane blocks with leftovers; outputs prefilled with NaN and guarded past the end; in place; and
// out of memory as status 1. The native Rust tests (crates/kernels/tests/fft.rs) sweep the scalar build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lcg, signed } from './shared/random.js';

interface FftExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number, bytes: number): void;
  fft_c2c_f32(x: number, y: number, outer: number, n: number, inner: number, inverse: number): number;
  fft_r2c_f32(x: number, y: number, outer: number, n: number, inner: number): number;
  fft_c2r_f32(x: number, y: number, outer: number, n: number, inner: number): number;
  fft_c2c_f32_reference(x: number, y: number, outer: number, n: number, inner: number, inverse: number): number;
  fft_r2c_f32_reference(x: number, y: number, outer: number, n: number, inner: number): number;
  fft_c2r_f32_reference(x: number, y: number, outer: number, n: number, inner: number): number;
}

const wasm = readFileSync(new URL('../dist/convkit.wasm', import.meta.url));
const e = (await WebAssembly.instantiate(wasm, {})).instance.exports as unknown as FftExports;

const GUARD = 8;
const SENTINEL = 12345.5;
const LENGTHS = [...Array.from({ length: 64 }, (_, i) => i + 1), 97, 127, 128, 243, 256, 500, 1000, 1024, 4096, 4099];

const random = signed(lcg(7));

function layouts(n: number): [number, number][] {
  if (n > 1024) return [[1, 1], [1, 4]];
  if (n > 300) return [[1, 1], [1, 5], [4, 1]];
  return [[1, 1], [2, 1], [1, 2], [3, 3], [1, 4], [2, 5], [1, 8], [4, 1], [9, 1], [5, 2]];
}

interface Buffers {
  a: Float32Array;
  b: Float32Array;
  x: Float32Array;
}

/** Runs f on an input buffer x and output buffers a and b of the given float lengths (NaN, then a
 * guard zone); returns all three as f left them. */
function withBuffers(input: Float32Array, aLen: number, bLen: number, f: (x: number, a: number, b: number) => void): Buffers {
  const lengths = [input.length, aLen, bLen];
  const sizes = lengths.map((l) => 4 * (l + GUARD));
  const ptrs = sizes.map((bytes) => e.alloc(bytes));
  const view = (i: number): Float32Array => new Float32Array(e.memory.buffer, ptrs[i] ?? 0, (sizes[i] ?? 0) / 4);
  lengths.forEach((l, i) => view(i).fill(NaN, 0, l).fill(SENTINEL, l));
  view(0).set(input);
  f(ptrs[0] ?? 0, ptrs[1] ?? 0, ptrs[2] ?? 0);
  const [x, a, b] = [view(0).slice(), view(1).slice(), view(2).slice()];
  ptrs.forEach((p, i) => e.free(p, sizes[i] ?? 0));
  return { a, b, x };
}

function expectMatch(label: string, got: Float32Array, want: Float32Array, n: number, len: number): void {
  expect(Array.from(got.subarray(len)), `${label}: wrote past the end`).toEqual(Array(GUARD).fill(SENTINEL));
  const scale = want.subarray(0, len).reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  const tol = 3e-7 * scale * (Math.log2(n) + 4);
  for (let i = 0; i < len; i++) {
    const [g, w] = [got[i] ?? NaN, want[i] ?? NaN];
    if (!(Math.abs(g - w) <= tol)) expect.fail(`${label}: index ${i} got ${g} expected ${w} (tolerance ${tol})`);
  }
}

const values = (len: number): Float32Array => Float32Array.from({ length: len }, random);

describe('fft kernels (simd128) match the naive DFT', () => {
  it.each(LENGTHS)('c2c, r2c and c2r at n = %i', (n) => {
    for (const [outer, inner] of layouts(n)) {
      const label = `n=${n} outer=${outer} inner=${inner}`;
      const len = 2 * outer * n * inner;
      const input = values(len);
      for (const inverse of [0, 1]) {
        const { a, b } = withBuffers(input, len, len, (x, y, want) => {
          expect(e.fft_c2c_f32(x, y, outer, n, inner, inverse)).toBe(0);
          e.fft_c2c_f32_reference(x, want, outer, n, inner, inverse);
        });
        expectMatch(`c2c ${label} inverse=${inverse}`, a, b, n, len);
      }
      const [real, half] = [outer * n * inner, 2 * outer * (Math.floor(n / 2) + 1) * inner];
      const spectrum = withBuffers(input.subarray(0, real), half, half, (x, y, want) => {
        expect(e.fft_r2c_f32(x, y, outer, n, inner)).toBe(0);
        e.fft_r2c_f32_reference(x, want, outer, n, inner);
      });
      expectMatch(`r2c ${label}`, spectrum.a, spectrum.b, n, half);
      const signal = withBuffers(input.subarray(0, half), real, real, (x, y, want) => {
        expect(e.fft_c2r_f32(x, y, outer, n, inner)).toBe(0);
        e.fft_c2r_f32_reference(x, want, outer, n, inner);
      });
      expectMatch(`c2r ${label}`, signal.a, signal.b, n, real);
    }
  });

  it.each([[64, 1, 1], [60, 5, 1], [97, 2, 6], [1024, 1, 1]])('c2c runs in place: n = %i, outer %i, inner %i', (n, outer, inner) => {
    const len = 2 * outer * n * inner;
    const { a, x } = withBuffers(values(len), len, 0, (x, want) => {
      e.fft_c2c_f32_reference(x, want, outer, n, inner, 0);
      expect(e.fft_c2c_f32(x, x, outer, n, inner, 0)).toBe(0);
    });
    expectMatch(`in place n=${n}`, x, a, n, len);
  });

  // Lengths whose twiddles alone exceed the address space: the plan fails before touching memory.
  it('returns 1 (out of memory) instead of trapping for a length too large to plan', () => {
    expect(e.fft_c2c_f32(0, 0, 1, 2 ** 30, 1, 0)).toBe(1);
    expect(e.fft_r2c_f32(0, 0, 1, 2 ** 31, 1)).toBe(1);
    expect(e.fft_c2r_f32(0, 0, 1, 2 ** 31, 4)).toBe(1);
    expect(e.memory.buffer.byteLength).toBeLessThan(2 ** 30);
  });
});
