// The PNG encoder: signature, IHDR, a CRC on every chunk, pixels that inflate back exactly; and the
// training-curves chart built on it.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';

await ck.init();
checkNoLeaks();

interface Chunk {
  type: string;
  data: Uint8Array;
  crcOk: boolean;
}

/** Splits a PNG into chunks after checking the signature; checks each chunk's CRC independently. */
function chunks(png: Uint8Array): Chunk[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    const crc = view.getUint32(at + 8 + length);
    out.push({ type: String.fromCharCode(...typeAndData.subarray(0, 4)), data: typeAndData.subarray(4), crcOk: crc === zlibCrc(typeAndData) });
    at += 12 + length;
  }
  return out;
}

/** A bitwise CRC-32, independent of the encoder's table-driven one. */
function zlibCrc(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

describe('encodePng', () => {
  it('crc32 matches the standard check value', () => {
    expect(ck.viz.crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes signature, IHDR (RGBA, 8 bit), IDAT, IEND with valid CRCs; pixels inflate back exactly', async () => {
    const [width, height] = [5, 3];
    const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37) & 0xff);
    const png = await ck.viz.encodePng(rgba, width, height);
    const list = chunks(png);
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(list.every((c) => c.crcOk)).toBe(true);
    const ihdr = new DataView(list[0]!.data.buffer, list[0]!.data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([width, height]);
    expect([...list[0]!.data.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    const rows = inflateSync(list[1]!.data);
    expect(rows.length).toBe(height * (1 + width * 4));
    for (let y = 0; y < height; y++) {
      const row = rows.subarray(y * (1 + width * 4), (y + 1) * (1 + width * 4));
      expect(row[0]).toBe(0);
      expect([...row.subarray(1)]).toEqual([...rgba.subarray(y * width * 4, (y + 1) * width * 4)]);
    }
    expect(list[2]!.data.length).toBe(0);
  });

  it('rejects a buffer that does not match width x height, and bad sizes', async () => {
    await expect(ck.viz.encodePng(new Uint8Array(10), 2, 2)).rejects.toThrow(ck.ValueError);
    await expect(ck.viz.encodePng(new Uint8Array(10), 2, 2)).rejects.toThrow(/^encodePng: argument 'rgba' expected 16 bytes/);
    await expect(ck.viz.encodePng(new Uint8Array(0), 0, 2)).rejects.toThrow(/^encodePng: argument 'width' expected a positive integer, received 0/);
  });
});

describe('curvesPng', () => {
  it('draws one 400x300 panel per metric, as a valid PNG with the series colours in it', async () => {
    const png = await ck.viz.curvesPng([
      { title: 'loss', series: [{ name: 'train', values: [0.9, 0.5, 0.4] }, { name: 'test', values: [0.7, 0.5, 0.45] }] },
      { title: 'accuracy', series: [{ name: 'train', values: [0.7, 0.8, 0.85] }, { name: 'test', values: [0.75, 0.8, 0.82] }] },
    ]);
    const list = chunks(png);
    expect(list.every((c) => c.crcOk)).toBe(true);
    const ihdr = new DataView(list[0]!.data.buffer, list[0]!.data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([800, 300]);
    const pixels = inflateSync(list[1]!.data);
    const has = (r: number, g: number, b: number) => pixels.some((_, i) => i % 4 === 1 && pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b);
    expect(has(31, 119, 180)).toBe(true);
    expect(has(255, 127, 14)).toBe(true);
  });

  it('copes with a single epoch and non-finite values; rejects no panels', async () => {
    const png = await ck.viz.curvesPng([{ title: 'loss', series: [{ name: 'train', values: [NaN, 2] }, { name: 'x', values: [1] }] }]);
    expect(chunks(png).every((c) => c.crcOk)).toBe(true);
    await expect(ck.viz.curvesPng([])).rejects.toThrow(ck.ValueError);
  });

  it('niceTicks covers the range with round steps', () => {
    expect(ck.viz.niceTicks(0.31, 0.83)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(ck.viz.niceTicks(0.8512, 0.8734)).toEqual([0.85, 0.855, 0.86, 0.865, 0.87, 0.875]);
    expect(ck.viz.niceTicks(1, 1)).toEqual([0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6]); // a flat series still gets a range
  });
});
