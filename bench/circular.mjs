// Circular convolution: FFT vs direct, and whether conv2d's algorithm 'auto' picks the faster one.
// For image sizes, kernel sizes and channel counts: median ms per forward call of conv2d with padding
// 'circular' and algorithm 'direct', 'fft' and 'auto', samples interleaved in one process (so load
// hits all three alike). 'auto' must be within 10% of the faster of the other two on every row. Which
// path it took is read off its output (bit-identical to the path it ran), and the check compares that
// path's time with the faster one's, both measured in the same interleaved samples: on a loaded
// machine, auto's own median (also reported) carries the noise of a third series for the same work.
// It also fits the cost model's constants (ts/ops/circular.ts) to the direct and FFT timings:
// time ≈ a·macs + b·taps + c (direct) and d·transform + e·mix + f (FFT), fitted mostly to the
// within-row ratio direct/fft (see fitConstants).
// The constants in circular.ts are copied from `fitted` in bench/results/circular.json.
// Prints the crossover table; writes bench/results/circular.json. Needs dist/ (npm run build).
// `node bench/circular.mjs [--quick]`, or import { run } and call run({ quick }).
import { formatTable, maxAbs, maxAbsDiff, medianMsPerCallAsync } from './lib.mjs';
import { init, ops, randomNormal, tidy } from '../dist/convkit.js';

const SIZES = [8, 16, 32, 64, 128];
const KERNELS = [3, 5, 9, 15, 31];
/** [c_in, c_out]: one channel (the lecture's case), and two layer-like widths. */
const CHANNELS = [[1, 1], [4, 4], [16, 16]];
const AUTO_SLACK = 1.1;
const METHOD = { warmupCalls: 3, samples: 15, minSampleMs: 20, statistic: 'median' };
/** Rows whose direct call would take seconds are left out (the FFT wins them by orders of magnitude). */
const MAX_MACS = 1.1e9;
const QUICK = { warmupCalls: 2, samples: 5, minSampleMs: 10, statistic: 'median' };

/** The cost model's features (as ts/ops/circular.ts's circularConvWork) for a batch-1 h x h image. */
function work(h, k, cin, cout) {
  const points = h * h;
  return {
    macs: points * cin * cout * k * k,
    taps: points * k * k,
    transform: (cin + cin * cout + cout) * points * Math.max(1, Math.log2(points)),
    mix: h * (Math.floor(h / 2) + 1) * cin * cout,
  };
}

function rows(quick) {
  const out = [];
  for (const [cin, cout] of quick ? [[1, 1], [8, 8]] : CHANNELS) {
    for (const h of quick ? [16, 64] : SIZES) {
      for (const k of quick ? [3, 15] : KERNELS) if (k <= h && h * h * k * k * cin * cout <= MAX_MACS) out.push({ h, k, cin, cout });
    }
  }
  return out;
}

async function benchRow({ h, k, cin, cout }, seed, method) {
  const x = randomNormal([1, h, h, cin], { seed });
  const filter = randomNormal([k, k, cin, cout], { seed: seed + 1, stddev: 1 / k });
  const conv = (algorithm) => () => ops.conv2d(x, filter, { padding: 'circular', algorithm });
  const outputs = Object.fromEntries(['direct', 'fft', 'auto'].map((a) => [a, tidy(() => conv(a)().dataSync())]));
  const diff = maxAbsDiff(outputs.fft, outputs.direct);
  if (!(diff <= 1e-4 * (maxAbs(outputs.direct) + 1))) throw new Error(`h ${h} k ${k}: fft and direct disagree by ${diff}`);
  const same = (a, b) => a.every((v, i) => v === b[i]);
  const picked = same(outputs.auto, outputs.fft) ? 'fft' : same(outputs.auto, outputs.direct) ? 'direct' : 'unknown';
  const [direct, fft, auto] = await medianMsPerCallAsync(['direct', 'fft', 'auto'].map((a) => () => conv(a)().dispose()), method);
  x.dispose();
  filter.dispose();
  const best = Math.min(direct, fft);
  const pickedMs = { fft, direct }[picked] ?? auto;
  return {
    h, w: h, k, cin, cout, ...work(h, k, cin, cout), ms: { direct, fft, auto }, faster: fft < direct ? 'fft' : 'direct', autoPicked: picked,
    pickedOverBest: pickedMs / best, autoOverBest: auto / best, autoOk: pickedMs <= AUTO_SLACK * best, maxAbsDiff: diff,
  };
}

