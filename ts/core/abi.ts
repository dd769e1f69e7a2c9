// Call structs, field by field as the #[repr(C)] structs in crates/wasm/src/lib.rs and
// crates/kernels/src/conv/mod.rs declare them. Every field is 4 bytes: u32 or f32.
import type { Heap } from './heap.js';

type FieldType = 'u32' | 'f32' | readonly ['u32', number];
type Fields = readonly (readonly [string, FieldType])[];
type Values<F extends Fields> = { [E in F[number] as E[0]]: E[1] extends 'u32' | 'f32' ? number : readonly number[] };

function fieldOf(parts: readonly object[], name: string): number | readonly number[] {
  for (const part of parts) if (name in part) return (part as Record<string, number | readonly number[]>)[name]!;
  throw new Error(`convkit: call struct field '${name}' missing`);
}

/**
 * The writer of one call struct. Its values come in parts (say the geometry, the pointers, the
 * clamp), each field from the first part that has it: merging them first with object spread cost
 * ~10-20 µs per call in V8 (a spread object grows through uncached maps), more than a small kernel.
 */
function struct<const F extends Fields>(fields: F) {
  const isFloat: boolean[] = [];
  for (const [, type] of fields) {
    if (typeof type === 'string') isFloat.push(type === 'f32');
    else for (let i = 0; i < type[1]; i++) isFloat.push(false);
  }
  return (heap: Heap, ...parts: Partial<Values<F>>[]): number => {
    const words: number[] = [];
    for (const [name, type] of fields) {
      const value = fieldOf(parts, name);
      if (typeof type === 'string') words.push(value as number);
      else for (let i = 0; i < type[1]; i++) words.push((value as readonly number[])[i] ?? 0);
    }
    return heap.writeCall(words, isFloat);
  };
}

export const MAX_RANK = 8;

export const gemmCall = struct([
  ['batch', 'u32'], ['m', 'u32'], ['n', 'u32'], ['k', 'u32'],
  ['a', 'u32'], ['aRowStride', 'u32'], ['aColStride', 'u32'], ['aBatchStride', 'u32'],
  ['b', 'u32'], ['bRowStride', 'u32'], ['bColStride', 'u32'], ['bBatchStride', 'u32'],
  ['bias', 'u32'], ['c', 'u32'], ['clampMin', 'f32'], ['clampMax', 'f32'],
  ['packed', 'u32'], ['packedReady', 'u32'],
] as const);

const CONV2D_PARAMS = [
  ['batch', 'u32'], ['inH', 'u32'], ['inW', 'u32'], ['inC', 'u32'],
  ['outH', 'u32'], ['outW', 'u32'], ['outC', 'u32'], ['kernelH', 'u32'], ['kernelW', 'u32'],
  ['strideH', 'u32'], ['strideW', 'u32'], ['dilationH', 'u32'], ['dilationW', 'u32'],
  ['padTop', 'u32'], ['padLeft', 'u32'],
] as const;

export const conv2dCall = struct([
  ...CONV2D_PARAMS,
  ['x', 'u32'], ['filter', 'u32'], ['bias', 'u32'], ['y', 'u32'], ['clampMin', 'f32'], ['clampMax', 'f32'],
] as const);

/** crates/kernels/src/conv/nd.rs ConvNdParams, axes [d, h, w]; crates/wasm/src/conv.rs calls. */
const CONV_ND_PARAMS = [
  ['batch', 'u32'], ['inC', 'u32'], ['outC', 'u32'], ['groups', 'u32'], ['circular', 'u32'],
  ['input', ['u32', 3]], ['output', ['u32', 3]], ['kernel', ['u32', 3]], ['stride', ['u32', 3]], ['dilation', ['u32', 3]], ['padBefore', ['u32', 3]],
] as const;

export const convNdCall = struct([
  ...CONV_ND_PARAMS,
  ['x', 'u32'], ['filter', 'u32'], ['bias', 'u32'], ['y', 'u32'], ['clampMin', 'f32'], ['clampMax', 'f32'],
  ['packed', 'u32'], ['packedReady', 'u32'],
] as const);

export const convNdBwdCall = struct([...CONV_ND_PARAMS, ['x', 'u32'], ['filter', 'u32'], ['dy', 'u32'], ['out', 'u32']] as const);

/** crates/kernels/src/conv/pad.rs PadParams then the source and destination; crates/wasm/src/conv.rs PadCall. */
export const padCall = struct([
  ['batch', 'u32'], ['h', 'u32'], ['w', 'u32'], ['c', 'u32'], ['top', 'u32'], ['bottom', 'u32'], ['left', 'u32'], ['right', 'u32'],
  ['from', 'u32'], ['to', 'u32'],
] as const);

