// Case 1: a single ion on the square and on the cubic lattice performs a
// simple random walk: D = w·a², w = ν·exp(−Ea/kBT) per direction. One ion per
// replica (no exclusion at all), many replicas; the MSD of a lattice random
// walk is exactly 2·dim·D·t at every t, so there is no systematic error.
import { runScene } from '../../run/runScene';
import { caseScene } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const BARRIER = 0.3;
const T = 300;
const A = 3;
const HOPS = 200;

export const randomWalkCase: ValidationCase = {
  name: 'random-walk',
  title: 'single-ion random walk on the square and cubic lattices: D = w·a²',
  async run({ engine, seedOffset, tuning }) {
    const w = hopRate(NU, BARRIER, T);
    const theoryCm2 = w * A * A * 1e-16;
    const lattices = [
      { type: 'square' as const, size: [16, 16], boundary: ['periodic', 'periodic'] as const, replicas: 800 },
      { type: 'cubic' as const, size: [8, 8, 8], boundary: ['periodic', 'periodic', 'periodic'] as const, replicas: 600 },
    ];
    const checks = [];
    for (const lat of lattices) {
      const dim = lat.type === 'square' ? 2 : 3;
      const scene = caseScene({
        name: `random walk, ${lat.type}`,
        lattice: { type: lat.type, size: lat.size, spacing: A, boundary: [...lat.boundary] },
        temperature: T,
        attemptFrequency: NU,
        seed: 101 + dim + seedOffset,
        run: { time: HOPS / (2 * dim * w), samples: 20, replicas: lat.replicas },
        regions: [{ name: 'host', species: { 'Zn2+': { siteEnergy: 0, barrier: BARRIER } } }],
        populations: [{ species: 'Zn2+', count: 1 }],
      });
      const result = await runScene(scene, { engine, tuning });
      const d = result.observables.species[0].tracer.cm2PerS;
      checks.push(
        check(this.name, `D* ${lat.type} lattice`, 'cm²/s', theoryCm2, d.value, d.se, 0,
          `one ion per replica, ${lat.replicas} replicas; SE over replicas; exact at all t (systematic 0)`),
      );
    }
    return checks;
  },
};
