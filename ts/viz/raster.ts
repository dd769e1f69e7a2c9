// An RGBA pixel buffer and the few primitives charts need: rectangles, thick lines, 3x5 text.
export type Color = readonly [number, number, number];

export interface Raster {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export function raster(width: number, height: number, background: Color = [255, 255, 255]): Raster {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([...background, 255], i);
  return { width, height, rgba };
}

export function setPixel(r: Raster, x: number, y: number, color: Color): void {
  x = Math.round(x);
  y = Math.round(y);
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  r.rgba.set(color, (y * r.width + x) * 4);
}

export function fillRect(r: Raster, x: number, y: number, w: number, h: number, color: Color): void {
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) setPixel(r, x + i, y + j, color);
}

/** A line `thickness` pixels wide: a square brush stamped every half pixel along it. */
export function drawLine(r: Raster, x0: number, y0: number, x1: number, y1: number, color: Color, thickness = 1): void {
  const steps = Math.max(1, Math.ceil(2 * Math.hypot(x1 - x0, y1 - y0)));
  const half = (thickness - 1) / 2;
  for (let s = 0; s <= steps; s++) {
    const x = x0 + ((x1 - x0) * s) / steps;
    const y = y0 + ((y1 - y0) * s) / steps;
    fillRect(r, Math.round(x - half), Math.round(y - half), thickness, thickness, color);
  }
}

// 3x5 glyphs, rows top to bottom; text is drawn upper-case.
const GLYPHS: Record<string, string> = {
  A: '010 101 111 101 101', B: '110 101 110 101 110', C: '011 100 100 100 011', D: '110 101 101 101 110',
  E: '111 100 110 100 111', F: '111 100 110 100 100', G: '011 100 101 101 011', H: '101 101 111 101 101',
  I: '111 010 010 010 111', J: '001 001 001 101 010', K: '101 101 110 101 101', L: '100 100 100 100 111',
  M: '101 111 111 101 101', N: '110 101 101 101 101', O: '010 101 101 101 010', P: '110 101 110 100 100',
  Q: '010 101 101 110 011', R: '110 101 110 101 101', S: '011 100 010 001 110', T: '111 010 010 010 010',
  U: '101 101 101 101 111', V: '101 101 101 101 010', W: '101 101 111 111 101', X: '101 101 010 101 101',
  Y: '101 101 010 010 010', Z: '111 001 010 100 111',
  0: '111 101 101 101 111', 1: '010 110 010 010 111', 2: '110 001 010 100 111', 3: '110 001 010 001 110',
  4: '101 101 111 001 001', 5: '111 100 110 001 110', 6: '011 100 111 101 111', 7: '111 001 010 010 010',
  8: '111 101 111 101 111', 9: '111 101 111 001 110',
  '.': '000 000 000 000 010', '-': '000 000 111 000 000', '%': '101 001 010 100 101', ':': '000 010 000 010 000',
  '/': '001 001 010 100 100', '(': '010 100 100 100 010', ')': '010 001 001 001 010', ' ': '000 000 000 000 000',
};
const GLYPH_WIDTH = 4; // 3 pixels and a gap

export function textWidth(text: string, scale: number): number {
  return Math.max(0, text.length * GLYPH_WIDTH - 1) * scale;
}

export const textHeight = (scale: number): number => 5 * scale;

/** Draws text with its top-left corner at (x, y); unknown characters draw as blanks. */
export function drawText(r: Raster, x: number, y: number, text: string, color: Color, scale = 2): void {
  [...text.toUpperCase()].forEach((ch, k) => {
    const rows = (GLYPHS[ch] ?? GLYPHS[' ']!).split(' ');
    rows.forEach((row, j) => {
      for (let i = 0; i < 3; i++) {
        if (row[i] === '1') fillRect(r, x + (k * GLYPH_WIDTH + i) * scale, y + j * scale, scale, scale, color);
      }
    });
  });
}
