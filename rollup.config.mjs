// tsc emits build/ (JS + .d.ts); rollup bundles each into one file in dist/, beside convkit.wasm.
// The CLI (dist/cli.js) uses the public API only: it imports ./convkit.js rather than a second copy.
import { fileURLToPath } from 'node:url';
import { dts } from 'rollup-plugin-dts';

const publicApi = fileURLToPath(new URL('build/index.js', import.meta.url));

export default [
  { input: 'build/index.js', output: { file: 'dist/convkit.js', format: 'es' } },
  { input: 'build/index.d.ts', output: { file: 'dist/convkit.d.ts', format: 'es' }, plugins: [dts()] },
  {
    input: 'build/cli/main.js',
    external: [publicApi],
    output: { file: 'dist/cli.js', format: 'es', paths: { [publicApi]: './convkit.js' } },
  },
];
