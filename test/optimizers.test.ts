// Optimizers: each update rule (SGD, momentum, Nesterov, Adam, AdamW) against a float64 reference
// of Keras's formulas over several steps, on a shape whose size is not a multiple of the SIMD
// width; their state (step count and slots) as Variables; typed errors. memory() returns to start.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { lcg, signed } from './shared/random.js';

await ck.init();
checkNoLeaks();

const f = Math.fround;
const SHAPE = [3, 5];
const STEPS = 5;

function values(seed: number, scale: number): Float64Array {
  const next = signed(lcg(seed));
  return Float64Array.from({ length: 15 }, () => f(next() * scale));
}

type Rule = (w: Float64Array, g: Float64Array, slots: Float64Array[], t: number) => void;

function sgdRule(lr: number, momentum: number, nesterov: boolean): Rule {
  const [eta, mu] = [f(lr), f(momentum)];
  return (w, g, [v]) => {
    for (let i = 0; i < w.length; i++) {
      if (mu === 0) {
        w[i]! -= eta * g[i]!;
        continue;
      }
      v![i] = mu * v![i]! - eta * g[i]!;
      w[i]! += nesterov ? mu * v![i]! - eta * g[i]! : v![i]!;
    }
  };
}

function adamRule(lr: number, beta1: number, beta2: number, epsilon: number, weightDecay: number): Rule {
  const [eta, b1, b2, eps, wd] = [f(lr), f(beta1), f(beta2), f(epsilon), f(weightDecay)];
  return (w, g, [m, v], t) => {
    const alpha = (eta * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      w[i]! -= w[i]! * wd * eta;
      m![i] = b1 * m![i]! + (1 - b1) * g[i]!;
      v![i] = b2 * v![i]! + (1 - b2) * g[i]! ** 2;
      w[i]! -= (alpha * m![i]!) / (Math.sqrt(v![i]!) + eps);
    }
  };
}

function expectClose(label: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  for (let i = 0; i < want.length; i++) {
    const tolerance = 2e-6 + 2e-5 * Math.abs(want[i]!);
    if (!(Math.abs(got[i]! - want[i]!) <= tolerance)) throw new Error(`${label}: index ${i} got ${got[i]} expected ${want[i]}`);
  }
}

const cases: { name: string; make: () => InstanceType<typeof ck.optimizers.Optimizer>; rule: Rule; slots: string[] }[] = [
  { name: 'sgd', make: () => ck.optimizers.sgd({ learningRate: 0.1 }), rule: sgdRule(0.1, 0, false), slots: [] },
  { name: 'sgd momentum', make: () => ck.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }), rule: sgdRule(0.05, 0.9, false), slots: ['velocity'] },
  {
    name: 'sgd nesterov',
    make: () => ck.optimizers.sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true }),
    rule: sgdRule(0.05, 0.8, true),
    slots: ['velocity'],
  },
  { name: 'adam (defaults)', make: () => ck.optimizers.adam(), rule: adamRule(1e-3, 0.9, 0.999, 1e-7, 0), slots: ['m', 'v'] },
  {
    name: 'adam',
    make: () => ck.optimizers.adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-4 }),
    rule: adamRule(0.02, 0.8, 0.99, 1e-4, 0),
    slots: ['m', 'v'],
  },
  { name: 'adamW (defaults)', make: () => ck.optimizers.adamW(), rule: adamRule(1e-3, 0.9, 0.999, 1e-7, 0.01), slots: ['m', 'v'] },
  { name: 'adamW', make: () => ck.optimizers.adamW({ learningRate: 0.05, weightDecay: 0.1 }), rule: adamRule(0.05, 0.9, 0.999, 1e-7, 0.1), slots: ['m', 'v'] },
];

describe('update rules match a float64 reference step by step', () => {
  for (const c of cases) {
    it(c.name, () => {
      const optimizer = c.make();
      const w0 = values(1, 1);
      const v = ck.tidy(() => ck.variable(ck.tensor(Float32Array.from(w0), SHAPE), { name: 'w' }));
      const reference = Float64Array.from(w0);
      const slots = c.slots.map(() => new Float64Array(15));
      for (let t = 1; t <= STEPS; t++) {
        const g = values(100 + t, 2);
        ck.tidy(() => optimizer.applyGradients([v], [ck.tensor(Float32Array.from(g), SHAPE)]));
        c.rule(reference, g, slots, t);
        expectClose(`${c.name} step ${t}`, v.dataSync(), reference);
      }
      expect(optimizer.iterations).toBe(STEPS);
      const state = optimizer.state([v]);
      expect(state.map((s) => s.name)).toEqual(['iterations', ...c.slots.map((s) => `w/${s}`)]);
      state.slice(1).forEach((s, i) => expectClose(`${c.name} slot ${c.slots[i]}`, s.dataSync(), slots[i]!));
      v.dispose();
      optimizer.dispose();
    });
  }
});

describe('state', () => {
  it('is created on the first step, per variable, and counts steps in an int32 Variable', () => {
    const optimizer = ck.optimizers.adam({ learningRate: 0.1 });
    expect(optimizer.iterations).toBe(0);
    const [a, b] = ck.tidy(() => [ck.variable(ck.ones([2]), { name: 'a' }), ck.variable(ck.ones([3]), { name: 'b' })]);
    const before = ck.memory().numTensors;
    ck.tidy(() => optimizer.applyGradients([a, b], [ck.ones([2]), ck.ones([3])]));
    expect(ck.memory().numTensors).toBe(before + 5); // iterations + 2 moments per variable
    ck.tidy(() => optimizer.applyGradients([a, b], [ck.ones([2]), ck.ones([3])]));
    expect(ck.memory().numTensors).toBe(before + 5);
    const [iterations] = optimizer.state([a, b]);
    expect(iterations!.dtype).toBe('int32');
    expect(Array.from(iterations!.dataSync())).toEqual([2]);
    for (const t of [a, b]) t.dispose();
    optimizer.dispose();
  });
});

describe('errors', () => {
  it('name the optimizer, the argument, what was expected and what was received', () => {
    expect(() => ck.optimizers.sgd({ learningRate: -1 })).toThrow(ck.ValueError);
    expect(() => ck.optimizers.sgd({ learningRate: -1 })).toThrow("optimizers.sgd: argument 'learningRate' expected a positive number, received -1");
    expect(() => ck.optimizers.sgd({ learningRate: 0.1, momentum: 1 })).toThrow("optimizers.sgd: argument 'momentum' expected a number in [0, 1), received 1");
    expect(() => ck.optimizers.adam({ beta2: 1.5 })).toThrow("optimizers.adam: argument 'beta2' expected a number in [0, 1), received 1.5");
    expect(() => ck.optimizers.adamW({ weightDecay: -0.1 })).toThrow("optimizers.adamW: argument 'weightDecay' expected a non-negative number, received -0.1");

    const optimizer = ck.optimizers.sgd({ learningRate: 0.1 });
    const v = ck.tidy(() => ck.variable(ck.zeros([2, 2]), { name: 'v' }));
    const g = ck.zeros([4]);
    expect(() => optimizer.applyGradients([v], [])).toThrow("applyGradients: argument 'grads' expected 1 tensors (one per variable), received 0");
    expect(() => optimizer.applyGradients([v], [g])).toThrow(ck.ShapeError);
    expect(() => optimizer.applyGradients([v], [g])).toThrow("applyGradients: argument 'grads[0]' expected the shape [2, 2] of variable 'v', received [4]");
    expect(optimizer.iterations).toBe(0);
    for (const t of [v, g]) t.dispose();
    optimizer.dispose();
  });
});
