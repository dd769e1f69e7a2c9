// Node checks of the convolution family beyond the shared registry: PyTorch fixtures
// (test/fixtures/conv-family.json: conv1d, grouped and circular conv2d, conv3d causal in time,
// conv2dTranspose; forward and gradients) and the lecture's properties: shifting the input shifts
// the output (exactly with circular padding, in the interior otherwise), and a causal convolution's
// output at t does not change when inputs after t change (1-D, and 3-D in time).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import type { Tensor } from '../dist/convkit.js';
import { assertClose } from './shared/compare.js';
import { checkNoLeaks } from './leak-check.js';
import { uniformValues } from './shared/random.js';

await ck.init();
checkNoLeaks();

interface FixtureTensor {
  shape: number[];
  data: number[];
}

interface Case {
  name: string;
  op: 'conv1d' | 'conv2d' | 'conv3d' | 'conv2dTranspose';
  strides: number[];
  dilations?: number[];
  padding: unknown;
  groups?: number;
  activation?: 'linear' | 'relu';
  outputShape?: number[];
  x: FixtureTensor;
  filter: FixtureTensor;
  bias?: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
  dfilter: FixtureTensor;
  dbias?: FixtureTensor;
}

const fixtures = JSON.parse(readFileSync(new URL('fixtures/conv-family.json', import.meta.url), 'utf8')) as { cases: Case[] };
const tolerance = { atol: 1e-5, rtol: 1e-4 };
const t = (f: FixtureTensor) => ck.tensor(Float32Array.from(f.data), f.shape);

function run(c: Case, x: Tensor, filter: Tensor, bias?: Tensor): Tensor {
  const common = { ...(bias ? { bias } : {}), ...(c.activation === 'relu' ? { activation: 'relu' as const } : {}), groups: c.groups };
  switch (c.op) {
    case 'conv1d':
      return ck.ops.conv1d(x, filter, { ...common, stride: c.strides[0], dilation: c.dilations![0], padding: c.padding as ck.ops.Padding1D });
    case 'conv2d':
      return ck.ops.conv2d(x, filter, { ...common, strides: c.strides as [number, number], dilations: c.dilations as [number, number], padding: c.padding as ck.ops.Padding2D });
    case 'conv3d':
      return ck.ops.conv3d(x, filter, { ...common, strides: c.strides as [number, number, number], dilations: c.dilations as [number, number, number], padding: c.padding as ck.ops.Padding3D });
    case 'conv2dTranspose':
      return ck.ops.conv2dTranspose(x, filter, { strides: c.strides as [number, number], padding: c.padding as ck.ops.Padding2D, outputShape: c.outputShape });
  }
}

