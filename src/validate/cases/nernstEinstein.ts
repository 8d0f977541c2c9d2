// Case: Nernst–Einstein in a small field. Half-filled non-interacting lattice
// gas (exclusion only) of Zn2+ on a 16×16 torus, field F along x with
// x = z·e·F·a/kBT = 0.1. Two exact results:
// - the conductivity at any field: on a torus the uniform distribution over
//   configurations stays stationary under a uniform drift, so every x-bond is
//   occupied–empty with probability N(M−N)/(M(M−1)) and the charge current is
//   J = z·a·(k+ − k−)·N(M−N)/(M−1) per replica, k± = w·exp(±x/2); hence
//   σ = e·J/(V·F) with V = M·a³ (one layer of thickness a);
// - linear response: σ/σ_NE → 1 as F → 0, σ_NE = e·D_Q/(V·kBT) from the
//   variance of the charge displacement (the centred D_σ of drift.ts). The
//   stated systematic bound is the nonlinearity of independent hops,
//   1 − tanh(x/2)/(x/2) = 8·10⁻⁴, far below the SE.
import { runScene } from '../../run/runScene';
import { KB_EV_PER_K } from '../../model/rateModel';
import { ELEMENTARY_CHARGE_C } from '../../observe/drift';
import { caseScene } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
const BARRIER = 0.3;
const L = 16;
const X = 0.1;
const Z = 2;

export const nernstEinsteinCase: ValidationCase = {
  name: 'nernst-einstein',
  title: 'half-filled lattice gas in a small field: σ from the current (exact) and σ/σ_NE = 1',
  async run({ engine, seedOffset, tuning }) {
    const kT = KB_EV_PER_K * T;
    const F = (X * kT) / (Z * A);
    const w = hopRate(NU, BARRIER, T);
    const M = L * L;
    const N = M / 2;
    const scene = caseScene({
      name: 'lattice gas in a small field',
      lattice: { type: 'square', size: [L, L], spacing: A, boundary: ['periodic', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 909 + seedOffset,
      // ~10 attempted hops per ion and direction: the centre of mass has independent increments
      // (a martingale plus the constant drift), so its lag variance is linear from t = 0, and the
      // precision of D_σ grows with the number of replicas, not with their length (as in lattice-gas).
      run: { time: 10 / w, samples: 20, replicas: 800 },
      regions: [{ name: 'host', species: { 'Zn2+': { siteEnergy: 0, barrier: BARRIER } } }],
      populations: [{ species: 'Zn2+', count: N }],
      field: { axis: 'x', strength: F },
    });
    const result = await runScene(scene, { engine, tuning });
    const c = result.observables.drift.conductivity!;
    const volumeA3 = M * A ** 3;
    const current = Z * A * w * 2 * Math.sinh(X / 2) * (N * (M - N)) / (M - 1); // e·Å/s
    const sigmaExact = (ELEMENTARY_CHARGE_C * current) / (volumeA3 * F) * 1e8; // S/cm
    const nonlinear = 1 - Math.tanh(X / 2) / (X / 2);
    return [
      check(this.name, `σ from the charge current (zFa/kBT = ${X})`, 'S/cm', sigmaExact, c.measuredSPerCm.value, c.measuredSPerCm.se, 0,
        `${N} ions on ${M} sites, ${result.replicas} replicas; SE over replicas; exact at any field (uniform stationary measure), systematic 0`),
      check(this.name, 'σ/σ_NE (Nernst–Einstein from the centred D_σ)', '', 1, c.ratio.value, c.ratio.se, nonlinear,
        `jackknife over ${result.replicas} replicas; systematic = independent-hop nonlinearity 1 − tanh(x/2)/(x/2) = ${nonlinear.toExponential(1)}`),
    ];
  },
};
