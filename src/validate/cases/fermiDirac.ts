// Case 5: equilibrium occupancy of two kinds of site. Two regions (stripes
// along x of a lattice periodic in x, so each stripe has two boundaries) with site
// energies E_A, E_B; N ions, one per site, no interactions. In equilibrium each
// site of kind k is occupied with the Fermi–Dirac probability
// n_k = 1/(1 + e^{(E_k − μ)/kT}), μ fixed by the ion count. A closed system
// holds exactly N ions (canonical), which differs from Fermi–Dirac by
// O(1/sites); that exact difference is the stated systematic bound.
import { runScene } from '../../run/runScene';
import { caseScene } from '../sceneBuilder';
import { canonicalTwoLevelOccupancy, fermiDiracOccupancy, hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
const E_A = 0;
const E_B = 0.04;
const BARRIER = 0.25;
const STRIPE = 8;
const LX = 2 * STRIPE;
const LY = 16;

export const fermiDiracCase: ValidationCase = {
  name: 'fermi-dirac',
  title: 'equilibrium occupancy of sites with two energies follows Fermi–Dirac statistics',
  async run({ engine, seedOffset, tuning }) {
    const M = LX * LY;
    const N = M / 2;
    const regions = [0, 1].map((k) => ({
      name: k === 0 ? 'A' : 'B',
      slab: { axis: 'x' as const, from: k * STRIPE, to: (k + 1) * STRIPE },
      species: { 'Zn2+': { siteEnergy: k % 2 === 0 ? E_A : E_B, barrier: BARRIER } },
    }));
    // The slower (higher-energy-side) hop rate sets the time scale: ~300 of its hops per ion.
    const w = hopRate(NU, BARRIER + Math.abs(E_B - E_A), T);
    const scene = caseScene({
      name: 'two-level occupancy',
      lattice: { type: 'square', size: [LX, LY], spacing: A, boundary: ['periodic', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 505 + seedOffset,
      run: { time: 300 / (4 * w), samples: 100, replicas: 24 },
      regions,
      populations: [{ species: 'Zn2+', count: N }],
      observe: { profileAxis: 'x', fitFrom: 0.2 },
    });
    const result = await runScene(scene, { engine, tuning });
    const occupancy = result.observables.species[0].regionOccupancy;
    const fd = fermiDiracOccupancy([M / 2, M / 2], [E_A, E_B], N, T).occupancy;
    const canonical = canonicalTwoLevelOccupancy(M / 2, E_A, M / 2, E_B, N, T);
    return (['A', 'B'] as const).map((label, kind) => {
      const m = occupancy[kind].occupancy;
      return check(this.name, `occupancy of ${label} sites (E = ${kind === 0 ? E_A : E_B} eV)`, '', fd[kind], m.value, m.se, Math.abs(canonical[kind] - fd[kind]),
        `${N} ions on ${M} sites, time average over the last 80 % of the run; SE over ${result.replicas} replicas; systematic = |canonical − Fermi–Dirac| = ${Math.abs(canonical[kind] - fd[kind]).toExponential(1)}`);
    });
  },
};
