// `npm run bench`: runs the benchmark suite (bench/suite.mjs) in one or more runtimes and writes
// bench/results/suite-<runtime>.json, suite.md + suite.svg (Node's) and, with several
// runtimes, runtimes.md + runtimes.svg (side by side).
//   npm run bench -- [--quick] [--runtimes node,deno,bun,chromium,firefox] [--sections conv2d,depthwise,...] [--repeat n]
// --repeat n runs the suite n times in Node, Deno and Bun and reports each figure's median over the
// runs (this machine's speed drifts between runs by more than the samples within one run vary).
// The suite is bundled with esbuild (tfjs's gradients are extension-less ES modules that Node cannot
// load, and browsers need one file): Node, Deno and Bun run bench/hosts/server.mjs's bundle in a
// child process; Chromium and Firefox open bench/hosts/browser.html from a local HTTP server (the
// browser tests' server and launchers, test/browser/server.ts and launch.ts). A runtime that is not
// installed is skipped with one line. Needs dist/ (npm run build).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { medianReport, writeReports } from './report.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const cacheDir = join(root, 'bench/.cache');
const resultsDir = join(root, 'bench/results');
const EXTRAS = ['fft', 'circular'];
const ALL_RUNTIMES = ['node', 'deno', 'bun', 'chromium', 'firefox'];

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : argv[i + 1];
};
const quick = argv.includes('--quick');
const runtimes = option('--runtimes', 'node').split(',').map((r) => r.trim()).filter(Boolean);
const sections = option('--sections', null);
const repeat = Number(option('--repeat', '1'));

/**
 * esbuild plugin: convkit stays the package's own dist/ (its wasm and data sit beside it); the optional
 * sections are a virtual module, and their `import.meta.url` keeps naming their own file (they find
 * files relative to it), not the bundle's chunk.
 */
function suitePlugin(convkitSpecifier, browser) {
  return {
    name: 'convkit-bench',
    setup(b) {
      b.onResolve({ filter: /dist\/convkit\.js$/ }, () => ({ path: convkitSpecifier, external: true }));
      b.onResolve({ filter: /^convkit-bench-extras$/ }, () => ({ path: 'extras', namespace: 'convkit-bench' }));
      b.onLoad({ filter: /.*/, namespace: 'convkit-bench' }, () => {
        const entries = EXTRAS.map((id) => (existsSync(join(root, `bench/${id}.mjs`)) ? `${id}: () => import('./${id}.mjs')` : `${id}: null`));
        return { contents: `export const extras = { ${entries.join(', ')} };`, resolveDir: join(root, 'bench'), loader: 'js' };
      });
      const extraFile = new RegExp(`bench[\\/\\\\](${EXTRAS.join('|')})\\.mjs$`);
      b.onLoad({ filter: extraFile }, async (args) => {
        const own = browser ? `new URL(${JSON.stringify('/' + relative(root, args.path))}, import.meta.url).href` : JSON.stringify(pathToFileURL(args.path).href);
        return { contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', own), loader: 'js' };
      });
    },
  };
}

async function bundle(kind) {
  const outdir = join(cacheDir, kind);
  await rm(outdir, { recursive: true, force: true });
  const common = {
    entryPoints: [join(root, `bench/hosts/${kind}.mjs`)],
    outdir, bundle: true, format: 'esm', splitting: true, target: 'es2022', logLevel: 'error',
    outExtension: { '.js': '.mjs' }, mainFields: ['module', 'main'],
  };
  if (kind === 'server') {
    await build({
      ...common, platform: 'node', external: ['onnxruntime-web'],
      plugins: [suitePlugin('../../../dist/convkit.js', false)],
      // The bundle is ESM; tfjs's and ConvNetJS's CommonJS parts expect require and __dirname.
      banner: {
        js: "import { createRequire as __ckRequire } from 'node:module'; import { fileURLToPath as __ckPath } from 'node:url'; import { dirname as __ckDir } from 'node:path';" +
          ' const require = __ckRequire(import.meta.url); const __filename = __ckPath(import.meta.url); const __dirname = __ckDir(__filename);',
      },
    });
  } else {
    await build({ ...common, platform: 'browser', external: ['node:*'], plugins: [suitePlugin('/dist/convkit.js', true)] });
  }
  return join(outdir, `${kind}.mjs`);
}

/** test/browser/server.ts and launch.ts, transpiled once per run (they are TypeScript). */
async function browserTools() {
  const outfile = join(cacheDir, 'browser-tools.mjs');
  await build({
    stdin: {
      contents: "export { startServer } from './test/browser/server.ts'; export * from './test/browser/launch.ts';",
      resolveDir: root, loader: 'ts',
    },
    outfile, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'error',
  });
  return import(`${outfile}?${Date.now()}`);
}

const SERVER_RUNTIMES = {
  node: { bin: process.execPath, args: (file) => [file] },
  deno: { bin: join(root, 'node_modules/.bin/deno'), args: (file) => ['run', '-A', '--quiet', file] },
  bun: { bin: join(root, 'node_modules/.bin/bun'), args: (file) => ['run', file] },
};

function runChild(runtime, bin, args) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = (chunk) => chunk.toString().replace(/^(?=.)/gm, `[${runtime}] `);
    let stderr = '';
    child.stdout.on('data', (chunk) => process.stdout.write(prefix(chunk)));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(prefix(chunk));
    });
    child.on('error', (error) => resolve({ error: error.message }));
    child.on('close', (code) => resolve(code === 0 ? {} : { error: `exit code ${code}: ${stderr.trim().split('\n').pop() ?? ''}` }));
  });
}

