// The browser demo (demo/) in real Chromium: a short training run (?batches=40) must lift test
// accuracy well above chance and draw every canvas; the drawing pad gets predictions; the
// convolution visualizer steps its window and traces receptive fields. Leaves a screenshot in
// test-results/demo.png. A shorter run in Firefox checks the same page works there.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, FIREFOX_PATH, launchChromium, launchFirefox } from './browser/launch.js';
import { startServer } from './browser/server.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const SCREENSHOT = join(repoRoot, 'test-results', 'demo.png');

/** In the page: how many distinct colours a canvas shows (up to 50); 1 means blank. */
function countColours(id: string): number {
  const canvas = document.getElementById(id) as HTMLCanvasElement;
  if (canvas.width === 0 || canvas.height === 0) return 0;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  const seen = new Set<number>();
  for (let i = 0; i < data.length && seen.size < 50; i += 4) seen.add((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!);
  return seen.size;
}

const colours = (page: Page, id: string) => page.evaluate(countColours, id);
const CANVASES = ['curves', 'confusion', 'filters', 'activations', 'conv'];

const text = (page: Page, id: string) => page.locator(`#${id}`).innerText();

describe.skipIf(!existsSync(CHROMIUM_PATH))(`the browser demo${existsSync(CHROMIUM_PATH) ? '' : `: SKIPPED, ${CHROMIUM_PATH} not found`}`, () => {
  it('trains 40 batches in a worker, draws curves, filters, maps and the confusion matrix, predicts drawings, steps convolutions', async () => {
    const server = await startServer(repoRoot);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${server.origin}/demo/index.html?batches=40&evalEvery=20`);

      const status = page.locator('#status');
      await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 50_000 });
      expect(await status.getAttribute('data-state'), await status.innerText()).toBe('done');
      expect(await text(page, 'status')).toMatch(/^Done: 40 batches, test accuracy [\d.]+% on 1000 images\.$/);
      expect(Number(await status.getAttribute('data-test-accuracy'))).toBeGreaterThan(0.4); // chance: 0.1
      for (const id of CANVASES) expect(await colours(page, id), id).toBeGreaterThan(2);

      // A stroke on the pad asks the worker for class probabilities.
      await page.locator('#draw').scrollIntoViewIfNeeded();
      const pad = (await page.locator('#draw').boundingBox())!;
      await page.mouse.move(pad.x + 80, pad.y + 60);
      await page.mouse.down();
      await page.mouse.move(pad.x + 200, pad.y + 60, { steps: 5 });
      await page.mouse.move(pad.x + 200, pad.y + 220, { steps: 5 });
      await page.mouse.up();
      await expect.poll(() => colours(page, 'probs')).toBeGreaterThan(2);

      // The visualizer: 7x7 input, 3x3 kernel, stride 1, valid.
      expect(await text(page, 'cv-info')).toMatch(/^layer 1 output \(0, 0\) = .* receptive field on the input: 3x3$/);
      await page.click('#cv-next');
      expect(await text(page, 'cv-info')).toMatch(/^layer 1 output \(0, 1\) /);
      await page.fill('#cv-layers', '3');
      expect(await text(page, 'cv-info')).toMatch(/^layer 3 output \(0, 0\) .* receptive field on the input: 7x7$/);
      await page.fill('#cv-dilation', '2');
      expect(await text(page, 'cv-info')).toMatch(/expected a padded spatial size of at least the dilated filter's 5x5/);
      await page.fill('#cv-layers', '1');
      await page.click('#cv-next');
      expect(await text(page, 'cv-info')).toMatch(/^layer 1 output \(0, 1\) .* receptive field on the input: 5x5$/);
      expect(errors).toEqual([]);

      await mkdir(join(repoRoot, 'test-results'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});

describe.skipIf(!existsSync(FIREFOX_PATH))(`the browser demo in Firefox${existsSync(FIREFOX_PATH) ? '' : `: SKIPPED, ${FIREFOX_PATH} not found`}`, () => {
  it('trains 20 batches in a module worker and draws every canvas', async () => {
    const server = await startServer(repoRoot);
    const browser = await launchFirefox();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.origin}/demo/index.html?batches=20&evalEvery=20`);
      await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 50_000 });
      const [state, message, accuracy] = await page.$eval('#status', (e) => [(e as HTMLElement).dataset.state, e.textContent, (e as HTMLElement).dataset.testAccuracy]);
      expect(state, message ?? '').toBe('done');
      expect(Number(accuracy)).toBeGreaterThan(0.3);
      for (const id of CANVASES) expect(await page.evaluate(countColours, id), id).toBeGreaterThan(2);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});
