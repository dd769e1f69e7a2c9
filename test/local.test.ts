// Depthwise, locally-connected and 1-D / 3-D pooling against PyTorch (test/fixtures/depthwise.json,
// forward and the gradients of sum(y * dy)), and the lecture's properties of a locally-connected
// layer: it is not translation-equivariant, and it has o·s·s·c·h'·w' parameters.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import type { Tensor } from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { assertClose, assertShape } from './shared/compare.js';
import { lcg } from './shared/random.js';

await ck.init();
checkNoLeaks();

interface FixtureTensor {
  shape: number[];
  data: number[];
}

interface Case {
  op: 'depthwiseConv2d' | 'locallyConnected1d' | 'locallyConnected2d' | 'maxPool1d' | 'avgPool1d' | 'maxPool3d' | 'avgPool3d';
  name: string;
  inputs: FixtureTensor[];
  options: Record<string, unknown>;
  y: FixtureTensor;
  dy: FixtureTensor;
  grads: FixtureTensor[];
}

const fixtures = JSON.parse(readFileSync(new URL('fixtures/depthwise.json', import.meta.url), 'utf8')) as { cases: Case[] };
const t = (f: FixtureTensor) => ck.tensor(Float32Array.from(f.data), f.shape);

/** Runs a fixture's op; a third input is the bias. */
function run(c: Case, inputs: Tensor[]): Tensor {
  const [x, w, bias] = inputs;
  const options = { ...c.options, ...(bias ? { bias } : {}) };
  switch (c.op) {
    case 'depthwiseConv2d':
      return ck.ops.depthwiseConv2d(x!, w!, options as Parameters<typeof ck.ops.depthwiseConv2d>[2]);
    case 'locallyConnected1d':
      return ck.ops.locallyConnected1d(x!, w!, options as unknown as Parameters<typeof ck.ops.locallyConnected1d>[2]);
    case 'locallyConnected2d':
      return ck.ops.locallyConnected2d(x!, w!, options as unknown as Parameters<typeof ck.ops.locallyConnected2d>[2]);
    default:
      return ck.ops[c.op](x!, c.options as Parameters<typeof ck.ops.maxPool3d>[1]);
  }
}

describe('PyTorch fixtures (depthwise via groups = c, locally-connected via unfold, 1-D and 3-D pools)', () => {
  it('has cases for every op', () => {
    expect(new Set(fixtures.cases.map((c) => c.op)).size).toBe(7);
  });
  for (const c of fixtures.cases) {
    it(`${c.op} matches PyTorch: ${c.name}`, () => {
      const got = ck.tidy(() => {
        const y = run(c, c.inputs.map(t));
        return { shape: [...y.shape], data: y.dataSync() };
      });
      assertShape(c.name, got.shape, c.y.shape);
      assertClose(c.name, got.data, c.y.data, { atol: 1e-5, rtol: 1e-4 });
    });
    it(`${c.op} gradients match PyTorch: ${c.name}`, () => {
      const got = ck.tidy(() => {
        const dy = t(c.dy);
        return ck.grads((...xs: Tensor[]) => ck.ops.sum(ck.ops.mul(run(c, xs), dy)))(...c.inputs.map(t)).map((g) => g.dataSync());
      });
      c.grads.forEach((g, i) => assertClose(`${c.name}: gradient of input ${i}`, got[i]!, g.data, { atol: 1e-4, rtol: 1e-4 }));
    });
  }
});

