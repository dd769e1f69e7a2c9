// The benchmark suite (issues 7 and 8): convkit against its peers in one process of one runtime.
//   1. conv2d forward over CONV2D_SHAPES: convkit, tfjs-wasm, onnxruntime-web, tfjs-cpu, ConvNetJS
//   2. depthwise 3x3 over DEPTHWISE_SHAPES: convkit, tfjs-wasm, onnxruntime-web (Conv, group = c);
//      then the forward and both gradients in one grads call: convkit, tfjs-cpu (tfjs-wasm when it can)
//   3. small-CNN inference, batch 64: convkit predict, onnxruntime-web, tfjs-wasm
//   4. small-CNN training step, batch 64: convkit (Adam), tfjs-cpu, ConvNetJS, PyTorch (host's)
//   5. FFT and circular convolution: bench/fft.mjs and bench/circular.mjs, when present
// Every output is checked against convkit's before any peer is timed. The fast libraries' samples
// alternate (bench/lib.mjs); the slow ones (tfjs-cpu, ConvNetJS) are timed apart, on the rows where a
// call fits the time budget. Runs in Node, Deno, Bun and browsers: no node: imports here; the host
// (bench/hosts/) supplies file bytes, paths and PyTorch. bench/run.mjs bundles it with esbuild.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as ck from '../dist/convkit.js';
import { extras } from 'convkit-bench-extras';
import { gflops, maxAbs, maxAbsDiff, measurePeak, median, medianMsPerCallAsync, METHOD, msPerCallAsync, startTfjsWasm } from './lib.mjs';
import { CONV2D_SHAPES, DEPTHWISE_SHAPES, conv2dFlops, depthwiseFlops } from './shapes.mjs';
import { conv2dModel, depthwiseModel, nchwToNhwc, nhwcToNchw, smallCnnModel } from './peers/onnx.mjs';
import * as cnn from './smallcnn.mjs';

// A wrong kernel is off by O(1) of the output's magnitude; reordered f32 sums by ~1e-6 of it.
export const AGREEMENT_RTOL = 1e-4;

export const LIBRARIES = {
  convkit: 'convkit (wasm SIMD128)',
  'convkit-model': 'convkit trainOnBatch',
  'tfjs-wasm': 'TensorFlow.js wasm (XNNPACK, SIMD, 1 thread)',
  'tfjs-cpu': 'TensorFlow.js cpu',
  ort: 'onnxruntime-web (wasm, SIMD, 1 thread)',
  convnetjs: 'ConvNetJS',
  pytorch: 'PyTorch native (1 thread)',
};

const QUICK = {
  conv2d: ['lecture 1x64x64x3 * 100 5x5', 'small CNN 32x28x28x32 * 64 3x3', 'ResNet 1x56x56x64 * 64 3x3', 'MobileNet 1x1 1x14x14x512 * 512'],
  depthwise: ['MobileNet dw 1x56x56x128 3x3', 'dw stride 2 1x112x112x64 3x3'],
  method: { warmupCalls: 2, warmupMs: 400, samples: 5, minSampleMs: 10, statistic: 'median' },
};

function settings(quick) {
  return quick
    ? { slow: { maxCallMs: 400, samples: 1 }, train: { steps: 5, warmup: 2 }, slowTrain: { steps: 1, warmup: 0 } }
    : { slow: { maxCallMs: 3000, samples: 3 }, train: { steps: 20, warmup: 5 }, slowTrain: { steps: 2, warmup: 1 } };
}

const errorText = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);

/** Relative max |diff| of a peer's output against convkit's; throws when above AGREEMENT_RTOL. */
function agree(reference, output, lib) {
  const scale = maxAbs(reference) || 1;
  const rel = maxAbsDiff(reference, output) / scale;
  if (!(rel <= AGREEMENT_RTOL)) throw new Error(`${lib} disagrees with convkit: max |diff| / max |y| = ${rel.toExponential(2)}`);
  return rel;
}

/**
 * Times one row. candidates: { lib: { run, output? } | { skipped } }, run may be async. Outputs are
 * checked first; fast ones are timed interleaved with convkit, slow ones apart within the budget.
 */
