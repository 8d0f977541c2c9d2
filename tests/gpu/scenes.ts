// Scenes both kernel test files use.
import type { SceneInput } from '../../src/model/scene/schema';

/** Layered host (c ≠ a, its own barrier between layers) with four species declared by the scene. */
export function layeredFourSpecies(): SceneInput {
  return {
    ionhop: 1,
    name: 'layered, four species',
    lattice: { type: 'layered', size: [8, 6, 4], spacing: 3, interlayerSpacing: 6.5, boundary: ['periodic', 'periodic', 'reflecting'] },
    species: [
      { name: 'Zn2+', charge: 2 },
      { name: 'Zn(H2O)6 2+', charge: 2 },
      { name: 'NH4+', charge: 1 },
      { name: 'Mg2+', charge: 2 },
    ],
    temperature: 320,
    attemptFrequency: 1e13,
    seed: 6,
    run: { time: 1e-6 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3, interlayerBarrier: 0.34 }, 'Zn(H2O)6 2+': { barrier: 0.33 }, 'NH4+': { barrier: 0.28, interlayerBarrier: 0.31 }, 'Mg2+': { barrier: 0.32 } } }],
    populations: [{ species: 'Zn2+', count: 30 }, { species: 'Zn(H2O)6 2+', count: 20 }, { species: 'NH4+', count: 20 }, { species: 'Mg2+', count: 20 }],
    field: { axis: 'z', strength: 0.01 },
  };
}

/** Two regions with a field on a triangular (periodic sizes a multiple of 3) or honeycomb lattice. */
export function latticeTypeScene(type: 'triangular' | 'honeycomb', populations: SceneInput['populations']): SceneInput {
  return {
    ionhop: 1,
    name: `${type} two regions`,
    lattice: type === 'triangular'
      ? { type, size: [12, 9], spacing: 3, boundary: ['periodic', 'periodic'] }
      : { type, size: [7, 6], spacing: 1.8, boundary: ['reflecting', 'periodic'] },
    temperature: 320,
    attemptFrequency: 1e13,
    seed: 8,
    run: { time: 1e-6 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: 3 }, species: { 'Zn2+': { siteEnergy: 0, barrier: 0.32 }, 'H+': { siteEnergy: 0.03, barrier: 0.27 } } },
      { name: 'B', species: { 'Zn2+': { siteEnergy: -0.04, barrier: 0.3 }, 'H+': { barrier: 0.29 } } },
    ],
    interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.35 } }],
    populations,
    field: { axis: 'y', strength: 0.02 },
  };
}
