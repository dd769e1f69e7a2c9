// Runs test/runtimes/smoke.mjs in each JavaScript runtime the package promises (Node runs the rest
// of the suite too) and asserts on the one JSON line it prints.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const script = join(repoRoot, 'test/runtimes/smoke.mjs');
const TIMEOUT_MS = 120_000;

const RUNTIMES = [
  { name: 'deno', bin: join(repoRoot, 'node_modules/.bin/deno'), args: ['run', '--no-lock', `--allow-read=${join(repoRoot, 'dist')}`, script] },
  { name: 'bun', bin: join(repoRoot, 'node_modules/.bin/bun'), args: [script] },
  { name: 'node', bin: process.execPath, args: [script] },
];

interface SmokeReport {
  runtime: { name: string; version: string };
  error?: string;
  cases: { shape: number[]; expectedShape: number[]; mismatches: number; maxError: number }[];
  before: { numTensors: number; numBytes: number };
  after: { numTensors: number; numBytes: number };
}

/** Runs the smoke script; a crash or a non-JSON last line fails with the runtime's own output. */
async function smoke(bin: string, args: string[]): Promise<SmokeReport> {
  const { stdout, stderr } = await promisify(execFile)(bin, args, { cwd: repoRoot, timeout: TIMEOUT_MS }).catch((error) => {
    throw new Error(`${bin} failed: ${error.message}\nstdout: ${error.stdout}\nstderr: ${error.stderr}`);
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${bin} printed no JSON line\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
}

describe('the built package in other runtimes', () => {
  for (const { name, bin, args } of RUNTIMES) {
    const missing = !existsSync(bin);
    it.skipIf(missing)(missing ? `${name}: SKIPPED, ${bin} not found` : `${name}: conv2d 'same' matches a naive loop, memory returns to start`, async () => {
      const report = await smoke(bin, args);
      expect(report.error).toBeUndefined();
      expect(report.runtime.name).toBe(name);
      for (const c of report.cases) {
        expect(c.shape).toEqual(c.expectedShape);
        expect(c.mismatches, `max error ${c.maxError}`).toBe(0);
      }
      expect(report.after.numTensors).toBe(report.before.numTensors);
      expect(report.after.numBytes).toBe(report.before.numBytes);
    }, TIMEOUT_MS);
  }
});
