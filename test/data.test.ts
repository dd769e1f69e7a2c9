// IDX reading (every dtype, gzipped and raw, from every kind of source), every rejection, and
// Fashion-MNIST as tensors: the bundled subset always, Debian's full dataset when installed.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { scratchDir } from './scratch-dir.js';

const { data } = ck;
const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
const hasDebianDataset = existsSync(join(DEBIAN_DIR, 'train-images-idx3-ubyte.gz'));

await ck.init();
checkNoLeaks();
const scratch = scratchDir('data');

const SAMPLES: ck.data.IdxArray[] = [
  { dtype: 'uint8', shape: [2, 3], data: Uint8Array.of(0, 1, 127, 128, 254, 255) },
  { dtype: 'int8', shape: [4], data: Int8Array.of(-128, -1, 0, 127) },
  { dtype: 'int16', shape: [2, 2], data: Int16Array.of(-32768, -2, 3, 32767) },
  { dtype: 'int32', shape: [3], data: Int32Array.of(-(2 ** 31), 7, 2 ** 31 - 1) },
  { dtype: 'float32', shape: [1, 2, 2], data: Float32Array.of(-1.5, 0, 3.25, 1e-30) },
  { dtype: 'float64', shape: [2], data: Float64Array.of(Math.PI, -1e300) },
  { dtype: 'uint8', shape: [0, 28, 28], data: new Uint8Array(0) },
];

