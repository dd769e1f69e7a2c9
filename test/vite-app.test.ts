// The package works with a bundler without configuration: test/vite-app imports 'convkit' as an
// app would; the package is installed from its `npm pack` tarball into a temporary directory (never
// the repo's node_modules), built by Vite with no config file, served, and run in Chromium.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { CHROMIUM_PATH, launchChromium } from './browser/launch.js';
import { startServer } from './browser/server.js';
import { checkNoLeaks } from './leak-check.js';
import { scratchDir } from './scratch-dir.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

await ck.init();
checkNoLeaks();
const scratch = scratchDir('vite');

/** What main.js computes, computed here in Node. */
async function expected(): Promise<{ conv: number[]; labels: number[] }> {
  const conv = ck.tidy(() => {
    const x = ck.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    return Array.from(ck.ops.conv2d(x, ck.tensor([1, 2, 3, 4], [2, 2, 1, 1])).dataSync());
  });
  const { train, test } = await ck.data.fashionMnistSample({ limit: 4 });
  const labels = Array.from(train.y.dataSync());
  for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  return { conv, labels };
}

describe.skipIf(!existsSync(CHROMIUM_PATH))(`convkit in a Vite app${existsSync(CHROMIUM_PATH) ? '' : `: SKIPPED, ${CHROMIUM_PATH} not found`}`, () => {
  it('npm pack, install the tarball, vite build with no config: the wasm and the data ship and run in Chromium', async () => {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', scratch()], { cwd: repoRoot });
    const tarball = join(scratch(), stdout.trim().split('\n').pop()!);
    const app = join(scratch(), 'app');
    await cp(join(repoRoot, 'test/vite-app'), app, { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'convkit-vite-app', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-save', '--no-audit', '--no-fund', tarball], { cwd: app });

    const outDir = join(scratch(), 'out');
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir } });
    const assets = await readdir(join(outDir, 'assets'));
    expect(assets.some((f) => /^convkit-.*\.wasm$/.test(f)), assets.join(', ')).toBe(true);

    const server = await startServer(outDir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.origin}/index.html`);
      await page.waitForSelector('#result[data-state]', { timeout: 30_000 });
      const result = page.locator('#result');
      expect(await result.getAttribute('data-state'), await result.innerText()).toBe('done');
      const got = JSON.parse(await result.innerText());
      expect(got).toEqual(await expected());
      expect(got.conv).toEqual([37, 47, 67, 77]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 90_000);
});
