// conv2d forward throughput: convkit against TensorFlow.js's wasm backend (XNNPACK, SIMD128, one
// thread), in one process, as GFLOP/s and as % of the machine's SIMD128 peak measured here by the
// module's own peak_probe (DESIGN.md, "Benchmarks"). Figures are medians of repeated samples after
// warm-up; the two libraries' samples alternate so background load hits both alike.
// Shapes: bench/shapes.mjs's CONV2D_SHAPES; `node bench/conv.mjs [filter]` (or BENCH_FILTER) runs the
// rows whose name contains the filter (case-insensitive) and then writes no results file.
// Prints a table and writes bench/results/conv.json. Needs dist/ (npm run build).
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { init, memory, ops, randomNormal } from '../dist/convkit.js';
import { formatTable, gflops, maxAbs, maxAbsDiff, medianMsPerCall, METHOD, selectShapes, startPeersAndPeak } from './lib.mjs';
import { CONV2D_SHAPES, conv2dFlops } from './shapes.mjs';

const { shapes: SHAPES, filtered } = selectShapes(CONV2D_SHAPES);
// A wrong kernel is off by O(1) of the output's magnitude; reordered f32 sums by ~1e-6 of it.
const AGREEMENT_RTOL = 1e-4;

const wasmUrl = new URL('../dist/convkit.wasm', import.meta.url);
const resultsUrl = new URL('./results/conv.json', import.meta.url);

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
  const { padding, strides = 1 } = shape;
  const convkitConv = () => ops.conv2d(x, filter, { strides, padding });
  const tfjsConv = () => tf.conv2d(tx, tfilter, strides, padding, 'NHWC');

  const [yc, yt] = [convkitConv(), tfjsConv()];
  const agreement = checkAgreement(shape, yc.dataSync(), yt.dataSync());
  yc.dispose();
  yt.dispose();

  const [convkitMs, tfjsMs] = medianMsPerCall([() => convkitConv().dispose(), () => tfjsConv().dispose()]);
  for (const t of [x, filter, tx, tfilter]) t.dispose();

  const flops = conv2dFlops(shape);
  const result = (ms) => ({ ms, gflops: gflops(flops, ms), percentOfPeak: (100 * gflops(flops, ms)) / peak.gflops });
  return { ...shape, large: Boolean(shape.large), flops, convkit: result(convkitMs), tfjs: result(tfjsMs), ratio: tfjsMs / convkitMs, ...agreement };
}

function table(rows) {
  const header = ['shape', 'convkit ms', 'convkit GFLOP/s', 'tfjs-wasm GFLOP/s', 'convkit/tfjs', 'convkit % peak', 'tfjs % peak', 'max |diff|'];
  return formatTable(header, rows.map((r) => [
    r.name + (r.large ? ' (large)' : ''),
    r.convkit.ms.toFixed(3),
    r.convkit.gflops.toFixed(2),
    r.tfjs.gflops.toFixed(2),
    r.ratio.toFixed(2),
    r.convkit.percentOfPeak.toFixed(1),
    r.tfjs.percentOfPeak.toFixed(1),
    r.maxAbsDiff.toExponential(1),
  ]));
}

async function main() {
  const { tfjs, peak } = await startPeersAndPeak(init, wasmUrl);

  const rows = SHAPES.map((shape, i) => benchShape(shape, 1000 * (i + 1), peak));
  console.log(`\nconv2d forward, NHWC, median of ${METHOD.samples} samples of >= ${METHOD.minSampleMs} ms after warm-up\n`);
  console.log(table(rows));

  const leaks = { convkit: memory().numTensors, tfjs: tf.memory().numTensors };
  console.log(`\nlive tensors at the end: convkit ${leaks.convkit}, tfjs ${leaks.tfjs}`);
  if (leaks.convkit !== 0 || leaks.tfjs !== 0) process.exitCode = 1;

  const report = {
    runtime: 'node',
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    tfjs,
    method: METHOD,
    peak,
    rows,
  };
  if (filtered) return;
  await mkdir(new URL('.', resultsUrl), { recursive: true });
  await writeFile(resultsUrl, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${resultsUrl.pathname}`);
}

await main();
