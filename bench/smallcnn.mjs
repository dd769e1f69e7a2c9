// The small CNN (zoo.smallCnn, the CLI's default model), for the suite:
// conv3x3x32(same,relu)-maxpool2-conv3x3x64(same,relu)-maxpool2-dense128(relu)-dense10, softmax
// cross-entropy, Adam 1e-3, batch 64. The same initial weights (plain arrays) go to every library.
// Portable: no node: imports.

export const BATCH = 64;
export const LEARNING_RATE = 1e-3;
export const NETWORK = 'conv3x3x32(same,relu)-maxpool2-conv3x3x64(same,relu)-maxpool2-dense128(relu)-dense10, softmax cross-entropy';

/** He-normal weights and zero biases, from fixed seeds. */
export function initialWeights(ck) {
  const shapes = {
    conv1: [3, 3, 1, 32], bias1: [32], conv2: [3, 3, 32, 64], bias2: [64],
    dense1: [7 * 7 * 64, 128], bias3: [128], dense2: [128, 10], bias4: [10],
  };
  const fanIn = (shape) => shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return Object.entries(shapes).map(([name, shape], i) => {
    if (shape.length === 1) return { name, shape, values: new Float32Array(shape[0]) };
    const t = ck.randomNormal(shape, { seed: 100 + i, stddev: Math.sqrt(2 / fanIn(shape)) });
    const values = t.dataSync();
    t.dispose();
    return { name, shape, values };
  });
}

/** The CLI's small CNN as a convkit Sequential, holding `weights`. */
export function convkitModel(ck, weights) {
  const model = ck.zoo.smallCnn();
  model.weights.forEach((v, i) => ck.tidy(() => v.assign(ck.tensor(weights[i].values, weights[i].shape))));
  return model;
}

/** The network as autograd ops on Variables, stepped by convkit's Adam. */
export function convkitOpsTrainer(ck, weights, batch) {
  const { ops } = ck;
  const vars = weights.map((w) => ck.variable(ck.tensor(w.values, w.shape), { name: w.name }));
  const [c1, b1, c2, b2, d1, b3, d2, b4] = vars;
  const optimizer = ck.optimizers.adam({ learningRate: LEARNING_RATE });
  const loss = () => {
    let h = ops.conv2d(batch.x, c1, { padding: 'same', bias: b1, activation: 'relu' });
    h = ops.maxPool2d(h, { poolSize: 2 });
    h = ops.conv2d(h, c2, { padding: 'same', bias: b2, activation: 'relu' });
    h = ops.maxPool2d(h, { poolSize: 2 });
    h = ops.reshape(h, [BATCH, -1]);
    h = ops.matMul(h, d1, { bias: b3, activation: 'relu' });
    return ops.softmaxCrossEntropy(ops.matMul(h, d2, { bias: b4 }), batch.y);
  };
  const step = () => ck.tidy(() => {
    const { value, grads } = ck.variableGrads(loss, vars);
    optimizer.applyGradients(vars, grads);
    return value.dataSync()[0];
  });
  const dispose = () => {
    optimizer.dispose();
    for (const v of vars) v.dispose();
  };
  return { step, dispose };
}

/** The Sequential model stepped by trainOnBatch. */
export function convkitModelTrainer(ck, weights, batch) {
  const model = convkitModel(ck, weights);
  model.compile({ optimizer: ck.optimizers.adam({ learningRate: LEARNING_RATE }), loss: 'softmaxCrossEntropy' });
  return { step: () => model.trainOnBatch(batch.x, batch.y).loss, dispose: () => model.dispose() };
}

/** tfjs weights (as variables when `trainable`). */
function tfjsWeights(tf, weights, trainable) {
  return weights.map((w) => (trainable ? tf.variable(tf.tensor(w.values, w.shape)) : tf.tensor(w.values, w.shape)));
}

/** Forward pass in tfjs with fused conv/matMul + bias + relu (what tfjs-layers runs). */
export function tfjsPredictor(tf, weights, xValues) {
  const ws = tfjsWeights(tf, weights, false);
  const [c1, b1, c2, b2, d1, b3, d2, b4] = ws;
  const x = tf.tensor(xValues, [BATCH, 28, 28, 1]);
  const predict = () => tf.tidy(() => {
    let h = tf.fused.conv2d({ x, filter: c1, strides: 1, pad: 'same', bias: b1, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.fused.conv2d({ x: h, filter: c2, strides: 1, pad: 'same', bias: b2, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.fused.matMul({ a: tf.reshape(h, [BATCH, -1]), b: d1, bias: b3, activation: 'relu' });
    return tf.fused.matMul({ a: h, b: d2, bias: b4 });
  });
  return { predict, dispose: () => tf.dispose([...ws, x]) };
}

/** One Adam step in tfjs. */
export function tfjsTrainer(tf, weights, xValues, labels) {
  const vars = tfjsWeights(tf, weights, true);
  const [c1, b1, c2, b2, d1, b3, d2, b4] = vars;
  const x = tf.tensor(xValues, [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor(labels, [BATCH], 'int32'), 10);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const loss = () => {
    let h = tf.relu(tf.add(tf.conv2d(x, c1, 1, 'same'), b1));
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(tf.add(tf.conv2d(h, c2, 1, 'same'), b2));
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(tf.add(tf.matMul(tf.reshape(h, [BATCH, -1]), d1), b3));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, d2), b4));
  };
  const step = () => tf.tidy(() => optimizer.minimize(loss, true, vars).dataSync()[0]);
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([...vars, x, y]);
  };
  return { step, dispose };
}

export const CONVNETJS_DIFFERENCES =
  'ConvNetJS (npm 0.3.0) has no Adam: Adagrad (lr 1e-3) instead; float64; it runs forward/backward one sample at a time and updates once per 64 samples; same layers and initial weights';

/** The same network in ConvNetJS, with the same initial weights; a step is 64 per-sample train() calls. */
export function convnetjsTrainer(cnj, weights, xValues, labels) {
  const net = new cnj.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 128, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const [conv1, bias1, conv2, bias2, dense1, bias3, dense2, bias4] = weights;
  const withParams = net.layers.filter((l) => l.filters);
  // conv filters (kh, kw, cin, cout) -> per output Vol (kw, kh, cin); dense (in, out) -> per output.
  const load = (layer, w, b) => {
    const cout = w.shape[w.shape.length - 1];
    layer.filters.forEach((f, o) => {
      for (let i = 0; i < f.w.length; i++) f.w[i] = w.values[i * cout + o];
    });
    for (let o = 0; o < cout; o++) layer.biases.w[o] = b.values[o];
  };
  load(withParams[0], conv1, bias1);
  load(withParams[1], conv2, bias2);
  load(withParams[2], dense1, bias3);
  load(withParams[3], dense2, bias4);
  const trainer = new cnj.Trainer(net, { method: 'adagrad', learning_rate: LEARNING_RATE, batch_size: BATCH, l2_decay: 0 });
  const vols = Array.from({ length: BATCH }, (_, i) => {
    const v = new cnj.Vol(28, 28, 1, 0);
    v.w.set(xValues.subarray(i * 784, (i + 1) * 784));
    return v;
  });
  const step = () => {
    let loss = 0;
    for (let i = 0; i < BATCH; i++) loss += trainer.train(vols[i], labels[i]).cost_loss;
    return loss / BATCH;
  };
  return { step, dispose: () => {} };
}
