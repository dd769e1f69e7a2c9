// A smoke test of the built package in whichever runtime runs this file (Deno, Bun, Node):
// conv2d with 'same' padding against a naive loop, and memory() back where it started.
// Prints one JSON line; test/runtimes.test.ts asserts on it.
import * as ck from '../../dist/convkit.js';

const ATOL = 1e-5;
const RTOL = 1e-5;

// Odd and even kernels, stride 1 and 2: 'same' puts the extra padding pixel at the bottom/right.
const CASES = [
  { x: [2, 5, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1] },
  { x: [1, 7, 6, 2], filter: [4, 3, 2, 3], strides: [2, 1] },
];

function runtime() {
  if (globalThis.Deno) return { name: 'deno', version: globalThis.Deno.version.deno };
  if (globalThis.Bun) return { name: 'bun', version: globalThis.Bun.version };
  return { name: 'node', version: globalThis.process?.versions.node };
}

/** Deterministic values in [-1, 1) that differ in every position. */
function values(shape, seed) {
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => (((i * 7919 + seed * 104729) % 2003) / 1001.5) - 1);
}

/** TensorFlow's 'same': out = ceil(in / stride), total padding split with the extra pixel after. */
function samePadding(size, kernel, stride) {
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2) };
}

/** Direct NHWC convolution in float64. */
function naiveConv2d(x, [n, h, w, c], f, [kh, kw, , co], [sh, sw]) {
  const rows = samePadding(h, kh, sh);
  const cols = samePadding(w, kw, sw);
  const y = new Float64Array(n * rows.out * cols.out * co);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh + ky - rows.before;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw + kx - cols.before;
              if (ix < 0 || ix >= w) continue;
              for (let i = 0; i < c; i++) sum += x[((b * h + iy) * w + ix) * c + i] * f[((ky * kw + kx) * c + i) * co + o];
            }
          }
          y[((b * rows.out + oy) * cols.out + ox) * co + o] = sum;
        }
  return { y, shape: [n, rows.out, cols.out, co] };
}

/** Runs one case; returns how many outputs miss the tolerance, and the largest error. */
function checkCase({ x: xShape, filter: fShape, strides }) {
  const xValues = values(xShape, 1);
  const fValues = values(fShape, 2);
  const expected = naiveConv2d(xValues, xShape, fValues, fShape, strides);
  const [shape, got] = ck.tidy(() => {
    const y = ck.ops.conv2d(ck.tensor(xValues, xShape), ck.tensor(fValues, fShape), { padding: 'same', strides });
    return [y.shape, y.dataSync()];
  });
  let mismatches = shape.join() === expected.shape.join() ? 0 : expected.y.length;
  let maxError = 0;
  expected.y.forEach((want, i) => {
    const error = Math.abs(got[i] - want);
    if (!(error <= ATOL + RTOL * Math.abs(want))) mismatches++;
    maxError = Math.max(maxError, error);
  });
  return { shape, expectedShape: expected.shape, mismatches, maxError };
}

try {
  await ck.init();
  const before = ck.memory();
  const cases = CASES.map(checkCase);
  const after = ck.memory();
  console.log(JSON.stringify({ runtime: runtime(), cases, before, after }));
} catch (error) {
  console.log(JSON.stringify({ runtime: runtime(), error: String(error?.stack ?? error) }));
  globalThis.process.exitCode = 1;
}