async function timeRow(candidates, { slow, method, probe, log }, flops) {
  const results = {};
  const agreement = {};
  // Copies: an output may be a view of a wasm heap that the next call reuses.
  const reference = candidates.convkit.output ? Float32Array.from(await candidates.convkit.output()) : null;
  const fast = [];
  const slowOnes = [];
  for (const [lib, c] of Object.entries(candidates)) {
    if (c.skipped) {
      results[lib] = { skipped: c.skipped };
      continue;
    }
    if (c.slow) {
      slowOnes.push([lib, c]);
      continue;
    }
    try {
      if (reference && lib !== 'convkit' && c.output) agreement[lib] = agree(reference, Float32Array.from(await c.output()), lib);
      fast.push([lib, c]);
    } catch (error) {
      results[lib] = { skipped: errorText(error) };
    }
  }
  // The peak probe takes its turn among the samples: each row's % of peak is against the machine's
  // speed during that row.
  const fastMs = await medianMsPerCallAsync([...fast.map(([, c]) => c.run), probe.run], method);
  fast.forEach(([lib], i) => (results[lib] = { ms: fastMs[i] }));
  const peakGflops = gflops(probe.flops, fastMs[fast.length]);
  for (const [lib, c] of slowOnes) {
    try {
      // A call that the rate of the rows before says would not fit the budget is not made.
      const rate = slow.rates?.[lib];
      if (flops && rate && flops / rate / 1e6 > slow.maxCallMs) {
        results[lib] = { skipped: `~${Math.round(flops / rate / 1e6)} ms per call expected (${rate.toFixed(2)} GFLOP/s on the rows before; budget ${slow.maxCallMs} ms)` };
        continue;
      }
      // The slow ones' first call is the agreement check, and tells whether more samples fit the budget.
      let output = null;
      const first = await msPerCallAsync(async () => (output = await (c.output ?? c.run)()), 1);
      if (reference && c.output) agreement[lib] = agree(reference, Float32Array.from(output), lib);
      const samples = [first];
      if (first <= slow.maxCallMs) {
        samples.length = 0;
        for (let s = 0; s < slow.samples; s++) samples.push(await msPerCallAsync(c.run, 1));
      }
      results[lib] = { ms: median(samples), samples: samples.length, ...(first > slow.maxCallMs ? { note: 'one call (over the budget for more)' } : {}) };
      if (flops && slow.rates) slow.rates[lib] = gflops(flops, results[lib].ms);
    } catch (error) {
      results[lib] = { skipped: errorText(error) };
    }
  }
  for (const [lib, c] of Object.entries(candidates)) c.dispose?.();
  for (const [lib, r] of Object.entries(results)) if (r.skipped) log(`    ${lib}: skipped: ${r.skipped}`);
  return { results, agreement, peakGflops };
}

function withFlops(results, flops, peakGflops) {
  for (const r of Object.values(results)) {
    if (r.ms === undefined) continue;
    r.gflops = gflops(flops, r.ms);
    r.percentOfPeak = (100 * r.gflops) / peakGflops;
  }
  return results;
}

/** onnxruntime-web session over model bytes, fed one NCHW input; run() resolves to the output data. */
async function ortRunner(ort, modelBytes, inputValues, dims) {
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', inputValues, dims) };
  const output = session.outputNames[0];
  return {
    run: async () => (await session.run(feeds))[output].data,
    dispose: () => session.release(),
  };
}

function tfjsOn(backend, fn) {
  return async () => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    return fn();
  };
}

/** ConvNetJS conv forward, one image at a time (it has no batch), same weights; null if it cannot. */
function convnetjsConv(cnj, shape, xValues, filterValues) {
  const [n, h, w, cin] = shape.x;
  const [kh, kw, , cout] = shape.filter;
  const stride = shape.strides ?? 1;
  if (kh !== kw) return { skipped: 'square kernels only' };
  if (shape.padding === 'same' && (stride !== 1 || kh % 2 === 0)) return { skipped: 'TF-style asymmetric same padding' };
  const pad = shape.padding === 'same' ? (kh - 1) / 2 : 0;
  const layer = new cnj.ConvLayer({ in_sx: w, in_sy: h, in_depth: cin, sx: kw, sy: kh, filters: cout, stride, pad });
  layer.filters.forEach((f, o) => {
    for (let i = 0; i < f.w.length; i++) f.w[i] = filterValues[i * cout + o];
  });
  const vols = Array.from({ length: n }, (_, i) => {
    const v = new cnj.Vol(w, h, cin, 0);
    v.w.set(xValues.subarray(i * h * w * cin, (i + 1) * h * w * cin));
    return v;
  });
  const forward = () => vols.map((v) => layer.forward(v, false).w);
  const output = () => {
    const outs = forward();
    const all = new Float32Array(outs.reduce((s, o) => s + o.length, 0));
    outs.forEach((o, i) => all.set(o, i * o.length));
    return all;
  };
  return { run: forward, output, slow: true };
}

