// The Fourier side (issue 6) beyond the shared registry: NumPy fixtures (test/fixtures/fft.json) for
// lengths including primes and non-powers of two; round trips and Parseval; the lecture's identities
// (C_w x = w ⊛ x, circulant matrices commute, S_0 = I, S_k translates, (S_k x) ⋆ w = S_k (x ⋆ w), the
// convolution theorem); the FFT circular convolution equals conv with padding 'circular' (values and
// gradients, 1-D and 2-D); the FFTConv2D layer (shapes, summary, saving; training is in
// test/conv-layers.test.ts's table of models); no leaks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { assertClose } from './shared/compare.js';
import { circularConvolution } from './shared/fft-reference.js';
import { checkNoLeaks } from './leak-check.js';
import { layerShapeTests } from './layer-cases.js';

await ck.init();
checkNoLeaks();

type Tensor = InstanceType<typeof ck.Tensor>;

interface FixtureTensor {
  shape: number[];
  data: number[];
}

interface LengthCase {
  n: number;
  x: FixtureTensor;
  fft: FixtureTensor;
  ifft: FixtureTensor;
  real: FixtureTensor;
  rfft: FixtureTensor;
  spectrum: FixtureTensor;
  irfft: FixtureTensor;
}

interface GridCase {
  shape: [number, number, number, number];
  x: FixtureTensor;
  fft2d: FixtureTensor;
  ifft2d: FixtureTensor;
  real: FixtureTensor;
  rfft2d: FixtureTensor;
  spectrum: FixtureTensor;
  irfft2d: FixtureTensor;
}

const fixtures = JSON.parse(readFileSync(new URL('fixtures/fft.json', import.meta.url), 'utf8')) as { cases: { lengths: LengthCase[]; grids: GridCase[] } };
const t = (f: FixtureTensor) => ck.tensor(Float32Array.from(f.data), f.shape);

/** Float32 transforms: the error grows with the values' scale (√n for unit inputs) and log n. */
const tolerance = (n: number) => ({ atol: 2e-6 * Math.sqrt(n) * Math.log2(2 * n), rtol: 1e-4 });

function values(f: () => Tensor): { shape: number[]; data: Float32Array } {
  return ck.tidy(() => {
    const y = f();
    return { shape: [...y.shape], data: y.dataSync() as Float32Array };
  });
}

function expectFixture(label: string, f: () => Tensor, expected: FixtureTensor, n: number): void {
  const got = values(f);
  expect(got.shape, label).toEqual(expected.shape);
  assertClose(label, got.data, expected.data, tolerance(n));
}

describe('matches NumPy (np.fft)', () => {
  it('covers primes, odd and even lengths, powers of two and not', () => {
    expect(fixtures.cases.lengths.map((c) => c.n)).toEqual([1, 2, 3, 5, 7, 8, 12, 17, 30, 64, 97, 100, 128, 243]);
  });
  for (const c of fixtures.cases.lengths) {
    it(`fft, ifft, rfft, irfft, n = ${c.n}`, () => {
      expectFixture('fft', () => ck.ops.fft(t(c.x)), c.fft, c.n);
      expectFixture('ifft', () => ck.ops.ifft(t(c.x)), c.ifft, c.n);
      expectFixture('rfft', () => ck.ops.rfft(t(c.real)), c.rfft, c.n);
      expectFixture('irfft', () => ck.ops.irfft(t(c.spectrum), c.n), c.irfft, c.n);
    });
  }
  for (const c of fixtures.cases.grids) {
    it(`fft2d, ifft2d, rfft2d, irfft2d over the spatial axes of (${c.shape.join(', ')})`, () => {
      const n = c.shape[1] * c.shape[2];
      expectFixture('fft2d', () => ck.ops.fft2d(t(c.x)), c.fft2d, n);
      expectFixture('ifft2d', () => ck.ops.ifft2d(t(c.x)), c.ifft2d, n);
      expectFixture('rfft2d', () => ck.ops.rfft2d(t(c.real)), c.rfft2d, n);
      expectFixture('irfft2d', () => ck.ops.irfft2d(t(c.spectrum), c.shape[2]), c.irfft2d, n);
    });
  }
});

