// Loads convkit.wasm once, in any runtime: fs for file: URLs (Node, Deno, Bun), fetch elsewhere.
import { NotInitializedError } from './errors.js';
import { Heap } from './heap.js';

/** The module's exports (crates/wasm/src/lib.rs). Pointers are byte offsets into memory. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number, bytes: number): void;
  workspace_bytes(): number;
  workspace_release(): void;
  gemm_f32(call: number): number;
  gemm_f32_reference(call: number): number;
  conv2d_f32(call: number): number;
  conv2d_f32_reference(call: number): number;
  add_f32(call: number): number;
  mul_f32(call: number): number;
  clamp_f32(x: number, y: number, len: number, min: number, max: number): number;
  conv2d_bwd_input_f32(call: number): number;
  conv2d_bwd_filter_f32(call: number): number;
  max_pool2d_f32(call: number): number;
  avg_pool2d_f32(call: number): number;
  max_pool2d_bwd_f32(call: number): number;
  avg_pool2d_bwd_f32(call: number): number;
  reduce_sum_f32(x: number, y: number, outer: number, mid: number, inner: number): number;
  relu_bwd_f32(y: number, dy: number, dx: number, len: number): number;
  // nn (crates/wasm/src/nn.rs)
  sub_f32(call: number): number;
  div_f32(call: number): number;
  sigmoid_f32(x: number, y: number, len: number): number;
  tanh_f32(x: number, y: number, len: number): number;
  sigmoid_bwd_f32(y: number, dy: number, dx: number, len: number): number;
  tanh_bwd_f32(y: number, dy: number, dx: number, len: number): number;
  softmax_f32(x: number, y: number, rows: number, k: number): number;
  log_softmax_f32(x: number, y: number, rows: number, k: number): number;
  softmax_bwd_f32(y: number, dy: number, dx: number, rows: number, k: number): number;
  log_softmax_bwd_f32(y: number, dy: number, dx: number, rows: number, k: number): number;
  softmax_cross_entropy_f32(call: number): number;
  softmax_cross_entropy_bwd_f32(call: number): number;
  batch_norm_f32(call: number): number;
  batch_norm_bwd_f32(call: number): number;
  dropout_f32(x: number, y: number, len: number, seed: number, threshold: number, scale: number): number;
  argmax_f32(x: number, out: number, outer: number, mid: number, inner: number): number;
  copy_blocks_u32(src: number, srcStride: number, dst: number, dstStride: number, rows: number, len: number): number;
  peak_probe(iterations: number, seed: number): number;
  sgd_f32(call: number): number;
  adam_f32(call: number): number;
  peak_probe_flops_per_iteration(): number;
}

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
  const instance = await WebAssembly.instantiate(module, {});
  return instance.exports as unknown as WasmExports;
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
