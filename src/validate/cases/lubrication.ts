// Lubrication cases (src/model/lubrication.ts).
//
// 1. Frozen H+ above isolated Zn2+ rows: each chain is a periodic ring of
//    square-lattice sites (row 3r), the row above (3r + 1) holds H+ ions frozen
//    on single-site regions, the row after it is an empty spacer. A Zn2+ bond
//    (x, x+1) is lubricated when an H+ sits above x or x+1. With H+ above every
//    other column every bond is lubricated: D = D0·exp(−λ/kT); above every
//    fourth, bonds alternate L N N L: the chain formula
//    D = a²ν/(⟨e^{−E/kT}⟩⟨e^{S/kT}⟩) gives 2·D0/(1 + exp(λ/kT)). One Zn2+ per
//    ring, so the ions never meet; systematic 0.
// 2. Equilibrium is unchanged: Zn2+ and H+ move on two stripes with different
//    Zn2+ site energies and a Zn2+–H+ attraction; the Zn2+ occupancy of each
//    stripe with λ = 0 and with λ ≠ 0 must agree (lubrication is a symmetric
//    saddle shift, so the Boltzmann distribution is the same; only the
//    kinetics change). SE: both runs' replica SEs in quadrature.
import { runScene } from '../../run/runScene';
import { caseScene, type CaseSceneInput } from '../sceneBuilder';
import { chainDiffusivity, hopRate } from '../theory';
import { KB_EV_PER_K } from '../../model/rateModel';
import { check, type ValidationCase, type ValidationCheck } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
const BARRIER = 0.25;
const LAMBDA = -0.05;
const LX = 8;
const CHAINS = 40;

/** Chains with an H+ above every `hEvery`-th column: the scene and the exact D. */
function frozenChainScene(hEvery: 2 | 4, seed: number) {
  const regions: CaseSceneInput['regions'] = [];
  const populations: CaseSceneInput['populations'] = [];
  for (let r = 0; r < CHAINS; r++) {
    regions.push({ name: `chain ${r}`, box: { from: [0, 3 * r], to: [LX, 3 * r + 1] }, species: { 'Zn2+': { barrier: BARRIER } } });
    populations.push({ species: 'Zn2+', region: `chain ${r}`, count: 1 });
    for (let x = 0; x < LX; x += hEvery) {
      // A single-site region: the H+ on it has nowhere to hop (frozen).
      regions.push({ name: `H ${r},${x}`, box: { from: [x, 3 * r + 1], to: [x + 1, 3 * r + 2] }, species: { 'H+': { barrier: BARRIER } } });
      populations.push({ species: 'H+', region: `H ${r},${x}`, count: 1 });
    }
  }
  regions.push({ name: 'spacer', species: {} });
  // Saddles of one period of LX bonds: bond (x, x+1) is lubricated when H+ sits above x or x+1.
  const saddles = Array.from({ length: LX }, (_, x) => BARRIER + (x % hEvery === 0 || (x + 1) % hEvery === 0 ? LAMBDA : 0));
  const d = chainDiffusivity(new Array(LX).fill(0), saddles, NU, A, T);
  // MSD_x = 2·D·t ≈ 100·a² per ion: a walk's relative slope error per ion is O(1) whatever its length, so ions (rings × replicas), not time, buy precision.
  const scene = caseScene({
    name: `frozen H+ every ${hEvery} columns`,
    lattice: { type: 'square', size: [LX, 3 * CHAINS], spacing: A, boundary: ['periodic', 'reflecting'] },
    temperature: T,
    attemptFrequency: NU,
    seed,
    run: { time: (50 * A * A) / d, samples: 20, replicas: 64 },
    regions,
    populations,
    lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: LAMBDA, mode: 'any' }],
    observe: { profileAxis: 'x' },
  });
  return { scene, d };
}

