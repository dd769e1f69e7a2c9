// Models: sequential and functional (an inception block: 1x1, 3x3, 5x5 and pool branches joined),
// summary rows (output shapes, parameters, receptive fields) and totals, predict in batches,
// typed errors. memory() returns to where it started.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';

await ck.init();
checkNoLeaks();

type Symbolic = InstanceType<typeof ck.layers.SymbolicTensor>;
const { layers } = ck;

/** GoogLeNet's inception module: four branches over the same input, concatenated on channels. */
function inception(x: Symbolic, f: { b1: number; b3: [number, number]; b5: [number, number]; pool: number }): Symbolic {
  const conv = (filters: number, kernelSize: number) => layers.conv2d({ filters, kernelSize, padding: 'same', activation: 'relu' });
  const branch1 = conv(f.b1, 1).apply(x);
  const branch3 = conv(f.b3[1], 3).apply(conv(f.b3[0], 1).apply(x));
  const branch5 = conv(f.b5[1], 5).apply(conv(f.b5[0], 1).apply(x));
  const branchPool = conv(f.pool, 1).apply(layers.maxPool2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x));
  return layers.concatenate().apply([branch1, branch3, branch5, branchPool]);
}

function inceptionNet(): InstanceType<typeof ck.Model> {
  const x = ck.input({ shape: [12, 12, 3], name: 'image' });
  const y = inception(x, { b1: 4, b3: [3, 6], b5: [2, 3], pool: 3 });
  const logits = layers.dense({ units: 5 }).apply(layers.globalAvgPool2d().apply(y));
  return ck.model({ inputs: x, outputs: logits, name: 'inception' });
}

describe('sequential', () => {
  it('summary: output shapes, parameters and receptive fields through convs, pools and dense', () => {
    const net = ck.sequential([
      layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1], name: 'c1' }),
      layers.maxPool2d({ poolSize: 2, name: 'p1' }),
      layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2' }),
      layers.maxPool2d({ poolSize: 2, name: 'p2' }),
      layers.flatten({ name: 'f' }),
      layers.dense({ units: 10, name: 'd' }),
    ]);
    const lines: string[] = [];
    const s = net.summary({ printFn: (line) => lines.push(line) });
    const rows = s.rows.map((r) => [r.name, r.outputShape, r.params, r.receptiveField && [...r.receptiveField.size, ...r.receptiveField.jump]]);
    expect(rows.slice(1)).toEqual([
      ['c1', [null, 28, 28, 8], 80, [3, 3, 1, 1]],
      ['p1', [null, 14, 14, 8], 0, [4, 4, 2, 2]],
      ['c2', [null, 14, 14, 16], 1168, [8, 8, 2, 2]],
      ['p2', [null, 7, 7, 16], 0, [10, 10, 4, 4]],
      ['f', [null, 784], 0, [10, 10, 4, 4]],
      ['d', [null, 10], 7850, [34, 34, 4, 4]],
    ]);
    expect(s.rows[0]).toMatchObject({ className: 'InputLayer', outputShape: [null, 28, 28, 1], receptiveField: { size: [1, 1], jump: [1, 1] } });
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([9098, 9098, 0]);
    expect(net.countParams()).toBe(9098);
    expect(lines[0]).toBe(`Model: "${net.name}"`);
    expect(lines.some((l) => /^c2 \(Conv2D\) +\[null, 14, 14, 16\] +1,168 +8x8 \/ 2 +p1$/.test(l))).toBe(true);
    expect(lines.slice(-3)).toEqual(['Total params: 9,098', 'Trainable params: 9,098', 'Non-trainable params: 0']);
    net.dispose();
  });

  it('k stacked 3x3 stride-1 convolutions see 2k + 1 pixels', () => {
    for (let k = 1; k <= 5; k++) {
      const stack = Array.from({ length: k }, () => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }));
      const net = ck.sequential(stack);
      net.build([16, 16, 1]);
      const last = net.summary({ printFn: () => {} }).rows.at(-1)!;
      expect(last.receptiveField).toEqual({ size: [2 * k + 1, 2 * k + 1], jump: [1, 1] });
      net.dispose();
    }
  });

  it('dilation, strides and batch normalization (non-trainable moving statistics)', () => {
    const net = ck.sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, inputShape: [20, 20, 2] }),
      layers.conv2d({ filters: 4, kernelSize: 3, strides: 2 }),
      layers.batchNormalization(),
      layers.globalMaxPool2d(),
    ]);
    const s = net.summary({ printFn: () => {} });
    expect(s.rows.map((r) => r.receptiveField)).toEqual([
      { size: [1, 1], jump: [1, 1] },
      { size: [5, 5], jump: [1, 1] },
      { size: [7, 7], jump: [2, 2] },
      { size: [7, 7], jump: [2, 2] },
      { size: [7 + 6 * 2, 7 + 6 * 2], jump: [2, 2] },
    ]);
    expect([s.trainableParams, s.nonTrainableParams]).toEqual([76 + 148 + 8, 8]);
    net.dispose();
  });

  it('builds from the first data when no inputShape is given; predict in batches equals one pass', () => {
    const net = ck.sequential([layers.dense({ units: 4, activation: 'tanh', seed: 1 }), layers.dense({ units: 2, seed: 2 })]);
    expect(() => net.summary()).toThrow(/is not built/);
    const x = ck.randomNormal([7, 3], { seed: 4 });
    const batched = net.predict(x, { batchSize: 3 }) as InstanceType<typeof ck.Tensor>;
    const whole = net.apply(x) as InstanceType<typeof ck.Tensor>;
    expect(batched.shape).toEqual([7, 2]);
    expect(Array.from(batched.dataSync())).toEqual(Array.from(whole.dataSync()));
    expect(net.summary({ printFn: () => {} }).totalParams).toBe(16 + 10);
    for (const t of [x, batched, whole]) t.dispose();
    net.dispose();
  });
  it('add() stacks layers before and after the model is built', () => {
    const net = ck.sequential([], { name: 'grown' });
    net.add(layers.dense({ units: 3, inputShape: [5] }));
    expect(net.summary({ printFn: () => {} }).rows.map((r) => r.outputShape)).toEqual([[null, 5], [null, 3]]);
    net.add(layers.activation({ activation: 'softmax' }));
    const rows = net.summary({ printFn: () => {} }).rows;
    expect(rows.map((r) => r.className)).toEqual(['InputLayer', 'Dense', 'Activation']);
    expect(net.layers.map((l) => l.className)).toEqual(['Dense', 'Activation']);
    const x = ck.ones([2, 5]);
    const y = net.apply(x) as InstanceType<typeof ck.Tensor>;
    expect(Array.from(y.dataSync()).reduce((a, b) => a + b, 0)).toBeCloseTo(2, 5);
    for (const t of [x, y]) t.dispose();
    net.dispose();
  });
});

