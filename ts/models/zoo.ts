// Small reference networks for 28x28x1 images and 10 classes (Fashion-MNIST): the ones `convkit train
// --model` trains, the browser demo shows and the benchmark suite times, defined once here.
import * as layers from '../layers/index.js';
import { sequential } from './sequential.js';
import type { Sequential } from './sequential.js';

const INPUT_SHAPE = [28, 28, 1];
const CLASSES = 10;

/** The README's small CNN: conv3x3x32-pool-conv3x3x64-pool-dense128-dense10 (421,642 parameters). */
export function smallCnn(): Sequential {
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
export function lenet5(): Sequential {
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
