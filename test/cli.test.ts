// `convkit train` end to end through bin/convkit.mjs on a small slice of the bundled data: exit
// codes, progress and test accuracy on stdout, valid PNGs (curves, filters, activations), a saved model that loads
// back and scores what the CLI printed. Bad flags exit 2 naming the flag.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/convkit.js';
import { checkNoLeaks } from './leak-check.js';
import { scratchDir } from './scratch-dir.js';

const BIN = fileURLToPath(new URL('../bin/convkit.mjs', import.meta.url));

await ck.init();
checkNoLeaks();
const scratch = scratchDir('cli');

/** Width and height from a PNG's IHDR, after checking the signature. */
function pngSize(png: Buffer): [number, number] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: scratch() });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('convkit train', () => {
  it('trains 1 epoch on 256 samples, prints test accuracy, writes curves.png, filters.png, activations.png and a model that loads back', async () => {
    const out = join(scratch(), 'run');
    const { code, stdout, stderr } = await run(['train', '--epochs', '1', '--limit', '256', '--batch-size', '32', '--out', out, '--seed', '7']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/256 train and 256 test images/);
    expect(stdout).toMatch(/Total params: 421,642/);
    expect(stdout).toMatch(/Epoch 1\/1 .*loss: \d\.\d{4} .*val_accuracy: \d\.\d{4}/);
    const printed = Number(/Test accuracy: ([\d.]+)%/.exec(stdout)![1]);

    const png = await readFile(join(out, 'curves.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 300]);
    expect(stdout).toMatch(/Wrote .*curves\.png, .*filters\.png, .*activations\.png and /);
    // 32 3x3 filters in 2 rows of 16; the input and 7 layers' maps, one grid under the other.
    expect(pngSize(await readFile(join(out, 'filters.png')))).toEqual([814, 130]);
    const [width, height] = pngSize(await readFile(join(out, 'activations.png')));
    expect(width).toBeGreaterThan(800);
    expect(height).toBeGreaterThan(1000);

    const model = await ck.loadModel(join(out, 'model'));
    const { test } = await ck.data.fashionMnistSample({ limit: 256 });
    const { accuracy } = model.evaluate(test.x, test.y);
    expect(100 * accuracy!).toBeCloseTo(printed, 1);
    model.dispose();
    test.x.dispose();
    test.y.dispose();
  });

  it('the same seed gives the same run', async () => {
    const args = (dir: string) => ['train', '--epochs', '1', '--limit', '128', '--model', 'lenet', '--out', join(scratch(), dir), '--seed', '3'];
    const [a, b] = [await run(args('a')), await run(args('b'))];
    const result = (s: string) => s.split('\n').filter((l) => l.startsWith('Test accuracy'));
    expect(a.code).toBe(0);
    expect(result(a.stdout)).toEqual(result(b.stdout));
    expect(await readFile(join(scratch(), 'a', 'model', 'weights.bin'))).toEqual(await readFile(join(scratch(), 'b', 'model', 'weights.bin')));
  });

  it.each([
    [['train', '--epochs', '0'], /option '--epochs' expected a positive integer, received '0'/],
    [['train', '--model', 'vgg'], /option '--model' expected cnn or lenet, received 'vgg'/],
    [['train', '--learning-rate=-1'], /option '--learning-rate' expected a positive number, received '-1'/],
    [['train', '--bogus', '1'], /option '--bogus' expected one of --model/],
    [['train', '--out'], /option '--out' expected a value, received nothing/],
    [['fly'], /unknown command 'fly'/],
  ])('%j exits 2 with a message naming the problem, and the usage', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/usage: convkit train/);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(['train', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--model NAME .*cnn .* or lenet/);
  });

  it('a missing --data directory fails with the path, exit code 1', async () => {
    const { code, stderr } = await run(['train', '--data', join(scratch(), 'no-such-dir')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^convkit train: ENOENT: no such file or directory, open '.*no-such-dir\/train-images-idx3-ubyte.gz'\n$/);
  });
});
