// Fashion-MNIST as tensors: x (n, 28, 28, 1) float32 in [0, 1], y (n) int32 class ids 0-9.
// From a directory of the four IDX files (Debian's dataset-fashion-mnist by default) or from the
// class-balanced subset shipped in the package's data/ folder (scripts/make-bundled-data.mjs).
import { DataFormatError, ValueError, expectation } from '../core/errors.js';
import { readBytes } from '../core/io.js';
import { Tensor } from '../core/tensor.js';
import { getHeap, init } from '../core/wasm.js';
import { readIdx } from './idx.js';
import type { IdxArray, IdxExpectation } from './idx.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const SIDE = 28;

export interface Split {
  x: Tensor;
  y: Tensor;
}

export interface FashionMnist {
  train: Split;
  test: Split;
}

export interface FashionMnistOptions {
  /** A directory path or URL holding the four IDX files, gzipped (.gz) or raw. */
  dir?: string | URL;
  /** Load the subset shipped in the package (6,000 train and 1,000 test samples); ignores dir. */
  bundled?: boolean;
  /** Keep only the first `limit` samples of each split. */
  limit?: number;
}

type FileName = 'train-images-idx3-ubyte' | 'train-labels-idx1-ubyte' | 't10k-images-idx3-ubyte' | 't10k-labels-idx1-ubyte';

// The bundled subset: data/ at the package root, beside dist/. Each URL is spelled out in full so
// bundlers (Vite, webpack, Parcel) see `new URL('literal', import.meta.url)` and ship the file.
const BUNDLED: Record<FileName, () => URL> = {
  'train-images-idx3-ubyte': () => new URL('../data/fashion-mnist-sample/train-images-idx3-ubyte.gz', import.meta.url),
  'train-labels-idx1-ubyte': () => new URL('../data/fashion-mnist-sample/train-labels-idx1-ubyte.gz', import.meta.url),
  't10k-images-idx3-ubyte': () => new URL('../data/fashion-mnist-sample/t10k-images-idx3-ubyte.gz', import.meta.url),
  't10k-labels-idx1-ubyte': () => new URL('../data/fashion-mnist-sample/t10k-labels-idx1-ubyte.gz', import.meta.url),
};

/** The directory holding the bundled subset's four gzipped IDX files. */
export function bundledFashionMnistUrl(): URL {
  return new URL('./', BUNDLED['train-images-idx3-ubyte']());
}

function fileIn(dir: string | URL, name: string): string | URL {
  if (dir instanceof URL) return new URL(name, dir.href.endsWith('/') ? dir : `${dir.href}/`);
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** The gzipped file, or the raw one when there is no gzipped one. */
async function readEither(dir: string | URL, name: FileName): Promise<{ bytes: Uint8Array; name: string }> {
  const gz = fileIn(dir, `${name}.gz`);
  try {
    return { bytes: await readBytes(gz), name: String(gz) };
  } catch (gzError) {
    const raw = fileIn(dir, name);
    try {
      return { bytes: await readBytes(raw), name: String(raw) };
    } catch {
      throw gzError;
    }
  }
}

type Reader = (name: FileName) => Promise<{ bytes: Uint8Array; name: string }>;

const bundledReader: Reader = async (name) => {
  const url = BUNDLED[name]();
  return { bytes: await readBytes(url), name: url.href };
};

async function load(read: Reader, name: FileName, expected: IdxExpectation): Promise<IdxArray> {
  const file = await read(name);
  return readIdx(file.bytes, { ...expected, name: file.name });
}

function checkLabels(images: IdxArray, labels: IdxArray, name: string): void {
  const op = 'fashionMnist';
  if (labels.shape[0] !== images.shape[0]) {
    throw new DataFormatError(op, expectation(`${name} labels`, `${images.shape[0]} labels, one per image`, `${labels.shape[0]}`));
  }
  const bad = labels.data.findIndex((label) => label >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new DataFormatError(op, expectation(`${name} labels`, 'class ids 0-9', `${labels.data[bad]} at index ${bad}`));
}

/** Pixels 0-255 straight into a float32 tensor's storage, scaled to [0, 1]. */
function imagesTensor(pixels: Uint8Array, n: number): Tensor {
  const op = 'fashionMnist';
  const x = new Tensor([n, SIDE, SIDE, 1], 'float32', op);
  const view = getHeap(op).f32(x.pointer(op, 'x'), x.size);
  for (let i = 0; i < x.size; i++) view[i] = pixels[i]! / 255;
  return x;
}

function labelsTensor(labels: Uint8Array, n: number): Tensor {
  const op = 'fashionMnist';
  const y = new Tensor([n], 'int32', op);
  getHeap(op).i32(y.pointer(op, 'y'), n).set(labels.subarray(0, n));
  return y;
}

async function loadSplit(read: Reader, prefix: 'train' | 't10k', limit: number): Promise<Split> {
  // One after the other, so a missing directory is always reported by its images file.
  const images = await load(read, `${prefix}-images-idx3-ubyte`, { dtype: 'uint8', shape: [null, SIDE, SIDE] });
  const labels = await load(read, `${prefix}-labels-idx1-ubyte`, { dtype: 'uint8', shape: [null] });
  checkLabels(images, labels, prefix);
  const n = Math.min(images.shape[0]!, limit);
  const y = labelsTensor(labels.data as Uint8Array, n);
  try {
    return { x: imagesTensor(images.data as Uint8Array, n), y };
  } catch (error) {
    y.dispose();
    throw error;
  }
}

/** Fashion-MNIST's train and test splits as tensors (the caller disposes them). */
export async function fashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  const { limit = Infinity } = options;
  if (!(limit === Infinity || (Number.isInteger(limit) && limit > 0))) {
    throw new ValueError('fashionMnist', expectation('limit', 'a positive integer', String(limit)));
  }
  await init();
  const dir = options.dir ?? DEFAULT_FASHION_MNIST_DIR;
  const read: Reader = options.bundled ? bundledReader : (name) => readEither(dir, name);
  const train = await loadSplit(read, 'train', limit);
  try {
    return { train, test: await loadSplit(read, 't10k', limit) };
  } catch (error) {
    train.x.dispose();
    train.y.dispose();
    throw error;
  }
}

/** The class-balanced subset bundled in the package: no download, no Debian package needed. */
export function fashionMnistSample(options: Omit<FashionMnistOptions, 'dir' | 'bundled'> = {}): Promise<FashionMnist> {
  return fashionMnist({ ...options, bundled: true });
}
