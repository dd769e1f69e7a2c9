// Kernel-level checks on a separate instance of convkit.wasm: the SIMD kernels against the naive
// scalar references the module also exports, over sizes below, at and above the 4x8 tile.
// Outputs are prefilled with NaN (every element must be written) and followed by a guard zone
// (nothing past the end may be written). The call structs are written out here field by field,
// which also cross-checks the layouts in ts/core/abi.ts against crates/wasm/src/lib.rs.
import type * as RawExports from '../../build/bindgen/convkit_bg.wasm';
import { assert, assertClose } from './compare.js';
import { lcg, signed } from './random.js';

/** The module's raw exports, typed by wasm-bindgen's generated convkit_bg.wasm.d.ts. */
type RawKernels = typeof RawExports;

const GUARD = 16;
const SENTINEL = 12345.5;

export async function instantiateRaw(bytes: Uint8Array): Promise<RawKernels> {
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
  return instance.exports as unknown as RawKernels;
}

/** A scratch arena on the raw instance; everything is freed at the end of `use`. */
class Arena {
  private blocks: [number, number][] = [];
  constructor(private readonly k: RawKernels) {}
  floats(values: ArrayLike<number>): number {
    const ptr = this.k.alloc(values.length * 4 || 4);
    new Float32Array(this.k.memory.buffer, ptr, values.length).set(values);
    this.blocks.push([ptr, values.length * 4 || 4]);
    return ptr;
  }
  /** A call struct: words floatsFrom .. floatsTo are f32, the rest u32. */
  words(values: number[], floatsFrom: number, floatsTo = values.length): number {
    const ptr = this.k.alloc(values.length * 4);
    const u32 = new Uint32Array(this.k.memory.buffer, ptr, values.length);
    const f32 = new Float32Array(this.k.memory.buffer, ptr, values.length);
    values.forEach((v, i) => (i >= floatsFrom && i < floatsTo ? (f32[i] = v) : (u32[i] = v)));
    this.blocks.push([ptr, values.length * 4]);
    return ptr;
  }
  read(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length).slice();
  }
  freeAll(): void {
    for (const [ptr, bytes] of this.blocks) this.k.free(ptr, bytes);
    this.blocks = [];
  }
}

/** Runs `fast` and `reference` on copies of the same output buffer and compares them. */
function compareKernels(arena: Arena, label: string, outLength: number, launch: (out: number) => number, reference: (out: number) => number): void {
  const prefill = new Float32Array(outLength + GUARD).fill(NaN).fill(SENTINEL, outLength);
  const fastOut = arena.floats(prefill);
  const refOut = arena.floats(prefill);
  const status = launch(fastOut);
  assert(status === 0, `${label}: fast kernel returned status ${status}`);
  assert(reference(refOut) === 0, `${label}: reference kernel failed`);
  const fast = arena.read(fastOut, outLength + GUARD);
  const ref = arena.read(refOut, outLength);
  assert(fast.subarray(outLength).every((v) => v === SENTINEL), `${label}: wrote past the end of the output`);
  assertClose(label, fast.subarray(0, outLength), ref, { atol: 1e-4, rtol: 1e-4 });
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 31, 64, 67, 97];

export function gemmSweep(k: RawKernels, seed: number, cases: number): void {
  const unit = lcg(seed);
  const rand = signed(unit);
  const pick = () => SIZES[Math.floor(unit() * SIZES.length)]!;
  const arena = new Arena(k);
  try {
    for (let c = 0; c < cases; c++) {
      const [m, n, kk] = [pick(), pick(), pick()];
      const batch = c % 5 === 0 ? 2 : 1;
      const [ta, tb, withBias, relu] = [c % 2 === 1, c % 3 === 1, c % 4 < 2, c % 7 === 3];
      // Every third case shares one B across the batch and keeps it packed in a buffer of its own.
      const sharedB = c % 3 === 2;
      const values = (len: number) => Array.from({ length: len }, rand);
      const a = arena.floats(values(batch * m * kk));
      const b = arena.floats(values((sharedB ? 1 : batch) * kk * n));
      const bias = withBias ? arena.floats(values(n)) : 0;
      const packed = sharedB ? arena.floats(new Float32Array(k.gemm_packed_len_f32(kk, n)).fill(NaN)) : 0;
      const call = (out: number, packedReady: number) =>
        arena.words(
          [batch, m, n, kk, a, ta ? 1 : kk, ta ? m : 1, m * kk, b, tb ? 1 : n, tb ? kk : 1, sharedB ? 0 : kk * n, bias, out, relu ? 0 : -Infinity, Infinity, packed, packedReady],
          14,
          16,
        );
      const label = `gemm m=${m} n=${n} k=${kk} batch=${batch} transposeA=${ta} transposeB=${tb} bias=${withBias} relu=${relu} sharedB=${sharedB}`;
      // With a kept buffer, the first call packs B and the second reads what it packed.
      for (const ready of sharedB ? [0, 1] : [0]) {
        compareKernels(arena, `${label} packedReady=${ready}`, batch * m * n, (out) => k.gemm_f32(call(out, ready)), (out) => k.gemm_f32_reference(call(out, ready)));
      }
    }
  } finally {
    arena.freeAll();
  }
}