describe('depthwiseConv2d with 512 and 1024 channels', () => {
  // There the kernel reads a copy of the filter with its taps 16 values further apart (cache sets).
  for (const c of [512, 1024]) {
    it(`matches conv2d with groups = ${c}, with bias and relu, stride 1 and 2`, () => {
      ck.tidy(() => {
        const x = ck.randomNormal([2, 5, 6, c], { seed: 11 });
        const filter = ck.randomNormal([3, 3, c, 1], { seed: 12 });
        const bias = ck.randomNormal([c], { seed: 13 });
        for (const strides of [1, 2]) {
          const options = { padding: 'same' as const, strides, bias, activation: 'relu' as const };
          const y = ck.ops.depthwiseConv2d(x, filter, options);
          // A grouped conv2d's filter is (kh, kw, c_in / groups, c_out): the same values in the same order.
          const grouped = ck.ops.conv2d(x, ck.ops.reshape(filter, [3, 3, 1, c]), { ...options, groups: c });
          assertShape(`c ${c} stride ${strides}`, [...y.shape], [...grouped.shape]);
          assertClose(`c ${c} stride ${strides}`, y.dataSync(), grouped.dataSync(), { atol: 1e-5, rtol: 1e-5 });
        }
      });
    });
    it(`has the gradients of conv2d with groups = ${c}, stride 1 and 2`, () => {
      // At stride 1 the input gradient runs the forward kernel on the turned filter, restrided too.
      ck.tidy(() => {
        const x = ck.randomNormal([2, 5, 6, c], { seed: 14 });
        const filter = ck.randomNormal([3, 3, c, 1], { seed: 15 });
        for (const strides of [1, 2]) {
          const dy = ck.randomNormal(ck.ops.depthwiseConv2d(x, filter, { padding: 'same', strides }).shape, { seed: 16 });
          const loss = (f: (x: Tensor, w: Tensor) => Tensor) => ck.grads((x: Tensor, w: Tensor) => ck.ops.sum(ck.ops.mul(f(x, w), dy)))(x, filter);
          const [dx, dw] = loss((x, w) => ck.ops.depthwiseConv2d(x, w, { padding: 'same', strides }));
          const [gx, gw] = loss((x, w) => ck.ops.conv2d(x, ck.ops.reshape(w, [3, 3, 1, c]), { padding: 'same', strides, groups: c }));
          assertClose(`c ${c} stride ${strides} dx`, dx!.dataSync(), gx!.dataSync(), { atol: 1e-4, rtol: 1e-4 });
          assertClose(`c ${c} stride ${strides} dfilter`, dw!.dataSync(), gw!.dataSync(), { atol: 1e-4, rtol: 1e-4 });
        }
      });
    });
  }
});

