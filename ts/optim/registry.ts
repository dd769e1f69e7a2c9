// Optimizers by class name, for loading saved models.
import { ValueError, expectation } from '../core/errors.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer, OptimizerConfig } from './optimizer.js';
import { SGD } from './sgd.js';
import type { SgdOptions } from './sgd.js';

export interface OptimizerSpec {
  className: string;
  config: OptimizerConfig;
}

export function optimizerFromSpec(op: string, spec: OptimizerSpec): Optimizer {
  switch (spec.className) {
    case 'SGD':
      return new SGD(spec.config as unknown as SgdOptions);
    case 'Adam':
      return new Adam(spec.config);
    case 'AdamW':
      return new AdamW(spec.config);
    default:
      throw new ValueError(op, expectation('optimizer', "className 'SGD', 'Adam' or 'AdamW'", JSON.stringify(spec.className)));
  }
}

export function optimizerSpec(optimizer: Optimizer): OptimizerSpec {
  return { className: optimizer.className, config: optimizer.getConfig() };
}