describe('the convolution family matches PyTorch', () => {
  it('has fixtures for every op', () => {
    expect(new Set(fixtures.cases.map((c) => c.op))).toEqual(new Set(['conv1d', 'conv2d', 'conv3d', 'conv2dTranspose']));
  });
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}: forward`, () => {
      ck.tidy(() => {
        const y = run(c, t(c.x), t(c.filter), c.bias && t(c.bias));
        expect(y.shape).toEqual(c.y.shape);
        assertClose(c.name, y.dataSync(), c.y.data, tolerance);
      });
    });
    it(`${c.op}: ${c.name}: gradients of sum(y * dy)`, () => {
      ck.tidy(() => {
        const dy = t(c.dy);
        const inputs = [c.x, c.filter, ...(c.bias ? [c.bias] : [])].map(t);
        const grads = ck.grads((x: Tensor, filter: Tensor, bias?: Tensor) => ck.ops.sum(ck.ops.mul(run(c, x, filter, bias), dy)))(...inputs);
        const expected = [c.dx, c.dfilter, ...(c.dbias ? [c.dbias] : [])];
        grads.forEach((g, i) => {
          expect(g.shape).toEqual(expected[i]!.shape);
          assertClose(`${c.name}: gradient ${i}`, g.dataSync(), expected[i]!.data, tolerance);
        });
      });
    });
  }
});

/** x (n, t, c) with every sequence rolled by `shift` steps along t (wrapping). */
function roll1d(x: ArrayLike<number>, n: number, len: number, c: number, shift: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < len; i++)
      for (let ch = 0; ch < c; ch++) out[(b * len + ((i + shift) % len)) * c + ch] = x[(b * len + i) * c + ch]!;
  return out;
}

/** x (n, h, w, c) rolled by (sy, sx). */
function roll2d(x: ArrayLike<number>, n: number, h: number, w: number, c: number, sy: number, sx: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let i = 0; i < w; i++)
        for (let ch = 0; ch < c; ch++) out[((b * h + (y + sy) % h) * w + (i + sx) % w) * c + ch] = x[((b * h + y) * w + i) * c + ch]!;
  return out;
}

describe('the lecture: convolution is shift-equivariant', () => {
  it('conv1d with circular padding: rolling the input rolls the output exactly (groups 2, dilation 2)', () => {
    ck.tidy(() => {
      const [n, len, c] = [2, 11, 4];
      const x = uniformValues(n * len * c, 1);
      const w = ck.tensor(uniformValues(3 * 2 * 6, 2), [3, 2, 6]);
      const conv = (v: Float32Array) => ck.ops.conv1d(ck.tensor(v, [n, len, c]), w, { padding: 'circular', groups: 2, dilation: 2 }).dataSync();
      for (const shift of [1, 4, 10]) expect(Array.from(conv(roll1d(x, n, len, c, shift)))).toEqual(Array.from(roll1d(conv(x), n, len, 6, shift)));
    });
  });

  it('conv2d with circular padding: rolling the image rolls the output exactly', () => {
    ck.tidy(() => {
      const [n, h, w, c] = [1, 7, 6, 3];
      const x = uniformValues(n * h * w * c, 3);
      const f = ck.tensor(uniformValues(3 * 3 * 3 * 5, 4), [3, 3, 3, 5]);
      const conv = (v: Float32Array) => ck.ops.conv2d(ck.tensor(v, [n, h, w, c]), f, { padding: 'circular' }).dataSync();
      expect(Array.from(conv(roll2d(x, n, h, w, c, 2, 5)))).toEqual(Array.from(roll2d(conv(x), n, h, w, 5, 2, 5)));
    });
  });

  it("conv2d with 'same' zero padding: shifting the image shifts the output in the interior", () => {
    ck.tidy(() => {
      const [h, w, c, co, s] = [12, 12, 2, 3, 2];
      // A 'same' 3x3 conv: outputs at least 1 + s pixels from the border see no padding before or after the shift.
      const x = uniformValues(h * w * c, 5);
      const f = ck.tensor(uniformValues(9 * c * co, 6), [3, 3, c, co]);
      const conv = (v: Float32Array) => ck.ops.conv2d(ck.tensor(v, [1, h, w, c]), f, { padding: 'same' }).dataSync();
      const y = conv(x);
      const ys = conv(roll2d(x, 1, h, w, c, s, s));
      let compared = 0;
      for (let oy = 1 + s; oy < h - 1; oy++)
        for (let ox = 1 + s; ox < w - 1; ox++)
          for (let ch = 0; ch < co; ch++) {
            expect(ys[(oy * w + ox) * co + ch]).toBe(y[((oy - s) * w + ox - s) * co + ch]);
            compared++;
          }
      expect(compared).toBeGreaterThan(0);
    });
  });
});

describe('non-finite inputs stay in the outputs whose windows hold them', () => {
  // 3 channels take the direct IGEMM kernel; 16 take Winograd F(2x2, 3x3), whose transforms add and
  // subtract the neighbours of a pixel: a NaN or Inf must still reach exactly the outputs whose 3x3
  // windows hold it (an Inf may come out as NaN there, but never leak to a finite neighbour).
  for (const channels of [3, 16]) {
    it(`conv2d 3x3 'same', ${channels} channels: a NaN at a corner and an Inf inside`, () => {
      ck.tidy(() => {
        const [h, w, co] = [6, 7, 16];
        const x = uniformValues(h * w * channels, 9);
        const bad = [
          { y: 0, x: 0, c: 0, v: NaN },
          { y: 3, x: 4, c: channels - 1, v: Infinity },
        ];
        for (const b of bad) x[(b.y * w + b.x) * channels + b.c] = b.v;
        const f = ck.tensor(uniformValues(9 * channels * co, 10), [3, 3, channels, co]);
        const y = ck.ops.conv2d(ck.tensor(x, [1, h, w, channels]), f, { padding: 'same' }).dataSync();
        for (let oy = 0; oy < h; oy++)
          for (let ox = 0; ox < w; ox++) {
            const sees = bad.some((b) => Math.abs(b.y - oy) <= 1 && Math.abs(b.x - ox) <= 1);
            for (let ch = 0; ch < co; ch++) expect(Number.isFinite(y[(oy * w + ox) * co + ch]), `output (${oy}, ${ox}, ${ch})`).toBe(!sees);
          }
      });
    });
  }
});

describe('the lecture: global pooling after convolution is shift-invariant', () => {
  it('circular conv2d then global average / max pooling: rolling the image leaves the features unchanged', () => {
    ck.tidy(() => {
      const [n, h, w, c] = [2, 8, 7, 3];
      const x = uniformValues(n * h * w * c, 7);
      const f = ck.tensor(uniformValues(3 * 3 * c * 4, 8), [3, 3, c, 4]);
      const features = (v: Float32Array) => {
        const maps = ck.ops.conv2d(ck.tensor(v, [n, h, w, c]), f, { padding: 'circular', activation: 'relu' });
        return [ck.ops.globalAvgPool2d(maps).dataSync(), ck.ops.globalMaxPool2d(maps).dataSync()];
      };
      const [avg, max] = features(x);
      for (const [sy, sx] of [[1, 0], [3, 5], [7, 6]] as const) {
        const [avgShifted, maxShifted] = features(roll2d(x, n, h, w, c, sy, sx));
        expect(Array.from(maxShifted!)).toEqual(Array.from(max!));
        // The mean sums the same values in another order: equal up to float rounding.
        avgShifted!.forEach((v, i) => expect(v).toBeCloseTo(avg![i]!, 6));
      }
    });
  });
});

describe('the lecture: a causal convolution does not see the future', () => {
  it('conv1d causal: the output at t is unchanged when inputs after t change', () => {
    ck.tidy(() => {
      const [len, c] = [12, 3];
      const w = ck.tensor(uniformValues(3 * c * 4, 7), [3, c, 4]);
      const x = uniformValues(len * c, 8);
      const conv = (v: Float32Array) => ck.ops.conv1d(ck.tensor(v, [1, len, c]), w, { padding: 'causal', dilation: 2 }).dataSync();
      const y = conv(x);
      expect(y.length).toBe(len * 4);
      for (const t0 of [0, 5, 10]) {
        const changed = Float32Array.from(x, (v, i) => (Math.floor(i / c) > t0 ? v + 10 : v));
        const yc = conv(changed);
        expect(Array.from(yc.slice(0, (t0 + 1) * 4))).toEqual(Array.from(y.slice(0, (t0 + 1) * 4)));
        expect(yc[(t0 + 1) * 4]).not.toBe(y[(t0 + 1) * 4]);
      }
    });
  });

  it("conv3d ['causal', 'same', 'same']: frames up to t are unchanged when later frames change", () => {
    ck.tidy(() => {
      const [d, h, w, c, co] = [6, 4, 5, 2, 3];
      const frame = h * w * c;
      const f = ck.tensor(uniformValues(3 * 3 * 3 * c * co, 9), [3, 3, 3, c, co]);
      const x = uniformValues(d * frame, 10);
      const conv = (v: Float32Array) => ck.ops.conv3d(ck.tensor(v, [1, d, h, w, c]), f, { padding: ['causal', 'same', 'same'] }).dataSync();
      const y = conv(x);
      const outFrame = h * w * co;
      expect(y.length).toBe(d * outFrame);
      for (const t0 of [0, 2, 4]) {
        const yc = conv(Float32Array.from(x, (v, i) => (Math.floor(i / frame) > t0 ? -v : v)));
        expect(Array.from(yc.slice(0, (t0 + 1) * outFrame))).toEqual(Array.from(y.slice(0, (t0 + 1) * outFrame)));
        expect(Array.from(yc.slice((t0 + 1) * outFrame))).not.toEqual(Array.from(y.slice((t0 + 1) * outFrame)));
      }
    });
  });
});
