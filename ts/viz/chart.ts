// Training curves as an image: one panel per metric (loss, accuracy ...), each with its series
// (train, test ...) against the epoch, ticks and labels, encoded as PNG.
import { ValueError, expectation } from '../core/errors.js';
import { encodePng } from './png.js';
import { drawLine, drawText, fillRect, raster, textHeight, textWidth } from './raster.js';
import type { Color, Raster } from './raster.js';

export interface Series {
  name: string;
  values: readonly number[];
}

export interface Panel {
  title: string;
  series: readonly Series[];
}

const PALETTE: readonly Color[] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40]];
const INK: Color = [40, 40, 40];
const GRID: Color = [225, 225, 225];
const PANEL = { width: 400, height: 300, left: 60, right: 16, top: 40, bottom: 40 };
const SCALE = 2;

/** Round tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(t);
  if (ticks[ticks.length - 1]! < hi) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks.map((t) => Number(t.toPrecision(12)));
}

function label(value: number, step: number): string {
  return value.toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Draws one panel with its top-left corner at (ox, 0). */
function drawPanel(r: Raster, ox: number, panel: Panel): void {
  const plot = { x: ox + PANEL.left, y: PANEL.top, w: PANEL.width - PANEL.left - PANEL.right, h: PANEL.height - PANEL.top - PANEL.bottom };
  const all = panel.series.flatMap((s) => s.values.filter(Number.isFinite));
  const epochs = Math.max(1, ...panel.series.map((s) => s.values.length));
  const yTicks = niceTicks(Math.min(...all, Infinity), Math.max(...all, -Infinity));
  const [yLo, yHi] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  const px = (epoch: number) => plot.x + (epochs === 1 ? plot.w / 2 : ((epoch - 1) / (epochs - 1)) * plot.w);
  const py = (v: number) => plot.y + plot.h - ((v - yLo) / (yHi - yLo)) * plot.h;

  drawText(r, plot.x, 12, panel.title, INK, SCALE);
  for (const t of yTicks) {
    drawLine(r, plot.x, py(t), plot.x + plot.w, py(t), GRID);
    const text = label(t, yStep);
    drawText(r, plot.x - 6 - textWidth(text, SCALE), py(t) - textHeight(SCALE) / 2, text, INK, SCALE);
  }
  const xStep = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 1; e <= epochs; e += xStep) {
    drawLine(r, px(e), plot.y + plot.h, px(e), plot.y + plot.h + 4, INK);
    drawText(r, px(e) - textWidth(String(e), SCALE) / 2, plot.y + plot.h + 8, String(e), INK, SCALE);
  }
  drawText(r, plot.x + plot.w - textWidth('EPOCH', SCALE), PANEL.height - textHeight(SCALE) - 4, 'EPOCH', INK, SCALE);
  drawLine(r, plot.x, plot.y, plot.x, plot.y + plot.h, INK);
  drawLine(r, plot.x, plot.y + plot.h, plot.x + plot.w, plot.y + plot.h, INK);

  panel.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      fillRect(r, px(i + 1) - 2, py(v) - 2, 5, 5, color);
      const next = s.values[i + 1];
      if (next !== undefined && Number.isFinite(next)) drawLine(r, px(i + 1), py(v), px(i + 2), py(next), color, 2);
    });
  });
  drawLegend(r, plot.x + plot.w, 12, panel.series);
}

/** Colour keys and names in the title row, right-aligned at x, clear of the curves. */
function drawLegend(r: Raster, right: number, y: number, series: readonly Series[]): void {
  let x = right;
  for (let k = series.length - 1; k >= 0; k--) {
    x -= textWidth(series[k]!.name, SCALE);
    drawText(r, x, y, series[k]!.name, INK, SCALE);
    x -= 20;
    fillRect(r, x, y + 2, 14, 6, PALETTE[k % PALETTE.length]!);
    x -= 16;
  }
}

/** The panels side by side, as PNG bytes. */
export async function curvesPng(panels: readonly Panel[]): Promise<Uint8Array> {
  if (panels.length === 0) throw new ValueError('curvesPng', expectation('panels', 'at least one panel', '0'));
  const r = raster(PANEL.width * panels.length, PANEL.height);
  panels.forEach((panel, i) => drawPanel(r, i * PANEL.width, panel));
  return encodePng(r.rgba, r.width, r.height);
}