describe("the lecture's locally-connected layer", () => {
  it('is not translation-equivariant, where a convolution with the same window is (in the interior)', () => {
    ck.tidy(() => {
      const [h, w, c, o, k] = [8, 8, 2, 3, 3];
      const [oh, ow] = [h - k + 1, w - k + 1];
      const x = ck.randomNormal([1, h, w, c], { seed: 3 });
      // The input shifted one pixel right (a zero column enters on the left).
      const xs = x.dataSync();
      const shifted = new Float32Array(xs.length);
      for (let i = 0; i < h; i++) for (let j = 1; j < w; j++) for (let ch = 0; ch < c; ch++) shifted[(i * w + j) * c + ch] = xs[(i * w + j - 1) * c + ch]!;
      const xShift = ck.tensor(shifted, [1, h, w, c]);
      /** max |y_shift[:, :, j] - y[:, :, j-1]| over the output columns j >= 1 (unaffected by the new zero column). */
      const shiftError = (y: Tensor, yShift: Tensor) => {
        const [a, b] = [y.dataSync(), yShift.dataSync()];
        let max = 0;
        for (let i = 0; i < oh; i++) for (let j = 1; j < ow; j++) for (let ch = 0; ch < o; ch++) max = Math.max(max, Math.abs(b[(i * ow + j) * o + ch]! - a[(i * ow + j - 1) * o + ch]!));
        return max;
      };
      const filter = ck.randomNormal([k, k, c, o], { seed: 4 });
      expect(shiftError(ck.ops.conv2d(x, filter), ck.ops.conv2d(xShift, filter))).toBeLessThan(1e-5);
      const wLocal = ck.randomNormal([oh * ow, k * k * c, o], { seed: 5 });
      expect(shiftError(ck.ops.locallyConnected2d(x, wLocal, { kernelSize: k }), ck.ops.locallyConnected2d(xShift, wLocal, { kernelSize: k }))).toBeGreaterThan(0.1);
      // Sharing one window's weights at every location makes it a convolution again (and equivariant).
      const shared = ck.tensor(Float32Array.from({ length: oh * ow * k * k * c * o }, (_, i) => filter.dataSync()[i % (k * k * c * o)]!), [oh * ow, k * k * c, o]);
      const y = ck.ops.locallyConnected2d(x, shared, { kernelSize: k });
      assertClose('weight-shared locally-connected = conv2d', y.dataSync(), ck.ops.conv2d(x, filter).dataSync(), { atol: 1e-5, rtol: 1e-5 });
    });
  });

  it('has o·s·s·c·h\'·w\' parameters (+ o·h\'·w\' biases), each with its own gradient', () => {
    ck.tidy(() => {
      const [h, w, c, o, s] = [7, 6, 3, 4, 3];
      const [oh, ow] = [h - s + 1, w - s + 1];
      const x = ck.randomNormal([2, h, w, c], { seed: 6 });
      const wLocal = ck.randomNormal([oh * ow, s * s * c, o], { seed: 7 });
      const bias = ck.randomNormal([oh, ow, o], { seed: 8 });
      expect(wLocal.size).toBe(o * s * s * c * oh * ow);
      expect(bias.size).toBe(o * oh * ow);
      const y = ck.ops.locallyConnected2d(x, wLocal, { kernelSize: s, bias });
      expect([...y.shape]).toEqual([2, oh, ow, o]);
      // Every weight moves the loss on its own: the gradient has no structural zeros ('valid' padding).
      const [dw] = ck.grads((wt: Tensor) => ck.ops.sum(ck.ops.locallyConnected2d(x, wt, { kernelSize: s, bias })))(wLocal);
      expect(Array.from(dw!.dataSync()).filter((v) => v === 0).length).toBe(0);
    });
  });
});

describe('maxPool2d backward', () => {
  // 2x2 stride 2 'valid' with 12 channels takes the vector path (each pixel compared with its
  // window's maximum), and channels 9-11 its scalar tail; the 5x7 input leaves a row and a column
  // outside every window.
  it('routes each window gradient to its first maximal pixel, with ties, NaN and uncovered pixels', () => {
    ck.tidy(() => {
      const [n, h, w, c] = [2, 5, 7, 12];
      const next = lcg(11);
      const x = Float32Array.from({ length: n * h * w * c }, () => Math.round(next() * 3));
      for (let i = 0; i < x.length; i += 13) x[i] = NaN;
      const [oh, ow] = [Math.floor(h / 2), Math.floor(w / 2)];
      const dyValues = Float32Array.from({ length: n * oh * ow * c }, (_, i) => 1 + i);
      const expected = new Float32Array(x.length);
      for (let b = 0; b < n; b++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++)
            for (let ch = 0; ch < c; ch++) {
              let best = -1;
              for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
                const i = ((b * h + 2 * oy + dy) * w + 2 * ox + dx) * c + ch;
                if (best < 0 || (!Number.isNaN(x[best]!) && (x[i]! > x[best]! || Number.isNaN(x[i]!)))) best = i;
              }
              expected[best] = dyValues[((b * oh + oy) * ow + ox) * c + ch]!;
            }
      const dy = ck.tensor(dyValues, [n, oh, ow, c]);
      const dx = ck.grad((t: Tensor) => ck.ops.sum(ck.ops.mul(ck.ops.maxPool2d(t), dy)))(ck.tensor(x, [n, h, w, c]));
      expect(Array.from(dx.dataSync())).toEqual(Array.from(expected));
    });
  });
});
