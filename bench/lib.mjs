// Helpers shared by the benchmark scripts: medians of alternating samples after warm-up, the
// SIMD128 peak probe, and tfjs's wasm backend pinned to its SIMD, one-thread binary.
// Portable (the suite, bench/suite.mjs, runs it in Deno, Bun and browsers too): node: modules are
// imported only inside the functions that need them, when no bytes or paths are passed.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';

// warmupMs: each function is also called for that long before it is timed. Engines compile wasm
// with a baseline tier and optimize hot functions in the background: in a browser, a kernel's first
// ~0.1-0.3 s ran several times slower, which a few warm-up calls of a fast op did not cover.
export const METHOD = { warmupCalls: 5, warmupMs: 400, samples: 15, minSampleMs: 30, statistic: 'median' };
const PEAK_TARGET_MS = 75;
const PEAK_RUNS = 15;
const PROBE_SAMPLE_MS = 10;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds per call of fn, over `calls` back-to-back calls. */
export function msPerCall(fn, calls) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - start) / calls;
}

/** Calls per sample so a sample lasts >= minSampleMs, after the warm-up calls; doubles the calls until
 * a batch is measurable (browsers coarsen performance.now(), so one fast call can read 0 ms). */
function warmUp(fn) {
  const start = performance.now();
  for (let i = 0; i < METHOD.warmupCalls || performance.now() - start < METHOD.warmupMs; i++) fn();
  for (let calls = 1; ; calls *= 2) {
    const total = msPerCall(fn, calls) * calls;
    if (total >= Math.min(5, METHOD.minSampleMs / 2) || calls >= 2 ** 24) return Math.max(1, Math.ceil((METHOD.minSampleMs * calls) / Math.max(total, 1e-3)));
  }
}

/** Median ms per call of each function; samples alternate between them. */
export function medianMsPerCall(fns) {
  const calls = fns.map(warmUp);
  const samples = fns.map(() => []);
  for (let s = 0; s < METHOD.samples; s++) fns.forEach((fn, i) => samples[i].push(msPerCall(fn, calls[i])));
  return samples.map(median);
}

/** msPerCall for functions that may return a promise (onnxruntime-web's run): each call is awaited. */
export async function msPerCallAsync(fn, calls) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return (performance.now() - start) / calls;
}

/**
 * Calls per sample so a sample lasts >= minSampleMs, after the warm-up calls. Doubles the calls until
 * a batch is measurable: browsers coarsen performance.now() (Firefox to 1 ms), so one fast call can
 * read 0 ms.
 */
async function callsPerSample(fn, method) {
  const start = performance.now();
  for (let i = 0; i < method.warmupCalls || performance.now() - start < (method.warmupMs ?? 0); i++) await fn();
  let calls = 1;
  for (;;) {
    const total = (await msPerCallAsync(fn, calls)) * calls;
    if (total >= Math.min(5, method.minSampleMs / 2) || calls >= 2 ** 24) return Math.max(1, Math.ceil((method.minSampleMs * calls) / Math.max(total, 1e-3)));
    calls *= 2;
  }
}

/** medianMsPerCall for a mix of sync and async functions; samples alternate between them. */
export async function medianMsPerCallAsync(fns, method = METHOD) {
  const calls = [];
  for (const fn of fns) calls.push(await callsPerSample(fn, method));
  const samples = fns.map(() => []);
  for (let s = 0; s < method.samples; s++) {
    for (let i = 0; i < fns.length; i++) samples[i].push(await msPerCallAsync(fns[i], calls[i]));
  }
  return samples.map(median);
}

export const gflops = (flops, ms) => flops / ms / 1e6;

/**
 * The SIMD128 peak in GFLOP/s from the module's independent multiply-add chains; wasm: file URL or
 * bytes. Also `probe`: one short run of the same chains (`run()`, `flops`), for timing the peak
 * interleaved with a row's own samples (this machine's speed drifts by a third within minutes).
 */
export async function measurePeak(wasm) {
  const bytes = wasm instanceof URL ? await (await import('node:fs/promises')).readFile(wasm) : wasm;
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const { peak_probe: probe, peak_probe_flops_per_iteration: flopsPerIteration } = instance.exports;
  const probeMs = (iterations) => msPerCall(() => probe(iterations, 1.5), 1);
  const trial = 4_000_000;
  probeMs(trial);
  const trialMs = median([probeMs(trial), probeMs(trial), probeMs(trial)]);
  const iterations = Math.round((trial * PEAK_TARGET_MS) / trialMs);
  const ms = median(Array.from({ length: PEAK_RUNS }, () => probeMs(iterations)));
  const probeIterations = Math.max(1, Math.round((iterations * PROBE_SAMPLE_MS) / PEAK_TARGET_MS));
  return {
    peak: { gflops: gflops(iterations * flopsPerIteration(), ms), iterations, ms, runs: PEAK_RUNS },
    probe: { run: () => probe(probeIterations, 1.5), flops: probeIterations * flopsPerIteration() },
  };
}

/**
 * tfjs's wasm backend on its SIMD, non-threaded binary (the others point at absent files), one XNNPACK
 * thread. dist: the package's dist/ folder as a path or URL prefix ending in '/'; default: resolved by Node.
 */
export async function startTfjsWasm(dist) {
  if (dist === undefined) {
    const [{ createRequire }, { dirname }] = await Promise.all([import('node:module'), import('node:path')]);
    dist = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;
  }
  const join = (folder, name) => (folder.endsWith('/') ? folder : `${folder}/`) + name;
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

export function maxAbsDiff(a, b) {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function maxAbs(a) {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** A plain-text table: first column left-aligned, the rest right-aligned. */
export function formatTable(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}