const LENGTHS = [1, 2, 3, 4, 5, 6, 7, 11, 13, 16, 31, 60, 64, 97, 127, 128, 210, 256, 331, 512, 1000, 1024, 4096];

describe('round trips and Parseval', () => {
  for (const n of LENGTHS) {
    it(`n = ${n}: ifft(fft(x)) = x, irfft(rfft(x), n) = x, Σ|x|² = Σ|X|²/n`, () => {
      ck.tidy(() => {
        const x = ck.randomNormal([2, n, 2], { seed: n });
        const X = ck.ops.fft(x);
        assertClose('ifft(fft(x))', ck.ops.ifft(X).dataSync(), x.dataSync(), tolerance(n));
        const energy = (v: Tensor) => ck.ops.sum(ck.ops.mul(v, v)).dataSync()[0]!;
        expect(energy(X) / n / energy(x)).toBeCloseTo(1, 4);
        const r = ck.randomNormal([3, n], { seed: n + 1 });
        assertClose('irfft(rfft(x))', ck.ops.irfft(ck.ops.rfft(r), n).dataSync(), r.dataSync(), tolerance(n));
      });
    });
  }
  for (const [h, w] of [[1, 1], [3, 5], [4, 6], [7, 9], [16, 16], [12, 31]] as const) {
    it(`${h}x${w}: ifft2d(fft2d(x)) = x, irfft2d(rfft2d(x), w) = x, Parseval`, () => {
      ck.tidy(() => {
        const x = ck.randomNormal([2, h, w, 3, 2], { seed: h * w });
        const X = ck.ops.fft2d(x);
        assertClose('ifft2d(fft2d(x))', ck.ops.ifft2d(X).dataSync(), x.dataSync(), tolerance(h * w));
        const energy = (v: Tensor) => ck.ops.sum(ck.ops.mul(v, v)).dataSync()[0]!;
        expect(energy(X) / (h * w) / energy(x)).toBeCloseTo(1, 4);
        const r = ck.randomNormal([2, h, w, 3], { seed: h + w });
        assertClose('irfft2d(rfft2d(x))', ck.ops.irfft2d(ck.ops.rfft2d(r), w).dataSync(), r.dataSync(), tolerance(h * w));
      });
    });
  }
});

/** A vector of n seeded values, as a JS array. */
const vec = (n: number, seed: number) => Array.from(ck.tidy(() => ck.randomNormal([n], { seed }).dataSync()));
const roll = (x: number[], k: number) => x.map((_, i) => x[(((i - k) % x.length) + x.length) % x.length]!);

