// Cases for electrodes open to an electrolyte (src/model/reservoir.ts).
//
// grand-canonical-isotherm: two regions with different site energies, each a
// reservoir region (every site touches the electrolyte), no interactions. In
// equilibrium with the electrolyte each site is occupied with probability
// θ = 1/(1 + exp((E − μ)/kBT)), μ = kBT·ln a − z·U: exact for independent
// sites; checked on both regions at once, under a nonzero U.
//
// species-competition: Zn2+ and H+ share the sites of one open region. The
// grand-canonical weights of a site (empty, Zn2+, H+) are 1, x_Zn, x_H with
// x_s = exp((μ_s − E_s)/kBT), so θ_s = x_s/(1 + Σ_t x_t) exactly, and the H+
// charge fraction θ_H/(θ_H + 2·θ_Zn) follows.
//
// slab-flux: a slab between two faces at different activities, equal site
// energies, exclusion kept. Per row the mean-field equations are exact here:
// J = (ρ_a − ρ_b)/(1/(k_in+k_out)_a + Σ_bonds 1/w + 1/(k_in+k_out)_b) with
// ρ = k_in/(k_in + k_out) at each face, and the density falls linearly inside:
// ρ(x_0) = ρ_a − J/(k_in+k_out)_a, then J/w per bond.
//
// Every case: time averages over the last 80 % of the run (the start is a
// transient from an arbitrary state, relaxed over > 15 relaxation times before
// the window), SE over independent replicas, systematic 0.
import type { EngineTuning } from '../../engine/factory';
import type { EngineKind } from '../../engine/engine';
import { runScene } from '../../run/runScene';
import { KB_EV_PER_K } from '../../model/rateModel';
import { caseScene } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase, type ValidationCheck } from '../types';

const NU = 1e13;
const T = 300;
const KT = KB_EV_PER_K * T;
const A = 3;
const G = 0.3;
const BARRIER = 0.3;

/** θ = 1/(1 + exp((E − μ)/kT)). */
const fermi = (energy: number, mu: number) => 1 / (1 + Math.exp((energy - mu) / KT));

