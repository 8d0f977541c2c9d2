// Case 4: exact D of a 1D periodic chain with site energies E_i and saddle
// energies S_i,i+1: D = a²ν/(⟨e^{−E/kT}⟩·⟨e^{S/kT}⟩). Built as a 4×2 square
// lattice, periodic along x, reflecting along y: each x column is a region
// (slab along x) with its own site energy, and interface overrides set every
// x-bond's saddle. Energies depend on x only and a y-hop does not change x, so
// for a single ion the x-coordinate performs exactly the 1D chain's Markov
// process: D_x = slope(MSD_x)/2 is compared with the formula. One ion per
// replica (no exclusion); systematic 0.
import { runScene } from '../../run/runScene';
import { caseScene } from '../sceneBuilder';
import { chainDiffusivity } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
/** One period: site energies E_i and saddles S_i,i+1 (eV); the last saddle joins site 3 to site 0 across the periodic boundary. */
export const CHAIN_SITE_ENERGIES = [0, 0.06, -0.04, 0.03];
export const CHAIN_SADDLES = [0.28, 0.22, 0.32, 0.25];
/** Barrier of the y-hops inside each column, eV: high, so that few events are spent on moves that do not change x. */
const Y_BARRIER = 0.45;

export const heterogeneousChainCase: ValidationCase = {
  name: 'chain',
  title: '1D periodic chain with site and saddle energies: D = a²ν/(⟨e^{−E/kT}⟩⟨e^{S/kT}⟩)',
  async run({ engine, seedOffset }) {
    const P = CHAIN_SITE_ENERGIES.length;
    const d = chainDiffusivity(CHAIN_SITE_ENERGIES, CHAIN_SADDLES, NU, A, T);
    const names = CHAIN_SITE_ENERGIES.map((_, i) => `site${i}`);
    const scene = caseScene({
      name: 'heterogeneous chain',
      lattice: { type: 'square', size: [P, 2], spacing: A, boundary: ['periodic', 'reflecting'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 404 + seedOffset,
      // MSD_x = 2·D·t ≈ 600·a² per replica, many periods; the error of one ion's slope does not shrink with run length, so replicas buy precision.
      run: { time: (300 * A * A) / d, samples: 20, replicas: 800 },
      regions: CHAIN_SITE_ENERGIES.map((e, i) => ({
        name: names[i],
        slab: { axis: 'x' as const, from: i, to: i + 1 },
        species: { 'Zn2+': { siteEnergy: e, barrier: Y_BARRIER } },
      })),
      interfaces: CHAIN_SADDLES.map((s, i) => {
        const j = (i + 1) % P;
        // Interface barriers are measured from the lower of the two site energies.
        return { between: [names[i], names[j]] as [string, string], barrier: { 'Zn2+': s - Math.min(CHAIN_SITE_ENERGIES[i], CHAIN_SITE_ENERGIES[j]) } };
      }),
      populations: [{ species: 'Zn2+', count: 1 }],
      observe: { profileAxis: 'x' },
    });
    const result = await runScene(scene, { engine });
    const dx = result.observables.species[0].tracer.perAxisA2PerS.x!;
    return [
      check(this.name, 'D_x of the chain', 'cm²/s', d * 1e-16, dx.value * 1e-16, dx.se * 1e-16, 0,
        `one ion per replica, ${result.replicas} replicas; SE over replicas; exact (systematic 0)`),
    ];
  },
};
