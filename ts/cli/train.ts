// `convkit train`: Fashion-MNIST in, a trained model, its test accuracy, its curves, filters and
// activation maps out.
import { ValueError, data, init, optimizers, setRandomSeed, tensor, viz } from '../index.js';
import type { History, Sequential } from '../index.js';
import { nodeModule } from '../core/io.js';
import type { TrainOptions } from './args.js';
import { BUILDERS } from './models.js';

export interface TrainResult {
  testLoss: number;
  testAccuracy: number;
  history: History['history'];
  curvesFile: string;
  filtersFile: string;
  activationsFile: string;
  modelDir: string;
}

type Log = (line: string) => void;

/** Loss and accuracy panels, train beside test, from fit's history. */
export function curvePanels(history: History['history']): viz.Panel[] {
  return ['loss', 'accuracy'].map((key) => ({
    title: key,
    series: [
      { name: 'train', values: history[key] ?? [] },
      { name: 'test', values: history[`val_${key}`] ?? [] },
    ],
  }));
}

/** The first convolution's kernel (kh, kw, c_in, c_out), copied out for viz. */
function firstFilters(model: Sequential): viz.FeatureMap {
  const kernel = model.layers.flatMap((l) => l.weights).find((w) => w.rank === 4);
  if (!kernel) throw new ValueError('convkit train', 'the model has no 2-D convolution to draw filters of');
  return { name: kernel.name, shape: [...kernel.shape], values: kernel.dataSync() as Float32Array };
}

export async function train(options: TrainOptions, log: Log = console.log): Promise<TrainResult> {
  await init();
  const source = options.data ?? 'the Fashion-MNIST subset bundled with convkit';
  log(`Loading ${source}${options.limit ? ` (first ${options.limit} samples of each split)` : ''}`);
  const limit = options.limit ? { limit: options.limit } : {};
  const { train: trainSet, test } = await (options.data ? data.fashionMnist({ dir: options.data, ...limit }) : data.fashionMnistSample(limit));
  log(`${trainSet.x.shape[0]} train and ${test.x.shape[0]} test images`);
  setRandomSeed(options.seed);
  let model;
  try {
    model = BUILDERS[options.model]();
    model.summary({ printFn: log });
    model.compile({ optimizer: optimizers.adam({ learningRate: options.learningRate }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const { history } = await model.fit(trainSet.x, trainSet.y, {
      epochs: options.epochs, batchSize: options.batchSize, seed: options.seed, validationData: [test.x, test.y],
    });
    const { loss: testLoss = NaN, accuracy: testAccuracy = NaN } = model.evaluate(test.x, test.y, { batchSize: 256 });
    log(`Test accuracy: ${(100 * testAccuracy).toFixed(2)}% (loss ${testLoss.toFixed(4)}) on ${test.x.shape[0]} images`);

    const fs = await nodeModule('node:fs/promises');
    const out = options.out.replace(/[\\/]+$/, '');
    await fs.mkdir(out, { recursive: true });
    const curvesFile = `${out}/curves.png`;
    await fs.writeFile(curvesFile, await viz.curvesPng(curvePanels(history)));
    const filtersFile = `${out}/filters.png`;
    await fs.writeFile(filtersFile, await viz.filtersPng(firstFilters(model)));
    const activationsFile = `${out}/activations.png`;
    const pixels = test.x.size / test.x.shape[0]!;
    const image = tensor((test.x.dataSync() as Float32Array).subarray(0, pixels), [1, ...test.x.shape.slice(1)]);
    try {
      await fs.writeFile(activationsFile, await viz.activationsPng(viz.featureMaps(model.layers, image)));
    } finally {
      image.dispose();
    }
    const modelDir = `${out}/model`;
    await model.save(modelDir);
    log(`Wrote ${curvesFile}, ${filtersFile}, ${activationsFile} and ${modelDir}/ (load it with loadModel('${modelDir}'))`);
    return { testLoss, testAccuracy, history, curvesFile, filtersFile, activationsFile, modelDir };
  } finally {
    model?.dispose();
    for (const t of [trainSet.x, trainSet.y, test.x, test.y]) t.dispose();
  }
}
