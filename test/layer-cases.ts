// Shared by the layer test files: a layer's declared output shape must match its forward pass (in
// inference and training mode), and its parameter count must match the formula.
import { expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';

type Layer = InstanceType<typeof ck.layers.Layer>;

/** [label, make the layer, sample shape, expected output sample shape, parameter count] */
export type LayerCase = [string, () => Layer, number[], number[], number];

/** Applies the layer to a batch of 2 random samples; returns the output shape and frees everything. */
export function forwardShape(layer: Layer, sample: number[], training = false): readonly number[] {
  return ck.tidy(() => (layer.apply(ck.randomNormal([2, ...sample], { seed: 3 }), { training }) as InstanceType<typeof ck.Tensor>).shape);
}

export function layerShapeTests(cases: readonly LayerCase[]): void {
  for (const [label, make, sample, expected, params] of cases) {
    it(label, () => {
      const layer = make();
      expect(layer.computeOutputShape([sample])).toEqual(expected);
      expect(forwardShape(layer, sample)).toEqual([2, ...expected]);
      expect(forwardShape(layer, sample, true)).toEqual([2, ...expected]);
      expect(layer.countParams()).toBe(params);
      layer.dispose();
    });
  }
}
