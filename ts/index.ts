// The public API of convkit, and nothing else.
export { init } from './core/wasm.js';
export type { InitOptions, WasmSource } from './core/wasm.js';
export { Tensor, tensor, zeros, ones, full, randomNormal, tidy, keep, memory } from './core/tensor.js';
export type { DType, Shape, TypedArray, MemoryInfo, RandomNormalOptions } from './core/tensor.js';
export { ConvkitError, ShapeError, DTypeError, DisposedError, OutOfMemoryError, ValueError, NotInitializedError } from './core/errors.js';
export { Variable, variable } from './core/variable.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './autograd/grad.js';
export type { ValueAndGrads } from './autograd/grad.js';
export * as ops from './ops/index.js';
