// Places the initial populations. Seeded, so a scene + seed + replica always
// starts from the same configuration.
import seedrandom from 'seedrandom';
import type { RateModel } from './rateModel';
import { SceneError } from './scene/validate';

/** Seed string of one replica's stream; `purpose` separates placement from dynamics. */
export function replicaSeed(seed: number, replica: number, purpose: 'init' | 'dynamics' | 'source'): string {
  return `ionhop:${seed}:${replica}:${purpose}`;
}

/** Occupancy (species+1 per site, 0 empty) of replica `replica` of the model. */
export function initialOccupancy(model: RateModel, seed: number, replica = 0): Uint8Array {
  const rng = seedrandom.alea(replicaSeed(seed, replica, 'init'));
  const occupancy = new Uint8Array(model.nSites);
  const candidates = new Int32Array(model.nSites);
  model.populations.forEach((p, k) => {
    if (p.count === 0) return;
    const inRegion = new Uint8Array(model.nRegions);
    for (const r of p.regions) inRegion[r] = 1;
    let n = 0;
    for (let i = 0; i < model.nSites; i++) if (occupancy[i] === 0 && inRegion[model.siteRegion[i]]) candidates[n++] = i;
    if (p.count > n) {
      throw new SceneError([{ path: `populations[${k}]`, message: `asks for ${p.count} ions but only ${n} free sites remain where ${model.speciesNames[p.species]} may sit`, value: p.count }]);
    }
    // Partial Fisher–Yates: the first `count` entries become a uniform random subset.
    for (let m = 0; m < p.count; m++) {
      const pick = m + Math.floor(rng() * (n - m));
      const site = candidates[pick];
      candidates[pick] = candidates[m];
      candidates[m] = site;
      occupancy[site] = p.species + 1;
    }
  });
  return occupancy;
}
