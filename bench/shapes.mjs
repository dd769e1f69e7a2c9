// The benchmark suite's shapes (issue 7): one list, used by every bench script and every runtime.
// NHWC inputs, filters (kh, kw, c_in, c_out); depthwise filters (kh, kw, c, multiplier).
// Rows marked `large` are held to >= 75% of the measured SIMD128 peak.

export const CONV2D_SHAPES = [
  { name: 'lecture 1x64x64x3 * 100 5x5', x: [1, 64, 64, 3], filter: [5, 5, 3, 100], padding: 'same' },
  { name: 'LeNet conv1 32x28x28x1 * 6 5x5', x: [32, 28, 28, 1], filter: [5, 5, 1, 6], padding: 'valid' },
  { name: 'LeNet conv2 32x14x14x6 * 16 5x5', x: [32, 14, 14, 6], filter: [5, 5, 6, 16], padding: 'valid' },
  { name: 'small CNN 32x28x28x32 * 64 3x3', x: [32, 28, 28, 32], filter: [3, 3, 32, 64], padding: 'same' },
  { name: 'ResNet 1x56x56x64 * 64 3x3', x: [1, 56, 56, 64], filter: [3, 3, 64, 64], padding: 'same', large: true },
  { name: 'ResNet 1x28x28x128 * 128 3x3', x: [1, 28, 28, 128], filter: [3, 3, 128, 128], padding: 'same', large: true },
  { name: 'ResNet 1x14x14x256 * 256 3x3', x: [1, 14, 14, 256], filter: [3, 3, 256, 256], padding: 'same', large: true },
  { name: 'ResNet 1x7x7x512 * 512 3x3', x: [1, 7, 7, 512], filter: [3, 3, 512, 512], padding: 'same', large: true },
  { name: 'MobileNet 1x1 1x56x56x64 * 128', x: [1, 56, 56, 64], filter: [1, 1, 64, 128], padding: 'same', large: true },
  { name: 'MobileNet 1x1 1x14x14x512 * 512', x: [1, 14, 14, 512], filter: [1, 1, 512, 512], padding: 'same', large: true },
  { name: 'MobileNet 1x1 1x7x7x1024 * 1024', x: [1, 7, 7, 1024], filter: [1, 1, 1024, 1024], padding: 'same', large: true },
];

export const DEPTHWISE_SHAPES = [
  { name: 'MobileNet dw 1x112x112x32 3x3', x: [1, 112, 112, 32], filter: [3, 3, 32, 1], padding: 'same' },
  { name: 'MobileNet dw 1x56x56x128 3x3', x: [1, 56, 56, 128], filter: [3, 3, 128, 1], padding: 'same' },
  { name: 'MobileNet dw 1x28x28x256 3x3', x: [1, 28, 28, 256], filter: [3, 3, 256, 1], padding: 'same' },
  { name: 'MobileNet dw 1x14x14x512 3x3', x: [1, 14, 14, 512], filter: [3, 3, 512, 1], padding: 'same' },
  { name: 'MobileNet dw 1x7x7x1024 3x3', x: [1, 7, 7, 1024], filter: [3, 3, 1024, 1], padding: 'same' },
  { name: 'dw stride 2 1x112x112x64 3x3', x: [1, 112, 112, 64], filter: [3, 3, 64, 1], padding: 'same', strides: 2 },
];

/** Multiply-adds count twice. */
export function convOutputSize(inSize, kernel, stride, padding) {
  return padding === 'same' ? Math.ceil(inSize / stride) : Math.floor((inSize - kernel) / stride) + 1;
}

export function conv2dFlops({ x: [n, h, w, cin], filter: [kh, kw, , cout], padding, strides = 1 }) {
  return 2 * n * convOutputSize(h, kh, strides, padding) * convOutputSize(w, kw, strides, padding) * cout * kh * kw * cin;
}

export function depthwiseFlops({ x: [n, h, w, c], filter: [kh, kw, , m], padding, strides = 1 }) {
  return 2 * n * convOutputSize(h, kh, strides, padding) * convOutputSize(w, kw, strides, padding) * c * m * kh * kw;
}
