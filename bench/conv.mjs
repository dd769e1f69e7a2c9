// conv2d forward throughput: convkit against TensorFlow.js's wasm backend (XNNPACK, SIMD128, one
// thread), in one process, as GFLOP/s and as % of the machine's SIMD128 peak measured here by the
// module's own peak_probe (DESIGN.md, "Benchmarks"). Figures are medians of repeated samples after
// warm-up; the two libraries' samples alternate so background load hits both alike.
// Prints a table and writes bench/results/conv.json. Needs dist/ (npm run build).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { init, memory, ops, randomNormal } from '../dist/convkit.js';

const SHAPES = [
  { name: 'lecture 1x64x64x3 * 100 5x5', x: [1, 64, 64, 3], filter: [5, 5, 3, 100] },
  { name: 'batch 32x28x28x32 * 64 3x3', x: [32, 28, 28, 32], filter: [3, 3, 32, 64] },
];
const WARMUP_CALLS = 5;
const SAMPLES = 15;
const MIN_SAMPLE_MS = 30;
const PEAK_TARGET_MS = 75;
const PEAK_RUNS = 15;
// A wrong kernel is off by O(1) of the output's magnitude; reordered f32 sums by ~1e-6 of it.
const AGREEMENT_RTOL = 1e-4;

const wasmUrl = new URL('../dist/convkit.wasm', import.meta.url);
const resultsUrl = new URL('./results/conv.json', import.meta.url);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds per call of fn, over `calls` back-to-back calls. */
function msPerCall(fn, calls) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - start) / calls;
}

/** Warms fn up, then returns how many calls make one sample of at least MIN_SAMPLE_MS. */
function warmUp(fn) {
  const ms = median(Array.from({ length: WARMUP_CALLS }, () => msPerCall(fn, 1)));
  return Math.max(1, Math.ceil(MIN_SAMPLE_MS / ms));
}

/** Median ms per call of each function; samples alternate between them. */
function medianMsPerCall(fns) {
  const calls = fns.map(warmUp);
  const samples = fns.map(() => []);
  for (let s = 0; s < SAMPLES; s++) fns.forEach((fn, i) => samples[i].push(msPerCall(fn, calls[i])));
  return samples.map(median);
}

const gflops = (flops, ms) => flops / ms / 1e6;

/** The SIMD128 peak in GFLOP/s from the module's independent multiply-add chains. */
async function measurePeak() {
  const { instance } = await WebAssembly.instantiate(await readFile(wasmUrl), {});
  const { peak_probe: probe, peak_probe_flops_per_iteration: flopsPerIteration } = instance.exports;
  const probeMs = (iterations) => msPerCall(() => probe(iterations, 1.5), 1);
  const trial = 4_000_000;
  probeMs(trial); // the first call runs V8's baseline tier
  const trialMs = median([probeMs(trial), probeMs(trial), probeMs(trial)]);
  const iterations = Math.round((trial * PEAK_TARGET_MS) / trialMs);
  const ms = median(Array.from({ length: PEAK_RUNS }, () => probeMs(iterations)));
  return { gflops: gflops(iterations * flopsPerIteration(), ms), iterations, ms, runs: PEAK_RUNS };
}

/**
 * Starts tfjs's wasm backend on its SIMD, non-threaded binary with one XNNPACK thread. Only that
 * binary is given a real path (the other two point at files that do not exist), so a backend that
 * starts at all proves which .wasm was loaded.
 */
async function startTfjsWasm() {
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const file = 'tfjs-backend-wasm-simd.wasm';
  const absent = (name) => join(dist, `not-loaded-${name}`);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': absent('tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': join(dist, file),
    'tfjs-backend-wasm-threaded-simd.wasm': absent('tfjs-backend-wasm-threaded-simd.wasm'),
  });
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error(`tfjs wasm backend did not start from ${join(dist, file)}`);
  return {
    version: version_wasm,
    wasm: join(dist, file),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: getThreadsCount(),
  };
}

function convFlops({ x: [n, h, w, cin], filter: [kh, kw, , cout] }) {
  // SAME, stride 1: the output is h x w.
  return 2 * n * h * w * cout * kh * kw * cin;
}

