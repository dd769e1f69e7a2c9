// An inception block (Szegedy et al. 2014) with the functional API: 1x1, 3x3 and 5x5 convolutions
// and a pooling branch over the same input, concatenated on the channel axis; then a classifier.
// Run after `npm run build`: node examples/inception.mjs
import { init, input, layers, model, optimizers, randomNormal, tensor } from '../dist/convkit.js';

await init();

function inception(x, { b1, b3, b5, pool }) {
  const conv = (filters, kernelSize) => layers.conv2d({ filters, kernelSize, padding: 'same', activation: 'relu' });
  const branch1 = conv(b1, 1).apply(x);
  const branch3 = conv(b3[1], 3).apply(conv(b3[0], 1).apply(x)); // 1x1 reduces channels before the 3x3
  const branch5 = conv(b5[1], 5).apply(conv(b5[0], 1).apply(x));
  const branchPool = conv(pool, 1).apply(layers.maxPool2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x));
  return layers.concatenate().apply([branch1, branch3, branch5, branchPool]);
}

const image = input({ shape: [28, 28, 1] });
const stem = layers.maxPool2d().apply(layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(image));
const block = inception(stem, { b1: 8, b3: [8, 16], b5: [4, 8], pool: 8 });
const logits = layers.dense({ units: 10 }).apply(layers.globalAvgPool2d().apply(block));
const net = model({ inputs: image, outputs: logits, name: 'inception_demo' });
net.summary();

net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
const x = randomNormal([64, 28, 28, 1], { seed: 1 });
const y = tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10));
await net.fit(x, y, { epochs: 2, batchSize: 16, seed: 1 });
for (const t of [x, y]) t.dispose();
net.dispose();
