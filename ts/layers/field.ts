// Receptive fields for model.summary(): how many input positions (size) one output position sees and
// how far apart in the input neighbouring output positions are (jump), per spatial axis (1 for
// (t, c) sequences, 2 for (h, w, c) images, 3 for (d, h, w, c) volumes), tracked through the stack:
// a window of k (dilated span d·(k−1)+1) with stride s gives size' = size + (span − 1)·jump,
// jump' = jump·s. `map` is the current feature map's spatial size, so a layer that sees all
// positions at once (global pooling, dense after flatten) can widen the field to the whole map:
// size' = size + (map − 1)·jump. Padding (causal, circular included) never changes the field.

export type Pair = [number, number];

export interface ReceptiveField {
  /** One entry per spatial axis. */
  size: number[];
  jump: number[];
  map: number[];
}

/** The field of a model input: one position, for (t, c), (h, w, c) and (d, h, w, c) samples; none for other shapes. */
export function inputField(shape: readonly number[]): ReceptiveField | null {
  if (shape.length < 2 || shape.length > 4) return null;
  const spatial = shape.slice(0, -1);
  return { size: spatial.map(() => 1), jump: spatial.map(() => 1), map: [...spatial] };
}

export function throughWindow(
  f: ReceptiveField | null, kernel: readonly number[], stride: readonly number[], dilation: readonly number[], map: readonly number[],
): ReceptiveField | null {
  if (!f || f.size.length !== kernel.length) return null;
  return {
    size: f.size.map((s, i) => s + dilation[i]! * (kernel[i]! - 1) * f.jump[i]!),
    jump: f.jump.map((j, i) => j * stride[i]!),
    map: [...map],
  };
}

export function throughGlobal(f: ReceptiveField | null): ReceptiveField | null {
  if (!f) return null;
  return { size: f.size.map((s, i) => s + (f.map[i]! - 1) * f.jump[i]!), jump: f.jump, map: f.map.map(() => 1) };
}

/** Branches joined (concatenated): the widest field of any branch. */
export function merged(fields: readonly (ReceptiveField | null)[]): ReceptiveField | null {
  const present = fields.filter((f): f is ReceptiveField => f !== null);
  if (present.length === 0) return null;
  const widest = (key: 'size' | 'jump', i: number) => Math.max(...present.map((f) => f[key][i] ?? 0));
  const axes = present[0]!.size.map((_, i) => i);
  return { size: axes.map((i) => widest('size', i)), jump: axes.map((i) => widest('jump', i)), map: present[0]!.map };
}
