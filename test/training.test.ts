// Training: a small CNN fits a synthetic task to near-zero loss; the same seeds give bitwise the
// same weights; 1,000 steps leave memory() unchanged; callbacks, events, validation, early
// stopping and the progress output. memory() returns to where it started.
import { describe, expect, it, vi } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { lcg } from './shared/random.js';

await ck.init();
checkNoLeaks();

type Tensor = InstanceType<typeof ck.Tensor>;
const { layers } = ck;

/** n 8x8 images, class c = the quadrant holding a bright 3x3 square, over faint noise. */
function quadrants(n: number, seed: number): { x: Tensor; y: Tensor } {
  const random = lcg(seed);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 4;
    for (let p = 0; p < 64; p++) x[i * 64 + p] = 0.2 * random();
    const [top, left] = [(y[i]! >> 1) * 4 + Math.floor(random() * 2), (y[i]! & 1) * 4 + Math.floor(random() * 2)];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) x[i * 64 + (top + r) * 8 + left + c] = 1;
  }
  return { x: ck.tensor(x, [n, 8, 8, 1]), y: ck.tensor(y) };
}

function smallCnn(extra: InstanceType<typeof ck.layers.Layer>[] = []) {
  return ck.sequential([
    layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
    layers.maxPool2d({ poolSize: 2 }),
    ...extra,
    layers.flatten(),
    layers.dense({ units: 4 }),
  ]);
}

describe('fitting', () => {
  it('a small CNN fits the quadrant task to near-zero loss and full accuracy', async () => {
    ck.setRandomSeed(1);
    const { x, y } = quadrants(64, 7);
    const net = smallCnn();
    net.compile({ optimizer: ck.optimizers.adam({ learningRate: 0.02 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const history = await net.fit(x, y, { epochs: 40, batchSize: 16, seed: 2, verbose: 0 });
    expect(history.epoch).toHaveLength(40);
    expect(history.history.loss![0]).toBeGreaterThan(0.5);
    const { loss, accuracy } = net.evaluate(x, y, { batchSize: 20 });
    expect(loss).toBeLessThan(0.02);
    expect(accuracy).toBe(1);
    for (const t of [x, y]) t.dispose();
    net.dispose();
  });

  it('dense regression with meanSquaredError and SGD with momentum reaches ~0 loss', async () => {
    const x = ck.randomNormal([32, 3], { seed: 5 });
    const y = ck.tidy(() => ck.ops.add(ck.ops.matMul(x, ck.tensor([[1], [-2], [0.5]])), ck.tensor([0.25])));
    const net = ck.sequential([layers.dense({ units: 1, inputShape: [3], seed: 3 })]);
    net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError' });
    await net.fit(x, y, { epochs: 60, batchSize: 8, seed: 1, verbose: 0 });
    expect(net.evaluate(x, y).loss).toBeLessThan(1e-6);
    const [kernel, bias] = net.weights;
    expect(Array.from(kernel!.dataSync()).map((v) => +v.toFixed(3))).toEqual([1, -2, 0.5]);
    expect(bias!.dataSync()[0]).toBeCloseTo(0.25, 3);
    for (const t of [x, y]) t.dispose();
    net.dispose();
  });

  it('a custom loss function (yTrue, yPred) => scalar works like a named one', async () => {
    const x = ck.ones([4, 2]);
    const y = ck.zeros([4, 1]);
    const net = ck.sequential([layers.dense({ units: 1, inputShape: [2], seed: 1 })]);
    net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 0.1 }), loss: (t, p) => ck.losses.meanSquaredError(t, p) });
    const custom = net.trainOnBatch(x, y).loss;
    net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    expect(net.testOnBatch(x, y).loss).toBeLessThan(custom);
    for (const t of [x, y]) t.dispose();
    net.dispose();
  });
});

describe('determinism', () => {
  it('the same seeds give bitwise-identical weights after N steps (dropout and batch norm included)', async () => {
    const { x, y } = quadrants(40, 3);
    const train = async () => {
      ck.setRandomSeed(11);
      const net = smallCnn([layers.batchNormalization(), layers.dropout({ rate: 0.3 })]);
      net.compile({ optimizer: ck.optimizers.adamW({ learningRate: 0.01 }), loss: 'softmaxCrossEntropy' });
      await net.fit(x, y, { epochs: 3, batchSize: 8, seed: 5, verbose: 0 });
      const weights = net.weights.map((w) => w.dataSync());
      net.dispose();
      return weights;
    };
    const [a, b] = [await train(), await train()];
    expect(a.length).toBe(8);
    a.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[i]!.buffer))).toBe(true));
    for (const t of [x, y]) t.dispose();
  });
});

