// The networks `convkit train --model` builds: the model zoo's, by their CLI names.
import { zoo } from '../index.js';
import type { Sequential } from '../index.js';
import type { ModelName } from './args.js';

export const BUILDERS: Record<ModelName, () => Sequential> = { cnn: zoo.smallCnn, lenet: zoo.lenet5 };
