// The suite's host in a browser page (bench/hosts/browser.html, served from the repo root by
// bench/run.mjs): file bytes by fetch, logs to the console (the runner echoes them), the report in
// window.benchOutcome, which the runner polls. Query: ?runtime=chromium&quick=1&sections=a,b
import { runSuite } from '../suite.mjs';

const params = new URLSearchParams(location.search);
const origin = location.origin;
const pre = document.getElementById('log');

const host = {
  runtime: params.get('runtime') ?? 'browser',
  runtimeVersion: navigator.userAgent,
  userAgent: navigator.userAgent,
  readBytes: async (path) => {
    const response = await fetch(`${origin}/${path}`);
    if (!response.ok) throw new Error(`fetch ${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  },
  tfjsWasmDist: `${origin}/node_modules/@tensorflow/tfjs-backend-wasm/dist/`,
  ortWasmPaths: `${origin}/node_modules/onnxruntime-web/dist/`,
  log: (line) => {
    console.log(line);
    pre.textContent += `${line}\n`;
  },
};

const sections = params.get('sections')?.split(',');
runSuite(host, { quick: params.get('quick') === '1', ...(sections ? { sections } : {}) }).then(
  (report) => (window.benchOutcome = { report }),
  (error) => (window.benchOutcome = { error: `${error?.stack ?? error}` }),
);
