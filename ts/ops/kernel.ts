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
