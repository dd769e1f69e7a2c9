// Float64 reference of the convolution family (1/2/3-D, groups, zero or circular padding) and of
// conv2dTranspose, in plain loops straight from the definition. Only the geometry (output size and
// padding) comes from the library's one definition, ck.ops.convGeometry.
import { dense } from './reference.js';
import type { Dense } from './reference.js';

export interface ConvGeometryLike {
  batch: number; inC: number; outC: number; groups: number; circular: number;
  input: number[]; output: number[]; kernel: number[]; stride: number[]; dilation: number[]; padBefore: number[];
}

/** Calls f(outputIndex, inputIndex, filterIndex) for every product term of the convolution. */
function forEachTerm(g: ConvGeometryLike, f: (o: number, i: number, w: number) => void): void {
  const [id, ih, iw] = g.input as [number, number, number];
  const [od, oh, ow] = g.output as [number, number, number];
  const [kd, kh, kw] = g.kernel as [number, number, number];
  const cinG = g.inC / g.groups;
  const coutG = g.outC / g.groups;
  const pos = (axis: number, o: number, k: number, size: number): number => {
    const i = o * g.stride[axis]! + k * g.dilation[axis]! - g.padBefore[axis]!;
    if (g.circular & (1 << axis)) return ((i % size) + size) % size;
    return i >= 0 && i < size ? i : -1;
  };
  for (let b = 0; b < g.batch; b++)
    for (let z = 0; z < od; z++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++)
          for (let co = 0; co < g.outC; co++) {
            const group = Math.floor(co / coutG);
            const o = (((b * od + z) * oh + y) * ow + x) * g.outC + co;
            for (let a = 0; a < kd; a++) {
              const iz = pos(0, z, a, id);
              if (iz < 0) continue;
              for (let c = 0; c < kh; c++) {
                const iy = pos(1, y, c, ih);
                if (iy < 0) continue;
                for (let e = 0; e < kw; e++) {
                  const ix = pos(2, x, e, iw);
                  if (ix < 0) continue;
                  const base = (((b * id + iz) * ih + iy) * iw + ix) * g.inC + group * cinG;
                  for (let ci = 0; ci < cinG; ci++) f(o, base + ci, (((a * kh + c) * kw + e) * cinG + ci) * g.outC + co);
                }
              }
            }
          }
}

/** y (n, spatial..., c_out) with `rank` spatial axes, the last `rank` of [d, h, w]. */
export function convNdReference(g: ConvGeometryLike, rank: number, x: ArrayLike<number>, filter: ArrayLike<number>, bias?: ArrayLike<number>): Dense {
  const shape = [g.batch, ...g.output.slice(3 - rank), g.outC];
  const y = new Float64Array(shape.reduce((p, d) => p * d, 1));
  if (bias) for (let o = 0; o < y.length; o++) y[o] = bias[o % g.outC]!;
  forEachTerm(g, (o, i, w) => (y[o]! += x[i]! * filter[w]!));
  return dense(shape, y);
}

/** conv2dTranspose: the conv2d of geometry g (from the transpose's output to its input) run backwards. */
export function conv2dTransposeReference(g: ConvGeometryLike, x: ArrayLike<number>, filter: ArrayLike<number>, bias?: ArrayLike<number>): Dense {
  const shape = [g.batch, g.input[1]!, g.input[2]!, g.inC];
  const y = new Float64Array(shape.reduce((p, d) => p * d, 1));
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[i % g.inC]!;
  forEachTerm(g, (o, i, w) => (y[i]! += x[o]! * filter[w]!));
  return dense(shape, y);
}
