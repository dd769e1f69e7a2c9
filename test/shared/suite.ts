// The shared suite: the checks that run in Node (vitest) and in Chromium and Firefox
// (test/browser). Every check also asserts that memory() returns to where it started.
import type { Tensor } from '../../dist/convkit.js';
import { assert, assertClose, assertShape } from './compare.js';
import { conv2dSweep, convNdSweep, gemmSweep, instantiateRaw } from './kernels.js';
import { GRAD_TOLERANCE, numericalGradient } from './gradcheck.js';
import { modelChecks } from './models.js';
import { opRegistry } from './registry/index.js';
import type { Sample } from './registry/index.js';
import { randomDense } from './registry/types.js';
import type { Dense } from './reference.js';
import type { Check, ConvkitModule } from './types.js';

export interface SuiteInputs {
  /** Parsed test/fixtures/conv2d.json. */
  conv2dFixtures: Conv2dFixtures;
  /** The bytes of dist/convkit.wasm, for kernel-level checks on a separate instance. */
  wasmBytes: Uint8Array;
}

interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface Conv2dFixtures {
  cases: {
    name: string;
    x: FixtureTensor;
    filter: FixtureTensor;
    bias?: FixtureTensor;
    strides: [number, number];
    dilations: [number, number];
    padding: 'same' | 'valid' | [[number, number], [number, number]];
    activation: 'linear' | 'relu';
    y: FixtureTensor;
    /** The gradients of sum(y * dy) with respect to x, filter and bias. */
    dy: FixtureTensor;
    dx: FixtureTensor;
    dfilter: FixtureTensor;
    dbias?: FixtureTensor;
  }[];
}

type Conv2dFixture = Conv2dFixtures['cases'][number];

/** Public ops that are not tensor ops (shape helpers) and need no registry entry. */
const NOT_TENSOR_OPS = new Set(['conv2dGeometry', 'pool2dGeometry', 'convGeometry', 'conv1dGeometry', 'conv3dGeometry']);

function withLeakCheck(ck: ConvkitModule, check: Check): Check {
  return {
    name: check.name,
    run: async () => {
      const before = ck.memory();
      await check.run();
      const after = ck.memory();
      assert(
        after.numTensors === before.numTensors && after.numBytes === before.numBytes,
        `leak: ${after.numTensors - before.numTensors} tensors, ${after.numBytes - before.numBytes} bytes not freed`,
      );
    },
  };
}

function fromDense(ck: ConvkitModule, d: Dense, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  return dtype === 'int32' ? ck.tensor(Int32Array.from(d.data), d.shape) : ck.tensor(Float32Array.from(d.data), d.shape);
}

function sampleTensors(ck: ConvkitModule, sample: Sample): Tensor[] {
  return sample.inputs.map((d, i) => fromDense(ck, d, sample.dtypes?.[i]));
}

/** Checks the gradient of Σ op ⊙ r with respect to each input the sample lists. */
function gradientCheck(ck: ConvkitModule, label: string, sample: Sample): void {
  const out = sample.reference(ck, sample.inputs);
  const r = randomDense(out.shape, 99).data;
  const analytic = ck.tidy(() => {
    const weights = ck.tensor(Float32Array.from(r), out.shape);
    const grads = ck.grads((...xs) => ck.ops.sum(ck.ops.mul(sample.run(ck, xs), weights)))(...sampleTensors(ck, sample));
    return grads.map((g) => g.dataSync());
  });
  for (const index of sample.grad!) {
    const numerical = numericalGradient((xs) => sample.reference(ck, xs), sample.inputs, index, r);
    assertClose(`${label}: gradient of input ${index}`, analytic[index]!, numerical, GRAD_TOLERANCE);
  }
}