async function loadPeers(host, log) {
  const peers = { notes: [] };
  try {
    peers.tfjsWasm = await startTfjsWasm(host.tfjsWasmDist);
  } catch (error) {
    peers.tfjsWasmError = errorText(error);
    log(`tfjs-wasm: skipped: ${peers.tfjsWasmError}`);
  }
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    if (host.ortWasmPaths) ort.env.wasm.wasmPaths = host.ortWasmPaths;
    ort.env.logLevel = 'error';
    // Starts the wasm backend now, so a runtime that cannot load it is skipped once, not per row.
    await ort.InferenceSession.create(conv2dModel({ x: [1, 4, 4, 1], filter: [1, 1, 1, 1], padding: 'same' }, [1]), { executionProviders: ['wasm'] });
    peers.ort = ort;
    peers.ortVersion = ort.env.versions?.web ?? ort.env.versions?.common;
  } catch (error) {
    peers.ortError = errorText(error);
    log(`onnxruntime-web: skipped: ${peers.ortError}`);
  }
  try {
    const mod = await import('convnetjs');
    peers.convnetjs = mod.default ?? mod;
    if (!peers.convnetjs.ConvLayer) throw new Error('convnetjs did not export ConvLayer');
  } catch (error) {
    peers.convnetjsError = errorText(error);
    log(`ConvNetJS: skipped: ${peers.convnetjsError}`);
  }
  return peers;
}

const skip = (reason) => ({ skipped: reason });

async function conv2dSection(ctx) {
  const { peers, log, quick } = ctx;
  const shapes = quick ? CONV2D_SHAPES.filter((s) => QUICK.conv2d.includes(s.name)) : CONV2D_SHAPES;
  const rows = [];
  for (const [i, shape] of shapes.entries()) {
    log(`  ${shape.name}`);
    const seed = 1000 * (i + 1);
    const strides = shape.strides ?? 1;
    const x = ck.randomNormal(shape.x, { seed });
    const filter = ck.randomNormal(shape.filter, { seed: seed + 1, stddev: 0.1 });
    const xv = x.dataSync();
    const fv = filter.dataSync();
    const options = { padding: shape.padding, strides };
    const candidates = {
      convkit: { run: () => ck.ops.conv2d(x, filter, options).dispose(), output: () => ck.tidy(() => ck.ops.conv2d(x, filter, options).dataSync()) },
    };
    const tensors = [x, filter];
    if (peers.tfjsWasm) {
      await tf.setBackend('wasm');
      const tx = tf.tensor(xv, shape.x);
      const tfl = tf.tensor(fv, shape.filter);
      candidates['tfjs-wasm'] = {
        run: tfjsOn('wasm', () => tf.conv2d(tx, tfl, strides, shape.padding).dispose()),
        output: tfjsOn('wasm', () => tf.tidy(() => tf.conv2d(tx, tfl, strides, shape.padding).dataSync())),
        dispose: () => tf.dispose([tx, tfl]),
      };
    } else candidates['tfjs-wasm'] = skip(peers.tfjsWasmError);
    if (peers.ort) {
      try {
        const [n, h, w, c] = shape.x;
        const r = await ortRunner(peers.ort, conv2dModel(shape, fv), nhwcToNchw(xv, shape.x), [n, c, h, w]);
        const outDims = [n, shape.filter[3], Math.ceil(h / strides), Math.ceil(w / strides)];
        if (shape.padding !== 'same') outDims.splice(2, 2, Math.floor((h - shape.filter[0]) / strides) + 1, Math.floor((w - shape.filter[1]) / strides) + 1);
        candidates.ort = { run: r.run, output: async () => nchwToNhwc(await r.run(), outDims), dispose: r.dispose };
      } catch (error) {
        candidates.ort = skip(errorText(error));
      }
    } else candidates.ort = skip(peers.ortError);
    const cpu = { x: null, f: null };
    candidates['tfjs-cpu'] = {
      slow: true,
      run: tfjsOn('cpu', () => {
        cpu.x ??= tf.tensor(xv, shape.x);
        cpu.f ??= tf.tensor(fv, shape.filter);
        tf.conv2d(cpu.x, cpu.f, strides, shape.padding).dispose();
      }),
      output: tfjsOn('cpu', () => {
        cpu.x ??= tf.tensor(xv, shape.x);
        cpu.f ??= tf.tensor(fv, shape.filter);
        return tf.tidy(() => tf.conv2d(cpu.x, cpu.f, strides, shape.padding).dataSync());
      }),
      dispose: () => tf.dispose([cpu.x, cpu.f].filter(Boolean)),
    };
    candidates.convnetjs = peers.convnetjs ? convnetjsConv(peers.convnetjs, shape, xv, fv) : skip(peers.convnetjsError);
    const flops = conv2dFlops(shape);
    const { results, agreement, peakGflops } = await timeRow(candidates, ctx, flops);
    await tf.setBackend(peers.tfjsWasm ? 'wasm' : 'cpu');
    for (const t of tensors) t.dispose();
    rows.push({ name: shape.name, shape, flops, large: !!shape.large, peakGflops, results: withFlops(results, flops, peakGflops), agreement });
  }
  return {
    id: 'conv2d', title: 'conv2d forward (NHWC; onnxruntime-web NCHW)', metric: 'gflops',
    libraries: ['convkit', 'tfjs-wasm', 'ort', 'tfjs-cpu', 'convnetjs'], rows,
    notes: [
      'tfjs-cpu and ConvNetJS are timed apart from the interleaved samples: a row is skipped when the rate of the rows before says one call would not fit the budget',
      'ConvNetJS has no batch: its time is one forward per image of the batch',
      'GFLOP/s counts the direct convolution\'s multiply-adds for every library. convkit runs the 3x3 stride-1 rows with 16 or more channels by Winograd F(2x2, 3x3), which does 2.25x fewer multiplies: there its GFLOP/s and % of peak are effective rates, and can exceed what the SIMD units do',
    ],
  };
}