export const binaryCall = struct([
  ['rank', 'u32'], ['shape', ['u32', MAX_RANK]], ['aStrides', ['u32', MAX_RANK]], ['bStrides', ['u32', MAX_RANK]],
  ['a', 'u32'], ['aLen', 'u32'], ['b', 'u32'], ['bLen', 'u32'], ['out', 'u32'],
] as const);

/** crates/wasm/src/optim.rs SgdCall: SgdParams then the buffers. */
export const sgdCall = struct([
  ['learningRate', 'f32'], ['momentum', 'f32'], ['nesterov', 'u32'], ['len', 'u32'], ['w', 'u32'], ['g', 'u32'], ['velocity', 'u32'],
] as const);

/** crates/wasm/src/optim.rs AdamCall: AdamParams then the buffers. */
export const adamCall = struct([
  ['learningRate', 'f32'], ['beta1', 'f32'], ['beta2', 'f32'], ['epsilon', 'f32'], ['weightDecay', 'f32'], ['step', 'u32'],
  ['len', 'u32'], ['w', 'u32'], ['g', 'u32'], ['m', 'u32'], ['v', 'u32'],
] as const);

// crates/wasm/src/nn.rs
export const softmaxCrossEntropyCall = struct([
  ['rows', 'u32'], ['classes', 'u32'], ['sparse', 'u32'], ['logits', 'u32'], ['labels', 'u32'], ['dloss', 'u32'], ['out', 'u32'],
] as const);

export const batchNormCall = struct([
  ['rows', 'u32'], ['channels', 'u32'], ['training', 'u32'], ['momentum', 'f32'], ['epsilon', 'f32'],
  ['x', 'u32'], ['gamma', 'u32'], ['beta', 'u32'], ['movingMean', 'u32'], ['movingVariance', 'u32'],
  ['mean', 'u32'], ['invstd', 'u32'], ['y', 'u32'],
] as const);

export const batchNormBwdCall = struct([
  ['rows', 'u32'], ['channels', 'u32'], ['training', 'u32'], ['x', 'u32'], ['dy', 'u32'], ['gamma', 'u32'],
  ['mean', 'u32'], ['invstd', 'u32'], ['dx', 'u32'], ['dgamma', 'u32'], ['dbeta', 'u32'],
] as const);

// crates/wasm/src/local.rs
export const dwConv2dCall = struct([
  ['batch', 'u32'], ['inH', 'u32'], ['inW', 'u32'], ['channels', 'u32'], ['multiplier', 'u32'], ['outH', 'u32'], ['outW', 'u32'],
  ['kernelH', 'u32'], ['kernelW', 'u32'], ['strideH', 'u32'], ['strideW', 'u32'], ['dilationH', 'u32'], ['dilationW', 'u32'],
  ['padTop', 'u32'], ['padLeft', 'u32'],
  ['x', 'u32'], ['filter', 'u32'], ['bias', 'u32'], ['dy', 'u32'], ['out', 'u32'], ['clampMin', 'f32'], ['clampMax', 'f32'],
] as const);

export const local2dCall = struct([
  ['batch', 'u32'], ['inH', 'u32'], ['inW', 'u32'], ['inC', 'u32'], ['outH', 'u32'], ['outW', 'u32'], ['outC', 'u32'],
  ['kernelH', 'u32'], ['kernelW', 'u32'], ['strideH', 'u32'], ['strideW', 'u32'], ['padTop', 'u32'], ['padLeft', 'u32'],
  ['x', 'u32'], ['filter', 'u32'], ['bias', 'u32'], ['dy', 'u32'], ['out', 'u32'],
] as const);

export const pool3dCall = struct([
  ['batch', 'u32'], ['inD', 'u32'], ['inH', 'u32'], ['inW', 'u32'], ['channels', 'u32'], ['outD', 'u32'], ['outH', 'u32'], ['outW', 'u32'],
  ['kernelD', 'u32'], ['kernelH', 'u32'], ['kernelW', 'u32'], ['strideD', 'u32'], ['strideH', 'u32'], ['strideW', 'u32'],
  ['padFront', 'u32'], ['padTop', 'u32'], ['padLeft', 'u32'],
  ['x', 'u32'], ['y', 'u32'], ['dy', 'u32'], ['out', 'u32'],
] as const);
