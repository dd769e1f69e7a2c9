// Circular (wrap-around) padding of channels-last images, internal to the convolution family:
// x (n, h, w, c) -> (n, h + top + bottom, w + left + right, c), y[i][j] = x[(i − top) mod h][(j − left) mod w];
// a sequence (n, t, c) pads t as w. conv1d/conv2d with padding 'circular' pad once and run the plain
// 'valid' convolution, whose fast paths beat the per-tap wrapped indexing. The gradient is the
// adjoint: each padded pixel's gradient summed back onto the pixel it copies.
import { padCall } from '../core/abi.js';
import { Tensor } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { launch } from './kernel.js';

export interface CircularPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The (batch, h, w, c) a rank-3 sequence or rank-4 image is padded as. */
function imageDims(x: Tensor): [number, number, number, number] {
  const s = x.shape;
  return s.length === 3 ? [s[0]!, 1, s[1]!, s[2]!] : [s[0]!, s[1]!, s[2]!, s[3]!];
}

/** x's shape with the padding added (a sequence takes only left and right). */
function paddedShape(x: Tensor, pad: CircularPadding): number[] {
  const [n, h, w, c] = imageDims(x);
  const ow = w + pad.left + pad.right;
  return x.rank === 3 ? [n, ow, c] : [n, h + pad.top + pad.bottom, ow, c];
}

/** Runs the padding (from x-sized to padded) or its adjoint (from padded to x-sized) into `to`. */
function runPad(op: string, kernel: 'pad_circular_f32' | 'pad_circular_adjoint_f32', x: Tensor, pad: CircularPadding, from: Tensor, to: Tensor): Tensor {
  const [batch, h, w, c] = imageDims(x);
  return launch(op, to, (heap) => heap.kernels[kernel](padCall(heap, { batch, h, w, c, from: from.pointer(op, 'x'), to: to.pointer(op, 'y') }, pad)));
}

/** The circular padding of x (n, h, w, c) or (n, t, c), shapes checked by the caller (h, w >= 1); differentiable. */
export function circularPad(op: string, x: Tensor, pad: CircularPadding): Tensor {
  const y = runPad(op, 'pad_circular_f32', x, pad, x, new Tensor(paddedShape(x, pad), 'float32', op));
  record(op, [x], [y], ([dy]) => [runPad(`${op}PadBackprop`, 'pad_circular_adjoint_f32', x, pad, dy!, new Tensor(x.shape, 'float32', op))]);
  return y;
}
