// Counter words (src/gpu/layouts.ts) → the Engine's float64 observables.
import { N_SPECIES } from '../../model/rateModel';
import { crossingCounterIndex, eventCounterIndex, readCounter } from '../../gpu/layouts';

export function eventCountsOf(words: Uint32Array): Float64Array {
  const out = new Float64Array(N_SPECIES);
  for (let s = 0; s < N_SPECIES; s++) out[s] = readCounter(words, eventCounterIndex(s));
  return out;
}

export function crossingsOf(words: Uint32Array, nRegions: number): Float64Array {
  const out = new Float64Array(nRegions * nRegions);
  for (let a = 0; a < nRegions; a++)
    for (let b = 0; b < nRegions; b++) if (a !== b) out[a * nRegions + b] = readCounter(words, crossingCounterIndex(nRegions, a, b));
  return out;
}

export function totalEvents(words: Uint32Array): number {
  return eventCountsOf(words).reduce((a, b) => a + b, 0);
}
