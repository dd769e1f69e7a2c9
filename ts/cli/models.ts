// The networks `convkit train --model` builds, for 28x28x1 images and 10 classes.
import { layers, sequential } from '../index.js';
import type { Sequential } from '../index.js';
import type { ModelName } from './args.js';

const INPUT_SHAPE = [28, 28, 1];
const CLASSES = 10;

/** The README's small CNN: conv3x3x32-pool-conv3x3x64-pool-dense128-dense10 (421,642 parameters). */
function smallCnn(): Sequential {
  return sequential([
    layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: INPUT_SHAPE }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: CLASSES }),
  ], { name: 'small_cnn' });
}

/** LeNet-5 (LeCun et al. 1998) on 28x28 inputs: 'same' padding on the first convolution keeps its 32x32 geometry. */
function lenet(): Sequential {
  return sequential([
    layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: INPUT_SHAPE }),
    layers.avgPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
    layers.avgPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 120, activation: 'relu' }),
    layers.dense({ units: 84, activation: 'relu' }),
    layers.dense({ units: CLASSES }),
  ], { name: 'lenet5' });
}

export const BUILDERS: Record<ModelName, () => Sequential> = { cnn: smallCnn, lenet };