describe('functional: an inception block', () => {
  it('has four branches joined into one, with the widest branch setting the receptive field', () => {
    const net = inceptionNet();
    const s = net.summary({ printFn: () => {} });
    const concat = s.rows.find((r) => r.className === 'Concatenate')!;
    expect(concat.outputShape).toEqual([null, 12, 12, 4 + 6 + 3 + 3]);
    expect(concat.inputs).toHaveLength(4);
    expect(concat.receptiveField).toEqual({ size: [5, 5], jump: [1, 1] });
    // 1x1: 3·4+4; 3x3: (3·3+3) + (9·3·6+6); 5x5: (3·2+2) + (25·2·3+3); pool: 3·3+3; dense: 16·5+5.
    expect(s.totalParams).toBe(16 + 12 + 168 + 8 + 153 + 12 + 85);
    expect(s.rows.at(-1)!.receptiveField).toEqual({ size: [16, 16], jump: [1, 1] });
    expect(net.layers).toHaveLength(10);
    net.dispose();
  });

  it('runs forward and trains every branch', () => {
    const net = inceptionNet();
    net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 0.1 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const x = ck.randomNormal([4, 12, 12, 3], { seed: 1 });
    const y = ck.tensor(new Int32Array([0, 1, 2, 3]));
    const before = net.weights.map((w) => Array.from(w.dataSync()));
    const logs = net.trainOnBatch(x, y);
    expect(Number.isFinite(logs.loss)).toBe(true);
    expect(logs.accuracy).toBeGreaterThanOrEqual(0);
    net.weights.forEach((w, i) => {
      if (w.name.endsWith('/kernel')) expect(Array.from(w.dataSync()), w.name).not.toEqual(before[i]);
    });
    const out = net.predict(x) as InstanceType<typeof ck.Tensor>;
    expect(out.shape).toEqual([4, 5]);
    for (const t of [x, y, out]) t.dispose();
    net.dispose();
  });
});

describe('errors', () => {
  it('name the op, the argument, what was expected and what was received', () => {
    const a = ck.input({ shape: [3], name: 'a' });
    const b = ck.input({ shape: [3], name: 'b' });
    const joined = layers.concatenate().apply([a, b]);
    expect(() => ck.model({ inputs: a, outputs: joined })).toThrow("model: argument 'inputs' expected every input the outputs depend on, including 'b', received 'a'");
    const d1 = layers.dense({ units: 2, name: 'same' });
    const d2 = layers.dense({ units: 2, name: 'same' });
    expect(() => ck.model({ inputs: a, outputs: d2.apply(d1.apply(a)) })).toThrow("model: argument 'layers' expected unique layer names, received two layers named 'same'");

    const net = ck.model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(joined) });
    const x = ck.zeros([2, 4]);
    expect(() => net.predict([x, x])).toThrow(ck.ShapeError);
    expect(() => net.predict([x, x])).toThrow("predict: argument 'x[0]' expected [n, 3], received [2, 4]");
    expect(() => net.predict(x)).toThrow("predict: argument 'x' expected 2 tensor(s), one per model input, received 1");
    expect(() => net.trainOnBatch([x, x], x)).toThrow(/is not compiled: call compile/);
    expect(() => net.compile({ optimizer: 'adam' as never, loss: 'meanSquaredError' })).toThrow(ck.ValueError);
    expect(() => net.compile({ optimizer: ck.optimizers.adam(), loss: 'hinge' as never })).toThrow(
      "compile: argument 'loss' expected 'softmaxCrossEntropy', 'meanSquaredError' or a function (yTrue, yPred) => scalar, received \"hinge\"",
    );
    expect(() => ck.sequential([ck.input({ shape: [2] }) as never])).toThrow(ck.ValueError);
    x.dispose();
    for (const m of [net, d1, d2]) m.dispose();
  });
});
