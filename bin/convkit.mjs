#!/usr/bin/env node
// The convkit command line. `convkit train` becomes real with the training issue (autograd,
// layers, fit); until then it says so plainly instead of pretending.
const [command] = process.argv.slice(2);
if (command === 'train') {
  console.log('convkit train: training is not built yet. It arrives with autograd, layers and fit (issue #4);');
  console.log('today the package provides tensors, conv2d, matMul and element-wise ops (see README).');
  process.exit(0);
}
console.log('usage: convkit train [--model lenet] [--epochs N] [--data DIR] [--out DIR]');
process.exit(command ? 1 : 0);
