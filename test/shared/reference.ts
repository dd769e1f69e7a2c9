// Float64 references in plain loops: the oracles for the op registry. Independent of the kernels;
// only conv geometry (output size and padding) comes from the library's one definition.

export interface Dense {
  shape: number[];
  data: Float64Array;
}

export function dense(shape: number[], data: ArrayLike<number>): Dense {
  return { shape, data: Float64Array.from(data) };
}

export interface ConvGeometry {
  batch: number; inH: number; inW: number; inC: number; outH: number; outW: number; outC: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padLeft: number;
}

export function conv2dReference(g: ConvGeometry, x: ArrayLike<number>, filter: ArrayLike<number>, bias?: ArrayLike<number>): Dense {
  const y = new Float64Array(g.batch * g.outH * g.outW * g.outC);
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let co = 0; co < g.outC; co++) {
          let sum = bias ? bias[co]! : 0;
          for (let ky = 0; ky < g.kernelH; ky++) {
            const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
            if (iy < 0 || iy >= g.inH) continue;
            for (let kx = 0; kx < g.kernelW; kx++) {
              const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
              if (ix < 0 || ix >= g.inW) continue;
              for (let ci = 0; ci < g.inC; ci++) {
                sum += x[((b * g.inH + iy) * g.inW + ix) * g.inC + ci]! * filter[((ky * g.kernelW + kx) * g.inC + ci) * g.outC + co]!;
              }
            }
          }
          y[((b * g.outH + oy) * g.outW + ox) * g.outC + co] = sum;
        }
  return { shape: [g.batch, g.outH, g.outW, g.outC], data: y };
}

/** (m x k)·(k x n) for each batch item; a plain matrix operand is shared by every item. */
export function matMulReference(a: Dense, b: Dense, transposeA = false, transposeB = false): Dense {
  const [m, k] = transposeA ? [a.shape.at(-1)!, a.shape.at(-2)!] : [a.shape.at(-2)!, a.shape.at(-1)!];
  const n = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
  const batchShape = a.shape.length > 2 ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  const batch = batchShape.reduce((p, d) => p * d, 1);
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = a.shape.length > 2 ? t * m * k : 0;
    const bo = b.shape.length > 2 ? t * k * n : 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += a.data[ao + (transposeA ? p * m + i : i * k + p)]! * b.data[bo + (transposeB ? j * k + p : p * n + j)]!;
        }
        out[(t * m + i) * n + j] = sum;
      }
  }
  return { shape: [...batchShape, m, n], data: out };
}

/** NumPy broadcasting, written out index by index. */
export function broadcastReference(a: Dense, b: Dense, op: (x: number, y: number) => number): Dense {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const [as, bs] = [pad(a.shape), pad(b.shape)];
  const shape = as.map((d, i) => Math.max(d, bs[i]!));
  const size = shape.reduce((p, d) => p * d, 1);
  const out = new Float64Array(size);
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      if (as[d] !== 1) ia += idx * sa;
      if (bs[d] !== 1) ib += idx * sb;
      sa *= as[d]!;
      sb *= bs[d]!;
    }
    out[flat] = op(a.data[ia]!, b.data[ib]!);
  }
  return { shape, data: out };
}

export function map(x: Dense, f: (v: number) => number): Dense {
  return { shape: x.shape, data: x.data.map(f) };
}

export function relu(v: number): number {
  return v < 0 ? 0 : v;
}

export interface PoolGeometry {
  batch: number; inH: number; inW: number; channels: number; outH: number; outW: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; padTop: number; padLeft: number;
}

/** Max or mean over each window's pixels inside the image. */
export function pool2dReference(g: PoolGeometry, x: ArrayLike<number>, kind: 'max' | 'avg'): Dense {
  const y = new Float64Array(g.batch * g.outH * g.outW * g.channels);
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let c = 0; c < g.channels; c++) {
          const values: number[] = [];
          for (let ky = 0; ky < g.kernelH; ky++)
            for (let kx = 0; kx < g.kernelW; kx++) {
              const iy = oy * g.strideH - g.padTop + ky;
              const ix = ox * g.strideW - g.padLeft + kx;
              if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) values.push(x[((b * g.inH + iy) * g.inW + ix) * g.channels + c]!);
            }
          y[((b * g.outH + oy) * g.outW + ox) * g.channels + c] =
            kind === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length;
        }
  return { shape: [g.batch, g.outH, g.outW, g.channels], data: y };
}

/** Σ over the given axes, keeping them when keepDims. */
export function sumReference(x: Dense, axes: number[], keepDims: boolean): Dense {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(kept.reduce((p, d) => p * d, 1));
  const strides = kept.map((_, i) => kept.slice(i + 1).reduce((p, d) => p * d, 1));
  for (let flat = 0; flat < x.data.length; flat++) {
    let rest = flat;
    let target = 0;
    for (let d = x.shape.length - 1; d >= 0; d--) {
      const idx = rest % x.shape[d]!;
      rest = Math.floor(rest / x.shape[d]!);
      if (!axes.includes(d)) target += idx * strides[d]!;
    }
    out[target]! += x.data[flat]!;
  }
  return { shape: keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i)), data: out };
}