async function depthwiseSection(ctx) {
  const { peers, log, quick } = ctx;
  const shapes = quick ? DEPTHWISE_SHAPES.filter((s) => QUICK.depthwise.includes(s.name)) : DEPTHWISE_SHAPES;
  const rows = [];
  for (const [i, shape] of shapes.entries()) {
    log(`  ${shape.name}`);
    const seed = 5000 + 1000 * i;
    const strides = shape.strides ?? 1;
    const x = ck.randomNormal(shape.x, { seed });
    const filter = ck.randomNormal(shape.filter, { seed: seed + 1, stddev: 0.3 });
    const xv = x.dataSync();
    const fv = filter.dataSync();
    const options = { padding: shape.padding, strides };
    const candidates = {
      convkit: { run: () => ck.ops.depthwiseConv2d(x, filter, options).dispose(), output: () => ck.tidy(() => ck.ops.depthwiseConv2d(x, filter, options).dataSync()) },
    };
    if (peers.tfjsWasm) {
      await tf.setBackend('wasm');
      const tx = tf.tensor(xv, shape.x);
      const tfl = tf.tensor(fv, shape.filter);
      candidates['tfjs-wasm'] = {
        run: () => tf.depthwiseConv2d(tx, tfl, strides, shape.padding).dispose(),
        output: () => tf.tidy(() => tf.depthwiseConv2d(tx, tfl, strides, shape.padding).dataSync()),
        dispose: () => tf.dispose([tx, tfl]),
      };
    } else candidates['tfjs-wasm'] = skip(peers.tfjsWasmError);
    if (peers.ort) {
      try {
        const [n, h, w, c] = shape.x;
        const r = await ortRunner(peers.ort, depthwiseModel(shape, fv), nhwcToNchw(xv, shape.x), [n, c, h, w]);
        const outDims = [n, c, Math.ceil(h / strides), Math.ceil(w / strides)];
        candidates.ort = { run: r.run, output: async () => nchwToNhwc(await r.run(), outDims), dispose: r.dispose };
      } catch (error) {
        candidates.ort = skip(errorText(error));
      }
    } else candidates.ort = skip(peers.ortError);
    const { results, agreement, peakGflops } = await timeRow(candidates, ctx);
    x.dispose();
    filter.dispose();
    const flops = depthwiseFlops(shape);
    rows.push({ name: shape.name, shape, flops, peakGflops, results: withFlops(results, flops, peakGflops), agreement });
  }
  return {
    id: 'depthwise', title: 'depthwise 3x3 forward (onnxruntime-web: Conv with group = channels)', metric: 'gflops',
    libraries: ['convkit', 'tfjs-wasm', 'ort'], rows, notes: [],
  };
}

