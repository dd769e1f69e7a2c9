// The tape: while a gradient is being computed, every op whose inputs depend on a watched tensor
// records its inputs, outputs and backward function here. Ops call record() right after their
// forward, so each op's backward sits beside its forward (ts/ops/*).
import { pin, unpin } from '../core/tensor.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Maps the gradients of an op's outputs (null where none flows) to those of its inputs; `needed`
 * says which inputs want one, so an op can skip work (null for the others).
 */
export type Backward = (dys: readonly (Tensor | null)[], needed: readonly boolean[]) => readonly (Tensor | null)[];

export interface TapeEntry {
  op: string;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  backward: Backward;
}

export interface Tape {
  entries: TapeEntry[];
  /** Watched tensors and everything computed from them. */
  tracked: Set<Tensor>;
}

let active: Tape | null = null;

export function isRecording(): boolean {
  return active !== null;
}

/** Records an op if any input depends on a watched tensor; its tensors stay alive until backward. */
export function record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], backward: Backward): void {
  if (!active || !inputs.some((t) => active!.tracked.has(t))) return;
  for (const t of inputs) pin(t);
  for (const t of outputs) {
    pin(t);
    active.tracked.add(t);
  }
  active.entries.push({ op, inputs, outputs, backward });
}

/** Runs fn with a fresh tape watching `sources`; ops run outside it (backward included) record nothing. */
export function recording<T>(sources: readonly Tensor[], fn: (tape: Tape) => T): T {
  const tape: Tape = { entries: [], tracked: new Set(sources) };
  active = tape;
  try {
    return fn(tape);
  } finally {
    active = null;
  }
}

/** Lets go of the tensors a tape kept alive. */
export function releaseTape(tape: Tape): void {
  for (const entry of tape.entries) for (const t of [...entry.inputs, ...entry.outputs]) unpin(t);
}
