// Node-only memory behaviour: running out of wasm memory (in a tensor allocation and in a
// kernel's scratch space) raises OutOfMemoryError and leaves the instance usable; a long loop of
// ops inside tidy leaves memory() exactly where it was.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';

await ck.init();
checkNoLeaks();

describe('1,000 steps', () => {
  it('of conv2d + add + relu inside tidy leave memory() and the wasm size unchanged', () => {
    const x = ck.randomNormal([4, 12, 12, 8], { seed: 1 });
    const filter = ck.randomNormal([3, 3, 8, 16], { seed: 2 });
    const bias = ck.zeros([16]);
    const step = () => ck.tidy(() => void ck.ops.relu(ck.ops.add(ck.ops.conv2d(x, filter, { padding: 'same' }), bias)));
    step();
    const before = ck.memory();
    for (let i = 0; i < 1000; i++) step();
    expect(ck.memory()).toEqual(before);
    for (const t of [x, filter, bias]) t.dispose();
  });
});

describe('out of memory', () => {
  it('in an allocation and in a kernel scratch space raises OutOfMemoryError; the library goes on', () => {
    const filter = new ck.Tensor([1, 1, 5000, 10_000], 'float32'); // 200 MB
    const fillers: InstanceType<typeof ck.Tensor>[] = [];
    let allocationError: unknown;
    try {
      for (;;) fillers.push(new ck.Tensor([25_000_000], 'float32')); // 100 MB each, never touched
    } catch (error) {
      allocationError = error;
    }
    expect(allocationError).toBeInstanceOf(ck.OutOfMemoryError);
    expect((allocationError as Error).message).toMatch(/^tensor: could not allocate 100000000 bytes/);
    // Then 1 MB pieces fill what is left, so that freeing one 100 MB filler leaves ~100 MB free in all.
    try {
      for (;;) fillers.push(new ck.Tensor([250_000], 'float32'));
    } catch {
      // full
    }
    fillers.shift()!.dispose();

    const x = ck.ones([1, 1, 1, 5000]);
    const tensorsBefore = ck.memory().numTensors;
    // The 200 MB filter's packed copy (kept with the filter) needs 200 MB; only ~100 MB is free.
    expect(() => ck.ops.conv2d(x, filter)).toThrow(ck.OutOfMemoryError);
    expect(() => ck.ops.conv2d(x, filter)).toThrow(/^conv2d: could not allocate 200040000 bytes/);
    expect(ck.memory().numTensors).toBe(tensorsBefore);
    // A 'same' convolution of an 80 MB image pads a copy of it in the kernel's scratch space: ~20 MB is left.
    const image = ck.zeros([1, 2000, 1000, 10]);
    const small = ck.ones([3, 3, 10, 1]);
    expect(() => ck.ops.conv2d(image, small, { padding: 'same' })).toThrow(ck.OutOfMemoryError);
    expect(() => ck.ops.conv2d(image, small, { padding: 'same' })).toThrow(/^conv2d: the kernel's scratch space could not grow/);
    expect(ck.memory().numTensors).toBe(tensorsBefore + 2);

    for (const t of [filter, x, image, small, ...fillers]) t.dispose();
    expect(ck.tidy(() => Array.from(ck.ops.relu(ck.tensor([-3, 3])).dataSync()))).toEqual([0, 3]);
  });
});
