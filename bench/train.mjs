// One training step of the README's small CNN (conv3x3x32-pool-conv3x3x64-pool-dense128-dense10,
// 'same' padding, relu; softmax cross-entropy; Adam 1e-3), batch 64, one thread, for:
//   convkit: autograd ops + its Adam kernels, and the same net through sequential + trainOnBatch;
//   PyTorch native: bench/train_torch.py in a child process, torch.set_num_threads(1);
//   TensorFlow.js's cpu backend, in this process. Its wasm backend is tried too: it has no
//   Conv2DBackpropFilter kernel, so it cannot train this net and is reported as skipped.
// convkit and tfjs start from the same weights and batch (real Fashion-MNIST samples) and must agree
// on the first loss, so both run the same network. Figures are medians of per-step times after
// warm-up. Also reports the wasm memory the step needs (memory().wasmBytes never shrinks).
// Writes bench/results/train.json (not on partial runs: --no-torch, --no-tfjs). Needs dist/.
//   node bench/train.mjs [--steps N] [--tfjs-steps N] [--no-torch] [--no-tfjs]
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as ck from '../dist/convkit.js';

const BATCH = 64;
const LEARNING_RATE = 1e-3;
const WARMUP_STEPS = 5;
const TFJS_WARMUP_STEPS = 1;
// Different initial summation orders; a wrong network is off by far more.
const LOSS_AGREEMENT_RTOL = 1e-4;
const PYTHON = '/usr/bin/python3';

const root = new URL('../', import.meta.url);
const resultsUrl = new URL('bench/results/train.json', root);
const tfjsVersion = createRequire(import.meta.url)('@tensorflow/tfjs-core/package.json').version;
// Named by version, so upgrading tfjs rebuilds it.
const tfjsBundleUrl = new URL(`node_modules/.cache/convkit-bench/tfjs-train-${tfjsVersion}.mjs`, root);

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const STEPS = option('--steps', 30);
const TFJS_STEPS = option('--tfjs-steps', 3);
const ROUNDS = 3;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per-step ms of `steps` calls after `warmup` unmeasured ones. */
function timeSteps(step, warmup, steps) {
  for (let i = 0; i < warmup; i++) step();
  return Array.from({ length: steps }, () => {
    const start = performance.now();
    step();
    return performance.now() - start;
  });
}

const summary = (times) => ({ msPerStep: median(times), steps: times.length, minMs: Math.min(...times), maxMs: Math.max(...times) });

/** He-normal weights and zero biases, as plain arrays so every library starts from the same values. */
function initialWeights() {
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

/** The network as autograd ops on Variables, stepped by convkit's Adam. */
function opsTrainer(weights, batch) {
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

/** The same network as a Sequential model (the README's), stepped by trainOnBatch. */
function modelTrainer(weights, batch) {
  const { layers } = ck;
  const model = ck.sequential([
    layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10 }),
  ]);
  model.weights.forEach((v, i) => ck.tidy(() => v.assign(ck.tensor(weights[i].values, weights[i].shape))));
  model.compile({ optimizer: ck.optimizers.adam({ learningRate: LEARNING_RATE }), loss: 'softmaxCrossEntropy' });
  return { step: () => model.trainOnBatch(batch.x, batch.y).loss, dispose: () => model.dispose() };
}

/** Warms a trainer up; `finish(times)` reports and frees, with the wasm memory the steps needed. */
function measured({ step, dispose }) {
  const start = ck.memory();
  const firstLoss = step(); // also creates Adam's state: 2 slots per variable and a step counter
  const steady = ck.memory();
  for (let i = 1; i < WARMUP_STEPS; i++) step();
  // Every step is alike, so wasm memory (which never shrinks) has reached its peak by now.
  const warm = ck.memory();
  const finish = (times) => {
    const after = ck.memory();
    dispose();
    return {
      firstLoss,
      ...summary(times),
      wasm: {
        peakBytes: warm.wasmBytes,
        growthDuringStepsBytes: warm.wasmBytes - start.wasmBytes,
        tensorBytes: steady.numBytes,
        leakedTensors: after.numTensors - steady.numTensors,
      },
    };
  };
  return { step, finish };
}

/** Per-step ms of train_torch.py, or why it could not run. */
function torchTimes(steps) {
  const script = fileURLToPath(new URL('bench/train_torch.py', root));
  const run = spawnSync(PYTHON, [script, '--steps', String(steps), '--warmup', String(WARMUP_STEPS), '--batch', String(BATCH)], { encoding: 'utf8' });
  if (run.error) return { skipped: `${PYTHON} not runnable (${run.error.code}); install python3 and python3-torch` };
  if (run.status !== 0) {
    const missing = /No module named 'torch'/.test(run.stderr);
    return { skipped: missing ? `PyTorch is not installed for ${PYTHON} (apt-get install python3-torch)` : `train_torch.py failed: ${run.stderr.trim().split('\n').pop()}` };
  }
  const out = JSON.parse(run.stdout.trim().split('\n').pop());
  return { version: out.torch, threads: out.threads, params: out.params, times: out.msPerStep };
}

