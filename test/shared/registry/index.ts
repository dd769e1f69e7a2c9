// The op registry: one list from every family's entries (see types.ts for what an entry holds).
import { coreEntries } from './core.js';
import { convFamilyEntries } from './conv-family.js';
import { reduceEntries } from './reduce.js';
import { nnEntries } from './nn.js';
import { localEntries } from './local.js';
import { fftEntries } from './fft.js';
import type { OpEntry } from './types.js';

export type { OpEntry, Sample, ErrorCase } from './types.js';

export function opRegistry(): OpEntry[] {
  return [...coreEntries(), ...convFamilyEntries(), ...reduceEntries(), ...nnEntries(), ...localEntries(), ...fftEntries()];
}