export const grandCanonicalIsothermCase: ValidationCase = {
  name: 'grand-canonical-isotherm',
  title: 'open regions exchange ions with the electrolyte: occupancy 1/(1 + exp((E − μ)/kBT)), μ = kBT·ln a − zU, on two regions at once',
  async run({ engine, seedOffset, tuning }) {
    const energies = [0, 0.05];
    const activity = 0.5;
    const potential = -0.02;
    const mu = KT * Math.log(activity) - 2 * potential;
    // Slowest relaxation: removal from the lower site, ν·exp(−(G − zU/2 − E)/kT); ~80 of its times.
    const kOut = NU * Math.exp(-(G + potential - energies[0]) / KT);
    const scene = caseScene({
      name: 'grand-canonical isotherm',
      lattice: { type: 'square', size: [16, 16], spacing: A, boundary: ['periodic', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 901 + seedOffset,
      run: { time: 80 / kOut, samples: 50, replicas: 8 },
      regions: energies.map((e, k) => ({ name: k === 0 ? 'A' : 'B', slab: { axis: 'x' as const, from: 8 * k, to: 8 * (k + 1) }, species: { 'Zn2+': { siteEnergy: e, barrier: BARRIER } } })),
      populations: [{ species: 'Zn2+', count: 20 }],
      electrolyte: { potential, activity: { 'Zn2+': activity } },
      reservoirs: ['A', 'B'].map((region) => ({ name: region, region, desolvationBarrier: { 'Zn2+': G } })),
      observe: { fitFrom: 0.2 },
    });
    const result = await runScene(scene, { engine, tuning });
    const occ = result.observables.species[0].regionOccupancy;
    return energies.map((e, k) =>
      check(this.name, `θ of region ${occ[k].region} (E = ${e} eV, μ = ${mu.toFixed(4)} eV)`, '', fermi(e, mu), occ[k].occupancy.value, occ[k].occupancy.se, 0,
        `time average over the last 80 % of ${result.observables.simulatedTimeS.value.toExponential(2)} s; SE over ${result.replicas} replicas; exact for independent sites`),
    );
  },
};

export const speciesCompetitionCase: ValidationCase = {
  name: 'species-competition',
  title: 'Zn2+ and H+ compete for the sites of one open region: θ_s = x_s/(1 + Σ x_t), and the H+ charge fraction',
  async run({ engine, seedOffset, tuning }) {
    const energy = { 'Zn2+': 0.0, 'H+': 0.02 };
    const activity = { 'Zn2+': 0.3 };
    const pH = 0.5;
    const potential = -0.01;
    const mu = { 'Zn2+': KT * Math.log(activity['Zn2+']) - 2 * potential, 'H+': KT * Math.log(10 ** -pH) - potential };
    const x = { 'Zn2+': Math.exp((mu['Zn2+'] - energy['Zn2+']) / KT), 'H+': Math.exp((mu['H+'] - energy['H+']) / KT) };
    const theta = { 'Zn2+': x['Zn2+'] / (1 + x['Zn2+'] + x['H+']), 'H+': x['H+'] / (1 + x['Zn2+'] + x['H+']) };
    const kOut = Math.min(NU * Math.exp(-(G + potential - energy['Zn2+']) / KT), NU * Math.exp(-(G + potential / 2 - energy['H+']) / KT));
    const scene = caseScene({
      name: 'two-species competition',
      lattice: { type: 'square', size: [16, 16], spacing: A, boundary: ['periodic', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 911 + seedOffset,
      run: { time: 80 / kOut, samples: 50, replicas: 8 },
      regions: [{ name: 'host', species: { 'Zn2+': { siteEnergy: energy['Zn2+'], barrier: BARRIER }, 'H+': { siteEnergy: energy['H+'], barrier: BARRIER } } }],
      populations: [{ species: 'Zn2+', count: 10 }, { species: 'H+', count: 10 }],
      electrolyte: { potential, activity, pH },
      reservoirs: [{ name: 'host', region: 'host', desolvationBarrier: { 'Zn2+': G, 'H+': G } }],
      observe: { fitFrom: 0.2 },
    });
    const result = await runScene(scene, { engine, tuning });
    const measured = (name: 'Zn2+' | 'H+') => result.observables.species.find((s) => s.species === name)!.regionOccupancy[0].occupancy;
    const note = `time average over the last 80 % of the run; SE over ${result.replicas} replicas; exact for independent sites`;
    const checks: ValidationCheck[] = (['Zn2+', 'H+'] as const).map((s) =>
      check(this.name, `θ of ${s} (x = ${x[s].toFixed(4)})`, '', theta[s], measured(s).value, measured(s).se, 0, note),
    );
    // H+ charge fraction f = θ_H/(θ_H + 2θ_Zn); its SE bounds any correlation of the two: |∂f/∂θ_H|·SE_H + |∂f/∂θ_Zn|·SE_Zn.
    const h = measured('H+');
    const zn = measured('Zn2+');
    const q = h.value + 2 * zn.value;
    const se = ((2 * zn.value) / q ** 2) * h.se + ((2 * h.value) / q ** 2) * zn.se;
    checks.push(check(this.name, 'H+ charge fraction θ_H/(θ_H + 2θ_Zn)', '', theta['H+'] / (theta['H+'] + 2 * theta['Zn2+']), h.value / q, se, 0, `${note}; SE propagated linearly from both θ (an upper bound whatever their correlation)`));
    return checks;
  },
};

/** Slab-flux parameters: L sites between the faces, ROWS periodic rows. */
const SLAB_L = 10;
const SLAB_ROWS = 8;

export function slabFluxTheory(activityIn: number, activityOut: number) {
  const w = hopRate(NU, BARRIER, T);
  const kOut = NU * Math.exp(-G / KT);
  const sumA = (activityIn + 1) * kOut;
  const sumB = (activityOut + 1) * kOut;
  const rhoA = activityIn / (activityIn + 1);
  const rhoB = activityOut / (activityOut + 1);
  const jPerRow = (rhoA - rhoB) / (1 / sumA + (SLAB_L - 1) / w + 1 / sumB);
  const profile = Array.from({ length: SLAB_L }, (_, x) => rhoA - jPerRow / sumA - (x * jPerRow) / w);
  // Apparent D = J·(L − 1)·a²/Δθ: with the face layers' θ it is D0 = w·a² exactly (linear profile, J = w·Δθ per bond);
  // with the electrolytes' ρ_a − ρ_b the face resistances 1/(k_in + k_out) enter in series.
  const dFromElectrolytes = (jPerRow * (SLAB_L - 1) * A * A) / (rhoA - rhoB);
  return { w, jPerRow, profile, d0: w * A * A, dFromElectrolytes };
}

async function runSlab(engine: EngineKind, seedOffset: number, tuning: EngineTuning | undefined, activityIn: number, activityOut: number) {
  const { w } = slabFluxTheory(activityIn, activityOut);
  // Diffusive relaxation over the slab takes ~L²/(π²·w); run ~150 of those.
  const scene = caseScene({
    name: 'steady flux through a slab',
    lattice: { type: 'square', size: [SLAB_L, SLAB_ROWS], spacing: A, boundary: ['reflecting', 'periodic'] },
    temperature: T,
    attemptFrequency: NU,
    seed: 921 + seedOffset,
    run: { time: (150 * SLAB_L ** 2) / (Math.PI ** 2 * w), samples: 80, replicas: 8 },
    regions: [{ name: 'slab', species: { 'Zn2+': { barrier: BARRIER } } }],
    populations: [{ species: 'Zn2+', count: 20 }],
    electrolyte: { potential: 0, activity: {} },
    reservoirs: [
      { name: 'in', face: 'x-', desolvationBarrier: { 'Zn2+': G }, activity: { 'Zn2+': activityIn } },
      { name: 'out', face: 'x+', desolvationBarrier: { 'Zn2+': G }, activity: { 'Zn2+': activityOut } },
    ],
    observe: { fitFrom: 0.2, profileAxis: 'x' },
  });
  return runScene(scene, { engine, tuning });
}

export const slabFluxCase: ValidationCase = {
  name: 'slab-flux',
  title: 'steady flux through a slab between faces at two activities: exact J = Δρ/(Σ resistances) per row and the linear profile',
  async run({ engine, seedOffset, tuning }) {
    const activityIn = 1;
    const activityOut = 0.2;
    const theory = slabFluxTheory(activityIn, activityOut);
    const result = await runSlab(engine, seedOffset, tuning, activityIn, activityOut);
    const x = result.observables.exchange!;
    const flux = (face: string) => x.perFaceSpecies.find((p) => p.face === face)!.netFluxPerS;
    const note = `net count over the last 80 % of the run ÷ its duration; SE over ${result.replicas} replicas; exact (mean-field equations exact for this case)`;
    const jIn = flux('in');
    const jOut = flux('out');
    const checks: ValidationCheck[] = [
      check(this.name, 'flux in at the face "in", per row', 'ions/s', theory.jPerRow, jIn.value / SLAB_ROWS, jIn.se / SLAB_ROWS, 0, note),
      check(this.name, 'flux out at the face "out", per row', 'ions/s', theory.jPerRow, -jOut.value / SLAB_ROWS, jOut.se / SLAB_ROWS, 0, note),
    ];
    const apparent = x.steadyFluxD[0];
    const jack = `jackknife SE over ${result.replicas} replicas; exact (mean-field equations exact for this case)`;
    checks.push(
      check(this.name, 'D_app = J·(L − 1)·a²/(θ_first − θ_last) against D_chem = D0', 'Å²/s', theory.d0, apparent.fromFaceLayers.a2PerS.value, apparent.fromFaceLayers.a2PerS.se, 0, jack),
      check(this.name, 'D_app from the electrolytes\' concentrations (face resistances in series)', 'Å²/s', theory.dFromElectrolytes, apparent.fromElectrolytes.a2PerS.value, apparent.fromElectrolytes.a2PerS.se, 0, jack),
    );
    const profile = result.observables.species[0].profile;
    for (const layer of [0, SLAB_L / 2, SLAB_L - 1]) {
      checks.push(check(this.name, `density at layer ${layer}`, '', theory.profile[layer], profile.mean[layer], profile.se[layer], 0, 'time-averaged profile over the last 80 %; SE over replicas; exact linear profile'));
    }
    return checks;
  },
};
