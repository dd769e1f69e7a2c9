// Node-only checks of the nn ops beyond the shared registry: PyTorch fixtures for the softmax
// cross-entropy and training-mode batch norm (forward and backward), batch norm's moving-average
// update, and dropout's seeding, rate and gradient. Every test must leave memory() as it found it.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { assertClose } from './shared/compare.js';

await ck.init();

interface FixtureTensor {
  shape: number[];
  data: number[];
}

interface NnFixtures {
  cases: {
    softmaxCrossEntropy: { name: string; logits: FixtureTensor; labels: FixtureTensor; sparse: boolean; loss: number; dlogits: FixtureTensor }[];
    batchNorm: {
      name: string; x: FixtureTensor; gamma: FixtureTensor; beta: FixtureTensor; dy: FixtureTensor; momentum: number; epsilon: number;
      movingMean: FixtureTensor; movingVariance: FixtureTensor; y: FixtureTensor; dx: FixtureTensor; dgamma: FixtureTensor; dbeta: FixtureTensor;
      movingMeanAfter: FixtureTensor; movingVarianceAfter: FixtureTensor;
    }[];
  };
}

const fixtures = JSON.parse(readFileSync(new URL('fixtures/nn.json', import.meta.url), 'utf8')) as NnFixtures;
const tolerance = { atol: 1e-5, rtol: 1e-4 };
const t = (f: FixtureTensor, dtype: 'float32' | 'int32' = 'float32') => ck.tensor(dtype === 'int32' ? Int32Array.from(f.data) : Float32Array.from(f.data), f.shape);

let before: ReturnType<typeof ck.memory>;
beforeEach(() => {
  before = ck.memory();
});
afterEach(() => {
  expect(ck.memory().numTensors).toBe(before.numTensors);
  expect(ck.memory().numBytes).toBe(before.numBytes);
});

describe('softmaxCrossEntropy matches PyTorch', () => {
  for (const c of fixtures.cases.softmaxCrossEntropy) {
    it(c.name, () => {
      ck.tidy(() => {
        const labels = t(c.labels, c.sparse ? 'int32' : 'float32');
        const { value, grad } = ck.valueAndGrad((x) => ck.ops.softmaxCrossEntropy(x, labels))(t(c.logits));
        assertClose(`${c.name}: loss`, value.dataSync(), [c.loss], tolerance);
        assertClose(`${c.name}: dlogits`, grad.dataSync(), c.dlogits.data, tolerance);
        const scaled = ck.grad((x) => ck.ops.mul(ck.ops.softmaxCrossEntropy(x, labels), ck.tensor(3)))(t(c.logits));
        assertClose(`${c.name}: dlogits scale with dLoss`, scaled.dataSync(), c.dlogits.data.map((v) => 3 * v), tolerance);
      });
    });
  }
});

