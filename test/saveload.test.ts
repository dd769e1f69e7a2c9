// Save and load: topology JSON + binary weights + optimizer state. Round trips are exact, training
// resumes exactly (2 steps, save, load, 1 step ≡ 3 steps, bitwise), through every handler: a Node
// directory, io.memory(), and the browser ones (downloads, picked files, IndexedDB) checked here
// for their encoding with stand-ins for document and indexedDB. memory() returns to its start.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { resolveObjectURL } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';

await ck.init();
checkNoLeaks();

type Model = InstanceType<typeof ck.Model>;
type Tensor = InstanceType<typeof ck.Tensor>;
const { layers } = ck;

/** Two branches with batch norm and dropout, so every kind of state is saved. */
function branchy(): Model {
  const x = ck.input({ shape: [6, 6, 2] });
  const a = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  const b = layers.batchNormalization().apply(layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x));
  const joined = layers.dropout({ rate: 0.3 }).apply(layers.concatenate().apply([a, b]));
  const out = layers.dense({ units: 3 }).apply(layers.flatten().apply(layers.avgPool2d().apply(joined)));
  return ck.model({ inputs: x, outputs: out });
}

function data(): { x: Tensor; y: Tensor } {
  return { x: ck.randomNormal([5, 6, 6, 2], { seed: 9 }), y: ck.tensor(new Int32Array([0, 1, 2, 1, 0])) };
}

const bits = (m: Model) => m.weights.map((w) => Buffer.from(w.dataSync().buffer).toString('hex'));

function predictions(m: Model, x: Tensor): number[] {
  const out = m.predict(x) as Tensor;
  const values = Array.from(out.dataSync());
  out.dispose();
  return values;
}

