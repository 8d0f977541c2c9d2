// Counter words (src/gpu/layouts.ts) → the Engine's float64 observables.
import { crossingCounterIndex, eventCounterIndex, readCounter, SPECIES_SLOTS } from '../../gpu/layouts';

export function eventCountsOf(words: Uint32Array, nSpecies: number): Float64Array {
  const out = new Float64Array(nSpecies);
  for (let s = 0; s < nSpecies; s++) out[s] = readCounter(words, eventCounterIndex(s));
  return out;
}

export function crossingsOf(words: Uint32Array, nRegions: number): Float64Array {
  const out = new Float64Array(nRegions * nRegions);
  for (let a = 0; a < nRegions; a++)
    for (let b = 0; b < nRegions; b++) if (a !== b) out[a * nRegions + b] = readCounter(words, crossingCounterIndex(nRegions, a, b));
  return out;
}

export function totalEvents(words: Uint32Array): number {
  // Unused species slots count nothing, so summing all of them is the total.
  return eventCountsOf(words, SPECIES_SLOTS).reduce((a, b) => a + b, 0);
}