/** Both gradients of sum(y · dy) for y = depthwiseConv2d(x, filter), from one grads call, in one array. */
function concatenated(dx, dfilter) {
  const all = new Float32Array(dx.length + dfilter.length);
  all.set(dx);
  all.set(dfilter, dx.length);
  return all;
}

/** TensorFlow.js's grads call on `backend`, on tensors made there on first use (outside any tidy). */
function tfjsDepthwiseGrads(backend, shape, values, options) {
  const t = {};
  const inputs = () => {
    t.x ??= tf.tensor(values.x, shape.x);
    t.f ??= tf.tensor(values.filter, shape.filter);
    t.dy ??= tf.tensor(values.dy, values.dyShape);
  };
  const call = () => tf.grads((a, b) => tf.sum(tf.mul(tf.depthwiseConv2d(a, b, options.strides, options.padding), t.dy)))([t.x, t.f]);
  return {
    run: tfjsOn(backend, () => {
      inputs();
      tf.tidy(() => void call());
    }),
    output: tfjsOn(backend, () => {
      inputs();
      return tf.tidy(() => concatenated(...call().map((g) => g.dataSync())));
    }),
    dispose: () => tf.dispose(Object.values(t)),
  };
}

async function depthwiseGradsSection(ctx) {
  const { peers, log, quick } = ctx;
  const shapes = quick ? DEPTHWISE_SHAPES.filter((s) => QUICK.depthwise.includes(s.name)) : DEPTHWISE_SHAPES;
  const notes = ['GFLOP/s counts three times the forward\'s multiply-adds: the forward, the input gradient and the filter gradient'];
  const libraries = ['convkit', 'tfjs-cpu'];
  // tfjs-wasm is asked once, on a small case, rather than failing on every row.
  if (peers.tfjsWasm) {
    const tiny = { x: [1, 4, 4, 2], filter: [3, 3, 2, 1] };
    const values = { x: new Float32Array(32), filter: new Float32Array(18), dy: new Float32Array(32), dyShape: [1, 4, 4, 2] };
    const probe = tfjsDepthwiseGrads('wasm', tiny, values, { strides: 1, padding: 'same' });
    try {
      await probe.output();
      libraries.splice(1, 0, 'tfjs-wasm');
    } catch (error) {
      notes.push(`tfjs-wasm: ${errorText(error)}`);
    } finally {
      probe.dispose();
    }
  } else notes.push(`tfjs-wasm: ${peers.tfjsWasmError}`);
  // Its own rates: tfjs-cpu's conv2d rates would mispredict its time here.
  const rowCtx = { ...ctx, slow: { ...ctx.slow, rates: {} } };
  const rows = [];
  for (const [i, shape] of shapes.entries()) {
    log(`  ${shape.name}`);
    const seed = 9000 + 1000 * i;
    const options = { padding: shape.padding, strides: shape.strides ?? 1 };
    const x = ck.randomNormal(shape.x, { seed });
    const filter = ck.randomNormal(shape.filter, { seed: seed + 1, stddev: 0.3 });
    const dyShape = ck.tidy(() => [...ck.ops.depthwiseConv2d(x, filter, options).shape]);
    const dy = ck.randomNormal(dyShape, { seed: seed + 2 });
    const values = { x: x.dataSync(), filter: filter.dataSync(), dy: dy.dataSync(), dyShape };
    const grads = ck.grads((a, b) => ck.ops.sum(ck.ops.mul(ck.ops.depthwiseConv2d(a, b, options), dy)));
    const candidates = {
      convkit: {
        run: () => ck.tidy(() => void grads(x, filter)),
        output: () => ck.tidy(() => concatenated(...grads(x, filter).map((g) => g.dataSync()))),
      },
    };
    if (libraries.includes('tfjs-wasm')) candidates['tfjs-wasm'] = tfjsDepthwiseGrads('wasm', shape, values, options);
    candidates['tfjs-cpu'] = { ...tfjsDepthwiseGrads('cpu', shape, values, options), slow: true };
    const flops = 3 * depthwiseFlops(shape);
    const { results, agreement, peakGflops } = await timeRow(candidates, rowCtx, flops);
    await tf.setBackend(peers.tfjsWasm ? 'wasm' : 'cpu');
    for (const t of [x, filter, dy]) t.dispose();
    rows.push({ name: shape.name, shape, flops, peakGflops, results: withFlops(results, flops, peakGflops), agreement });
  }
  return {
    id: 'depthwise-grads', title: 'depthwise 3x3 forward and both gradients (one grads call)', metric: 'gflops',
    libraries, rows, notes,
  };
}

