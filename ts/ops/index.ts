export { conv2d, conv2dGeometry } from './conv.js';
export type { Conv2dOptions, Conv2dGeometry, Padding2D } from './conv.js';
export { matMul } from './matmul.js';
export type { MatMulOptions } from './matmul.js';
export { add, mul } from './elementwise.js';
export { relu } from './activation.js';
export type { FusedActivation } from './activation.js';