export function conv2dSweep(k: RawKernels, seed: number, cases: number): void {
  const unit = lcg(seed);
  const rand = signed(unit);
  const int = (lo: number, hi: number) => lo + Math.floor(unit() * (hi - lo + 1));
  const arena = new Arena(k);
  try {
    for (let c = 0; c < cases; c++) {
      const [kh, kw] = c % 4 === 0 ? [1, 1] : [int(1, 5), int(1, 5)];
      const [sh, sw, dh, dw] = c % 4 === 0 ? [1, 1, 1, 1] : [int(1, 3), int(1, 3), int(1, 2), int(1, 2)];
      const [pt, pl, pb, pr] = c % 4 === 0 ? [0, 0, 0, 0] : [int(0, 2), int(0, 2), int(0, 2), int(0, 2)];
      const [batch, cin, cout] = [int(1, 3), int(1, 19), int(1, 21)];
      const h = dh * (kh - 1) + 1 + int(0, 9);
      const w = dw * (kw - 1) + 1 + int(0, 9);
      const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
      const values = (len: number) => Array.from({ length: len }, rand);
      const x = arena.floats(values(batch * h * w * cin));
      const filter = arena.floats(values(kh * kw * cin * cout));
      const bias = c % 2 ? arena.floats(values(cout)) : 0;
      const call = (out: number) =>
        arena.words([batch, h, w, cin, oh, ow, cout, kh, kw, sh, sw, dh, dw, pt, pl, x, filter, bias, out, c % 3 ? -Infinity : 0, Infinity], 19);
      const label = `conv2d x=(${batch},${h},${w},${cin}) filter=(${kh},${kw},${cin},${cout}) strides=(${sh},${sw}) dilations=(${dh},${dw}) pad=(${pt},${pb},${pl},${pr})`;
      compareKernels(arena, label, batch * oh * ow * cout, (out) => k.conv2d_f32(call(out)), (out) => k.conv2d_f32_reference(call(out)));
    }
  } finally {
    arena.freeAll();
  }
}

/** conv_nd_f32 (1/2/3-D, groups, circular axes) against its scalar reference, in this runtime's wasm. */
export function convNdSweep(k: RawKernels, seed: number, cases: number): void {
  const unit = lcg(seed);
  const rand = signed(unit);
  const int = (lo: number, hi: number) => lo + Math.floor(unit() * (hi - lo + 1));
  const arena = new Arena(k);
  try {
    for (let c = 0; c < cases; c++) {
      // Every fifth case is 2-D 3x3 stride 1 with 16-32 channels: the Winograd plan.
      const winograd = c % 5 === 4;
      const dims = winograd ? 2 : [1, 2, 3][c % 3]!;
      const groups = winograd ? 1 : int(1, 3);
      const [batch, cin, cout] = winograd ? [int(1, 2), 4 * int(4, 8), 4 * int(4, 8)] : [int(1, 2), groups * int(1, 5), groups * int(1, 9)];
      const circular = c % 4 === 0 && !winograd ? int(0, 7) & ~((1 << (3 - dims)) - 1) : 0;
      const axes = [0, 1, 2].map((a) => {
        if (a < 3 - dims) return { size: 1, out: 1, k: 1, s: 1, d: 1, before: 0 };
        const [k, s, d] = winograd ? [3, 1, 1] : [int(1, 3), int(1, 2), int(1, 2)];
        const span = d * (k - 1) + 1;
        const size = Math.max(int(1, 6), circular & (1 << a) ? span : 1);
        const [before, after] = [Math.min(int(0, 2), size), Math.min(int(0, 2), size)];
        return { size, out: Math.floor((Math.max(size + before + after, span) - span) / s) + 1, k, s, d, before };
      });
      const pick = (key: 'size' | 'out' | 'k' | 's' | 'd' | 'before') => axes.map((a) => a[key]);
      const spatial = (v: number[]) => v.reduce((p, x) => p * x, 1);
      const values = (len: number) => Array.from({ length: len }, rand);
      const x = arena.floats(values(batch * spatial(pick('size')) * cin));
      const filter = arena.floats(values(spatial(pick('k')) * (cin / groups) * cout));
      const bias = c % 2 ? arena.floats(values(cout)) : 0;
      const params = [batch, cin, cout, groups, circular, ...pick('size'), ...pick('out'), ...pick('k'), ...pick('s'), ...pick('d'), ...pick('before')];
      const clamp = [c % 3 ? -Infinity : 0, Infinity];
      const words = (out: number, packed: number, packedReady: number) => arena.words([...params, x, filter, bias, out, ...clamp, packed, packedReady], params.length + 4, params.length + 6);
      const packed = arena.floats(new Float32Array(k.conv_nd_packed_len_f32(words(0, 0, 0))).fill(NaN));
      const call = (out: number, packedReady: number) => words(out, packed, packedReady);
      const label = `conv_nd x=(${batch},${pick('size')},${cin}) kernel=(${pick('k')}) groups=${groups} circular=${circular} strides=(${pick('s')}) dilations=(${pick('d')}) pad=(${pick('before')})`;
      // The first call packs the filter; the second reads what it packed.
      for (const ready of [0, 1]) {
        compareKernels(arena, `${label} packedReady=${ready}`, batch * spatial(pick('out')) * cout, (out) => k.conv_nd_f32(call(out, ready)), (out) => k.conv_nd_f32_reference(call(out, ready)));
      }
    }
  } finally {
    arena.freeAll();
  }
}