async function batchOf64() {
  const sample = await ck.data.fashionMnistSample({ limit: cnn.BATCH });
  sample.test.x.dispose();
  sample.test.y.dispose();
  return { x: sample.train.x, y: sample.train.y, xValues: sample.train.x.dataSync(), labels: sample.train.y.dataSync() };
}

async function inferenceSection(ctx, weights, batch) {
  const { peers, log } = ctx;
  log('  small CNN predict, batch 64');
  const model = cnn.convkitModel(ck, weights);
  const candidates = {
    convkit: {
      run: () => model.predict(batch.x, { batchSize: cnn.BATCH }).dispose(),
      output: () => ck.tidy(() => model.predict(batch.x, { batchSize: cnn.BATCH }).dataSync()),
      dispose: () => model.dispose(),
    },
  };
  if (peers.ort) {
    try {
      const r = await ortRunner(peers.ort, smallCnnModel(weights, cnn.BATCH), batch.xValues.slice(), [cnn.BATCH, 1, 28, 28]);
      candidates.ort = { run: r.run, output: r.run, dispose: r.dispose };
    } catch (error) {
      candidates.ort = skip(errorText(error));
    }
  } else candidates.ort = skip(peers.ortError);
  if (peers.tfjsWasm) {
    await tf.setBackend('wasm');
    const p = cnn.tfjsPredictor(tf, weights, batch.xValues);
    candidates['tfjs-wasm'] = { run: () => p.predict().dispose(), output: () => tf.tidy(() => p.predict().dataSync()), dispose: p.dispose };
  } else candidates['tfjs-wasm'] = skip(peers.tfjsWasmError);
  const { results, agreement } = await timeRow(candidates, ctx);
  for (const r of Object.values(results)) if (r.ms !== undefined) r.imagesPerSecond = (cnn.BATCH * 1000) / r.ms;
  return {
    id: 'inference', title: 'small-CNN inference, batch 64 (ms per batch)', metric: 'ms',
    libraries: ['convkit', 'ort', 'tfjs-wasm'], rows: [{ name: 'small CNN predict b64', results, agreement }],
    notes: ['onnxruntime-web runs the same weights in NCHW (input 64x1x28x28 is the same bytes as NHWC)'],
  };
}

// Yields to the event loop between steps, so a browser page stays responsive to the runner's polls.
const yieldToLoop = () => new Promise((done) => setTimeout(done, 0));

/** Per-step ms of `steps` calls after `warmup` unmeasured ones. */
async function timeSteps(step, warmup, steps) {
  for (let i = 0; i < warmup; i++) {
    step();
    await yieldToLoop();
  }
  const times = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
    await yieldToLoop();
  }
  return times;
}