/**
 * convkit (ops, then models API) and PyTorch in alternating rounds, so that background load on the
 * machine falls on all alike; PyTorch's process warms up afresh each round. The ops trainer warms up
 * first, so its wasm memory figures are the step's own (the model's include the ops trainer's tensors).
 */
function convkitAndTorch(weights, batch, withTorch) {
  const trainers = { ops: measured(opsTrainer(weights, batch)), model: null };
  trainers.model = measured(modelTrainer(weights, batch));
  const times = { ops: [], model: [], torch: [] };
  let torch = withTorch ? null : { skipped: '--no-torch' };
  const perRound = Math.ceil(STEPS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    times.ops.push(...timeSteps(trainers.ops.step, 0, perRound));
    times.model.push(...timeSteps(trainers.model.step, 0, perRound));
    if (torch?.skipped) continue;
    const run = torchTimes(perRound);
    if (run.skipped) torch = run;
    else {
      torch = { version: run.version, threads: run.threads, params: run.params };
      times.torch.push(...run.times);
    }
  }
  // Finished in reverse order of creation, so each sees only its own tensors come and go.
  const convkitModel = trainers.model.finish(times.model);
  return {
    convkit: trainers.ops.finish(times.ops),
    convkitModel,
    pytorch: torch.skipped ? torch : { ...torch, ...summary(times.torch) },
  };
}

/**
 * tfjs-core's gradients are ES modules with extension-less imports that Node cannot load, so they
 * are bundled once with esbuild (with the cpu and wasm backends, one copy of the engine).
 */
async function loadTfjs() {
  const built = await stat(tfjsBundleUrl).then(() => true, () => false);
  if (!built) {
    const { build } = await import('esbuild');
    await build({
      stdin: {
        contents: `export * from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
export { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';`,
        resolveDir: fileURLToPath(root),
      },
      bundle: true, platform: 'node', format: 'esm', mainFields: ['module', 'main'], logLevel: 'error',
      outfile: fileURLToPath(tfjsBundleUrl),
      // The bundle is ESM; tfjs's CommonJS parts still expect require and __dirname.
      banner: {
        js: "import { createRequire } from 'node:module'; import { fileURLToPath as toPath } from 'node:url'; import { dirname as dirOf } from 'node:path';" +
          ' const require = createRequire(import.meta.url); const __filename = toPath(import.meta.url); const __dirname = dirOf(__filename);',
      },
    });
  }
  return import(tfjsBundleUrl.href);
}

function tfjsStep(tf, weights, batch) {
  const vars = weights.map((w) => tf.variable(tf.tensor(w.values, w.shape)));
  const [c1, b1, c2, b2, d1, b3, d2, b4] = vars;
  const x = tf.tensor(batch.x.dataSync(), batch.x.shape);
  const labels = tf.oneHot(tf.tensor(batch.y.dataSync(), [BATCH], 'int32'), 10);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const loss = () => {
    let h = tf.relu(tf.add(tf.conv2d(x, c1, 1, 'same'), b1));
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(tf.add(tf.conv2d(h, c2, 1, 'same'), b2));
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(tf.add(tf.matMul(tf.reshape(h, [BATCH, -1]), d1), b3));
    return tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h, d2), b4));
  };
  const step = () => tf.tidy(() => optimizer.minimize(loss, true, vars).dataSync()[0]);
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([...vars, x, labels]);
  };
  return { step, dispose };
}

async function tfjsRun(tf, backend, weights, batch) {
  if (!(await tf.setBackend(backend))) return { skipped: `tfjs ${backend} backend did not start` };
  const { step, dispose } = tfjsStep(tf, weights, batch);
  try {
    const firstLoss = step();
    return { version: tf.version_core, firstLoss, ...summary(timeSteps(step, TFJS_WARMUP_STEPS - 1, TFJS_STEPS)) };
  } catch (error) {
    return { skipped: `cannot train this net: ${error.message}` };
  } finally {
    dispose();
  }
}

function agreement(convkit, tfjs) {
  if (!tfjs || tfjs.skipped) return null;
  const diff = Math.abs(convkit.firstLoss - tfjs.firstLoss);
  if (!(diff <= LOSS_AGREEMENT_RTOL * Math.abs(tfjs.firstLoss))) {
    throw new Error(`convkit and tfjs disagree on the first loss: ${convkit.firstLoss} vs ${tfjs.firstLoss}`);
  }
  return { convkitFirstLoss: convkit.firstLoss, tfjsFirstLoss: tfjs.firstLoss, absDiff: diff };
}

