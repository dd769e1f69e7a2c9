// Where saved models go and come from. A model is two parts: its topology (JSON: layers, graph,
// weight specs, optimizer) and one binary blob of weights and optimizer state. Handlers:
// a directory (a string: a path where there is a file system, else a URL) holding model.json and
// weights.bin; io.memory() for the artifacts themselves; and in browsers io.browserDownloads()
// (two files through an anchor), io.browserFiles() (the same files picked by the user) and
// io.indexedDB(). Node modules are imported through a variable specifier (core/io.ts).
import { DataFormatError, ValueError, expectation } from '../core/errors.js';
import { nodeModule, readBytes } from '../core/io.js';
import type { ModelTopology } from './save.js';

export interface ModelArtifacts {
  modelTopology: ModelTopology;
  /** Model weights then optimizer state, as the topology's specs list them, little-endian. */
  weightData: ArrayBuffer;
}

export interface IOHandler {
  save?(artifacts: ModelArtifacts): void | Promise<void>;
  load?(): ModelArtifacts | Promise<ModelArtifacts>;
}

export type SaveTarget = string | IOHandler;
export type LoadSource = string | IOHandler;

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** The text of model.json: the topology and the name of the weights file beside it. */
export function modelJson(artifacts: ModelArtifacts, weightsFile: string): string {
  return JSON.stringify({ modelTopology: artifacts.modelTopology, weightsFile });
}

export function parseModelJson(op: string, text: string): { modelTopology: ModelTopology; weightsFile: string } {
  let parsed: { modelTopology?: ModelTopology; weightsFile?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataFormatError(op, expectation(MODEL_FILE, 'JSON', `text that does not parse (${(error as Error).message})`));
  }
  if (!parsed || typeof parsed.modelTopology !== 'object' || typeof parsed.weightsFile !== 'string') {
    throw new DataFormatError(op, expectation(MODEL_FILE, '{ modelTopology, weightsFile }', text.slice(0, 80)));
  }
  return parsed as { modelTopology: ModelTopology; weightsFile: string };
}

function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function directory(path: string): IOHandler {
  const dir = path.replace(/\/+$/, '');
  return {
    async save(artifacts) {
      const fs = await nodeModule('node:fs/promises');
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(`${dir}/${MODEL_FILE}`, modelJson(artifacts, WEIGHTS_FILE));
      await fs.writeFile(`${dir}/${WEIGHTS_FILE}`, new Uint8Array(artifacts.weightData));
    },
    async load() {
      const text = new TextDecoder().decode(await readBytes(`${dir}/${MODEL_FILE}`));
      const { modelTopology, weightsFile } = parseModelJson('loadModel', text);
      return { modelTopology, weightData: bufferOf(await readBytes(`${dir}/${weightsFile}`)) };
    },
  };
}

function handlerFor(op: string, target: unknown, method: 'save' | 'load'): IOHandler {
  if (typeof target === 'string') return directory(target);
  if (target && typeof (target as IOHandler)[method] === 'function') return target as IOHandler;
  throw new ValueError(op, expectation('handler', `a directory path or an io handler with ${method}()`, String(target)));
}

export async function writeArtifacts(target: SaveTarget, artifacts: ModelArtifacts): Promise<void> {
  await handlerFor('save', target, 'save').save!(artifacts);
}

export async function readArtifacts(source: LoadSource): Promise<ModelArtifacts> {
  return handlerFor('loadModel', source, 'load').load!();
}

/** Holds the artifacts in memory: model.save(io.memory()) fills it, loadModel(io.memory(a)) reads it. */
export function memory(artifacts?: ModelArtifacts): IOHandler & { artifacts: ModelArtifacts | undefined } {
  return {
    artifacts,
    save(a) {
      this.artifacts = a;
    },
    load() {
      if (!this.artifacts) throw new ValueError('loadModel', expectation('handler', 'io.memory(artifacts) holding a saved model', 'an empty io.memory()'));
      return this.artifacts;
    },
  };
}

/** The two files a browser download writes: `${name}.json` and `${name}.weights.bin`. */
export function downloadFiles(artifacts: ModelArtifacts, name: string): { fileName: string; blob: Blob }[] {
  const weights = `${name}.weights.bin`;
  return [
    { fileName: `${name}.json`, blob: new Blob([modelJson(artifacts, weights)], { type: 'application/json' }) },
    { fileName: weights, blob: new Blob([artifacts.weightData], { type: 'application/octet-stream' }) },
  ];
}

/** Saves by downloading two files through an anchor (browsers). */
export function browserDownloads(name = 'model'): IOHandler {
  return {
    save(artifacts) {
      for (const { fileName, blob } of downloadFiles(artifacts, name)) {
        const url = URL.createObjectURL(blob);
        const a = document.createElement('a');
        a.href = url;
        a.download = fileName;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 0);
      }
    },
  };
}

/** Loads the two downloaded files, e.g. as picked in an <input type="file">. */
export function browserFiles(modelFile: Blob, weightsFile: Blob): IOHandler {
  return {
    async load() {
      const { modelTopology } = parseModelJson('loadModel', await modelFile.text());
      return { modelTopology, weightData: await weightsFile.arrayBuffer() };
    },
  };
}

const DATABASE = 'convkit';
const STORE = 'models';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function withStore<T>(factory: IDBFactory, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const open = factory.open(DATABASE, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await request(open);
  try {
    return await request(fn(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

/** Saves to and loads from IndexedDB under `key`; the record is the artifacts as they are. */
export function indexedDB(key: string, factory: IDBFactory = globalThis.indexedDB): IOHandler {
  const op = 'io.indexedDB';
  if (!factory) throw new ValueError(op, expectation('factory', 'an IndexedDB (this runtime has none)', 'undefined'));
  return {
    async save(artifacts) {
      await withStore(factory, 'readwrite', (store) => store.put({ modelTopology: artifacts.modelTopology, weightData: artifacts.weightData }, key));
    },
    async load() {
      const record = (await withStore(factory, 'readonly', (store) => store.get(key))) as ModelArtifacts | undefined;
      if (!record) throw new ValueError('loadModel', expectation('key', 'a model saved in IndexedDB', `'${key}' (not found)`));
      return record;
    },
  };
}
