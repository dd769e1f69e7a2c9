// tsc emits build/ (JS + .d.ts); rollup bundles each into one file in dist/, beside convkit.wasm.
import { dts } from 'rollup-plugin-dts';

export default [
  { input: 'build/index.js', output: { file: 'dist/convkit.js', format: 'es' } },
  { input: 'build/index.d.ts', output: { file: 'dist/convkit.d.ts', format: 'es' }, plugins: [dts()] },
];
