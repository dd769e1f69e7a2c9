// Loads convkit.wasm once, in any runtime: fs for file: URLs (Node, Deno, Bun), fetch elsewhere.
// The module and its glue come from wasm-bindgen (npm run build:wasm writes them to build/bindgen/,
// which tsconfig's rootDirs overlays on ts/). The glue is built without a default module path: the
// bytes are found here, beside this file, and handed to its init, which returns the raw exports.
import initBindings from '../bindgen/convkit.js';
import type * as RawExports from '../bindgen/convkit_bg.wasm';
import { NotInitializedError } from './errors.js';
import { Heap } from './heap.js';

/**
 * The module's raw exports (crates/wasm/src: lib.rs, conv.rs, training.rs, nn.rs, optim.rs), typed by
 * wasm-bindgen's convkit_bg.wasm.d.ts: plain numbers, pointers are byte offsets into memory.
 * Renaming or retyping an export in Rust breaks the TypeScript build wherever the old one is used.
 */
export type WasmExports = typeof RawExports;

export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

export interface InitOptions {
  /** Where to find convkit.wasm, or its bytes; default: beside this module. */
  wasm?: WasmSource;
}

let heap: Heap | null = null;
let loading: Promise<Heap> | null = null;

/** Loads the WebAssembly module once; later calls return at once. */
export async function init(options: InitOptions = {}): Promise<void> {
  if (heap) return;
  loading ??= instantiate(options.wasm ?? new URL('./convkit.wasm', import.meta.url)).then((exports) => new Heap(exports));
  try {
    heap = await loading;
  } finally {
    loading = null;
  }
}

export function isInitialized(): boolean {
  return heap !== null;
}

export function getHeap(op: string): Heap {
  if (!heap) throw new NotInitializedError(op, 'convkit is not initialized; call `await init()` first');
  return heap;
}

async function instantiate(source: WasmSource): Promise<WasmExports> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(await bytesOf(source));
  return initBindings({ module_or_path: module });
}

async function bytesOf(source: URL | string | ArrayBuffer | ArrayBufferView): Promise<BufferSource> {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source as BufferSource;
  const url = new URL(source, import.meta.url);
  if (url.protocol === 'file:') {
    // A variable specifier keeps bundlers from pulling a Node module into browser builds.
    const fsModule = 'node:fs/promises';
    const fs = await import(/* @vite-ignore */ fsModule);
    return fs.readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`convkit: could not fetch ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