/** An IDX header by hand: magic, type code, rank, dims. */
function idxHeader(code: number, dims: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length);
  bytes.set([0, 0, code, dims.length]);
  dims.forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d));
  return bytes;
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('IDX round trip', () => {
  for (const sample of SAMPLES) {
    it(`${sample.dtype} ${JSON.stringify(sample.shape)}: raw and gzipped, from bytes, Buffer, ArrayBuffer, path, file URL and its string`, async () => {
      const raw = data.encodeIdx(sample);
      const gz = gzipSync(raw);
      const path = join(scratch(), `${sample.dtype}-${sample.shape.length}.idx.gz`);
      await writeFile(path, gz);
      const decoded = [
        data.parseIdx(raw),
        await data.readIdx(raw),
        await data.readIdx(gz),
        await data.readIdx(Buffer.from(gz)),
        await data.readIdx(raw.slice().buffer),
        await data.readIdx(path),
        await data.readIdx(pathToFileURL(path)),
        await data.readIdx(pathToFileURL(path).href),
      ];
      for (const got of decoded) {
        expect(got.dtype).toBe(sample.dtype);
        expect(got.shape).toEqual(sample.shape);
        expect(got.data.constructor).toBe(sample.data.constructor);
        expect([...got.data]).toEqual([...sample.data]);
      }
    });
  }

  it('fetches http URLs (gzipped body), and names the URL when the server says 404', async () => {
    const gz = gzipSync(data.encodeIdx(SAMPLES[0]!));
    const server = createServer((request, response) => {
      if (request.url === '/a.idx.gz') response.end(gz);
      else response.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect([...(await data.readIdx(`${origin}/a.idx.gz`)).data]).toEqual([...SAMPLES[0]!.data]);
      expect((await data.readIdx(new URL('/a.idx.gz', origin))).shape).toEqual(SAMPLES[0]!.shape);
      await expect(data.readIdx(`${origin}/missing.gz`)).rejects.toThrow(`could not fetch ${origin}/missing.gz: HTTP 404`);
    } finally {
      server.close();
    }
  });

  it('reads big-endian values', () => {
    const bytes = concat(idxHeader(0x0c, [2]), Uint8Array.of(0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe));
    expect([...data.parseIdx(bytes).data]).toEqual([258, -2]);
  });

  it('copies: the result does not alias the input', () => {
    const raw = data.encodeIdx(SAMPLES[0]!);
    const got = data.parseIdx(raw);
    raw.fill(9);
    expect([...got.data]).toEqual([...SAMPLES[0]!.data]);
  });
});

describe('IDX rejections', () => {
  const valid = concat(idxHeader(0x08, [2, 2]), Uint8Array.of(1, 2, 3, 4));
  const cases: [string, Uint8Array, RegExp, ck.data.IdxExpectation?][] = [
    ['empty input', new Uint8Array(0), /expected an IDX header of at least 4 bytes, received 0 bytes \(truncated\)/],
    ['bad magic', concat(Uint8Array.of(0x12, 0x34), valid.subarray(2)), /expected magic bytes 0x00 0x00, received 0x12 0x34/],
    ['gzip given to parseIdx', gzipSync(valid), /received 0x1f 0x8b \(gzip data: use readIdx, which gunzips\)/],
    ['unknown dtype code', concat(idxHeader(0x0a, [4]), new Uint8Array(4)), /expected a type code in 0x08 0x09 0x0b 0x0c 0x0d 0x0e, received 0x0a/],
    ['rank 0', idxHeader(0x08, []), /expected at least 1 dimension, received 0/],
    ['truncated header', valid.subarray(0, 9), /expected a header of 12 bytes for rank 2, received 9 bytes \(truncated\)/],
    ['truncated data', valid.subarray(0, valid.length - 1), /expected 16 bytes for uint8 \[2, 2\], received 15 bytes \(truncated\)/],
    ['trailing bytes', concat(valid, Uint8Array.of(0)), /expected 16 bytes for uint8 \[2, 2\], received 17 bytes \(trailing bytes\)/],
    ['wrong dims', valid, /expected dims \[\*, 28, 28\], received \[2, 2\]/, { shape: [null, 28, 28] }],
    ['wrong rank', valid, /expected dims \[\*\], received \[2, 2\]/, { shape: [null] }],
    ['wrong dtype', valid, /expected dtype float32, received uint8/, { dtype: 'float32' }],
  ];
  for (const [name, bytes, message, expected] of cases) {
    it(`${name}: DataFormatError naming the source`, async () => {
      expect(() => data.parseIdx(bytes, { ...expected, name: 'probe.idx' })).toThrow(ck.DataFormatError);
      expect(() => data.parseIdx(bytes, { ...expected, name: 'probe.idx' })).toThrow(/^parseIdx: argument 'source' \(probe\.idx\) /);
      expect(() => data.parseIdx(bytes, expected)).toThrow(message);
      if (name !== 'gzip given to parseIdx') {
        // The same defect inside a gzip stream is found after gunzipping.
        await expect(data.readIdx(gzipSync(bytes), { ...expected, name: 'probe.idx.gz' })).rejects.toThrow(message);
      }
    });
  }

  it('truncated and corrupt gzip streams: DataFormatError', async () => {
    const gz = gzipSync(concat(idxHeader(0x08, [1000]), new Uint8Array(1000).map((_, i) => i * 7)));
    const corrupt = gz.slice();
    corrupt.fill(0xaa, 10, 30);
    for (const bytes of [gz.subarray(0, gz.length - 12), corrupt]) {
      await expect(data.readIdx(bytes, { name: 'broken.gz' })).rejects.toThrow(ck.DataFormatError);
      await expect(data.readIdx(bytes, { name: 'broken.gz' })).rejects.toThrow(/^readIdx: argument 'source' \(broken\.gz\) expected a complete gzip stream, received corrupt or truncated gzip data/);
    }
  });

  it('a missing file rejects with the path', async () => {
    await expect(data.readIdx(join(scratch(), 'absent.idx'))).rejects.toThrow(/absent\.idx/);
  });

  it('encodeIdx rejects a shape that does not hold the data, and unknown dtypes', () => {
    expect(() => data.encodeIdx({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) })).toThrow(ck.ValueError);
    expect(() => data.encodeIdx({ dtype: 'uint8', shape: [], data: new Uint8Array(1) })).toThrow(/^encodeIdx: argument 'array.shape'/);
    expect(() => data.encodeIdx({ dtype: 'uint16' as 'uint8', shape: [1], data: new Uint8Array(1) })).toThrow(/^encodeIdx: argument 'array.dtype'/);
  });
});

function disposeAll(set: ck.data.FashionMnist): void {
  for (const split of [set.train, set.test]) {
    split.x.dispose();
    split.y.dispose();
  }
}

