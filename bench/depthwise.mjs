// depthwiseConv2d forward throughput on MobileNet-like shapes: convkit's direct SIMD128 kernel
// against TensorFlow.js's wasm backend (XNNPACK dwconv, SIMD128, one thread), in one process,
// as GFLOP/s and % of the SIMD128 peak measured by the module's own peak_probe. Medians of
// alternating samples after warm-up. Also times convkit's two gradient kernels (tfjs-wasm has
// no depthwise gradients to compare with). Prints a table, writes bench/results/depthwise.json.
// Shapes: bench/shapes.mjs's DEPTHWISE_SHAPES; `node bench/depthwise.mjs [filter]` (or BENCH_FILTER)
// runs the rows whose name contains the filter and then writes no results file. Needs dist/.
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { grads, init, memory, ops, randomNormal, tidy } from '../dist/convkit.js';
import { formatTable, gflops, maxAbs, maxAbsDiff, medianMsPerCall, METHOD, selectShapes, startPeersAndPeak } from './lib.mjs';
import { DEPTHWISE_SHAPES, depthwiseFlops } from './shapes.mjs';

const { shapes: SHAPES, filtered } = selectShapes(DEPTHWISE_SHAPES);
const AGREEMENT_RTOL = 1e-4;

const wasmUrl = new URL('../dist/convkit.wasm', import.meta.url);
const resultsUrl = new URL('./results/depthwise.json', import.meta.url);

function benchShape(shape, seed, peak) {
  const x = randomNormal(shape.x, { seed });
  const filter = randomNormal(shape.filter, { seed: seed + 1, stddev: 0.3 });
  const tx = tf.tensor(x.dataSync(), shape.x);
  const tfilter = tf.tensor(filter.dataSync(), shape.filter);
  const { padding, strides = 1 } = shape;
  const convkitDw = () => ops.depthwiseConv2d(x, filter, { strides, padding });
  const tfjsDw = () => tf.depthwiseConv2d(tx, tfilter, strides, padding, 'NHWC');

  const [yc, yt] = [convkitDw(), tfjsDw()];
  const [a, b] = [yc.dataSync(), yt.dataSync()];
  const diff = maxAbsDiff(a, b);
  if (!(diff <= AGREEMENT_RTOL * maxAbs(b))) throw new Error(`${shape.name}: convkit and tfjs disagree (max |diff| ${diff})`);
  const outShape = yc.shape;
  yc.dispose();
  yt.dispose();

  const [convkitMs, tfjsMs] = medianMsPerCall([() => convkitDw().dispose(), () => tfjsDw().dispose()]);
  // Forward + both gradients (input and filter) through the tape, minus the forward alone.
  const dy = randomNormal(outShape, { seed: seed + 2 });
  const step = grads((xi, fi) => ops.sum(ops.mul(ops.depthwiseConv2d(xi, fi, { strides, padding }), dy)));
  const [trainMs] = medianMsPerCall([() => tidy(() => void step(x, filter))]);
  for (const t of [x, filter, tx, tfilter, dy]) t.dispose();

  const flops = depthwiseFlops(shape);
  const result = (ms) => ({ ms, gflops: gflops(flops, ms), percentOfPeak: (100 * gflops(flops, ms)) / peak.gflops });
  return { ...shape, strides, flops, convkit: result(convkitMs), tfjs: result(tfjsMs), ratio: tfjsMs / convkitMs, convkitForwardBackwardMs: trainMs, maxAbsDiff: diff };
}

async function main() {
  const { tfjs, peak } = await startPeersAndPeak(init, wasmUrl);

  const rows = SHAPES.map((shape, i) => benchShape(shape, 2000 * (i + 1), peak));
  console.log(`\ndepthwiseConv2d forward, NHWC, median of ${METHOD.samples} samples of >= ${METHOD.minSampleMs} ms after warm-up\n`);
  const header = ['shape', 'convkit ms', 'tfjs-wasm ms', 'convkit GFLOP/s', 'tfjs GFLOP/s', 'convkit/tfjs', 'convkit % peak', 'fwd+bwd ms', 'max |diff|'];
  console.log(formatTable(header, rows.map((r) => [
    r.name, r.convkit.ms.toFixed(3), r.tfjs.ms.toFixed(3), r.convkit.gflops.toFixed(2), r.tfjs.gflops.toFixed(2), r.ratio.toFixed(2),
    r.convkit.percentOfPeak.toFixed(1), r.convkitForwardBackwardMs.toFixed(3), r.maxAbsDiff.toExponential(1),
  ])));

  const leaks = { convkit: memory().numTensors, tfjs: tf.memory().numTensors };
  console.log(`\nlive tensors at the end: convkit ${leaks.convkit}, tfjs ${leaks.tfjs}`);
  if (leaks.convkit !== 0 || leaks.tfjs !== 0) process.exitCode = 1;
  if (filtered) return;
  const report = { runtime: 'node', node: process.version, v8: process.versions.v8, date: new Date().toISOString(), tfjs, method: METHOD, peak, rows };
  await mkdir(new URL('.', resultsUrl), { recursive: true });
  await writeFile(resultsUrl, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${resultsUrl.pathname}`);
}

await main();