/** Least squares of t ≈ Σ p_j·f_j on relative error (each row divided by t), coefficients kept ≥ 0. */
function fit(features, times) {
  let active = features[0].map((_, j) => j);
  for (;;) {
    const a = active.map((i) => active.map((j) => features.reduce((s, f, r) => s + (f[i] * f[j]) / times[r] ** 2, 0)));
    const b = active.map((i) => features.reduce((s, f, r) => s + f[i] / times[r], 0));
    const solution = solve(a, b);
    const negative = solution.findIndex((v) => v < 0);
    if (negative < 0) {
      const out = features[0].map(() => 0);
      active.forEach((j, i) => (out[j] = solution[i]));
      return out;
    }
    active = active.filter((_, i) => i !== negative);
  }
}

/** Gaussian elimination with partial pivoting. */
function solve(a, b) {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    const p = m.slice(c).reduce((best, row, i) => (Math.abs(row[c]) > Math.abs(m[best][c]) ? c + i : best), c);
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

const NAMES = ['DIRECT_NS_PER_MAC', 'DIRECT_NS_PER_TAP', 'DIRECT_NS_PER_CALL', 'FFT_NS_PER_POINT_LOG', 'MIX_NS_PER_CMAC', 'FFT_NS_PER_CALL'];

/** The two models' estimates (ns) for a row, as ts/ops/circular.ts computes them. */
function estimates(p, r) {
  return [p[0] * r.macs + p[1] * r.taps + p[2], p[3] * r.transform + p[4] * r.mix + p[5]];
}

/** Nelder-Mead minimisation of f over R^n from x0. */
function nelderMead(f, x0, iterations = 4000) {
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + 0.5 : v)))].map((x) => ({ x, y: f(x) }));
  const combine = (a, b, t) => a.map((v, i) => v + t * (b[i] - v));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.y - b.y);
    const worst = simplex.at(-1);
    const centroid = simplex.slice(0, -1).reduce((c, p) => c.map((v, i) => v + p.x[i] / (simplex.length - 1)), x0.map(() => 0));
    const reflected = combine(centroid, worst.x, -1);
    const yr = f(reflected);
    if (yr < simplex[0].y) {
      const expanded = combine(centroid, worst.x, -2);
      const ye = f(expanded);
      simplex[simplex.length - 1] = ye < yr ? { x: expanded, y: ye } : { x: reflected, y: yr };
    } else if (yr < simplex.at(-2).y) {
      simplex[simplex.length - 1] = { x: reflected, y: yr };
    } else {
      const contracted = combine(centroid, worst.x, 0.5);
      const yc = f(contracted);
      if (yc < worst.y) simplex[simplex.length - 1] = { x: contracted, y: yc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: combine(simplex[0].x, p.x, 0.5), y: f(combine(simplex[0].x, p.x, 0.5)) }));
    }
  }
  simplex.sort((a, b) => a.y - b.y);
  return simplex[0].x;
}

/**
 * The cost constants. Load on a shared machine scales whole rows (a row's three series are
 * interleaved, rows are not), so absolute times fit loosely; what 'auto' needs is the sign of
 * log(direct/fft) on each row. Start from each model's linear fit (relative error), then minimise,
 * over log-constants, the expected loss of the choice: each row weighs |log(t_direct/t_fft)| (what a
 * wrong pick costs) times a smooth step of the predicted log-ratio on the wrong side, plus a light
 * pull towards the measured absolute times.
 */
function fitConstants(results) {
  const ns = (ms) => ms * 1e6;
  const start = [
    ...fit(results.map((r) => [r.macs, r.taps, 1]), results.map((r) => ns(r.ms.direct))),
    ...fit(results.map((r) => [r.transform, r.mix, 1]), results.map((r) => ns(r.ms.fft))),
  ].map((v) => Math.log(Math.max(v, 1e-6)));
  const loss = (logs) => {
    const p = logs.map(Math.exp);
    return results.reduce((sum, r) => {
      const [d, f] = estimates(p, r);
      const [td, tf] = [ns(r.ms.direct), ns(r.ms.fft)];
      const actual = Math.log(td / tf);
      const wrong = 1 / (1 + Math.exp((Math.sign(actual) * Math.log(d / f)) / 0.05));
      return sum + Math.abs(actual) * wrong + 0.01 * (Math.log(td / d) ** 2 + Math.log(tf / f) ** 2);
    }, 0);
  };
  const best = nelderMead(loss, start).map(Math.exp);
  return Object.fromEntries(NAMES.map((name, i) => [name, Number(best[i].toPrecision(3))]));
}

