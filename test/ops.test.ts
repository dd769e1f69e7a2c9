// Runs the shared suite (test/shared/suite.ts) in Node against the built package in dist/.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { buildChecks } from './shared/suite.js';
import type { Conv2dFixtures } from './shared/suite.js';

await ck.init();
const root = new URL('../', import.meta.url);
const checks = buildChecks(ck, {
  conv2dFixtures: JSON.parse(readFileSync(new URL('test/fixtures/conv2d.json', root), 'utf8')) as Conv2dFixtures,
  wasmBytes: readFileSync(new URL('dist/convkit.wasm', root)),
});

checkNoLeaks();

for (const check of checks) it(check.name, check.run);