describe("the lecture's identities", () => {
  const n = 9;
  const w = vec(n, 1);
  const x = vec(n, 2);

  it('C_w x equals w ⊛ x', () => {
    const got = ck.tidy(() => ck.ops.matMul(ck.ops.circulant(ck.tensor(w)), ck.tensor(x, [n, 1])).dataSync());
    assertClose('C_w x', got, circularConvolution(w, x));
    const short = ck.tidy(() => ck.ops.matMul(ck.ops.circulant(ck.tensor(w.slice(0, 3)), n), ck.tensor(x, [n, 1])).dataSync());
    assertClose('C_w x, w zero-padded', short, circularConvolution(w.slice(0, 3), x));
  });

  it('circulant matrices commute', () => {
    ck.tidy(() => {
      const [a, b] = [ck.ops.circulant(ck.tensor(w)), ck.ops.circulant(ck.tensor(x))];
      assertClose('C_a C_b = C_b C_a', ck.ops.matMul(a, b).dataSync(), ck.ops.matMul(b, a).dataSync());
    });
  });

  it('S_0 = I, and S_k x translates x by k', () => {
    ck.tidy(() => {
      const identity = Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
      expect(Array.from(ck.ops.shiftMatrix(0, n).dataSync())).toEqual(identity);
      for (const k of [1, 4, -2, n + 3]) {
        expect(Array.from(ck.ops.matMul(ck.ops.shiftMatrix(k, n), ck.tensor(x, [n, 1])).dataSync())).toEqual(Array.from(Float32Array.from(roll(x, k))));
      }
    });
  });

  it('(S_k x) ⋆ w = S_k (x ⋆ w): circular convolution commutes with translation (1-D and 2-D)', () => {
    ck.tidy(() => {
      const f = ck.randomNormal([4, 1, 1], { seed: 3 });
      for (const k of [1, 3, -4]) {
        const shifted = ck.ops.reshape(ck.ops.matMul(ck.ops.shiftMatrix(k, n), ck.tensor(x, [n, 1])), [1, n, 1]);
        const a = ck.ops.circularConv1d(shifted, f).dataSync();
        const b = ck.ops.matMul(ck.ops.shiftMatrix(k, n), ck.ops.reshape(ck.ops.circularConv1d(ck.tensor(x, [1, n, 1]), f), [n, 1])).dataSync();
        assertClose(`k = ${k}`, a, b);
      }
      const [h, wd, c] = [6, 7, 2];
      const image = ck.randomNormal([1, h, wd, c], { seed: 4 });
      const filter = ck.randomNormal([3, 4, c, 3], { seed: 5 });
      const data = image.dataSync();
      const shift2d = (v: ArrayLike<number>, channels: number, dy: number, dx: number) =>
        Float32Array.from({ length: v.length }, (_, i) => {
          const [p, ch] = [Math.floor(i / channels), i % channels];
          const [r, col] = [Math.floor(p / wd), p % wd];
          return v[((((r - dy) % h) + h) % h * wd + (((col - dx) % wd) + wd) % wd) * channels + ch]!;
        });
      const y = ck.ops.circularConv2d(image, filter).dataSync();
      const ys = ck.ops.circularConv2d(ck.tensor(shift2d(data, c, 2, -3), image.shape), filter).dataSync();
      assertClose('2-D', ys, shift2d(y, 3, 2, -3));
    });
  });

  it('the convolution theorem: w ⊛ x = F⁻¹(F w ⊙ F x)', () => {
    const complex = (v: number[]) => ck.tensor(v.flatMap((re) => [re, 0]), [n, 2]);
    const got = ck.tidy(() => {
      const [fw, fx] = [ck.ops.fft(complex(w)), ck.ops.fft(complex(x))];
      // ⊙ of complex vectors: spectralMix with one channel in and out.
      const product = ck.ops.spectralMix(ck.ops.reshape(fx, [1, n, 1, 2]), ck.ops.reshape(fw, [n, 1, 1, 2]));
      return ck.ops.ifft(ck.ops.reshape(product, [n, 2])).dataSync();
    });
    const expected = circularConvolution(w, x);
    assertClose('re', got.filter((_, i) => i % 2 === 0), expected);
    assertClose('im', got.filter((_, i) => i % 2 === 1), new Float64Array(n));
    const real = ck.tidy(() => {
      const product = ck.ops.spectralMix(ck.ops.reshape(ck.ops.rfft(ck.tensor(x)), [1, 5, 1, 2]), ck.ops.reshape(ck.ops.rfft(ck.tensor(w)), [5, 1, 1, 2]));
      return ck.ops.irfft(ck.ops.reshape(product, [5, 2]), n).dataSync();
    });
    assertClose('by rfft', real, expected);
  });
});