/** Rows where the constants would pick a path more than the slack slower than the faster one. */
function misses(constants, results) {
  const p = NAMES.map((n) => constants[n]);
  return results.filter((r) => {
    const [d, f] = estimates(p, r);
    return r.ms[f < d ? 'fft' : 'direct'] > AUTO_SLACK * Math.min(r.ms.direct, r.ms.fft);
  }).map((r) => `${r.h}x${r.w} k${r.k} ${r.cin}->${r.cout}`);
}

function table(results) {
  const header = ['h=w', 'k', 'c_in->c_out', 'direct ms', 'fft ms', 'auto ms', 'faster', 'auto took', 'took/best', 'auto/best'];
  return formatTable(header, results.map((r) => [
    String(r.h), String(r.k), `${r.cin}->${r.cout}`, r.ms.direct.toFixed(3), r.ms.fft.toFixed(3), r.ms.auto.toFixed(3), r.faster, r.autoPicked, r.pickedOverBest.toFixed(2) + (r.autoOk ? '' : ' !'), r.autoOverBest.toFixed(2),
  ]));
}

/** The cost constants 'auto' used in this run, read from the bundle (Node only; null elsewhere). */
async function constantsInBuild() {
  if (typeof process === 'undefined') return null;
  const source = await (await import('node:fs/promises')).readFile(new URL('../dist/convkit.js', import.meta.url), 'utf8');
  const names = ['DIRECT_NS_PER_MAC', 'DIRECT_NS_PER_TAP', 'DIRECT_NS_PER_CALL', 'FFT_NS_PER_POINT_LOG', 'MIX_NS_PER_CMAC', 'FFT_NS_PER_CALL'];
  return Object.fromEntries(names.map((n) => [n, Number(new RegExp(`const ${n} = ([0-9.e+-]+);`).exec(source)?.[1])]));
}

/** JIT-compiles both paths (and the tidy/tape machinery) before the first row, which would otherwise pay it. */
function warmUpProcess(ms = 500) {
  const x = randomNormal([1, 16, 16, 4], { seed: 0 });
  const filter = randomNormal([3, 3, 4, 4], { seed: 0 });
  const until = performance.now() + ms;
  while (performance.now() < until) for (const algorithm of ['direct', 'fft', 'auto']) ops.conv2d(x, filter, { padding: 'circular', algorithm }).dispose();
  x.dispose();
  filter.dispose();
}

/** Runs the grid; returns the report (rows, fitted constants, whether 'auto' passed on every row). */
export async function run({ quick = false, log = console.log } = {}) {
  await init();
  const method = quick ? QUICK : METHOD;
  warmUpProcess();
  // The first row measured in a process comes out slow whatever its size: measure one and drop it.
  await benchRow(rows(quick)[0], 0, method);
  const results = [];
  let seed = 1;
  for (const row of rows(quick)) {
    results.push(await benchRow(row, (seed += 2), method));
    log(`h ${row.h} k ${row.k} ${row.cin}->${row.cout}: direct ${results.at(-1).ms.direct.toFixed(3)} ms, fft ${results.at(-1).ms.fft.toFixed(3)} ms, auto ${results.at(-1).ms.auto.toFixed(3)} ms (${results.at(-1).autoPicked})`);
  }
  const report = {
    benchmark: 'circular conv2d, batch 1, stride 1: direct vs FFT vs auto',
    method: { ...method, interleaved: ['direct', 'fft', 'auto'], autoSlack: AUTO_SLACK },
    runtime: typeof process !== 'undefined' ? `node ${process.versions.node}` : 'browser',
    date: new Date().toISOString(),
    constants: await constantsInBuild(),
    fitted: fitConstants(results),
    /** Rows the fitted constants would get wrong on this run's timings. */
    fittedMisses: [],
    autoWithinSlackEveryRow: results.every((r) => r.autoOk),
    rows: results,
  };
  report.fittedMisses = misses(report.fitted, results);
  log(table(results));
  log(`fitted cost constants (copy into ts/ops/circular.ts): ${JSON.stringify(report.fitted)}; on this run they would miss: ${report.fittedMisses.join(', ') || 'none'}`);
  log(`'auto' within ${Math.round((AUTO_SLACK - 1) * 100)}% of the faster on every row: ${report.autoWithinSlackEveryRow}`);
  return report;
}

const isMain = typeof process !== 'undefined' && process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href;
if (isMain) {
  const quick = process.argv.includes('--quick');
  const report = await run({ quick });
  const { mkdir, writeFile } = await import('node:fs/promises');
  const resultsUrl = new URL(quick ? './results/circular-quick.json' : './results/circular.json', import.meta.url);
  await mkdir(new URL('.', resultsUrl), { recursive: true });
  await writeFile(resultsUrl, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${resultsUrl.pathname}`);
}