describe('memory', () => {
  it('1,000 training steps leave memory() unchanged', () => {
    const { x, y } = quadrants(8, 1);
    const net = smallCnn([layers.batchNormalization(), layers.dropout({ rate: 0.2 })]);
    net.compile({ optimizer: ck.optimizers.adam(), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    net.trainOnBatch(x, y);
    const before = ck.memory();
    for (let i = 0; i < 1000; i++) net.trainOnBatch(x, y);
    expect(ck.memory()).toEqual(before);
    expect(net.optimizer!.iterations).toBe(1001);
    for (const t of [x, y]) t.dispose();
    net.dispose();
  });

  it('fit, evaluate and predict free everything they make', async () => {
    const { x, y } = quadrants(20, 2);
    const net = smallCnn();
    net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 0.01 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    await net.fit(x, y, { epochs: 1, batchSize: 7, verbose: 0 });
    const before = ck.memory();
    await net.fit(x, y, { epochs: 2, batchSize: 7, validationSplit: 0.25, verbose: 0 });
    net.evaluate(x, y, { batchSize: 6 });
    const predictions = net.predict(x, { batchSize: 6 }) as Tensor;
    expect(ck.memory().numTensors).toBe(before.numTensors + 1);
    expect(predictions.shape).toEqual([20, 4]);
    for (const t of [x, y, predictions]) t.dispose();
    net.dispose();
  });
});

describe('callbacks, events and validation', () => {
  it('onBatchEnd and onEpochEnd get the logs, model.events the same, history every epoch', async () => {
    const { x, y } = quadrants(20, 4);
    const net = smallCnn();
    net.compile({ optimizer: ck.optimizers.adam(), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const batches: [number, string[]][] = [];
    const epochs: [number, string[]][] = [];
    const events: string[] = [];
    const listener = (e: Event) => events.push(e.type);
    net.events.addEventListener('batchEnd', listener);
    net.events.addEventListener('epochEnd', listener);
    const history = await net.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: {
        onBatchEnd: (b, logs) => void batches.push([b, Object.keys(logs)]),
        onEpochEnd: async (e, logs) => void epochs.push([e, Object.keys(logs)]),
      },
    });
    expect(batches).toEqual([0, 1, 0, 1].map((b) => [b, ['loss', 'accuracy', 'size']]));
    expect(epochs).toEqual([0, 1].map((e) => [e, ['loss', 'accuracy', 'val_loss', 'val_accuracy']]));
    expect(events).toEqual(['batchEnd', 'batchEnd', 'epochEnd', 'batchEnd', 'batchEnd', 'epochEnd']);
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.history.val_loss).toHaveLength(2);

    const [vx, vy] = [ck.zeros([3, 8, 8, 1]), ck.tensor(new Int32Array([0, 1, 2]))];
    const withData = await net.fit(x, y, { epochs: 1, validationData: [vx, vy], verbose: 0 });
    expect(withData.history.val_accuracy).toHaveLength(1);
    await expect(net.fit(x, y, { validationData: [vx, vy], validationSplit: 0.5, verbose: 0 })).rejects.toThrow(
      "fit: argument 'options' expected validationData or validationSplit, not both, received both",
    );
    await expect(net.fit(x, y, { batchSize: 0 })).rejects.toThrow("fit: argument 'batchSize' expected a positive integer, received 0");
    const short = ck.tensor(new Int32Array(19));
    await expect(net.fit(x, short, { verbose: 0 })).rejects.toThrow("fit: argument 'y' expected 20 samples (rows) as x, received [19]");
    await expect(net.fit(x, y, { validationData: [vx, short], verbose: 0 })).rejects.toThrow(
      "fit: argument 'validationData.y' expected 3 samples (rows) as validationData.x, received [19]",
    );
    expect(() => net.evaluate(x, short)).toThrow(ck.ShapeError);
    short.dispose();
    for (const t of [x, y, vx, vy]) t.dispose();
    net.dispose();
  });

  it('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const x = ck.randomNormal([16, 2], { seed: 1 });
    const y = ck.randomNormal([16, 1], { seed: 2 });
    const net = ck.sequential([layers.dense({ units: 1, inputShape: [2], seed: 4 })]);
    net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 3 }), loss: 'meanSquaredError' }); // diverges
    const snapshots: number[][][] = [];
    const stopper = ck.callbacks.earlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    const history = await net.fit(x, y, {
      epochs: 20,
      batchSize: 16,
      verbose: 0,
      callbacks: [{ onEpochEnd: () => void snapshots.push(net.weights.map((w) => Array.from(w.dataSync()))) }, stopper],
    });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(stopper.stoppedEpoch).toBe(2);
    const best = history.history.loss!.indexOf(Math.min(...history.history.loss!));
    expect(net.weights.map((w) => Array.from(w.dataSync()))).toEqual(snapshots[best]);
    await expect(net.fit(x, y, { epochs: 1, verbose: 0, callbacks: ck.callbacks.earlyStopping() })).rejects.toThrow(
      "callbacks.earlyStopping: argument 'monitor' expected one of the epoch logs (loss), received 'val_loss'",
    );
    for (const t of [x, y]) t.dispose();
    net.dispose();
  });
});

describe('progress output', () => {
  async function output(isTTY: boolean): Promise<string> {
    const stdout = process.stdout as { isTTY?: boolean };
    const wasTTY = stdout.isTTY;
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((text) => (written.push(String(text)), true));
    stdout.isTTY = isTTY;
    const { x, y } = quadrants(12, 5);
    const net = smallCnn();
    net.compile({ optimizer: ck.optimizers.adam(), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    try {
      await net.fit(x, y, { epochs: 2, batchSize: 4 });
    } finally {
      spy.mockRestore();
      stdout.isTTY = wasTTY;
      for (const t of [x, y]) t.dispose();
      net.dispose();
    }
    return written.join('');
  }

  it('is one plain line per epoch when stdout is not a terminal', async () => {
    const lines = (await output(false)).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Epoch 1\/2 12\/12 - \d+\.\ds - \d+ samples\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(lines[1]).toMatch(/^Epoch 2\/2 /);
  });

  it('is a bar redrawn in place on a terminal', async () => {
    const text = await output(true);
    expect(text).toContain('\r');
    expect(text).toMatch(/Epoch 2\/2 \[={24}\] 12\/12 - .* samples\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4}\x1b\[K\n$/);
  });
});