describe("circularConv equals conv with padding 'circular' (values and gradients)", () => {
  const cases: [string, number[], number[]][] = [
    ['1-D odd n, odd k', [2, 9, 3], [3, 3, 4]],
    ['1-D even n, even k', [1, 16, 2], [6, 2, 3]],
    ['1-D k longer than n', [2, 4, 2], [7, 2, 2]],
    ['2-D odd image, 3x3', [2, 7, 9, 3], [3, 3, 3, 4]],
    ['2-D even image, even 4x2 kernel', [1, 8, 6, 2], [4, 2, 2, 5]],
    ['2-D 5x5 on 32x32, 4 -> 6 channels', [2, 32, 32, 4], [5, 5, 4, 6]],
    ['2-D kernel as large as the image', [1, 5, 6, 2], [5, 6, 2, 2]],
  ];
  for (const [label, xs, fs] of cases) {
    it(label, () => {
      const [fftOut, direct] = ['fft', 'direct'].map((algorithm) =>
        ck.tidy(() => {
          const x = ck.randomNormal(xs, { seed: 1 });
          const f = ck.randomNormal(fs, { seed: 2 });
          const bias = ck.randomNormal([fs.at(-1)!], { seed: 3 });
          const dy = ck.randomNormal([...xs.slice(0, -1), fs.at(-1)!], { seed: 4 });
          const conv = (a: Tensor, b: Tensor, c: Tensor) =>
            xs.length === 3
              ? ck.ops.conv1d(a, b, { padding: 'circular', bias: c, algorithm: algorithm as 'fft' })
              : ck.ops.conv2d(a, b, { padding: 'circular', bias: c, algorithm: algorithm as 'fft' });
          const y = conv(x, f, bias);
          const grads = ck.grads((a: Tensor, b: Tensor, c: Tensor) => ck.ops.sum(ck.ops.mul(conv(a, b, c), dy)))(x, f, bias);
          return [y, ...grads].map((v) => v.dataSync());
        }),
      );
      const scale = fs.slice(0, -1).reduce((p, d) => p * d, 1);
      const tol = { atol: 1e-5 * Math.sqrt(scale) * Math.log2(4 * xs.slice(1, -1).reduce((p, d) => p * d, 1)), rtol: 1e-4 };
      ['y', 'dx', 'dfilter', 'dbias'].forEach((name, i) => assertClose(`${label}: ${name}`, fftOut![i]!, direct![i]!, { atol: tol.atol * (i === 2 ? 8 : 1), rtol: tol.rtol }));
      const op = xs.length === 3 ? ck.ops.circularConv1d : ck.ops.circularConv2d;
      const viaOp = ck.tidy(() => op(ck.randomNormal(xs, { seed: 1 }), ck.randomNormal(fs, { seed: 2 }), { bias: ck.randomNormal([fs.at(-1)!], { seed: 3 }) }).dataSync());
      expect(Array.from(viaOp)).toEqual(Array.from(fftOut![0]!));
    });
  }

  it("'auto' computes the same as 'direct'", () => {
    ck.tidy(() => {
      const x = ck.randomNormal([1, 12, 12, 2], { seed: 5 });
      for (const k of [3, 11]) {
        const f = ck.randomNormal([k, k, 2, 2], { seed: k });
        const [a, b] = (['auto', 'direct'] as const).map((algorithm) => ck.ops.conv2d(x, f, { padding: 'circular', algorithm }).dataSync());
        assertClose(`k = ${k}`, a!, b!, { atol: 1e-4, rtol: 1e-4 });
      }
    });
  });
});