function line(name, r, convkit) {
  if (r.skipped) return `${name.padEnd(26)} skipped: ${r.skipped}`;
  const ratio = r === convkit ? '' : `   convkit ops speed-up: ${(r.msPerStep / convkit.msPerStep).toFixed(2)}x`;
  return `${name.padEnd(26)} ${r.msPerStep.toFixed(1).padStart(9)} ms/step  (median of ${r.steps})${ratio}`;
}

async function main() {
  await ck.init();
  const sample = await ck.data.fashionMnistSample({ limit: BATCH });
  const batch = { x: sample.train.x, y: sample.train.y };
  const weights = initialWeights();
  const params = weights.reduce((n, w) => n + w.values.length, 0);
  console.log(`small CNN, ${params} parameters, batch ${BATCH}, Adam ${LEARNING_RATE}, one thread; ${cpus()[0].model}`);

  const { convkit, convkitModel, pytorch } = convkitAndTorch(weights, batch, !process.argv.includes('--no-torch'));
  console.log(line('convkit ops (wasm SIMD128)', convkit, convkit));
  console.log(line('convkit trainOnBatch', convkitModel, convkit));
  console.log(line('PyTorch (native, 1 thread)', pytorch, convkit));
  let tfjsCpu = { skipped: '--no-tfjs' };
  let tfjsWasm = { skipped: '--no-tfjs' };
  if (!process.argv.includes('--no-tfjs')) {
    const tf = await loadTfjs();
    tfjsCpu = await tfjsRun(tf, 'cpu', weights, batch);
    console.log(line('TensorFlow.js cpu', tfjsCpu, convkit));
    tf.setWasmPaths(fileURLToPath(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', root)));
    tf.setThreadsCount(1);
    tfjsWasm = await tfjsRun(tf, 'wasm', weights, batch);
    console.log(line('TensorFlow.js wasm', tfjsWasm, convkit));
  }
  const check = agreement(convkit, tfjsCpu);
  if (Math.abs(convkitModel.firstLoss - convkit.firstLoss) > LOSS_AGREEMENT_RTOL * Math.abs(convkit.firstLoss)) {
    throw new Error(`the models API and the ops disagree on the first loss: ${convkitModel.firstLoss} vs ${convkit.firstLoss}`);
  }
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  console.log(`convkit wasm memory: ${mb(convkit.wasm.peakBytes)} MiB peak (the step grew it by ${mb(convkit.wasm.growthDuringStepsBytes)} MiB; weights, Adam state and the batch hold ${mb(convkit.wasm.tensorBytes)} MiB); leaked tensors: ops ${convkit.wasm.leakedTensors}, trainOnBatch ${convkitModel.wasm.leakedTensors}`);
  if (check) console.log(`first loss: convkit ${check.convkitFirstLoss.toFixed(6)}, tfjs ${check.tfjsFirstLoss.toFixed(6)}`);

  for (const t of [batch.x, batch.y, sample.test.x, sample.test.y]) t.dispose();
  const speedup = (peer) => (peer.skipped ? null : peer.msPerStep / convkit.msPerStep);
  const report = {
    runtime: 'node', node: process.version, cpu: cpus()[0].model, date: new Date().toISOString(),
    network: 'conv3x3x32(same,relu)-maxpool2-conv3x3x64(same,relu)-maxpool2-dense128(relu)-dense10, softmax cross-entropy',
    params, batch: BATCH, optimizer: `adam(${LEARNING_RATE})`, threads: 1,
    method: { statistic: 'median of per-step ms', warmupSteps: WARMUP_STEPS, tfjsWarmupSteps: TFJS_WARMUP_STEPS, convkitTorchRounds: ROUNDS },
    convkit, convkitModel, pytorch, tfjsCpu, tfjsWasm, firstLossAgreement: check,
    // > 1: convkit takes less time per step than the peer.
    convkitSpeedup: { pytorch: speedup(pytorch), tfjsCpu: speedup(tfjsCpu), tfjsWasm: speedup(tfjsWasm), modelsApi: speedup(convkitModel) },
  };
  if (process.argv.some((a) => a.startsWith('--no-'))) {
    console.log(`partial run (${process.argv.filter((a) => a.startsWith('--no-')).join(' ')}): ${fileURLToPath(resultsUrl)} left as it was`);
  } else {
    await mkdir(new URL('.', resultsUrl), { recursive: true });
    await writeFile(resultsUrl, JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${fileURLToPath(resultsUrl)}`);
  }
  if (convkit.wasm.leakedTensors !== 0 || convkitModel.wasm.leakedTensors !== 0) process.exitCode = 1;
}

await main();
