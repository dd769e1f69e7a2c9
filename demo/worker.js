// Trains the small CNN on the bundled Fashion-MNIST subset off the page's thread and posts what the
// page draws: batch logs, test accuracy and the confusion matrix, the first layer's filters, and
// the activation maps of the chosen test image. fit() yields after every batch, so predict and
// inspect requests are answered while training runs.
import { data, init, optimizers, setRandomSeed, tensor, tidy, viz, zoo } from '../dist/convkit.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
let model = null;
let test = null; // { x, y, pixels, labels }
let chosen = 0;

function softmax(logits) {
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const argmax = (row) => row.indexOf(Math.max(...row));

/** Test accuracy and the 10x10 confusion matrix (rows: true class, columns: predicted). */
function evaluate() {
  const logits = tidy(() => model.predict(test.x, { batchSize: 250 }).dataSync());
  const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
  let correct = 0;
  test.labels.forEach((label, i) => {
    const predicted = argmax(Array.from(logits.subarray(i * 10, i * 10 + 10)));
    confusion[label][predicted] += 1;
    correct += predicted === label ? 1 : 0;
  });
  return { accuracy: correct / test.labels.length, confusion };
}

function firstFilters() {
  const kernel = model.layers[0].weights[0];
  return { name: kernel.name, shape: [...kernel.shape], values: kernel.dataSync() };
}

/** The image as a (1, 28, 28, 1) tensor, for `use` to read; freed afterwards. */
function withImage(pixels, use) {
  const x = tensor(pixels, [1, SIDE, SIDE, 1]);
  try {
    return use(x);
  } finally {
    x.dispose();
  }
}

function postMaps() {
  const pixels = test.pixels.subarray(chosen * PIXELS, (chosen + 1) * PIXELS);
  const maps = withImage(pixels, (x) => viz.featureMaps(model.layers, x));
  postMessage({ type: 'maps', index: chosen, label: test.labels[chosen], maps, filters: firstFilters() });
}

async function train({ epochs, batches, batchSize, learningRate, evalEvery }) {
  await init();
  setRandomSeed(1);
  const { train: trainSet, test: testSet } = await data.fashionMnistSample();
  test = { ...testSet, pixels: testSet.x.dataSync(), labels: Array.from(testSet.y.dataSync()) };
  model = zoo.smallCnn(); // the network `convkit train` trains
  model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  postMessage({ type: 'ready', trainCount: trainSet.x.shape[0], testCount: test.labels.length, params: model.countParams() });
  postMaps();
  let step = 0;
  const report = () => postMessage({ type: 'eval', step, ...evaluate() });
  const onBatchEnd = (_batch, logs) => {
    step += 1;
    postMessage({ type: 'batch', step, loss: logs.loss, accuracy: logs.accuracy });
    if (step % 10 === 0) postMaps();
    if (step % evalEvery === 0) report();
    if (step >= batches) model.stopTraining = true;
  };
  await model.fit(trainSet.x, trainSet.y, { epochs, batchSize, seed: 1, verbose: 0, callbacks: { onBatchEnd } });
  if (step % evalEvery !== 0) report();
  postMaps();
  trainSet.x.dispose();
  trainSet.y.dispose();
  postMessage({ type: 'done', step, testCount: test.labels.length });
}

onmessage = ({ data: message }) => {
  try {
    if (message.type === 'train') {
      train(message.options).catch((error) => postMessage({ type: 'error', message: String(error?.stack ?? error) }));
    } else if (message.type === 'inspect' && model) {
      chosen = message.index;
      postMaps();
    } else if (message.type === 'predict' && model) {
      const logits = withImage(message.pixels, (x) => tidy(() => model.predict(x).dataSync()));
      postMessage({ type: 'probs', probs: softmax(Array.from(logits)) });
    }
  } catch (error) {
    postMessage({ type: 'error', message: String(error?.stack ?? error) });
  }
};