/** Checks x (n, 28, 28, 1) float32 in [0, 1] and y int32 in 0-9; returns the class counts. */
function checkSplit(split: ck.data.Split, n: number): number[] {
  expect(split.x.shape).toEqual([n, 28, 28, 1]);
  expect(split.x.dtype).toBe('float32');
  expect(split.y.shape).toEqual([n]);
  expect(split.y.dtype).toBe('int32');
  const x = split.x.dataSync();
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of x) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  expect(lo).toBe(0);
  expect(hi).toBe(1);
  const counts = new Array(10).fill(0);
  for (const label of split.y.dataSync()) counts[label] += 1;
  expect(counts.reduce((a, b) => a + b)).toBe(n);
  return counts;
}

describe('fashionMnist', () => {
  it('bundled subset: 6,000 train and 1,000 test samples, class-balanced, x in [0, 1]', async () => {
    const set = await data.fashionMnistSample();
    expect(checkSplit(set.train, 6000)).toEqual(new Array(10).fill(600));
    expect(checkSplit(set.test, 1000)).toEqual(new Array(10).fill(100));
    disposeAll(set);
  });

  it('limit keeps the first samples of each split; a bad limit is a ValueError', async () => {
    const [all, few] = [await data.fashionMnist({ bundled: true }), await data.fashionMnist({ bundled: true, limit: 50 })];
    checkSplit(few.train, 50);
    expect(few.train.x.dataSync()).toEqual(all.train.x.dataSync().subarray(0, 50 * 784));
    expect(few.test.y.dataSync()).toEqual(all.test.y.dataSync().subarray(0, 50));
    disposeAll(all);
    disposeAll(few);
    await expect(data.fashionMnist({ bundled: true, limit: 0 })).rejects.toThrow(ck.ValueError);
  });

  it('reads raw (not gzipped) files from a directory, and matches the gzipped ones', async () => {
    const dir = join(scratch(), 'raw');
    const bundled = data.bundledFashionMnistUrl();
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      const array = await data.readIdx(new URL(`${name}.gz`, bundled));
      await writeFile(join(dir, name), data.encodeIdx(array));
    }
    const [raw, gz] = [await data.fashionMnist({ dir }), await data.fashionMnistSample()];
    expect(raw.test.x.dataSync()).toEqual(gz.test.x.dataSync());
    expect(raw.train.y.dataSync()).toEqual(gz.train.y.dataSync());
    disposeAll(raw);
    disposeAll(gz);
  });

  it('rejects mismatched label counts and out-of-range labels, leaking nothing', async () => {
    const dir = join(scratch(), 'bad');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const bundled = data.bundledFashionMnistUrl();
    for (const name of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      await copyFile(new URL(`${name}.gz`, bundled), join(dir, `${name}.gz`));
    }
    const before = ck.memory();
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), data.encodeIdx({ dtype: 'uint8', shape: [5], data: new Uint8Array(5) }));
    await expect(data.fashionMnist({ dir })).rejects.toThrow(/^fashionMnist: argument 'train labels' expected 6000 labels, one per image, received 5/);
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), data.encodeIdx({ dtype: 'uint8', shape: [6000], data: new Uint8Array(6000).fill(10, 3) }));
    await expect(data.fashionMnist({ dir })).rejects.toThrow(ck.DataFormatError);
    await expect(data.fashionMnist({ dir })).rejects.toThrow(/expected class ids 0-9, received 10 at index 3/);
    await expect(data.fashionMnist({ dir: join(scratch(), 'nowhere') })).rejects.toThrow(/nowhere/);
    expect(ck.memory()).toEqual({ ...before, wasmBytes: ck.memory().wasmBytes });
  });

  const fullTitle = hasDebianDataset
    ? `full dataset from ${DEBIAN_DIR}: 60,000 + 10,000 samples, 10 classes`
    : `full dataset: skipped, ${DEBIAN_DIR} is absent (apt-get install dataset-fashion-mnist)`;
  it.skipIf(!hasDebianDataset)(fullTitle, async () => {
    const set = await data.fashionMnist();
    expect(checkSplit(set.train, 60000)).toEqual(new Array(10).fill(6000));
    expect(checkSplit(set.test, 10000)).toEqual(new Array(10).fill(1000));
    disposeAll(set);
  });
});
