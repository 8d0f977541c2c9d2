// Scenes of many exactly independent 1D walkers: every even row of a square
// lattice, periodic along x, is a ring of its own (one region per ring or per
// ring segment, one ion per ring), the odd rows belong to a spacer region that
// no species may enter. The ions never meet, so each performs exactly its own
// Markov process on its ring, and many of them share one replica (an engine
// is created a few times, not hundreds: this matters for the GPU engines).
// Every ring allows every species of the scene (only one ion ever lives on
// it): with one ion per ring of at least 11 sites the ions then stay below
// 10 % of the sites each species may occupy, which the gpu-walkers engine (no
// exclusion) requires.
import type { SpeciesName } from '../model/scene/schema';
import type { CaseSceneInput } from './sceneBuilder';

export interface RingSegment {
  /** Suffix of the region name. */
  name: string;
  /** Sites of this segment along x. */
  length: number;
  barrier: number;
  siteEnergy?: number;
  potential?: number;
}

/** Regions and populations for `species.length` rings; ring k holds one ion of species[k], starting in its first segment. */
export function isolatedRings(species: readonly SpeciesName[], segments: readonly RingSegment[]) {
  const regions: CaseSceneInput['regions'] = [];
  const populations: CaseSceneInput['populations'] = [];
  const ringName = (k: number, segment: string) => `ring${k} ${segment}`;
  const kinds = [...new Set(species)];
  species.forEach((sp, k) => {
    let x = 0;
    for (const seg of segments) {
      regions.push({
        name: ringName(k, seg.name),
        box: { from: [x, 2 * k], to: [x + seg.length, 2 * k + 1] },
        species: Object.fromEntries(kinds.map((kind) => [kind, { siteEnergy: seg.siteEnergy ?? 0, barrier: seg.barrier }])),
        ...(seg.potential !== undefined ? { potential: seg.potential } : {}),
      });
      x += seg.length;
    }
    populations.push({ species: sp, region: ringName(k, segments[0].name), count: 1 });
  });
  regions.push({ name: 'spacer', species: {} });
  const ringLength = segments.reduce((s, g) => s + g.length, 0);
  return { regions, populations, size: [ringLength, 2 * species.length], ringName };
}
