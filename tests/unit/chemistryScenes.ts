// Scenes shared by the chemistry tests (waterDissociation.test.ts, protonBudget.test.ts): a surface slab two rows deep
// where water splits into OH-* on the surface and H+ in the host below, with Zn2+ as the catalyst. The proton-budget
// scene opens it to an electrolyte through both faces, with a finite H+ inventory behind the back face. The tests run
// these scenes with fixed seeds and check exact counts, so any change here changes their numbers.
import type { SceneInput } from '../../src/model/scene/schema';

export type ChemistryLattice = 'square' | 'triangular';

/** Electrolyte volume behind the back face (L): n° = N_A·V·(1 mol/L) H+ ions at unit activity. */
export const INVENTORY_VOLUME_L = 1e-22;

interface SurfaceHostOptions {
  name: string;
  seed: number;
  /** Share of the sites that start with a Zn2+. */
  zincFraction: number;
}

/** 8×6 sites, periodic along x, surface rows y = 0–1 (OH- binds at −0.8 eV), host rows below (H+ at −0.05 eV). */
function surfaceHostScene(type: ChemistryLattice, interactions: boolean, o: SurfaceHostOptions): SceneInput {
  return {
    ionhop: 1,
    name: o.name,
    lattice: { type, size: [8, 6], spacing: 3, boundary: ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: o.seed,
    run: { events: 10 },
    regions: [
      { name: 'surface', slab: { axis: 'y', from: 0, to: 2 }, species: { 'OH-': { siteEnergy: -0.8, barrier: 0.3 }, 'Zn2+': { barrier: 0.3 } } },
      { name: 'host', species: { 'H+': { siteEnergy: -0.05, barrier: 0.3 }, 'Zn2+': { barrier: 0.32 } } },
    ],
    interactions: interactions ? [{ species: ['OH-', 'H+'], energy: -0.04 }, { species: ['Zn2+', 'H+'], energy: 0.05 }, { species: ['Zn2+', 'OH-'], energy: -0.02 }] : [],
    reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: 0.3, bepSlope: 0.6, catalyst: { species: 'Zn2+', barrierShift: -0.1 } }],
    populations: [{ species: 'Zn2+', fraction: o.zincFraction }, { species: 'H+', count: 4 }, { species: 'OH-', count: 3 }],
  };
}

/** The closed scene of the water-dissociation tests. */
export function waterSurfaceScene(type: ChemistryLattice = 'square', interactions = true): SceneInput {
  return surfaceHostScene(type, interactions, { name: 'water', seed: 9, zincFraction: 0.15 });
}

/**
 * The proton-budget scene: the surface face (y−) exchanges OH- and Zn2+ with an electrolyte at activity 0.5, the back
 * face (y+) exchanges H+ with a finite inventory of `inventory` ions in INVENTORY_VOLUME_L.
 */
export function protonBudgetScene(type: ChemistryLattice, interactions: boolean, inventory = 25): SceneInput {
  return {
    ...surfaceHostScene(type, interactions, { name: 'proton budget', seed: 3, zincFraction: 0.1 }),
    electrolyte: { activity: { 'Zn2+': 0.5, 'OH-': 0.5 } },
    reservoirs: [
      { name: 'surface face', face: 'y-', desolvationBarrier: { 'OH-': 0.25, 'Zn2+': 0.4 } },
      { name: 'back face', face: 'y+', desolvationBarrier: { 'H+': 0.3 }, inventory: { 'H+': inventory }, volumeL: INVENTORY_VOLUME_L },
    ],
  };
}

/** Ions of species `s` on the lattice now. */
export function countIons(engine: { occupancySync(): Uint8Array }, s: number): number {
  return engine.occupancySync().filter((o) => o === s + 1).length;
}
