// The suite's host in Node, Deno and Bun: file bytes from disk, tfjs's wasm files by path, PyTorch
// through a child process. bench/run.mjs bundles this file (with the suite) and starts it as
//   <runtime> server.mjs [--quick] [--sections a,b] --out <json file> --root <repo root>
// Node modules are imported dynamically, so the suite's modules stay portable.
import { runSuite } from '../suite.mjs';

const argv = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};

function runtimeInfo() {
  if (typeof Deno !== 'undefined') return { runtime: 'deno', runtimeVersion: `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})` };
  if (process.versions.bun) return { runtime: 'bun', runtimeVersion: `Bun ${process.versions.bun} (JavaScriptCore)` };
  return { runtime: 'node', runtimeVersion: `Node ${process.version} (V8 ${process.versions.v8})` };
}

const PYTHON = '/usr/bin/python3';

async function main() {
  const [fs, os, childProcess, path] = await Promise.all([
    import('node:fs/promises'), import('node:os'), import('node:child_process'), import('node:path'),
  ]);
  const root = path.resolve(option('--root'));
  const out = option('--out');
  const inRoot = (p) => path.join(root, p);
  const torch = async ({ steps, warmup, batch }) => {
    const run = childProcess.spawnSync(PYTHON, [inRoot('bench/train_torch.py'), '--steps', String(steps), '--warmup', String(warmup), '--batch', String(batch)], { encoding: 'utf8' });
    if (run.error) return { skipped: `${PYTHON} not runnable (${run.error.code}); install python3 and python3-torch` };
    if (run.status !== 0) {
      const missing = /No module named 'torch'/.test(run.stderr);
      return { skipped: missing ? `PyTorch is not installed for ${PYTHON} (apt-get install python3-torch)` : `train_torch.py failed: ${run.stderr.trim().split('\n').pop()}` };
    }
    return JSON.parse(run.stdout.trim().split('\n').pop());
  };
  const host = {
    ...runtimeInfo(),
    cpu: os.cpus()[0]?.model,
    readBytes: async (p) => new Uint8Array(await fs.readFile(inRoot(p))),
    tfjsWasmDist: inRoot('node_modules/@tensorflow/tfjs-backend-wasm/dist/'),
    torch,
    log: (line) => console.log(line),
  };
  const sections = option('--sections')?.split(',');
  const report = await runSuite(host, { quick: argv.includes('--quick'), ...(sections ? { sections } : {}) });
  await fs.writeFile(out, JSON.stringify(report, null, 2) + '\n');
}

await main();