export const lubricatedChainCase: ValidationCase = {
  name: 'lubricated-chain',
  title: 'Zn2+ rings under frozen H+: D0·e^{−λ/kT} (all bonds lubricated), 2·D0/(1 + e^{λ/kT}) (half)',
  async run({ engine, seedOffset, tuning }) {
    const d0 = A * A * hopRate(NU, BARRIER, T);
    const kT = KB_EV_PER_K * T;
    const checks: ValidationCheck[] = [];
    for (const hEvery of [2, 4] as const) {
      const { scene, d } = frozenChainScene(hEvery, 606 + hEvery + seedOffset);
      const closed = hEvery === 2 ? d0 * Math.exp(-LAMBDA / kT) : (2 * d0) / (1 + Math.exp(LAMBDA / kT));
      if (Math.abs(closed / d - 1) > 1e-12) throw new Error(`chain formula ${d} disagrees with the closed form ${closed}`);
      const result = await runScene(scene, { engine, tuning });
      const dx = result.observables.species[0].tracer.perAxisA2PerS.x!;
      checks.push(check(this.name, `D_x, H+ above every ${hEvery === 2 ? 'other' : 'fourth'} column`, 'cm²/s', d * 1e-16, dx.value * 1e-16, dx.se * 1e-16, 0,
        `${CHAINS} rings of ${LX} sites per replica, λ = ${LAMBDA} eV, ${result.replicas} replicas; SE over replicas; exact (systematic 0)`));
    }
    return checks;
  },
};

const STRIPE = 4;
const LY = 8;

function equilibriumScene(lambda: number, seed: number) {
  return caseScene({
    name: `lubrication λ = ${lambda}`,
    lattice: { type: 'square', size: [2 * STRIPE, LY], spacing: A, boundary: ['periodic', 'periodic'] },
    temperature: T,
    attemptFrequency: NU,
    seed,
    // ~200 unlubricated Zn2+ hops per ion: equilibrium is reached in a few; "any" keeps lubricated hops within e^{0.04/kT} ≈ 5 of the rest ("sum" with many H+ around would be stiff and slow).
    run: { time: 200 / (4 * hopRate(NU, BARRIER + 0.04, T)), samples: 100, replicas: 16 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: STRIPE }, species: { 'Zn2+': { barrier: BARRIER }, 'H+': { barrier: BARRIER } } },
      { name: 'B', slab: { axis: 'x', from: STRIPE, to: 2 * STRIPE }, species: { 'Zn2+': { siteEnergy: 0.04, barrier: BARRIER }, 'H+': { barrier: BARRIER } } },
    ],
    interactions: [{ species: ['Zn2+', 'H+'], energy: -0.03 }],
    lubrication: lambda === 0 ? [] : [{ species: 'Zn2+', by: 'H+', saddleShift: lambda, mode: 'any' }],
    populations: [{ species: 'Zn2+', count: 16 }, { species: 'H+', count: 16 }],
    observe: { profileAxis: 'x', fitFrom: 0.2 },
  });
}

export const lubricationEquilibriumCase: ValidationCase = {
  name: 'lubrication-equilibrium',
  title: 'lubrication is kinetic: stripe occupancies with λ = 0 and λ = −0.04 eV agree',
  async run({ engine, seedOffset, tuning }) {
    const [plain, lubricated] = await Promise.all([0, -0.04].map((lambda, k) => runScene(equilibriumScene(lambda, 707 + 31 * k + seedOffset), { engine, tuning })));
    return (['A', 'B'] as const).map((label, r) => {
      const p = plain.observables.species[0].regionOccupancy[r].occupancy;
      const l = lubricated.observables.species[0].regionOccupancy[r].occupancy;
      return check(this.name, `Zn2+ occupancy of stripe ${label}`, '', p.value, l.value, Math.hypot(p.se, l.se), 0,
        `16 Zn2+ and 16 H+ on 64 sites, Zn2+–H+ −0.03 eV, λ = −0.04 eV ("any"); theory = the λ = 0 run; SE of both runs in quadrature over ${plain.replicas} replicas each; exact (systematic 0)`);
    });
  },
};
