// Model-level checks that every runtime runs (Node, Chromium, Firefox): a small CNN trains with
// fit(), reports through model.events, and survives a save/load round trip through memory.
import { assert, assertClose } from './compare.js';
import type { Check, ConvkitModule } from './types.js';

/** 32 images of 6x6: class 1 when the left half is brighter than the right. */
function brightnessTask(ck: ConvkitModule) {
  const x = new Float32Array(32 * 36);
  const y = new Int32Array(32);
  for (let i = 0; i < 32; i++) {
    y[i] = i % 2;
    for (let p = 0; p < 36; p++) x[i * 36 + p] = ((p % 6 < 3) === (i % 2 === 1) ? 0.8 : 0.2) + ((i * 7 + p * 13) % 10) / 100;
  }
  return { x: ck.tensor(x, [32, 6, 6, 1]), y: ck.tensor(y, [32]) };
}

function smallCnn(ck: ConvkitModule) {
  const model = ck.sequential([
    ck.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 1], seed: 1 }),
    ck.layers.maxPool2d({ poolSize: 2 }),
    ck.layers.flatten(),
    ck.layers.dense({ units: 2, seed: 2 }),
  ]);
  model.compile({ optimizer: ck.optimizers.adam({ learningRate: 0.05 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  return model;
}

export function modelChecks(ck: ConvkitModule): Check[] {
  return [
    {
      name: 'models: a small CNN fits, emits batchEnd/epochEnd events, and round-trips through io.memory()',
      run: async () => {
        const { x, y } = brightnessTask(ck);
        const model = smallCnn(ck);
        const seen: string[] = [];
        model.events.addEventListener('batchEnd', () => seen.push('batch'));
        model.events.addEventListener('epochEnd', () => seen.push('epoch'));
        try {
          const history = await model.fit(x, y, { epochs: 8, batchSize: 16, seed: 3, verbose: 0 });
          const losses = history.history.loss!;
          assert(losses.at(-1)! < losses[0]! / 2, `loss did not fall: ${losses.join(', ')}`);
          assert(seen.filter((e) => e === 'epoch').length === 8 && seen.filter((e) => e === 'batch').length === 16, `events: ${seen.join(',')}`);
          const handler = ck.io.memory();
          await model.save(handler);
          const loaded = await ck.loadModel(handler);
          try {
            const [a, b] = ck.tidy(() => [model.predict(x), loaded.predict(x)].map((t) => (t as InstanceType<typeof ck.Tensor>).dataSync()));
            assertClose('loaded model predicts the same', a!, b!, { atol: 0, rtol: 0 });
          } finally {
            loaded.dispose();
          }
        } finally {
          model.dispose();
          x.dispose();
          y.dispose();
        }
      },
    },
  ];
}
