// The browser path of data and viz in real Chromium: the bundled Fashion-MNIST subset is found
// beside dist/convkit.js, fetched and gunzipped by DecompressionStream; the PNG encoder deflates
// through CompressionStream. The page imports the built package as an app would.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';

const executablePath = '/usr/bin/chromium';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface PageResult {
  shapes: number[][];
  dtypes: string[];
  range: [number, number];
  labels: number[];
  idxShape: number[];
  png: number[];
  leaked: number;
  streams: boolean;
}

/** Runs in the page: everything returned is plain data. */
async function inPage(): Promise<PageResult> {
  // Built at run time so vitest's transform leaves this import() to the page.
  const load = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<typeof import('../../dist/convkit.js')>;
  const ck = await load('/dist/convkit.js');
  await ck.init();
  const before = ck.memory().numTensors;
  const { train, test } = await ck.data.fashionMnistSample({ limit: 300 });
  const x = Array.from(test.x.dataSync());
  const labels = Array.from(new Set(train.y.dataSync())).sort((a, b) => a - b);
  const result = {
    shapes: [train.x.shape, train.y.shape, test.x.shape, test.y.shape].map((s) => [...s]),
    dtypes: [train.x.dtype, train.y.dtype],
    range: [x.reduce((a, b) => Math.min(a, b)), x.reduce((a, b) => Math.max(a, b))] as [number, number],
    labels,
    idxShape: (await ck.data.readIdx('/data/fashion-mnist-sample/t10k-labels-idx1-ubyte.gz')).shape,
    png: [...(await ck.viz.curvesPng([{ title: 'loss', series: [{ name: 'train', values: [1, 0.5] }] }])).subarray(0, 16)],
    streams: typeof DecompressionStream === 'function' && typeof CompressionStream === 'function',
    leaked: 0,
  };
  for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  result.leaked = ck.memory().numTensors - before;
  return result;
}

describe.skipIf(!existsSync(executablePath))(`data and viz in Chromium${existsSync(executablePath) ? '' : `: SKIPPED, ${executablePath} not found`}`, () => {
  it('loads the bundled subset over HTTP and encodes a PNG with the web streams', async () => {
    const server = await startServer(repoRoot);
    const browser = await chromium.launch({ executablePath, args });
    try {
      const page = await browser.newPage();
      // Any page of the server's origin will do (a 404 included): the module is imported from the page.
      await page.goto(`${server.origin}/blank`);
      const result = await page.evaluate(inPage);
      expect(result.streams).toBe(true);
      expect(result.shapes).toEqual([[300, 28, 28, 1], [300], [300, 28, 28, 1], [300]]);
      expect(result.dtypes).toEqual(['float32', 'int32']);
      expect(result.range).toEqual([0, 1]);
      expect(result.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(result.idxShape).toEqual([1000]);
      expect(result.png.slice(0, 8)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(String.fromCharCode(...result.png.slice(12, 16))).toBe('IHDR');
      expect(result.leaked).toBe(0);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
