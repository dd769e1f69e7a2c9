// Writes the Fashion-MNIST subset shipped in the package (data/fashion-mnist-sample/): the first
// TRAIN_PER_CLASS train and TEST_PER_CLASS test images of each class, in file order, as gzipped IDX
// under Debian's file names. Reads Debian's dataset-fashion-mnist through convkit's own reader, so
// run `npm run build:ts` first. Deterministic: the same inputs give the same bytes.
//   node scripts/make-bundled-data.mjs [SOURCE_DIR]
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { data } from '../dist/convkit.js';

const TRAIN_PER_CLASS = 600;
const TEST_PER_CLASS = 100;
const SIDE = 28;
const source = process.argv[2] ?? data.DEFAULT_FASHION_MNIST_DIR;
const target = new URL('../data/fashion-mnist-sample/', import.meta.url);

/** Indices of the first `perClass` samples of each class, in file order. */
function balanced(labels, perClass) {
  const counts = new Array(data.FASHION_MNIST_CLASSES.length).fill(0);
  const picked = [];
  labels.forEach((label, i) => {
    if (counts[label] < perClass) {
      counts[label] += 1;
      picked.push(i);
    }
  });
  if (counts.some((c) => c < perClass)) throw new Error(`fewer than ${perClass} samples in some class: ${counts}`);
  return picked;
}

function gather(array, indices) {
  const row = array.data.length / array.shape[0];
  const out = new Uint8Array(indices.length * row);
  indices.forEach((from, to) => out.set(array.data.subarray(from * row, (from + 1) * row), to * row));
  return { dtype: 'uint8', shape: [indices.length, ...array.shape.slice(1)], data: out };
}

async function writeIdx(name, array) {
  // mtime 0 in the gzip header keeps the output byte-identical across runs.
  const bytes = gzipSync(data.encodeIdx(array), { level: 9 });
  await writeFile(new URL(`${name}.gz`, target), bytes);
  return bytes.length;
}

async function subset(prefix, perClass) {
  const images = await data.readIdx(`${source}/${prefix}-images-idx3-ubyte.gz`, { dtype: 'uint8', shape: [null, SIDE, SIDE] });
  const labels = await data.readIdx(`${source}/${prefix}-labels-idx1-ubyte.gz`, { dtype: 'uint8', shape: [images.shape[0]] });
  const picked = balanced(labels.data, perClass);
  const bytes = (await writeIdx(`${prefix}-images-idx3-ubyte`, gather(images, picked))) +
    (await writeIdx(`${prefix}-labels-idx1-ubyte`, gather(labels, picked)));
  console.log(`${prefix}: ${picked.length} samples (${perClass} per class), ${(bytes / 1e6).toFixed(2)} MB gzipped`);
}

await mkdir(target, { recursive: true });
await subset('train', TRAIN_PER_CLASS);
await subset('t10k', TEST_PER_CLASS);
