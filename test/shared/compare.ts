// The project's one tolerance rule: |got − ref| ≤ atol + rtol·|ref| against float64 references.
// NaN must equal NaN, and ±Inf must equal Inf of the same sign; no two other non-finite values match.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const F32_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4 };

export function closeEnough(got: number, ref: number, { atol, rtol }: Tolerance): boolean {
  if (Number.isNaN(ref) || Number.isNaN(got)) return Number.isNaN(ref) && Number.isNaN(got);
  if (!Number.isFinite(ref) || !Number.isFinite(got)) return got === ref;
  return Math.abs(got - ref) <= atol + rtol * Math.abs(ref);
}

export function assertShape(label: string, got: readonly number[], expected: readonly number[]): void {
  if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
    throw new Error(`${label}: shape [${got}] but expected [${expected}]`);
  }
}

/** Throws naming the first mismatching index, the worst error and how many elements failed. */
export function assertClose(label: string, got: ArrayLike<number>, ref: ArrayLike<number>, tolerance: Tolerance = F32_TOLERANCE): void {
  if (got.length !== ref.length) throw new Error(`${label}: ${got.length} values but expected ${ref.length}`);
  let failures = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    if (!closeEnough(got[i]!, ref[i]!, tolerance)) {
      failures++;
      if (first < 0) first = i;
      const error = Math.abs(got[i]! - ref[i]!);
      if (!(error <= worst)) worst = error;
    }
  }
  if (failures > 0) {
    throw new Error(
      `${label}: ${failures}/${ref.length} values out of tolerance (atol ${tolerance.atol}, rtol ${tolerance.rtol}); ` +
        `first at ${first}: got ${got[first]} expected ${ref[first]}; worst |error| ${worst}`,
    );
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
