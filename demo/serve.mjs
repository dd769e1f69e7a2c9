// `npm run demo:web`: serves the repo root (the demo page, dist/ and the bundled data) with the
// browser tests' static server, and prints the demo's URL. `-- --port N` picks the port (default 8080, 0: any free one).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// The server is TypeScript (test/browser/server.ts); Node 20 runs it once esbuild has stripped the types.
const { outputFiles } = await build({ entryPoints: [`${root}test/browser/server.ts`], platform: 'node', format: 'esm', write: false });
const { startServer } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);

const at = process.argv.indexOf('--port');
const server = await startServer(root, at >= 0 ? Number(process.argv[at + 1]) : 8080);
console.log(`convkit demo: ${server.origin}/demo/index.html  (Ctrl-C stops the server)`);
