// time-lag: Daynes' permeation experiment on a homogeneous non-interacting
// slab. The slab starts empty, the face "up" holds activity a_up, the face
// "down" is a pure sink (a = 0); the ions that leave by "down" approach
// J·(t − t_lag). Two checks:
// - t_lag against the exact lattice value (observe/timeLag.ts latticeTimeLag:
//   the mean occupancies obey exact linear equations here, face kinetics and
//   lattice included), systematic 0;
// - D_lag = ℓ²/(6·t_lag) against D_chem = D0 = w·a² (non-interacting lattice
//   gas: the chemical D is D0 at every filling). Here the formula is not exact:
//   the desolvation resistance of both faces and the lattice shift t_lag. The
//   faces are made fast (g = k_in + k_out ≫ w) so the shift is small, and the
//   check's systematic is that shift, computed from the exact lattice t_lag:
//   |ℓ²·factor/t_lag,exact − D0|.
// SE: jackknife over independent replicas of the line fitted to the replica-
// mean outflow over the window (the last 45 % of a 6·t_lag run: it starts
// after 3.3·t_lag ≈ 5.4 slowest relaxation times). The transient still decaying
// there biases the fitted t_lag by −0.75 %: computed by the same fit on the
// exact mean outflow (RK4 of the linear mean equations), and added to both
// checks' systematic.
import { runScene } from '../../run/runScene';
import { KB_EV_PER_K } from '../../model/rateModel';
import { fitTimeLag, latticeMeanOutflow, latticeTimeLag, timeLagFactor } from '../../observe/timeLag';
import { fitWindow } from '../../observe/stats';
import { caseScene } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const T = 300;
const KT = KB_EV_PER_K * T;
const A = 3;
const BARRIER = 0.3;
/** Desolvation barrier kT·ln 8 below the hop barrier: k_out = 8·w, so the faces add ≈ 2 % to t_lag (the systematic below). */
const G = BARRIER - KT * Math.log(8);
const LAYERS = 11;
const ROWS = 64;
const ACTIVITY_UP = 9;
/** Run length in units of t_lag, samples, and the window (observe.fitFrom). */
const RUN_TLAGS = 6;
const SAMPLES = 60;
const FIT_FROM = 0.55;

export function timeLagTheory() {
  const w = hopRate(NU, BARRIER, T);
  const kOut = NU * Math.exp(-G / KT);
  const rhoUp = ACTIVITY_UP / (ACTIVITY_UP + 1);
  const ladder = { layers: LAYERS, hopRatePerS: w, faceRateUpPerS: (ACTIVITY_UP + 1) * kOut, faceRateDownPerS: kOut, rhoUp, rhoDown: 0 };
  const tLag = latticeTimeLag(ladder);
  // The same line fitted to the exact mean outflow on the run's grid and window: what the
  // finite window leaves of the decaying transient (a bias of −0.75 % here).
  const grid = Array.from({ length: SAMPLES + 1 }, (_, k) => (k / SAMPLES) * RUN_TLAGS * tLag);
  const windowBias = fitTimeLag(grid, latticeMeanOutflow(ladder, grid), fitWindow(grid, FIT_FROM)).tLagS - tLag;
  const thickness = (LAYERS - 1) * A;
  const d0 = w * A * A;
  const dLagOfExact = (thickness * thickness * timeLagFactor(rhoUp, 0)) / tLag;
  return { w, tLag, windowBias, d0, dLagOfExact };
}

export const timeLagCase: ValidationCase = {
  name: 'time-lag',
  title: 'time lag of an empty slab (Daynes): t_lag against the exact lattice value, D_lag = ℓ²/(6·t_lag) against D_chem = D0',
  async run({ engine, seedOffset, tuning }) {
    const theory = timeLagTheory();
    const scene = caseScene({
      name: 'time lag of a slab',
      lattice: { type: 'square', size: [LAYERS, ROWS], spacing: A, boundary: ['reflecting', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 941 + seedOffset,
      run: { time: RUN_TLAGS * theory.tLag, samples: SAMPLES, replicas: 16 },
      regions: [{ name: 'slab', species: { 'Zn2+': { barrier: BARRIER } } }],
      populations: [{ species: 'Zn2+', count: 0 }],
      electrolyte: { potential: 0, activity: {} },
      reservoirs: [
        { name: 'up', face: 'x-', desolvationBarrier: { 'Zn2+': G }, activity: { 'Zn2+': ACTIVITY_UP } },
        { name: 'down', face: 'x+', desolvationBarrier: { 'Zn2+': G }, activity: { 'Zn2+': 0 } },
      ],
      observe: { fitFrom: FIT_FROM },
    });
    const result = await runScene(scene, { engine, tuning });
    const lag = result.observables.exchange!.steadyFluxD[0].timeLag;
    if (!lag.tLagS || !lag.a2PerS) throw new Error(`time-lag case: t_lag not defined (${lag.notDefined})`);
    const note = `line through the replica-mean outflow at "down" over the last half of the run; jackknife SE over ${result.replicas} replicas`;
    return [
      check(this.name, 't_lag against the exact lattice value (finite face rates, n = L − 1 bonds)', 's', theory.tLag, lag.tLagS.value, lag.tLagS.se, Math.abs(theory.windowBias),
        `${note}; exact (linear mean equations); systematic: the finite window's bias, the same fit on the exact mean outflow (${((theory.windowBias / theory.tLag) * 100).toFixed(2)} %)`),
      check(this.name, 'D_lag = ℓ²/(6·t_lag) against D_chem = D0 = w·a²', 'Å²/s', theory.d0, lag.a2PerS.value, lag.a2PerS.se,
        Math.abs(theory.dLagOfExact - theory.d0) + theory.dLagOfExact * Math.abs(theory.windowBias / theory.tLag),
        `${note}; systematic: the shift of t_lag by the faces' desolvation kinetics and the lattice, from the exact lattice t_lag (${((theory.dLagOfExact / theory.d0 - 1) * 100).toFixed(2)} %), plus the window's bias`),
    ];
  },
};
