// Receptive fields for model.summary(): how many input pixels (size) one output position sees and
// how far apart in the input neighbouring output positions are (jump), per spatial axis, tracked
// through the stack: a window of k (dilated span d·(k−1)+1) with stride s gives
// size' = size + (span − 1)·jump, jump' = jump·s. `map` is the current feature map's spatial size,
// so a layer that sees all positions at once (global pooling, dense after flatten) can widen the
// field to the whole map: size' = size + (map − 1)·jump. Padding never changes the field.

export type Pair = [number, number];

export interface ReceptiveField {
  size: Pair;
  jump: Pair;
  map: Pair;
}

/** The field of a model input: one pixel, for (h, w, c) samples; none for other shapes. */
export function inputField(shape: readonly number[]): ReceptiveField | null {
  return shape.length === 3 ? { size: [1, 1], jump: [1, 1], map: [shape[0]!, shape[1]!] } : null;
}

export function throughWindow(f: ReceptiveField | null, kernel: Pair, stride: Pair, dilation: Pair, map: Pair): ReceptiveField | null {
  if (!f) return null;
  const axis = (i: 0 | 1) => f.size[i] + dilation[i] * (kernel[i] - 1) * f.jump[i];
  return { size: [axis(0), axis(1)], jump: [f.jump[0] * stride[0], f.jump[1] * stride[1]], map };
}

export function throughGlobal(f: ReceptiveField | null): ReceptiveField | null {
  if (!f) return null;
  const axis = (i: 0 | 1) => f.size[i] + (f.map[i] - 1) * f.jump[i];
  return { size: [axis(0), axis(1)], jump: f.jump, map: [1, 1] };
}

/** Branches joined (concatenated): the widest field of any branch. */
export function merged(fields: readonly (ReceptiveField | null)[]): ReceptiveField | null {
  const present = fields.filter((f): f is ReceptiveField => f !== null);
  if (present.length === 0) return null;
  const widest = (key: 'size' | 'jump', i: 0 | 1) => Math.max(...present.map((f) => f[key][i]));
  return { size: [widest('size', 0), widest('size', 1)], jump: [widest('jump', 0), widest('jump', 1)], map: present[0]!.map };
}
