import type { Heap } from '../core/heap.js';
import type { Tensor } from '../core/tensor.js';
import { getHeap } from '../core/wasm.js';

/** Runs a kernel that fills `out`; on failure `out` is freed before the error propagates. */
export function launch(op: string, out: Tensor, run: (heap: Heap) => number): Tensor {
  const heap = getHeap(op);
  try {
    heap.check(op, run(heap));
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/** The data offset of an optional operand; 0 (the kernels' "absent") when there is none. */
export function pointerOrNull(op: string, argument: string, t: Tensor | undefined | null): number {
  return t ? t.pointer(op, argument) : 0;
}