describe('the FFTConv2D layer', () => {
  const layers = ck.layers;
  layerShapeTests([
    ['fftConv2d 3x3', () => layers.fftConv2d({ filters: 4, kernelSize: 3 }), [6, 7, 2], [6, 7, 4], 9 * 2 * 4 + 4],
    ['fftConv2d 4x2 no bias relu', () => layers.fftConv2d({ filters: 3, kernelSize: [4, 2], useBias: false, activation: 'relu' }), [8, 8, 1], [8, 8, 3], 8 * 3],
  ]);

  it('agrees with conv2d circular; its gradients equal the direct conv2d circular gradients', () => {
    const layer = layers.fftConv2d({ filters: 3, kernelSize: 3, activation: 'tanh', biasInitializer: 'ones', seed: 4 });
    const x = ck.randomNormal([2, 6, 5, 2], { seed: 1 });
    const r = ck.randomNormal([2, 6, 5, 3], { seed: 7 });
    layer.apply(x).dispose();
    const [kernel, bias] = layer.weights;
    const viaOp = (algorithm: 'fft' | 'direct') =>
      ck.tidy(() => {
        const loss = (k: Tensor, b: Tensor) => ck.ops.sum(ck.ops.mul(ck.ops.tanh(ck.ops.conv2d(x, k, { padding: 'circular', bias: b, algorithm })), r));
        return ck.grads(loss)(kernel!, bias!).map((g) => g.dataSync());
      });
    const viaLayer = ck.tidy(() => ck.variableGrads(() => ck.ops.sum(ck.ops.mul(layer.apply(x) as Tensor, r)), layer.weights).grads.map((g) => g.dataSync()));
    const [fftGrads, directGrads] = [viaOp('fft'), viaOp('direct')];
    fftGrads.forEach((g, i) => assertClose(`gradient ${i}: fft vs direct`, g, directGrads[i]!, { atol: 1e-4, rtol: 1e-3 }));
    viaLayer.forEach((g, i) => assertClose(`gradient ${i}: layer vs op`, g, fftGrads[i]!));
    const y = ck.tidy(() => Array.from((layer.apply(x) as Tensor).dataSync()));
    const z = ck.tidy(() => Array.from(ck.ops.tanh(ck.ops.conv2d(x, kernel!, { padding: 'circular', bias, algorithm: 'fft' })).dataSync()));
    expect(y).toEqual(z);
    for (const v of [x, r]) v.dispose();
    layer.dispose();
  });

  it('summary: params and receptive field as a circular conv2d', () => {
    const net = ck.sequential([
      layers.fftConv2d({ filters: 4, kernelSize: 5, inputShape: [16, 16, 1] }),
      layers.fftConv2d({ filters: 2, kernelSize: [3, 7] }),
    ]);
    const rows = net.summary({ printFn: () => {} }).rows;
    expect(rows.map((r) => r.params)).toEqual([0, 25 * 4 + 4, 21 * 4 * 2 + 2]);
    expect(rows.map((r) => r.receptiveField)).toEqual([
      { size: [1, 1], jump: [1, 1] },
      { size: [5, 5], jump: [1, 1] },
      { size: [7, 11], jump: [1, 1] },
    ]);
    net.dispose();
  });

  // Training, leaks and the save/load round trip: test/conv-layers.test.ts's table of models.
  it('saves as FFTConv2D and loads back as one', async () => {
    ck.setRandomSeed(4);
    const net = ck.sequential([layers.fftConv2d({ filters: 2, kernelSize: 3, inputShape: [8, 8, 2] })]);
    const artifacts = await net.save(ck.io.memory());
    expect(JSON.stringify(artifacts.modelTopology)).toContain('"FFTConv2D"');
    const loaded = await ck.loadModel(ck.io.memory(artifacts));
    expect(loaded.layers.at(-1)!.className).toBe('FFTConv2D');
    for (const m of [net, loaded]) m.dispose();
  });

  it('rejects a rank-2 input and a change of channels', () => {
    const layer = layers.fftConv2d({ filters: 2, kernelSize: 3 });
    expect(() => layer.computeOutputShape([[5, 5]])).toThrow(/^fft_conv2d(_\d+)? \(FFTConv2D\): argument 'input' expected rank 3 \(h, w, c\) per sample, received rank 2 \[5, 5\]$/);
    layer.computeOutputShape([[5, 5, 2]]);
    expect(() => layers.fftConv2d({ filters: 0, kernelSize: 3 })).toThrow(/^layers\.fftConv2d: argument 'filters' expected a positive integer, received 0$/);
  });
});
