// Shared by the detailed-balance tests of the chemistry channels: a scene
// compiled the way the CLI compiles it, and the energy of a configuration
// summed independently of the engine's and the rate model's local sums.
import { compileRateModel, neighbour, type RateModel } from '../../src/model/rateModel';
import type { SceneInput } from '../../src/model/scene/schema';
import { validateScene } from '../../src/model/scene/validate';

export const model = (input: SceneInput): RateModel => compileRateModel(validateScene(input));

/** Total energy of a configuration: site energies plus each neighbouring pair once. */
export function configurationEnergy(m: RateModel, occ: Uint8Array): number {
  let e = 0;
  for (let i = 0; i < m.nSites; i++) {
    if (occ[i] === 0) continue;
    const s = occ[i] - 1;
    e += m.siteEnergy[s * m.nRegions + m.siteRegion[i]];
    for (let d = 0; d < m.directions; d++) {
      const j = neighbour(m, i, d);
      // Each bond seen from both ends: half of the pair energy each time.
      if (j >= 0 && occ[j] !== 0) e += m.pairEnergy[s * m.nSpecies + occ[j] - 1] / 2;
    }
  }
  return e;
}