describe('batchNorm in training matches PyTorch, and updates the moving statistics as Keras does', () => {
  for (const c of fixtures.cases.batchNorm) {
    it(c.name, () => {
      const [movingMean, movingVariance] = ck.tidy(() => [ck.variable(t(c.movingMean)), ck.variable(t(c.movingVariance))]);
      ck.tidy(() => {
        const options = { training: true, movingMean, movingVariance, momentum: c.momentum, epsilon: c.epsilon };
        const dy = t(c.dy);
        const y = ck.ops.batchNorm(t(c.x), t(c.gamma), t(c.beta), options);
        assertClose(`${c.name}: y`, y.dataSync(), c.y.data, tolerance);
        assertClose(`${c.name}: moving mean`, movingMean.dataSync(), c.movingMeanAfter.data, tolerance);
        assertClose(`${c.name}: moving variance (biased)`, movingVariance.dataSync(), c.movingVarianceAfter.data, tolerance);
        const [dx, dgamma, dbeta] = ck.grads((x, g, b) => ck.ops.sum(ck.ops.mul(ck.ops.batchNorm(x, g, b, options), dy)))(t(c.x), t(c.gamma), t(c.beta));
        assertClose(`${c.name}: dx`, dx!.dataSync(), c.dx.data, { atol: 1e-4, rtol: 1e-3 });
        assertClose(`${c.name}: dgamma`, dgamma!.dataSync(), c.dgamma.data, { atol: 1e-4, rtol: 1e-4 });
        assertClose(`${c.name}: dbeta`, dbeta!.dataSync(), c.dbeta.data, { atol: 1e-4, rtol: 1e-4 });
      });
      movingMean.dispose();
      movingVariance.dispose();
    });
  }

  it('inference reads the moving statistics and leaves them alone', () => {
    const [mean, variance] = ck.tidy(() => [ck.variable(ck.tensor([1, -2])), ck.variable(ck.tensor([4, 0.25]))]);
    ck.tidy(() => {
      const y = ck.ops.batchNorm(ck.tensor([[3, -2], [1, -1]]), ck.ones([2]), ck.zeros([2]), { movingMean: mean, movingVariance: variance, epsilon: 1e-6 });
      assertClose('y', y.dataSync(), [2 / Math.sqrt(4 + 1e-6), 0, 0, 1 / Math.sqrt(0.25 + 1e-6)]);
      assertClose('moving statistics unchanged', [...mean.dataSync(), ...variance.dataSync()], [1, -2, 4, 0.25]);
    });
    mean.dispose();
    variance.dispose();
  });
});

describe('dropout', () => {
  const x = () => ck.ones([100_000]);

  it('the same seed gives the same mask bit for bit; another seed, or none, another mask', () => {
    ck.tidy(() => {
      const run = (seed?: number) => ck.ops.dropout(x(), 0.5, seed === undefined ? {} : { seed }).dataSync();
      const [a, b, c, d, e] = [run(9), run(9), run(10), run(), run()];
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      for (const other of [c, d]) expect(Buffer.from(a.buffer).equals(Buffer.from(other.buffer))).toBe(false);
      expect(Buffer.from(d.buffer).equals(Buffer.from(e.buffer))).toBe(false);
    });
  });

  for (const rate of [0.1, 0.5, 0.8]) {
    it(`rate ${rate}: keeps about 1 − rate of the values, each scaled by 1/(1 − rate)`, () => {
      ck.tidy(() => {
        const y = ck.ops.dropout(x(), rate, { seed: 123 }).dataSync();
        const kept = y.filter((v) => v !== 0);
        expect(Math.abs(kept.length / y.length - (1 - rate))).toBeLessThan(0.01);
        expect(kept.every((v) => v === Math.fround(1 / (1 - rate)))).toBe(true);
      });
    });
  }

  it('its gradient is mask · dy / (1 − rate), the mask of the forward', () => {
    ck.tidy(() => {
      const rate = 0.3;
      const dy = ck.randomNormal([64, 33], { seed: 5 });
      const input = ck.randomNormal([64, 33], { seed: 6 });
      const mask = Array.from(ck.ops.dropout(ck.ops.onesLike(input), rate, { seed: 77 }).dataSync(), (v) => (v === 0 ? 0 : 1));
      const grad = ck.grad((v) => ck.ops.sum(ck.ops.mul(ck.ops.dropout(v, rate, { seed: 77 }), dy)))(input);
      assertClose('dx', grad.dataSync(), Array.from(dy.dataSync(), (d, i) => (mask[i]! * d) / (1 - rate)));
    });
  });

  it('without a seed, forward and backward still share one mask', () => {
    ck.tidy(() => {
      const input = ck.randomNormal([1000], { seed: 8 });
      const { value, grad } = ck.valueAndGrad((v) => ck.ops.sum(ck.ops.dropout(v, 0.5)))(input);
      const kept = Array.from(grad.dataSync(), (g) => (g === 0 ? 0 : 1));
      const expected = Array.from(input.dataSync()).reduce((s, v, i) => s + kept[i]! * v * 2, 0);
      assertClose('sum of kept values', value.dataSync(), [expected], { atol: 1e-3, rtol: 1e-5 });
    });
  });
});
