// Complex FFT throughput, one transform of n = 256 ... 4096 points: convkit against fft.js (pure JS
// radix-4, npm) in one process. convkit is timed three ways: through the public API on one
// transform (ops.fft on a (1, n, 2) tensor: makes the output tensor and disposes it each call), on a
// batch of 16 in one call, and through the raw wasm export fft_c2c_f32 on data already in linear
// memory (the kernel alone, like fft.js's transform(out, in) on preallocated arrays). Medians of alternating samples after warm-up; both
// outputs are checked against each other first. MFLOP/s counts 5·n·log2(n) flops per transform.
// Prints a table, writes bench/results/fft.json; `run()` returns the rows for a suite. Needs dist/.
import FFT from 'fft.js';
import { init, ops, tensor } from '../dist/convkit.js';
import { formatTable, maxAbs, maxAbsDiff, medianMsPerCall, METHOD } from './lib.mjs';

const SIZES = [256, 512, 1024, 2048, 4096];
const BATCH = 16;
const TARGET_RATIO = 1.5;
const AGREEMENT_RTOL = 1e-5;

const wasmUrl = new URL('../dist/convkit.wasm', import.meta.url);
const resultsUrl = new URL('./results/fft.json', import.meta.url);

/** convkit's module instantiated on its own, so the export is called with nothing around it. */
async function rawModule() {
  const bytes = wasmUrl.protocol === 'file:' ? await (await import('node:fs/promises')).readFile(wasmUrl) : await (await fetch(wasmUrl)).arrayBuffer();
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return instance.exports;
}

function signal(n, seed) {
  let s = seed >>> 0;
  return Float32Array.from({ length: 2 * n }, () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 31 - 1);
}

function benchSize(raw, n) {
  const data = signal(n, 1000 + n);
  const bytes = 8 * n;
  const [x, y] = [raw.alloc(bytes), raw.alloc(bytes)];
  if (!x || !y) throw new Error(`fft n=${n}: wasm alloc failed`);
  new Float32Array(raw.memory.buffer, x, 2 * n).set(data);
  const kernel = () => {
    if (raw.fft_c2c_f32(x, y, 1, n, 1, 0) !== 0) throw new Error(`fft n=${n}: out of memory`);
  };

  const f = new FFT(n);
  const input = f.createComplexArray();
  const output = f.createComplexArray();
  data.forEach((v, i) => (input[i] = v));
  const fftjs = () => f.transform(output, input);

  const xt = tensor(data, [1, n, 2]);
  const api = () => ops.fft(xt).dispose();
  // The same transform BATCH times in one call: the op's fixed cost (an output tensor, the tape check) spread out.
  const batch = tensor(Float32Array.from({ length: BATCH * 2 * n }, (_, i) => data[i % (2 * n)]), [BATCH, n, 2]);
  const apiBatch = () => ops.fft(batch).dispose();

  kernel();
  fftjs();
  const viaApi = ops.fft(xt);
  const [a, b, c] = [new Float32Array(raw.memory.buffer, y, 2 * n).slice(), Float64Array.from(output), viaApi.dataSync()];
  viaApi.dispose();
  const diff = Math.max(maxAbsDiff(a, b), maxAbsDiff(c, b));
  if (!(diff <= AGREEMENT_RTOL * maxAbs(b) * Math.log2(n))) throw new Error(`fft n=${n}: convkit and fft.js disagree (max |diff| ${diff})`);

  const [kernelMs, apiMs, apiBatchMs, fftjsMs] = medianMsPerCall([kernel, api, apiBatch, fftjs]);
  xt.dispose();
  batch.dispose();
  raw.free(x, bytes);
  raw.free(y, bytes);
  const flops = 5 * n * Math.log2(n);
  const mflops = (ms) => flops / ms / 1e3;
  // Plain keys: the suite prints these rows as they are (bench/report.mjs).
  return {
    n,
    'kernel MFLOP/s': mflops(kernelMs),
    'ops.fft MFLOP/s': mflops(apiMs),
    [`ops.fft x${BATCH} MFLOP/s`]: mflops(apiBatchMs / BATCH),
    'fft.js MFLOP/s': mflops(fftjsMs),
    'kernel / fft.js': fftjsMs / kernelMs,
    'ops.fft / fft.js': fftjsMs / apiMs,
    [`ops.fft x${BATCH} / fft.js`]: (BATCH * fftjsMs) / apiBatchMs,
    'max abs diff': diff,
  };
}

export async function run() {
  await init();
  const raw = await rawModule();
  return SIZES.map((n) => benchSize(raw, n));
}

function print(rows) {
  console.log(`node ${process.version} (V8 ${process.versions.v8})`);
  console.log(`\ncomplex FFT, one transform (outer 1, inner 1), median of ${METHOD.samples} alternating samples of >= ${METHOD.minSampleMs} ms after warm-up; MFLOP/s = 5 n log2 n / time\n`);
  const header = Object.keys(rows[0]);
  console.log(formatTable(header, rows.map((r) => header.map((k) => (k === 'n' ? String(r[k]) : k === 'max abs diff' ? r[k].toExponential(1) : r[k].toFixed(k.endsWith('fft.js') ? 2 : 0))))));
  const below = rows.filter((r) => r['kernel / fft.js'] < TARGET_RATIO).map((r) => r.n);
  console.log(`\ntarget: kernel >= ${TARGET_RATIO}x fft.js throughput on every row: ${below.length ? `missed at n = ${below.join(', ')}` : 'met'}`);
}

async function main() {
  const [{ mkdir, readFile, writeFile }, { fileURLToPath }] = await Promise.all([import('node:fs/promises'), import('node:url')]);
  const rows = await run();
  print(rows);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  const fftjsVersion = JSON.parse(await readFile(new URL('../node_modules/fft.js/package.json', import.meta.url), 'utf8')).version;
  const record = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    peer: `fft.js ${fftjsVersion}`,
    method: { ...METHOD, interleaved: ['kernel (fft_c2c_f32 export)', 'ops.fft on a (1, n, 2) tensor', `ops.fft on a (${BATCH}, n, 2) tensor`, 'fft.js transform'], flopsPerTransform: '5 n log2 n' },
    targetRatio: TARGET_RATIO,
    rows,
  };
  await writeFile(resultsUrl, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(resultsUrl)}`);
}

const isMain = typeof process !== 'undefined' && process.argv?.[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href;
if (isMain) await main();