function registryChecks(ck: ConvkitModule): Check[] {
  const registry = opRegistry();
  const checks: Check[] = [
    {
      name: 'registry: every public op has an entry',
      run: () => {
        const declared = new Set(registry.map((e) => e.op));
        const missing = Object.keys(ck.ops).filter((name) => !NOT_TENSOR_OPS.has(name) && !declared.has(name));
        assert(missing.length === 0, `ops without a registry entry: ${missing.join(', ')}`);
      },
    },
  ];
  for (const entry of registry) {
    for (const sample of entry.samples) {
      checks.push({
        name: `${entry.op}: ${sample.label}`,
        run: () => {
          const expected = sample.reference(ck, sample.inputs);
          const got = ck.tidy(() => {
            const out = sample.run(ck, sampleTensors(ck, sample));
            return { shape: [...out.shape], data: out.dataSync() };
          });
          assertShape(`${entry.op}: ${sample.label}`, got.shape, expected.shape);
          assertClose(`${entry.op}: ${sample.label}`, got.data, expected.data, sample.tolerance);
        },
      });
      if (sample.grad?.length) {
        checks.push({ name: `${entry.op}: gradient check, ${sample.label}`, run: () => gradientCheck(ck, entry.op, sample) });
      }
    }
    for (const error of entry.errors) {
      checks.push({
        name: `${entry.op}: rejects ${error.label} with ${error.error}, and the next op still works`,
        run: () => {
          let caught: unknown;
          try {
            ck.tidy(() => void error.run(ck));
          } catch (e) {
            caught = e;
          }
          assert(caught instanceof ck[error.error], `expected ${error.error}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
          assert(error.message.test((caught as Error).message), `message ${JSON.stringify((caught as Error).message)} does not match ${error.message}`);
          const sum = ck.tidy(() => Array.from(ck.ops.add(ck.ones([3]), ck.ones([3])).dataSync()));
          assert(sum.join(',') === '2,2,2', 'the library did not work after the error');
        },
      });
    }
  }
  return checks;
}

function fixtureConv(ck: ConvkitModule, c: Conv2dFixture, x: Tensor, filter: Tensor, bias: Tensor | undefined): Tensor {
  return ck.ops.conv2d(x, filter, { strides: c.strides, dilations: c.dilations, padding: c.padding, activation: c.activation, ...(bias ? { bias } : {}) });
}

function fixtureTensor(ck: ConvkitModule, f: FixtureTensor): Tensor {
  return ck.tensor(Float32Array.from(f.data), f.shape);
}

function fixtureChecks(ck: ConvkitModule, fixtures: Conv2dFixtures): Check[] {
  assert(fixtures.cases.length > 0, 'no conv2d fixtures');
  return fixtures.cases.flatMap((c) => [
    {
      name: `conv2d matches PyTorch: ${c.name}`,
      run: () => {
        const got = ck.tidy(() => {
          const y = fixtureConv(ck, c, fixtureTensor(ck, c.x), fixtureTensor(ck, c.filter), c.bias && fixtureTensor(ck, c.bias));
          return { shape: [...y.shape], data: y.dataSync() };
        });
        assertShape(c.name, got.shape, c.y.shape);
        assertClose(c.name, got.data, c.y.data, { atol: 1e-5, rtol: 1e-4 });
      },
    },
    {
      name: `conv2d gradients match PyTorch: ${c.name}`,
      run: () => {
        const got = ck.tidy(() => {
          const dy = fixtureTensor(ck, c.dy);
          const inputs = [c.x, c.filter, ...(c.bias ? [c.bias] : [])].map((f) => fixtureTensor(ck, f));
          const loss = (x: Tensor, filter: Tensor, bias?: Tensor) => ck.ops.sum(ck.ops.mul(fixtureConv(ck, c, x, filter, bias), dy));
          return ck.grads(loss)(...inputs).map((g) => g.dataSync());
        });
        const expected = [c.dx, c.dfilter, ...(c.dbias ? [c.dbias] : [])];
        expected.forEach((e, i) => assertClose(`${c.name}: gradient ${['dx', 'dfilter', 'dbias'][i]}`, got[i]!, e.data, { atol: 1e-4, rtol: 1e-4 }));
      },
    },
  ]);
}

function kernelChecks(wasmBytes: Uint8Array): Check[] {
  const raw = instantiateRaw(wasmBytes);
  return [
    { name: 'kernels: SIMD GEMM matches the scalar reference on sizes from 1 to 97, primes included', run: async () => gemmSweep(await raw, 7, 60) },
    { name: 'kernels: SIMD conv2d matches the scalar reference on random geometries', run: async () => conv2dSweep(await raw, 11, 60) },
    { name: 'kernels: SIMD conv_nd (1/2/3-D, groups, circular) matches the scalar reference on random geometries', run: async () => convNdSweep(await raw, 13, 60) },
  ];
}

function runtimeChecks(ck: ConvkitModule): Check[] {
  return [
    {
      name: 'tensor: shape, dtype and values round-trip; int32 by argument or Int32Array',
      run: async () => {
        ck.tidy(() => {
          const a = ck.tensor([[1, 2, 3], [4, 5, 6]]);
          assertShape('nested', [...a.shape], [2, 3]);
          assert(a.dtype === 'float32' && a.size === 6 && a.rank === 2, 'float32 by default');
          const b = ck.tensor([1, 2, 3, 4], [2, 2], 'int32');
          assert(b.dtype === 'int32' && b.dataSync() instanceof Int32Array, "'int32' as third argument");
          assert(ck.tensor(new Int32Array([7])).dtype === 'int32', 'Int32Array implies int32');
          assert(ck.tensor(5).rank === 0 && ck.tensor(5).dataSync()[0] === 5, 'a scalar has rank 0');
          assertClose('zeros/ones', [...ck.zeros([2]).dataSync(), ...ck.ones([2]).dataSync()], [0, 0, 1, 1]);
        });
        const t = ck.tensor([1.5, -2]);
        const values = await t.data();
        t.dispose();
        assertClose('data()', values, [1.5, -2]);
      },
    },
    {
      name: 'tensor: rejects bad shapes, lengths and dtypes',
      run: () => {
        const expectError = (f: () => unknown, cls: 'ShapeError' | 'DTypeError', pattern: RegExp) => {
          try {
            ck.tidy(() => void f());
          } catch (e) {
            assert(e instanceof ck[cls] && pattern.test(e.message), `unexpected ${String(e)}`);
            return;
          }
          throw new Error(`expected ${cls}`);
        };
        expectError(() => ck.tensor([1, 2, 3], [2, 2]), 'ShapeError', /^tensor: argument 'values' expected 4 values for shape \[2, 2\], received 3$/);
        expectError(() => ck.zeros([2, -1]), 'ShapeError', /^zeros: argument 'shape' expected an array of non-negative integers/);
        expectError(() => ck.tensor([1], [1], 'float64' as 'float32'), 'DTypeError', /^tensor: argument 'dtype' expected 'float32' or 'int32', received float64$/);
      },
    },
    {
      name: 'memory: counts tensors and bytes; dispose is idempotent and dataSync after dispose throws',
      run: () => {
        const before = ck.memory();
        const t = ck.zeros([10, 10]);
        assert(ck.memory().numTensors === before.numTensors + 1 && ck.memory().numBytes === before.numBytes + 400, 'one tensor of 400 bytes');
        assert(ck.memory().wasmBytes >= 65536, 'wasmBytes is the linear memory size');
        t.dispose();
        t.dispose();
        assert(t.isDisposed, 'isDisposed');
        let caught: unknown;
        try {
          t.dataSync();
        } catch (e) {
          caught = e;
        }
        assert(caught instanceof ck.DisposedError, 'dataSync on a disposed tensor throws DisposedError');
      },
    },
    {
      name: 'tidy: frees what fn made and did not return; nested scopes; keep(); errors inside free too',
      run: () => {
        const start = ck.memory().numTensors;
        let exempt: Tensor | undefined;
        const kept = ck.tidy(() => {
          const a = ck.ones([4]);
          const inner = ck.tidy(() => ck.ops.add(a, ck.ones([4])));
          exempt = ck.keep(ck.zeros([1]));
          return { sum: ck.ops.mul(inner, inner), list: [ck.ones([2])] };
        });
        assert(ck.memory().numTensors === start + 3, `expected 3 live tensors (sum, list[0], kept), got ${ck.memory().numTensors - start}`);
        assertClose('tidy result', kept.sum.dataSync(), [4, 4, 4, 4]);
        kept.sum.dispose();
        kept.list[0]!.dispose();
        assert(ck.memory().numTensors === start + 1, 'the kept tensor survives');
        try {
          ck.tidy(() => {
            ck.ones([8]);
            throw new Error('inside');
          });
        } catch {
          // expected
        }
        assert(ck.memory().numTensors === start + 1, 'a throwing fn leaves nothing behind');
        let asyncError: unknown;
        try {
          ck.tidy((() => Promise.resolve()) as unknown as () => void);
        } catch (e) {
          asyncError = e;
        }
        assert(asyncError instanceof ck.ValueError, 'tidy rejects async functions');
        exempt!.dispose();
      },
    },
    {
      name: 'randomNormal: same seed gives the same values; mean and spread as asked',
      run: () => {
        ck.tidy(() => {
          const a = Array.from(ck.randomNormal([4000], { seed: 42, mean: 2, stddev: 3 }).dataSync());
          const b = Array.from(ck.randomNormal([4000], { seed: 42, mean: 2, stddev: 3 }).dataSync());
          assert(a.every((v, i) => v === b[i]), 'deterministic');
          const mean = a.reduce((s, v) => s + v, 0) / a.length;
          const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
          assert(Math.abs(mean - 2) < 0.2 && Math.abs(sd - 3) < 0.2, `mean ${mean}, sd ${sd}`);
        });
      },
    },
    {
      name: 'errors: a tensor larger than wasm32 memory is an OutOfMemoryError, and the library goes on',
      run: () => {
        let caught: unknown;
        try {
          ck.zeros([2_000_000_000]);
        } catch (e) {
          caught = e;
        }
        assert(caught instanceof ck.OutOfMemoryError, `expected OutOfMemoryError, got ${String(caught)}`);
        assert(/^zeros: could not allocate 8000000000 bytes/.test((caught as Error).message), (caught as Error).message);
        assertClose('after OOM', ck.tidy(() => ck.ops.relu(ck.tensor([-1, 1])).dataSync()), [0, 1]);
      },
    },
    {
      name: 'packed copies: conv2d and matMul reuse a packed filter until it or the bias is written, and free it with the filter',
      run: () => packedCopyChecks(ck),
    },
  ];
}

/** Each call with `weights` must give exactly what the same call gives with fresh copies (packed anew). */
function packedCopyChecks(ck: ConvkitModule): void {
  const copy = (t: Tensor) => ck.tensor(t.dataSync(), t.shape);
  type Op = (w: Tensor, bias?: Tensor) => Tensor;
  const expectFresh = (label: string, op: Op, w: Tensor, bias?: Tensor) =>
    ck.tidy(() => {
      const [got, want] = [op(w, bias).dataSync(), op(copy(w), bias && copy(bias)).dataSync()];
      assert(got.every((v, i) => Object.is(v, want[i])), `${label}: differs from the same call with fresh copies`);
    });
  const image = ck.randomNormal([2, 6, 6, 4], { seed: 1 });
  const rows = ck.randomNormal([3, 7], { seed: 2 });
  const filter = ck.tidy(() => ck.variable(ck.randomNormal([3, 3, 4, 5], { seed: 3 })));
  const weights = ck.tidy(() => ck.variable(ck.randomNormal([7, 5], { seed: 4 })));
  const bias = ck.tidy(() => ck.variable(ck.randomNormal([5], { seed: 5 })));
  const otherBias = ck.randomNormal([5], { seed: 6 });
  const sgd = ck.optimizers.sgd({ learningRate: 0.5 });
  const conv: Op = (w, b) => ck.ops.conv2d(image, w, { padding: 'same', ...(b ? { bias: b } : {}) });
  const dense: Op = (w, b) => ck.ops.matMul(rows, w, b ? { bias: b } : {});
  try {
    for (const [name, op, w] of [['conv2d', conv, filter], ['matMul', dense, weights]] as const) {
      expectFresh(`${name} first call`, op, w, bias);
      expectFresh(`${name} second call`, op, w, bias);
      ck.tidy(() => w.assign(ck.randomNormal(w.shape, { seed: 7 })));
      expectFresh(`${name} after assign`, op, w, bias);
      ck.tidy(() => sgd.applyGradients([w], [ck.ones(w.shape)]));
      expectFresh(`${name} after an optimizer step`, op, w, bias);
      ck.tidy(() => bias.assign(ck.randomNormal([5], { seed: 8 })));
      expectFresh(`${name} after the bias is assigned`, op, w, bias);
      expectFresh(`${name} with another bias`, op, w, otherBias);
      expectFresh(`${name} without bias`, op, w);
      expectFresh(`${name} with the first bias again`, op, w, bias);
    }
    // One packed copy per tensor, for the last way it was used: groups 1 and 2, B plain and transposed, by turns.
    const [halfFilter, narrowImage] = [ck.randomNormal([3, 3, 2, 4], { seed: 10 }), ck.randomNormal([2, 6, 6, 2], { seed: 11 })];
    const grouped: Op = (w) => ck.ops.conv2d(image, w, { padding: 'same', groups: 2 });
    const wide: Op = (w) => ck.ops.conv2d(narrowImage, w, { padding: 'same' });
    const square = ck.randomNormal([7, 7], { seed: 9 });
    const transposed: Op = (w) => ck.ops.matMul(rows, w, { transposeB: true });
    for (let i = 0; i < 2; i++) {
      expectFresh('conv2d groups 2', grouped, halfFilter);
      expectFresh('conv2d groups 1', wide, halfFilter);
      expectFresh('matMul', dense, square);
      expectFresh('matMul transposeB', transposed, square);
    }
    const before = ck.memory().packedBytes;
    for (const t of [square, halfFilter, narrowImage]) t.dispose();
    assert(ck.memory().packedBytes < before, 'disposing a tensor frees its packed copy');
  } finally {
    for (const t of [image, rows, filter, weights, bias, otherBias]) t.dispose();
    sgd.dispose();
  }
}

export function buildChecks(ck: ConvkitModule, inputs: SuiteInputs): Check[] {
  return [
    ...registryChecks(ck),
    ...fixtureChecks(ck, inputs.conv2dFixtures),
    ...kernelChecks(inputs.wasmBytes),
    ...runtimeChecks(ck),
    ...modelChecks(ck),
  ].map((check) => withLeakCheck(ck, check));
}