async function trainingSection(ctx, weights, batch) {
  const { peers, log, host, settings: set } = ctx;
  const results = {};
  const agreement = {};
  const notes = [];
  const firstLoss = {};
  const summary = (times) => ({ ms: median(times), steps: times.length, minMs: Math.min(...times), maxMs: Math.max(...times) });
  let memory = null;
  log('  convkit ops + Adam, convkit trainOnBatch');
  {
    const start = ck.memory();
    const ops = cnn.convkitOpsTrainer(ck, weights, batch);
    firstLoss.convkit = ops.step();
    const steady = ck.memory();
    for (let i = 1; i < set.train.warmup; i++) ops.step();
    const warm = ck.memory();
    const model = cnn.convkitModelTrainer(ck, weights, batch);
    firstLoss['convkit-model'] = model.step();
    for (let i = 1; i < set.train.warmup; i++) model.step();
    // Alternating rounds, so background load falls on both alike.
    const times = { ops: [], model: [] };
    const rounds = 3;
    for (let r = 0; r < rounds; r++) {
      times.ops.push(...await timeSteps(ops.step, 0, Math.ceil(set.train.steps / rounds)));
      times.model.push(...await timeSteps(model.step, 0, Math.ceil(set.train.steps / rounds)));
    }
    model.dispose();
    ops.dispose();
    results.convkit = summary(times.ops);
    results['convkit-model'] = summary(times.model);
    memory = { peakWasmBytes: warm.wasmBytes, growthBytes: warm.wasmBytes - start.wasmBytes, tensorBytes: steady.numBytes };
    agreement['convkit-model'] = Math.abs(firstLoss['convkit-model'] - firstLoss.convkit) / Math.abs(firstLoss.convkit);
  }
  log('  PyTorch');
  if (host.torch) {
    try {
      const run = await host.torch({ steps: set.train.steps, warmup: set.train.warmup, batch: cnn.BATCH });
      results.pytorch = run.skipped ? run : { ...summary(run.msPerStep), version: run.torch, threads: run.threads };
    } catch (error) {
      results.pytorch = skip(errorText(error));
    }
  } else results.pytorch = skip(`no PyTorch in ${host.runtime} (native: measured by the Node, Deno and Bun hosts)`);
  log('  tfjs-cpu');
  try {
    await tf.setBackend('cpu');
    const t = cnn.tfjsTrainer(tf, weights, batch.xValues, batch.labels);
    try {
      const start = performance.now();
      firstLoss['tfjs-cpu'] = t.step();
      const firstMs = performance.now() - start;
      const times = set.slowTrain.warmup === 0 && set.slowTrain.steps === 1 ? [firstMs] : await timeSteps(t.step, set.slowTrain.warmup - 1, set.slowTrain.steps);
      results['tfjs-cpu'] = summary(times);
      if (set.slowTrain.warmup === 0) notes.push('tfjs-cpu: --quick times its first step (no warm-up)');
      agreement['tfjs-cpu'] = Math.abs(firstLoss['tfjs-cpu'] - firstLoss.convkit) / Math.abs(firstLoss.convkit);
      if (!(agreement['tfjs-cpu'] <= AGREEMENT_RTOL)) results['tfjs-cpu'].disagrees = `first loss ${firstLoss['tfjs-cpu']} vs convkit ${firstLoss.convkit}`;
    } finally {
      t.dispose();
    }
  } catch (error) {
    results['tfjs-cpu'] = skip(errorText(error));
  } finally {
    if (peers.tfjsWasm) await tf.setBackend('wasm');
  }
  log('  ConvNetJS');
  if (peers.convnetjs) {
    try {
      const t = cnn.convnetjsTrainer(peers.convnetjs, weights, batch.xValues, batch.labels);
      firstLoss.convnetjs = t.step();
      agreement.convnetjs = Math.abs(firstLoss.convnetjs - firstLoss.convkit) / Math.abs(firstLoss.convkit);
      results.convnetjs = summary(await timeSteps(t.step, Math.max(0, set.slowTrain.warmup - 1), set.slowTrain.steps));
      notes.push(cnn.CONVNETJS_DIFFERENCES);
    } catch (error) {
      results.convnetjs = skip(errorText(error));
    }
  } else results.convnetjs = skip(peers.convnetjsError);
  for (const [lib, a] of Object.entries(agreement)) {
    if (!(a <= AGREEMENT_RTOL)) notes.push(`${lib}: first loss differs from convkit's by ${a.toExponential(2)} (relative)`);
  }
  for (const r of Object.values(results)) if (r.ms !== undefined) r.imagesPerSecond = (cnn.BATCH * 1000) / r.ms;
  notes.push('tfjs-wasm cannot train this net (no Conv2DBackpropFilter kernel); PyTorch runs bench/train_torch.py (its own init and random batch)');
  return {
    id: 'training', title: 'small-CNN training step, batch 64, Adam (ms per step)', metric: 'ms',
    libraries: ['convkit', 'convkit-model', 'pytorch', 'tfjs-cpu', 'convnetjs'],
    rows: [{ name: 'small CNN train step b64', results, agreement, firstLoss }], memory, notes,
  };
}

