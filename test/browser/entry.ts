// The page side of the browser tests: loads the built package as an app would (the import stays
// external when bundling), runs the shared checks and reports through window.reportConvkit.
// @ts-expect-error -- a path the page resolves against the server root; its types are ck's below.
import * as dist from '/dist/convkit.js';
import { buildChecks } from '../shared/suite.js';
import { type ConvkitModule, runChecks } from '../shared/types.js';
import type { PageOutcome } from './protocol.js';

const ck: ConvkitModule = dist;

async function fetchOk(path: string): Promise<Response> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`could not fetch ${path}: HTTP ${response.status}`);
  return response;
}

async function main(): Promise<PageOutcome> {
  await ck.init();
  const [conv2dFixtures, wasm] = await Promise.all([
    fetchOk('/test/fixtures/conv2d.json').then((response) => response.json()),
    fetchOk('/dist/convkit.wasm').then((response) => response.arrayBuffer()),
  ]);
  return { results: await runChecks(buildChecks(ck, { conv2dFixtures, wasmBytes: new Uint8Array(wasm) })) };
}

main().then(window.reportConvkit, (error: unknown) => window.reportConvkit({ error: String(error) }));
