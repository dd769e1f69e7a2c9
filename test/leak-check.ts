// Every test file that makes tensors calls this once: memory() must return to where it started.
import { afterAll, beforeAll, expect } from 'vitest';
import * as ck from '../dist/convkit.js';

export function checkNoLeaks(): void {
  let start: ReturnType<typeof ck.memory>;
  beforeAll(() => {
    start = ck.memory();
  });
  afterAll(() => {
    expect(ck.memory().numTensors).toBe(start.numTensors);
    expect(ck.memory().numBytes).toBe(start.numBytes);
  });
}
