// Layers: output shapes from the geometry functions agree with the forward pass, parameter counts,
// seeded initializers, training vs inference behaviour, symbolic application and typed errors.
// memory() returns to where it started.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { forwardShape, layerShapeTests } from './layer-cases.js';
import type { LayerCase } from './layer-cases.js';

await ck.init();
checkNoLeaks();

describe('output shapes agree with the forward pass', () => {
  const cases: LayerCase[] = [
    ['conv2d valid', () => ck.layers.conv2d({ filters: 4, kernelSize: 3 }), [7, 6, 2], [5, 4, 4], 3 * 3 * 2 * 4 + 4],
    ['conv2d same stride 2', () => ck.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), [7, 6, 2], [4, 3, 3], 57],
    ['conv2d dilated, no bias', () => ck.layers.conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: 2, useBias: false }), [9, 9, 1], [5, 7, 2], 12],
    ['conv2d relu', () => ck.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu' }), [3, 3, 5], [3, 3, 2], 12],
    ['conv2d tanh', () => ck.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' }), [3, 3, 1], [2, 2, 2], 10],
    ['maxPool2d', () => ck.layers.maxPool2d(), [7, 6, 3], [3, 3, 3], 0],
    ['maxPool2d same 3/2', () => ck.layers.maxPool2d({ poolSize: 3, strides: 2, padding: 'same' }), [7, 6, 3], [4, 3, 3], 0],
    ['avgPool2d', () => ck.layers.avgPool2d({ poolSize: [2, 3] }), [4, 6, 1], [2, 2, 1], 0],
    ['globalAvgPool2d', () => ck.layers.globalAvgPool2d(), [4, 5, 6], [6], 0],
    ['globalMaxPool2d', () => ck.layers.globalMaxPool2d(), [4, 5, 6], [6], 0],
    ['flatten', () => ck.layers.flatten(), [4, 5, 6], [120], 0],
    ['dense', () => ck.layers.dense({ units: 7 }), [5], [7], 42],
    ['dense on the last axis', () => ck.layers.dense({ units: 3, activation: 'sigmoid', useBias: false }), [4, 5], [4, 3], 15],
    ['activation softmax', () => ck.layers.activation({ activation: 'softmax' }), [6], [6], 0],
    ['dropout', () => ck.layers.dropout({ rate: 0.5 }), [3, 4], [3, 4], 0],
    ['batchNormalization', () => ck.layers.batchNormalization(), [3, 3, 5], [3, 3, 5], 20],
  ];
  layerShapeTests(cases);

  it('concatenate joins on the last axis, or another', () => {
    const layer = ck.layers.concatenate();
    expect(layer.computeOutputShape([[4, 4, 2], [4, 4, 3]])).toEqual([4, 4, 5]);
    expect(ck.layers.concatenate({ axis: 1 }).computeOutputShape([[2, 3], [5, 3]])).toEqual([7, 3]);
    const shape = ck.tidy(() => (layer.apply([ck.ones([2, 4, 4, 2]), ck.zeros([2, 4, 4, 3])]) as InstanceType<typeof ck.Tensor>).shape);
    expect(shape).toEqual([2, 4, 4, 5]);
  });
});

describe('initializers', () => {
  it('the same seed gives the same weights; another seed others', () => {
    const weights = (seed: number) => {
      const layer = ck.layers.conv2d({ filters: 4, kernelSize: 3, seed });
      layer.computeOutputShape([[5, 5, 2]]);
      forwardShape(layer, [5, 5, 2]);
      const values = Array.from(layer.weights[0]!.dataSync());
      layer.dispose();
      return values;
    };
    expect(weights(7)).toEqual(weights(7));
    expect(weights(7)).not.toEqual(weights(8));
  });

  it('setRandomSeed makes unseeded layers repeat', () => {
    const weights = () => {
      ck.setRandomSeed(42);
      const layer = ck.layers.dense({ units: 3 });
      forwardShape(layer, [4]);
      const values = Array.from(layer.weights[0]!.dataSync());
      layer.dispose();
      return values;
    };
    expect(weights()).toEqual(weights());
  });

  it("glorotUniform stays within ±√(6 / (fanIn + fanOut)); heNormal has variance ≈ 2 / fanIn; bias starts at zero", () => {
    const conv = ck.layers.conv2d({ filters: 16, kernelSize: 3, seed: 1 });
    forwardShape(conv, [5, 5, 8]);
    const glorot = conv.weights[0]!.dataSync();
    const limit = Math.sqrt(6 / (3 * 3 * 8 + 3 * 3 * 16));
    expect(Math.max(...glorot.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...glorot.map(Math.abs))).toBeGreaterThan(0.95 * limit);
    expect(Array.from(conv.weights[1]!.dataSync()).every((b) => b === 0)).toBe(true);

    const dense = ck.layers.dense({ units: 200, kernelInitializer: 'heNormal', seed: 2 });
    forwardShape(dense, [100]);
    const he = dense.weights[0]!.dataSync();
    const variance = Array.from(he).reduce((s, v) => s + v * v, 0) / he.length;
    expect(variance).toBeGreaterThan(0.9 * (2 / 100));
    expect(variance).toBeLessThan(1.1 * (2 / 100));
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual((2 * Math.sqrt(2 / 100)) / 0.87962566103423978 + 1e-6);
    for (const l of [conv, dense]) l.dispose();
  });
});