async function runServer(runtime, file) {
  const { bin, args } = SERVER_RUNTIMES[runtime];
  if (!existsSync(bin)) return { skipped: `${bin} not found (npm install, devDependency ${runtime})` };
  const out = join(cacheDir, `suite-${runtime}.json`);
  const extra = [...(quick ? ['--quick'] : []), ...(sections ? ['--sections', sections] : []), '--out', out, '--root', root];
  const reports = [];
  for (let run = 1; run <= repeat; run++) {
    if (repeat > 1) console.log(`--- ${runtime}: run ${run} of ${repeat}`);
    await rm(out, { force: true });
    const { error } = await runChild(runtime, bin, [...args(file), ...extra]);
    if (error) return { failed: error };
    reports.push(JSON.parse(await readFile(out, 'utf8')));
  }
  return { report: reports.length > 1 ? medianReport(reports) : reports[0] };
}

const BROWSERS = {
  chromium: (tools) => ({ path: tools.CHROMIUM_PATH, launch: tools.launchChromium }),
  // A poll waits while the page runs a long synchronous stretch (a tfjs-cpu training step).
  firefox: (tools) => ({ path: tools.FIREFOX_PATH, launch: () => tools.launchFirefox({ protocolTimeout: 20 * 60_000 }) }),
};

async function runBrowser(runtime, tools) {
  const { path, launch } = BROWSERS[runtime](tools);
  if (!existsSync(path)) return { skipped: `${path} not found (apt-get install ${runtime === 'firefox' ? 'firefox-esr' : 'chromium'})` };
  const server = await tools.startServer(root);
  try {
    const browser = await launch();
    try {
      const version = await browser.version();
      const page = await browser.newPage();
      page.on('console', (message) => console.log(`[${runtime}] ${message.text()}`));
      page.on('pageerror', (error) => console.error(`[${runtime}] page error: ${error.message}`));
      const query = new URLSearchParams({ runtime, ...(quick ? { quick: '1' } : {}), ...(sections ? { sections } : {}) });
      await page.goto(`${server.origin}/bench/hosts/browser.html?${query}`, { timeout: 60_000 });
      // Polled rather than awaited in one evaluate: puppeteer's protocol calls time out after 3 minutes.
      const deadline = Date.now() + (quick ? 30 : 180) * 60_000;
      for (;;) {
        const outcome = await page.evaluate(() => window.benchOutcome);
        if (outcome?.error) return { failed: outcome.error };
        if (outcome?.report) {
          outcome.report.runtimeVersion = `${runtime === 'firefox' ? 'Firefox' : 'Chromium'} ${version.replace(/^[^/]*\//, '')}`;
          return { report: outcome.report };
        }
        if (Date.now() > deadline) return { failed: 'no result before the deadline' };
        await new Promise((done) => setTimeout(done, 1000));
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}

async function main() {
  const unknown = runtimes.filter((r) => !ALL_RUNTIMES.includes(r));
  if (unknown.length) throw new Error(`unknown runtime(s) ${unknown.join(', ')}; known: ${ALL_RUNTIMES.join(', ')}`);
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat expects a whole number of runs >= 1, received ${option('--repeat')}`);
  if (!existsSync(join(root, 'dist/convkit.js'))) throw new Error('dist/convkit.js is missing: run `npm run build` first');
  await mkdir(cacheDir, { recursive: true });
  await mkdir(resultsDir, { recursive: true });
  const missing = EXTRAS.filter((id) => !existsSync(join(root, `bench/${id}.mjs`)));
  if (missing.length) console.log(`bench/${missing.join('.mjs, bench/')}.mjs not there yet: those sections are skipped`);
  const serverFile = runtimes.some((r) => r in SERVER_RUNTIMES) ? await bundle('server') : null;
  const browsers = runtimes.some((r) => r in BROWSERS);
  if (browsers) await bundle('browser');
  const tools = browsers ? await browserTools() : null;

  const reports = [];
  const skipped = [];
  for (const runtime of runtimes) {
    console.log(`\n=== ${runtime}${quick ? ' (--quick)' : ''} ===`);
    let outcome;
    try {
      outcome = runtime in SERVER_RUNTIMES ? await runServer(runtime, serverFile) : await runBrowser(runtime, tools);
    } catch (error) {
      outcome = { failed: error.message.split('\n')[0] };
    }
    if (outcome.report) {
      // A partial run (--sections) leaves bench/results as it was.
      const file = join(sections ? cacheDir : resultsDir, `suite-${runtime}.json`);
      await writeFile(file, JSON.stringify(outcome.report, null, 2) + '\n');
      console.log(`wrote ${file}`);
      reports.push(outcome.report);
    } else {
      const reason = outcome.skipped ? `skipped: ${outcome.skipped}` : `failed: ${outcome.failed}`;
      console.log(`${runtime}: ${reason}`);
      skipped.push({ runtime, reason });
    }
  }
  if (!reports.length) {
    process.exitCode = 1;
    return;
  }
  const written = await writeReports(reports, sections ? cacheDir : resultsDir, { skipped });
  if (sections) console.log(`partial run (--sections ${sections}): bench/results left as it was`);
  console.log(`\n${written.summary}`);
  for (const file of written.files) console.log(`wrote ${file}`);
  if (skipped.some((s) => s.reason.startsWith('failed'))) process.exitCode = 1;
}

await main();
