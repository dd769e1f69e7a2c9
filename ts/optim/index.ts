// The optimizers namespace: optimizers.sgd({...}), optimizers.adam({...}), optimizers.adamW({...}).
export { Optimizer } from './optimizer.js';
export type { OptimizerConfig } from './optimizer.js';
export { SGD, sgd } from './sgd.js';
export type { SgdOptions } from './sgd.js';
export { Adam, AdamW, adam, adamW } from './adam.js';
export type { AdamOptions, AdamWOptions } from './adam.js';