describe('training and inference', () => {
  it('dropout is the identity at inference and drops about `rate` while training, same step same mask', () => {
    const layer = ck.layers.dropout({ rate: 0.25, seed: 5 });
    const x = ck.ones([1, 4000]);
    const inference = ck.tidy(() => Array.from((layer.apply(x) as InstanceType<typeof ck.Tensor>).dataSync()));
    expect(inference.every((v) => v === 1)).toBe(true);
    const run = () => ck.tidy(() => Array.from((layer.apply(x, { training: true }) as InstanceType<typeof ck.Tensor>).dataSync()));
    const trained = run();
    const zeros = trained.filter((v) => v === 0).length / trained.length;
    expect(zeros).toBeGreaterThan(0.2);
    expect(zeros).toBeLessThan(0.3);
    expect(trained.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(run()).toEqual(trained);
    x.dispose();
  });

  it('batchNormalization uses batch statistics and updates its moving mean while training only', () => {
    const layer = ck.layers.batchNormalization({ momentum: 0.5 });
    const x = ck.tensor([[1, 10], [3, 30]]);
    const out = ck.tidy(() => Array.from((layer.apply(x, { training: true }) as InstanceType<typeof ck.Tensor>).dataSync()));
    expect(out[0]).toBeCloseTo(-1, 2);
    expect(out[1]).toBeCloseTo(-1, 2);
    expect(layer.trainableWeights.map((w) => w.name)).toEqual([`${layer.name}/gamma`, `${layer.name}/beta`]);
    const movingMean = layer.nonTrainableWeights[0]!;
    expect(Array.from(movingMean.dataSync())).toEqual([1, 10]);
    ck.tidy(() => void layer.apply(x));
    expect(Array.from(movingMean.dataSync())).toEqual([1, 10]);
    x.dispose();
    layer.dispose();
  });
});

describe('symbolic application', () => {
  it('gives symbolic tensors with per-sample shapes, building weights once', () => {
    const x = ck.input({ shape: [8, 8, 3] });
    const conv = ck.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same' });
    const y = conv.apply(x);
    expect(y.shape).toEqual([8, 8, 5]);
    expect(y.layer).toBe(conv);
    expect(y.inputs).toEqual([x]);
    expect(conv.weights.map((w) => w.shape)).toEqual([[3, 3, 3, 5], [5]]);
    expect(ck.layers.flatten().apply(ck.layers.maxPool2d().apply(y)).shape).toEqual([80]);
    expect(() => conv.apply(ck.input({ shape: [8, 8, 4] }))).toThrow(ck.ShapeError);
    conv.dispose();
  });
});

describe('errors', () => {
  it('name the layer, the argument, what was expected and what was received', () => {
    expect(() => ck.layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow("layers.conv2d: argument 'filters' expected a positive integer, received 0");
    expect(() => ck.layers.conv2d({ filters: 2, kernelSize: 3, kernelInitializer: 'magic' as 'zeros' })).toThrow(ck.ValueError);
    expect(() => ck.layers.dense({ units: 2, activation: 'gelu' as 'relu' })).toThrow(
      "layers.dense: argument 'activation' expected one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', received \"gelu\"",
    );
    expect(() => ck.layers.dropout({ rate: 1 })).toThrow("layers.dropout: argument 'rate' expected a number in [0, 1), received 1");
    expect(() => ck.layers.concatenate({ axis: 0 })).toThrow(ck.ValueError);
    const conv = ck.layers.conv2d({ filters: 2, kernelSize: 3, name: 'c' });
    expect(() => conv.apply(ck.input({ shape: [784] }))).toThrow("c (Conv2D): argument 'input' expected rank 3 (h, w, c) per sample, received rank 1 [784]");
    expect(() => conv.apply(ck.input({ shape: [2, 2, 1] }))).toThrow(ck.ShapeError);
    const concat = ck.layers.concatenate({ name: 'cat' });
    expect(() => concat.apply([ck.input({ shape: [4, 4, 2] }), ck.input({ shape: [5, 4, 2] })])).toThrow(
      "cat (Concatenate): argument 'inputs[1]' expected [4, 4, 2] except on axis -1, received [5, 4, 2]",
    );
    expect(() => ck.layers.dense({ units: 2 }).apply([ck.input({ shape: [3] }), ck.input({ shape: [3] })] as never)).toThrow(ck.ValueError);
    expect(() => ck.input({ shape: [0, 2] })).toThrow("input: argument 'shape' expected an array of positive integers (one sample, no batch axis), received [0,2]");
    expect(conv.weights).toEqual([]);
  });
});
