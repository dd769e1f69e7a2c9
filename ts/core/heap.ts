// Heap: the only code that touches wasm memory. Views are made fresh on every request, because
// any call that allocates may grow memory and detach earlier views.
import { OutOfMemoryError } from './errors.js';
import type { WasmExports } from './wasm.js';

const OUT_OF_MEMORY = 1;
const CALL_AREA_BYTES = 1024;

export class Heap {
  readonly kernels: WasmExports;
  /** Reused for every call struct: calls are synchronous and never nest. */
  private readonly callArea: number;

  constructor(kernels: WasmExports) {
    this.kernels = kernels;
    this.callArea = kernels.alloc(CALL_AREA_BYTES);
  }

  /** Allocates `bytes` (16-byte aligned); 0 bytes gives the null offset and allocates nothing. */
  alloc(bytes: number, op: string): number {
    if (bytes === 0) return 0;
    // Offsets past 2 GiB come back as negative i32: read them unsigned.
    const ptr = bytes <= 0xffff_ffff ? this.kernels.alloc(bytes) >>> 0 : 0;
    if (ptr === 0) {
      throw new OutOfMemoryError(op, `could not allocate ${bytes} bytes (wasm memory is ${this.memoryBytes} bytes)`);
    }
    return ptr;
  }

  free(ptr: number, bytes: number): void {
    if (ptr !== 0) this.kernels.free(ptr, bytes);
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.kernels.memory.buffer, ptr, length);
  }

  /** Copies `bytes` bytes inside wasm memory (regions may overlap). */
  copy(from: number, to: number, bytes: number): void {
    new Uint8Array(this.kernels.memory.buffer).copyWithin(to, from, from + bytes);
  }

  get memoryBytes(): number {
    return this.kernels.memory.buffer.byteLength;
  }

  /** Writes a call struct's words (see abi.ts) into the call area and returns its offset. */
  writeCall(words: ArrayLike<number>, isFloat: ArrayLike<boolean>): number {
    if (words.length * 4 > CALL_AREA_BYTES) throw new Error('convkit: call struct larger than the call area');
    const u32 = new Uint32Array(this.kernels.memory.buffer, this.callArea, words.length);
    const f32 = new Float32Array(this.kernels.memory.buffer, this.callArea, words.length);
    for (let i = 0; i < words.length; i++) {
      if (isFloat[i]) f32[i] = words[i]!;
      else u32[i] = words[i]!;
    }
    return this.callArea;
  }

  /** Turns a kernel's status into an exception. */
  check(op: string, status: number): void {
    if (status === OUT_OF_MEMORY) {
      throw new OutOfMemoryError(op, `the kernel's scratch space could not grow (wasm memory is ${this.memoryBytes} bytes)`);
    }
    if (status !== 0) throw new Error(`convkit: ${op} kernel returned unknown status ${status}`);
  }
}