describe('round trips', () => {
  it('through io.memory(): the same topology, weights and predictions', async () => {
    ck.setRandomSeed(3);
    const net = branchy();
    const { x, y } = data();
    const artifacts = await net.save(ck.io.memory());
    expect(artifacts.weightData.byteLength).toBe(net.countParams() * 4);
    expect(artifacts.modelTopology.training).toBeUndefined();
    JSON.parse(JSON.stringify(artifacts.modelTopology));
    const loaded = await ck.loadModel(ck.io.memory(artifacts));
    expect(loaded.className).toBe('Functional');
    expect(bits(loaded)).toEqual(bits(net));
    expect(predictions(loaded, x)).toEqual(predictions(net, x));
    const rows = (m: Model) => m.summary({ printFn: () => {} }).rows.map((r) => ({ ...r, name: r.className === 'InputLayer' ? '' : r.name }));
    expect(rows(loaded)).toEqual(rows(net));
    for (const t of [x, y]) t.dispose();
    for (const m of [net, loaded]) m.dispose();
  });

  it('resumes training exactly: 2 steps, save, load, 1 step ≡ 3 steps, bitwise', async () => {
    const { x, y } = data();
    const fresh = (): Model => {
      ck.setRandomSeed(21);
      const net = branchy();
      net.compile({ optimizer: ck.optimizers.adam({ learningRate: 0.05 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
      return net;
    };
    const straight = fresh();
    for (let i = 0; i < 3; i++) straight.trainOnBatch(x, y);

    const first = fresh();
    for (let i = 0; i < 2; i++) first.trainOnBatch(x, y);
    const artifacts = await first.save(ck.io.memory());
    const resumed = await ck.loadModel(ck.io.memory(artifacts));
    expect(resumed.optimizer!.iterations).toBe(2);
    expect(resumed.optimizer!.getConfig()).toEqual(first.optimizer!.getConfig());
    resumed.trainOnBatch(x, y);

    expect(bits(resumed)).toEqual(bits(straight));
    const state = (m: Model) => m.optimizer!.state(m.trainableWeights).map((v) => Buffer.from(v.dataSync().buffer).toString('hex'));
    expect(state(resumed)).toEqual(state(straight));
    for (const t of [x, y]) t.dispose();
    for (const m of [straight, first, resumed]) m.dispose();
  });

  it('through a Node directory: model.json and weights.bin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-'));
    try {
      const net = ck.sequential([layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), layers.dense({ units: 2 })]);
      net.compile({ optimizer: ck.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'meanSquaredError' });
      const [x, y] = [ck.randomNormal([4, 3], { seed: 1 }), ck.randomNormal([4, 2], { seed: 2 })];
      net.trainOnBatch(x, y);
      await net.save(join(dir, 'nested', 'model'));
      expect(readdirSync(join(dir, 'nested', 'model')).sort()).toEqual(['model.json', 'weights.bin']);
      const json = JSON.parse(readFileSync(join(dir, 'nested', 'model', 'model.json'), 'utf8'));
      expect(json.weightsFile).toBe('weights.bin');
      expect(json.modelTopology.training.optimizer).toEqual({ className: 'SGD', config: { learningRate: 0.1, momentum: 0.9, nesterov: false } });
      expect(readFileSync(join(dir, 'nested', 'model', 'weights.bin')).byteLength).toBe((26 + 26) * 4 + 4);
      const loaded = await ck.loadModel(join(dir, 'nested', 'model'));
      expect(loaded.className).toBe('Sequential');
      expect(bits(loaded)).toEqual(bits(net));
      expect(loaded.trainOnBatch(x, y)).toEqual(net.trainOnBatch(x, y));
      expect(bits(loaded)).toEqual(bits(net));
      for (const t of [x, y]) t.dispose();
      for (const m of [net, loaded]) m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a model compiled with a custom loss keeps its optimizer state, to compile again with', async () => {
    const net = ck.sequential([layers.dense({ units: 1, inputShape: [2] })]);
    const loss = (t: Tensor, p: Tensor) => ck.losses.meanSquaredError(t, p);
    net.compile({ optimizer: ck.optimizers.adam(), loss });
    const [x, y] = [ck.ones([2, 2]), ck.zeros([2, 1])];
    net.trainOnBatch(x, y);
    const loaded = await ck.loadModel(ck.io.memory(await net.save(ck.io.memory())));
    expect(() => loaded.trainOnBatch(x, y)).toThrow(/is not compiled/);
    loaded.compile({ optimizer: loaded.optimizer!, loss });
    expect(loaded.optimizer!.iterations).toBe(1);
    loaded.trainOnBatch(x, y);
    net.trainOnBatch(x, y);
    expect(bits(loaded)).toEqual(bits(net));
    for (const t of [x, y]) t.dispose();
    for (const m of [net, loaded]) m.dispose();
  });
});

describe('browser handlers (their encoding, with stand-ins)', () => {
  it('browserDownloads writes <name>.json naming <name>.weights.bin; browserFiles reads them back', async () => {
    const net = ck.sequential([layers.dense({ units: 2, inputShape: [3] })]);
    const files = new Map<string, Blob>();
    const g = globalThis as { document?: unknown };
    g.document = {
      createElement: () => ({ href: '', download: '', click() { files.set(this.download, resolveObjectURL(this.href) as unknown as Blob); } }),
    };
    try {
      await net.save(ck.io.browserDownloads('tiny'));
    } finally {
      delete g.document;
    }
    expect([...files.keys()]).toEqual(['tiny.json', 'tiny.weights.bin']);
    const json = JSON.parse(await files.get('tiny.json')!.text());
    expect(json.weightsFile).toBe('tiny.weights.bin');
    expect(json.modelTopology.format).toBe('convkit-model');
    expect(files.get('tiny.weights.bin')!.size).toBe(8 * 4);
    const loaded = await ck.loadModel(ck.io.browserFiles(files.get('tiny.json')!, files.get('tiny.weights.bin')!));
    expect(bits(loaded)).toEqual(bits(net));
    for (const m of [net, loaded]) m.dispose();
  });

  it('indexedDB stores the artifacts as they are under a key, and loads them back', async () => {
    const stores = new Map<string, Map<string, unknown>>();
    const request = (result: () => unknown) => {
      const r: { result?: unknown; onsuccess?: () => void } = {};
      queueMicrotask(() => {
        r.result = result();
        r.onsuccess?.();
      });
      return r;
    };
    const db = {
      createObjectStore: (name: string) => void stores.set(name, new Map()),
      transaction: (name: string) => ({
        objectStore: () => ({
          put: (value: unknown, key: string) => request(() => stores.get(name)!.set(key, structuredClone(value))),
          get: (key: string) => request(() => stores.get(name)!.get(key)),
        }),
      }),
      close: () => {},
    };
    const factory = {
      open: () => {
        const r: { result: unknown; onsuccess?: () => void; onupgradeneeded?: () => void } = { result: db };
        queueMicrotask(() => {
          if (stores.size === 0) r.onupgradeneeded?.();
          r.onsuccess?.();
        });
        return r;
      },
    } as unknown as IDBFactory;

    const net = ck.sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), layers.globalMaxPool2d()]);
    net.compile({ optimizer: ck.optimizers.adamW(), loss: 'meanSquaredError' });
    const artifacts = await net.save(ck.io.indexedDB('my-model', factory));
    const record = stores.get('models')!.get('my-model') as { modelTopology: unknown; weightData: ArrayBuffer };
    expect(Object.keys(record)).toEqual(['modelTopology', 'weightData']);
    expect(record.modelTopology).toEqual(artifacts.modelTopology);
    expect(new Uint8Array(record.weightData)).toEqual(new Uint8Array(artifacts.weightData));
    const loaded = await ck.loadModel(ck.io.indexedDB('my-model', factory));
    expect(bits(loaded)).toEqual(bits(net));
    expect(loaded.optimizer!.getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01 });
    await expect(ck.loadModel(ck.io.indexedDB('missing', factory))).rejects.toThrow("loadModel: argument 'key' expected a model saved in IndexedDB, received 'missing' (not found)");
    for (const m of [net, loaded]) m.dispose();
  });
});

describe('errors', () => {
  it('name the op, the argument, what was expected and what was received', async () => {
    const net = ck.sequential([layers.dense({ units: 2, inputShape: [3] })]);
    const artifacts = await net.save(ck.io.memory());
    await expect(ck.loadModel(ck.io.memory())).rejects.toThrow(ck.ValueError);
    await expect(ck.loadModel(ck.io.memory({ ...artifacts, weightData: new ArrayBuffer(4) }))).rejects.toThrow(ck.DataFormatError);
    await expect(ck.loadModel(ck.io.memory({ ...artifacts, weightData: new ArrayBuffer(4) }))).rejects.toThrow(
      "loadModel: argument 'weightData' expected 32 bytes for the weights listed, received 4",
    );
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
    await expect(ck.loadModel(ck.io.memory({ modelTopology: { ...topology, format: 'keras' }, weightData: artifacts.weightData }))).rejects.toThrow(
      "loadModel: argument 'modelTopology' expected format 'convkit-model', received \"keras\"",
    );
    topology.layers[1].className = 'Conv4D';
    await expect(ck.loadModel(ck.io.memory({ modelTopology: topology, weightData: artifacts.weightData }))).rejects.toThrow(/argument 'className' expected one of/);
    await expect(net.save(42 as never)).rejects.toThrow("save: argument 'handler' expected a directory path or an io handler with save(), received 42");
    await expect(ck.loadModel('/nonexistent/convkit-model')).rejects.toThrow(/ENOENT/);
    expect(() => ck.io.indexedDB('x')).toThrow(ck.ValueError);
    net.dispose();
  });
});
