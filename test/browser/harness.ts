// Runs the shared checks (test/shared/suite.ts) in a real browser: bundles entry.ts, serves the repo
// root over HTTP, opens index.html and turns each check into its own vitest test, so a failure
// names the check. chromium.test.ts and firefox.test.ts differ only in how they launch a browser.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, it } from 'vitest';
import { buildChecks } from '../shared/suite.js';
import type { CheckResult } from '../shared/types.js';
import type { PageOutcome } from './protocol.js';
import { startServer } from './server.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const here = join(repoRoot, 'test/browser');
const PAGE_PATH = '/test/browser/index.html';
const PAGE_TIMEOUT_MS = 180_000;
const SETUP_TIMEOUT_MS = PAGE_TIMEOUT_MS + 120_000;

/** The parts of a playwright or puppeteer browser the runner uses. */
export interface BrowserLike {
  newPage(): Promise<PageLike>;
  close(): Promise<void>;
}

interface ConsoleMessageLike {
  type(): string;
  text(): string;
}

export interface PageLike {
  // The listener argument is loose because puppeteer types `on` generically over its event map.
  on(event: 'console' | 'pageerror', listener: (value: any) => void): unknown;
  goto(url: string, options: { timeout: number }): Promise<unknown>;
  evaluate<T>(fn: () => Promise<T>): Promise<T>;
}

/** The check names Node sees; the browser must report exactly these. */
async function sharedCheckNames(): Promise<string[]> {
  const dist = join(repoRoot, 'dist/convkit.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first`);
  const ck = await import('../../dist/convkit.js');
  await ck.init();
  const [fixtures, wasmBytes] = await Promise.all([
    readFile(join(repoRoot, 'test/fixtures/conv2d.json'), 'utf8'),
    readFile(join(repoRoot, 'dist/convkit.wasm')),
  ]);
  const names = buildChecks(ck, { conv2dFixtures: JSON.parse(fixtures), wasmBytes }).map((check) => check.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`shared check names must be unique (results are matched by name): "${duplicate}"`);
  return names;
}

const checkNames = await sharedCheckNames();

/** Bundles entry.ts into .cache/entry.js; written by rename, as both browser tests may bundle at once. */
async function bundleEntry(): Promise<void> {
  const outfile = join(here, '.cache/entry.js');
  const { outputFiles } = await build({
    entryPoints: [join(here, 'entry.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    external: ['/dist/convkit.js'],
    write: false,
    logLevel: 'silent',
  });
  const temporary = `${outfile}.${process.pid}.tmp`;
  await mkdir(join(here, '.cache'), { recursive: true });
  await writeFile(temporary, outputFiles[0]!.contents);
  await rename(temporary, outfile);
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens the page and waits for its outcome; an uncaught page error fails at once. */
async function pageOutcome(page: PageLike, url: string, label: string): Promise<PageOutcome> {
  page.on('console', (message: ConsoleMessageLike) => {
    if (message.type() === 'error') console.error(`[${label} console] ${message.text()}`);
  });
  const pageError = new Promise<never>((_, fail) => {
    page.on('pageerror', (error: Error) => fail(new Error(`${label} page error: ${error.message}`)));
  });
  const outcome = (async () => {
    await page.goto(url, { timeout: PAGE_TIMEOUT_MS });
    return page.evaluate(() => window.convkitOutcome);
  })();
  return within(Promise.race([outcome, pageError]), PAGE_TIMEOUT_MS, `${label} at ${url}`);
}

function resultsByName(outcome: PageOutcome, label: string): Map<string, CheckResult> {
  if ('error' in outcome) throw new Error(`${label}: the page failed before running the checks: ${outcome.error}`);
  return new Map(outcome.results.map((result) => [result.name, result]));
}

async function runInBrowser(label: string, launch: () => Promise<BrowserLike>): Promise<Map<string, CheckResult>> {
  await bundleEntry();
  const server = await startServer(repoRoot);
  try {
    const browser = await launch();
    try {
      const outcome = await pageOutcome(await browser.newPage(), server.origin + PAGE_PATH, label);
      return resultsByName(outcome, label);
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}

/** An error named for the browser, so the report reads "Chromium: ShapeError: ...". */
function browserError(label: string, message: string): Error {
  const error = new Error(message);
  error.name = label;
  return error;
}

/** Declares one vitest test per shared check, run in the browser `launch` starts. */
export function describeBrowser(label: string, executablePath: string, launch: () => Promise<BrowserLike>): void {
  if (!existsSync(executablePath)) {
    describe.skip(`${label}: SKIPPED, ${executablePath} not found`, () => {
      it('shared checks', () => {});
    });
    return;
  }
  describe(`shared checks in ${label}`, () => {
    let results = new Map<string, CheckResult>();
    beforeAll(async () => {
      results = await runInBrowser(label, launch);
    }, SETUP_TIMEOUT_MS);

    it.each(checkNames)('%s', (name) => {
      const result = results.get(name);
      if (!result) throw browserError(label, 'the check did not run');
      if (!result.ok) throw browserError(label, result.message ?? 'failed without a message');
    });
  });
}