async function extraSection(id, load, ctx) {
  const base = { id, title: `${id} (bench/${id}.mjs)`, metric: 'custom', libraries: [], notes: [] };
  if (!load) return { ...base, skipped: `bench/${id}.mjs is not there yet`, rows: [] };
  try {
    const mod = await load();
    ctx.log(`  bench/${id}.mjs loaded; run(${ctx.quick ? '{ quick: true }' : ''})`);
    if (typeof mod.run !== 'function') return { ...base, skipped: `bench/${id}.mjs exports no run()`, rows: [] };
    const out = await mod.run({ quick: ctx.quick, log: ctx.log, method: ctx.method });
    if (Array.isArray(out)) return { ...base, rows: out };
    // A report object: its rows, and its other plain fields as a summary.
    const { rows = [], ...rest } = out ?? {};
    const summary = Object.fromEntries(Object.entries(rest).filter(([k]) => !['method', 'runtime', 'date'].includes(k)));
    return { ...base, title: rest.benchmark ?? base.title, rows, summary };
  } catch (error) {
    return { ...base, skipped: `bench/${id}.mjs failed: ${errorText(error)}`, rows: [] };
  }
}

/**
 * Runs the suite. host: { runtime, runtimeVersion, readBytes(repoPath) -> Promise<Uint8Array>,
 * tfjsWasmDist?, ortWasmPaths?, torch?({ steps, warmup, batch }), log? }. Returns the JSON report.
 */
export async function runSuite(host, { quick = false, sections = ['conv2d', 'depthwise', 'depthwise-grads', 'inference', 'training', 'fft', 'circular'] } = {}) {
  const log = host.log ?? ((line) => console.log(line));
  const method = quick ? QUICK.method : METHOD;
  const started = performance.now();
  await ck.init();
  const peers = await loadPeers(host, log);
  const { peak, probe } = await measurePeak(await host.readBytes('dist/convkit.wasm'));
  log(`${host.runtime} ${host.runtimeVersion}: SIMD128 peak ${peak.gflops.toFixed(2)} GFLOP/s; tfjs ${tf.version_core} (${peers.tfjsWasm ? `wasm simd ${peers.tfjsWasm.simd}, threads ${peers.tfjsWasm.threads}` : 'no wasm'}), onnxruntime-web ${peers.ortVersion ?? '-'}`);
  const ctx = { host, peers, log, quick, probe, method, slow: { ...settings(quick).slow, rates: {} }, settings: settings(quick) };
  const out = [];
  const run = async (id, fn) => {
    if (!sections.includes(id)) return;
    log(`[${id}]`);
    try {
      out.push(await fn());
    } catch (error) {
      log(`  ${id} failed: ${errorText(error)}`);
      out.push({ id, title: id, metric: 'custom', libraries: [], rows: [], notes: [], skipped: `failed: ${errorText(error)}` });
    }
  };
  await run('conv2d', () => conv2dSection(ctx));
  await run('depthwise', () => depthwiseSection(ctx));
  await run('depthwise-grads', () => depthwiseGradsSection(ctx));
  if (sections.includes('inference') || sections.includes('training')) {
    const weights = cnn.initialWeights(ck);
    const batch = await batchOf64();
    await run('inference', () => inferenceSection(ctx, weights, batch));
    await run('training', () => trainingSection(ctx, weights, batch));
    batch.x.dispose();
    batch.y.dispose();
  }
  await run('fft', () => extraSection('fft', extras.fft, ctx));
  await run('circular', () => extraSection('circular', extras.circular, ctx));
  for (const s of out) if (s.skipped) log(`  ${s.id}: skipped: ${s.skipped}`);
  return {
    runtime: host.runtime,
    runtimeVersion: host.runtimeVersion,
    userAgent: host.userAgent,
    cpu: host.cpu,
    date: new Date().toISOString(),
    quick,
    method,
    slowPeers: { maxCallMs: ctx.slow.maxCallMs, samples: ctx.slow.samples },
    agreementRtol: AGREEMENT_RTOL,
    peak,
    libraries: LIBRARIES,
    versions: { tfjs: tf.version_core, tfjsWasm: peers.tfjsWasm ?? null, ort: peers.ortVersion ?? null },
    network: cnn.NETWORK,
    leakedTensors: { convkit: ck.memory().numTensors },
    seconds: (performance.now() - started) / 1000,
    sections: out,
  };
}