function maxAbsDiff(a, b) {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function maxAbs(a) {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** Both libraries' outputs on the same inputs; throws if they disagree. */
function checkAgreement(shape, convkitOutput, tfjsOutput) {
  const diff = maxAbsDiff(convkitOutput, tfjsOutput);
  const scale = maxAbs(tfjsOutput);
  if (!(diff <= AGREEMENT_RTOL * scale)) {
    throw new Error(`${shape.name}: convkit and tfjs disagree (max |diff| ${diff} vs max |y| ${scale})`);
  }
  return { maxAbsDiff: diff, maxAbsOutput: scale };
}

function benchShape(shape, seed, peak) {
  const x = randomNormal(shape.x, { seed });
  const filter = randomNormal(shape.filter, { seed: seed + 1, stddev: 0.1 });
  const tx = tf.tensor(x.dataSync(), shape.x);
  const tfilter = tf.tensor(filter.dataSync(), shape.filter);
  const convkitConv = () => ops.conv2d(x, filter, { padding: 'same' });
  const tfjsConv = () => tf.conv2d(tx, tfilter, 1, 'same', 'NHWC');

  const [yc, yt] = [convkitConv(), tfjsConv()];
  const agreement = checkAgreement(shape, yc.dataSync(), yt.dataSync());
  yc.dispose();
  yt.dispose();

  const [convkitMs, tfjsMs] = medianMsPerCall([() => convkitConv().dispose(), () => tfjsConv().dispose()]);
  for (const t of [x, filter, tx, tfilter]) t.dispose();

  const flops = convFlops(shape);
  const result = (ms) => ({ ms, gflops: gflops(flops, ms), percentOfPeak: (100 * gflops(flops, ms)) / peak.gflops });
  return { ...shape, padding: 'same', flops, convkit: result(convkitMs), tfjs: result(tfjsMs), ratio: tfjsMs / convkitMs, ...agreement };
}

function formatTable(rows) {
  const header = ['shape', 'convkit GFLOP/s', 'tfjs-wasm GFLOP/s', 'convkit/tfjs', 'convkit % peak', 'tfjs % peak', 'max |diff|'];
  const lines = rows.map((r) => [
    r.name,
    r.convkit.gflops.toFixed(2),
    r.tfjs.gflops.toFixed(2),
    r.ratio.toFixed(2),
    r.convkit.percentOfPeak.toFixed(1),
    r.tfjs.percentOfPeak.toFixed(1),
    r.maxAbsDiff.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

async function main() {
  await init();
  const tfjs = await startTfjsWasm();
  console.log(`node ${process.version} (V8 ${process.versions.v8}), tfjs-backend-wasm ${tfjs.version}`);
  console.log(`tfjs wasm binary: ${tfjs.wasm} (simd ${tfjs.simd}, multithread ${tfjs.multithread}, XNNPACK threads ${tfjs.threads})`);

  const peak = await measurePeak();
  console.log(`SIMD128 peak: ${peak.gflops.toFixed(2)} GFLOP/s (peak_probe, ${peak.iterations} iterations, ${peak.ms.toFixed(1)} ms, median of ${peak.runs})`);

  const rows = SHAPES.map((shape, i) => benchShape(shape, 1000 * (i + 1), peak));
  console.log(`\nconv2d forward, NHWC, SAME, median of ${SAMPLES} samples of >= ${MIN_SAMPLE_MS} ms after warm-up\n`);
  console.log(formatTable(rows));

  const leaks = { convkit: memory().numTensors, tfjs: tf.memory().numTensors };
  console.log(`\nlive tensors at the end: convkit ${leaks.convkit}, tfjs ${leaks.tfjs}`);
  if (leaks.convkit !== 0 || leaks.tfjs !== 0) process.exitCode = 1;

  const report = {
    runtime: 'node',
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    tfjs,
    method: { warmupCalls: WARMUP_CALLS, samples: SAMPLES, minSampleMs: MIN_SAMPLE_MS, statistic: 'median' },
    peak,
    rows,
  };
  await mkdir(new URL('.', resultsUrl), { recursive: true });
  await writeFile(resultsUrl, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${resultsUrl.pathname}`);
}

await main();
