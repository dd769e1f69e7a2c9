export { readIdx, parseIdx, encodeIdx } from './idx.js';
export type { IdxArray, IdxData, IdxDType, IdxExpectation, ReadIdxOptions } from './idx.js';
export { fashionMnist, fashionMnistSample, bundledFashionMnistUrl, FASHION_MNIST_CLASSES, DEFAULT_FASHION_MNIST_DIR } from './fashion.js';
export type { FashionMnist, FashionMnistOptions, Split } from './fashion.js';
