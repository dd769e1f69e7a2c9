// Filters and activation maps as rasters (ts/viz/maps.ts): grey levels, layout, typed errors, and
// featureMaps copying each layer's output without leaving tensors behind.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';

await ck.init();
checkNoLeaks();

const grey = (r: ck.viz.Raster, x: number, y: number) => r.rgba[(y * r.width + x) * 4]!;

describe('viz.filtersRaster', () => {
  it('draws each filter as a tile: mid grey is zero, white its largest positive weight, black its largest negative', () => {
    // Two 1x2 filters (kh 1, kw 2, c_in 1, c_out 2): [1, -1] and [0, 0.5].
    const r = ck.viz.filtersRaster({ name: 'k', shape: [1, 2, 1, 2], values: Float32Array.from([1, 0, -1, 0.5]) });
    // Tiles start below the title (margin 8, text 10, gap 6) at x = 8; zoom 24 for a 2-wide kernel.
    const [top, zoom, gap] = [24, 24, 2];
    expect([grey(r, 8, top), grey(r, 8 + zoom, top)]).toEqual([255, 0]);
    expect([grey(r, 8 + 2 * zoom + gap, top), grey(r, 8 + 3 * zoom + gap, top)]).toEqual([128, 255]);
  });

  it('names the argument when the shape is not (kh, kw, c_in, c_out)', () => {
    expect(() => ck.viz.filtersRaster({ name: 'k', shape: [3, 3, 1], values: new Float32Array(9) })).toThrow(ck.ShapeError);
    expect(() => ck.viz.filtersRaster({ name: 'k', shape: [3, 3, 1, 2], values: new Float32Array(9) })).toThrow(/argument 'filters' expected \(kh, kw, c_in, c_out\) values, received \[3, 3, 1, 2\] with 9 values/);
  });
});

describe('viz.activationsRaster', () => {
  it('stacks one grid per layer: channels of (h, w, c) maps side by side, vectors as a strip', () => {
    const map = { name: 'a', shape: [2, 2, 3], values: Float32Array.from({ length: 12 }, (_, i) => i) };
    const vector = { name: 'b', shape: [10], values: new Float32Array(10) };
    const r = ck.viz.activationsRaster([map, vector]);
    // Channel c of pixel (0, 0) is value c; the layer spans 0..11, so 0 is black and 11 white.
    expect(grey(r, 8, 24)).toBe(0);
    expect(grey(r, 8 + 2 * (64 + 2) + 32, 24 + 32)).toBe(255); // channel 2's tile (zoom 32), pixel (1, 1): value 11
    expect(r.height).toBeGreaterThan(24 + 64 + 8 + 16 + 16);
    expect(() => ck.viz.activationsRaster([{ name: 'c', shape: [2, 2, 2], values: new Float32Array(7) }])).toThrow(/argument 'maps 'c'' expected \[2, 2, 2\] values, received 7/);
  });

  it('featureMaps gives the input and every layer output of one image, and frees what it made', async () => {
    ck.setRandomSeed(5);
    const model = ck.sequential([
      ck.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 1] }),
      ck.layers.maxPool2d({ poolSize: 2 }),
      ck.layers.flatten(),
      ck.layers.dense({ units: 3 }),
    ]);
    const x = ck.randomNormal([1, 6, 6, 1], { seed: 2 });
    const before = ck.memory().numTensors;
    const maps = ck.viz.featureMaps(model.layers, x);
    expect(ck.memory().numTensors).toBe(before);
    expect(maps.map((m) => m.shape)).toEqual([[6, 6, 1], [6, 6, 2], [3, 3, 2], [18], [3]]);
    expect(maps[0]!.values).toEqual(x.dataSync());
    const logits = ck.tidy(() => (model.predict(x) as ck.Tensor).dataSync());
    expect(maps[4]!.values).toEqual(logits);
    const png = await ck.viz.activationsPng(maps);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    x.dispose();
    model.dispose();
  });
});
