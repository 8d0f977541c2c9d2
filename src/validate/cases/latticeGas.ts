// Case 2: non-interacting lattice gas (site exclusion only). The centre of
// mass X = Σ Δr_i is a martingale (the expected drift Σ over ion→vacancy bonds
// of (r_j − r_i) vanishes in every configuration), so ⟨|X(t)|²⟩ = a²·⟨hops⟩
// and D_σ = w·a²·(M−N)/(M−1) exactly (M sites, N ions; uniform placement is
// the equilibrium). The chemical (collective) diffusivity D_σ·Θ, with the
// finite-system thermodynamic factor Θ = (M−1)/(M−N), therefore equals the
// single-particle D0 = w·a² at every filling: that is what is checked.
import { runScene } from '../../run/runScene';
import { caseScene } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const BARRIER = 0.3;
const T = 300;
const A = 3;
const L = 16;

export const latticeGasCase: ValidationCase = {
  name: 'lattice-gas',
  title: 'non-interacting lattice gas: collective diffusivity = D0 = w·a² at low and high filling',
  async run({ engine, seedOffset, tuning }) {
    const w = hopRate(NU, BARRIER, T);
    const d0 = w * A * A;
    const checks = [];
    for (const fraction of [0.1, 0.9]) {
      const M = L * L;
      const N = Math.round(fraction * M);
      // ~30 attempted hops per ion: the centre of mass is a martingale, so its MSD is linear from t = 0 and a short run suffices.
      const scene = caseScene({
        name: `lattice gas c=${fraction}`,
        lattice: { type: 'square', size: [L, L], spacing: A, boundary: ['periodic', 'periodic'] },
        temperature: T,
        attemptFrequency: NU,
        seed: 200 + Math.round(fraction * 10) + seedOffset,
        run: { time: 30 / (4 * w), samples: 20, replicas: 1000 },
        regions: [{ name: 'host', species: { 'Zn2+': { siteEnergy: 0, barrier: BARRIER } } }],
        populations: [{ species: 'Zn2+', count: N }],
      });
      const result = await runScene(scene, { engine, tuning });
      const sp = result.observables.species[0];
      const theta = (M - 1) / (M - N);
      const dChem = sp.collective.a2PerS.value * theta * 1e-16;
      const se = sp.collective.a2PerS.se * theta * 1e-16;
      checks.push(
        check(this.name, `D_σ·Θ at c = ${fraction}`, 'cm²/s', d0 * 1e-16, dChem, se, 0,
          `${N} ions on ${M} sites, Θ = (M−1)/(M−N); jackknife over ${result.replicas} replicas; exact (systematic 0)`),
      );
    }
    return checks;
  },
};
