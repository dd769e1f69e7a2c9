// Filters and activation maps as images: one grey tile per channel in a grid, each grid under its
// name. The CLI encodes the raster as PNG; the browser demo puts the same raster on a canvas.
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { tidy } from '../core/tensor.js';
import type { Tensor } from '../core/tensor.js';
import type { Layer } from '../layers/layer.js';
import { encodePng } from './png.js';
import { drawText, fillRect, raster, textHeight, textWidth } from './raster.js';
import type { Raster } from './raster.js';

/** Values copied out of a tensor (one sample, channels-last): plain data a worker can post. */
export interface FeatureMap {
  name: string;
  shape: number[];
  values: Float32Array;
}

interface Grid {
  title: string;
  /** One w x h tile per channel, row-major. */
  tiles: Float32Array[];
  w: number;
  h: number;
  zoom: number;
  /** Maps a value to a grey level 0-255. */
  grey: (v: number, tile: number) => number;
}

const MARGIN = 8;
const GAP = 2;
const TEXT = 2;
const COLUMNS = 16;
const INK = [40, 40, 40] as const;

/** The values of channel `c` of an (h, w, channels) map, as one tile. */
function channel(values: Float32Array, size: number, channels: number, c: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => values[i * channels + c]!);
}

function extent(values: Iterable<number>): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** A layer's output as tiles: one per channel of an (h, w, c) map; a vector wraps into rows of 64. */
function mapGrid(map: FeatureMap): Grid {
  const { shape, values } = map;
  if (values.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new ShapeError('viz.activationsRaster', expectation(`maps '${map.name}'`, `${formatShape(shape)} values`, `${values.length}`));
  }
  const [lo, hi] = extent(values);
  const title = `${map.name} ${shape.join('x')}`;
  const grey = (v: number) => (255 * (v - lo)) / (hi - lo);
  if (shape.length === 3) {
    const [h, w, c] = shape as [number, number, number];
    const tiles = Array.from({ length: c }, (_, k) => channel(values, h * w, c, k));
    return { title, tiles, w, h, zoom: Math.max(1, Math.floor(64 / Math.max(w, h))), grey };
  }
  const w = Math.min(values.length, 64);
  return { title, tiles: [values], w, h: Math.ceil(values.length / w), zoom: Math.min(16, Math.max(1, Math.floor(256 / w))), grey };
}

/** Filters (kh, kw, c_in, c_out) as c_out tiles averaged over c_in; mid grey is zero in each tile. */
function filterGrid(filters: FeatureMap): Grid {
  const { shape, values } = filters;
  if (shape.length !== 4 || values.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new ShapeError('viz.filtersRaster', expectation('filters', `(kh, kw, c_in, c_out) values`, `${formatShape(shape)} with ${values.length} values`));
  }
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const tiles = Array.from({ length: cout }, (_, o) =>
    Float32Array.from({ length: kh * kw }, (_, p) => {
      let sum = 0;
      for (let c = 0; c < cin; c++) sum += values[(p * cin + c) * cout + o]!;
      return sum / cin;
    }),
  );
  const scales = tiles.map((t) => Math.max(1e-12, ...t.map(Math.abs)));
  return {
    title: `${filters.name} ${shape.join('x')}`, tiles, w: kw, h: kh,
    zoom: Math.max(4, Math.floor(48 / Math.max(kh, kw))), grey: (v, tile) => 127.5 + (127.5 * v) / scales[tile]!,
  };
}

function gridSize(g: Grid): { width: number; height: number } {
  const columns = Math.min(COLUMNS, g.tiles.length);
  const rows = Math.ceil(g.tiles.length / columns);
  return {
    width: Math.max(columns * (g.w * g.zoom + GAP) - GAP, textWidth(g.title, TEXT)),
    height: textHeight(TEXT) + 6 + rows * (g.h * g.zoom + GAP) - GAP,
  };
}

/** The grids one under the other, each under its title. */
function layout(grids: readonly Grid[]): Raster {
  const sizes = grids.map(gridSize);
  const width = 2 * MARGIN + Math.max(...sizes.map((s) => s.width));
  const r = raster(width, MARGIN + sizes.reduce((n, s) => n + s.height + MARGIN, 0));
  let y = MARGIN;
  grids.forEach((g, k) => {
    drawText(r, MARGIN, y, g.title, INK, TEXT);
    const top = y + textHeight(TEXT) + 6;
    const columns = Math.min(COLUMNS, g.tiles.length);
    g.tiles.forEach((tile, t) => {
      const x0 = MARGIN + (t % columns) * (g.w * g.zoom + GAP);
      const y0 = top + Math.floor(t / columns) * (g.h * g.zoom + GAP);
      tile.forEach((v, i) => {
        const level = Math.round(Math.min(255, Math.max(0, g.grey(v, t))));
        fillRect(r, x0 + (i % g.w) * g.zoom, y0 + Math.floor(i / g.w) * g.zoom, g.zoom, g.zoom, [level, level, level]);
      });
    });
    y += sizes[k]!.height + MARGIN;
  });
  return r;
}

/** A layer's filters (kh, kw, c_in, c_out) as a grid of c_out grey tiles. */
export function filtersRaster(filters: FeatureMap): Raster {
  return layout([filterGrid(filters)]);
}

/** One sample's activation maps at each layer: a grid of channels per layer. */
export function activationsRaster(maps: readonly FeatureMap[]): Raster {
  return layout(maps.map(mapGrid));
}

export async function filtersPng(filters: FeatureMap): Promise<Uint8Array> {
  const r = filtersRaster(filters);
  return encodePng(r.rgba, r.width, r.height);
}

export async function activationsPng(maps: readonly FeatureMap[]): Promise<Uint8Array> {
  const r = activationsRaster(maps);
  return encodePng(r.rgba, r.width, r.height);
}

/** The image x (1, h, w, c) and the output of each layer of a sequential stack, copied out of wasm memory. */
export function featureMaps(layers: readonly Layer[], x: Tensor): FeatureMap[] {
  const copy = (name: string, t: Tensor): FeatureMap => ({ name, shape: t.shape.slice(1), values: t.dataSync() as Float32Array });
  return tidy(() => {
    let t = x;
    return [copy('input', x), ...layers.map((layer) => copy(layer.name, (t = layer.apply(t))))];
  });
}
