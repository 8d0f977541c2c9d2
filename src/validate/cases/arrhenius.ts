// Case 6: D(T) at several temperatures follows D = ν·a²·exp(−Ea/kT): a
// weighted least-squares line through ln D against 1/kT has slope −Ea. The
// weights are 1/σ² with σ = SE(D)/D from replicas, and the slope's SE is the
// fit's formal error.
// Each replica holds many independent 1D walkers: every even row of the
// lattice is a region of its own with one ion, the odd rows belong to a host
// where the ion is not allowed, so ions never leave their rows and never meet
// (no exclusion); D_x = slope(MSD_x)/2 = w·a² exactly.
import { KB_EV_PER_K } from '../../model/rateModel';
import { runScene } from '../../run/runScene';
import { fitLine } from '../../observe/stats';
import { caseScene, type CaseSceneInput } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const BARRIER = 0.35;
const A = 3;
const TEMPERATURES = [250, 300, 400, 550, 800];
/** Hops per ion along x. */
const HOPS = 300;
const ROWS = 48;
const REPLICAS = 8;

export const arrheniusCase: ValidationCase = {
  name: 'arrhenius',
  title: 'Arrhenius slope of ln D against 1/kT returns the input barrier',
  async run({ engine, seedOffset }) {
    const x: number[] = [];
    const y: number[] = [];
    const weights: number[] = [];
    const regions: CaseSceneInput['regions'] = [];
    const populations: CaseSceneInput['populations'] = [];
    for (let row = 0; row < ROWS; row++) {
      regions.push({ name: `row${row}`, slab: { axis: 'y', from: 2 * row, to: 2 * row + 1 }, species: { 'Zn2+': { siteEnergy: 0, barrier: BARRIER } } });
      populations.push({ species: 'Zn2+', region: `row${row}`, count: 1 });
    }
    regions.push({ name: 'spacer', species: {} });
    for (const [k, T] of TEMPERATURES.entries()) {
      const w = hopRate(NU, BARRIER, T);
      const scene = caseScene({
        name: `Arrhenius ${T} K`,
        lattice: { type: 'square', size: [16, 2 * ROWS], spacing: A, boundary: ['periodic', 'reflecting'] },
        temperature: T,
        attemptFrequency: NU,
        seed: 600 + k + seedOffset,
        run: { time: HOPS / (2 * w), samples: 20, replicas: REPLICAS },
        regions,
        populations,
      });
      const result = await runScene(scene, { engine });
      const d = result.observables.species[0].tracer.perAxisA2PerS.x!;
      x.push(1 / (KB_EV_PER_K * T));
      y.push(Math.log(d.value));
      weights.push((d.value / d.se) ** 2);
    }
    const fit = fitLine(x, y, weights);
    return [
      check(this.name, 'Ea from slope of ln D vs 1/kT', 'eV', BARRIER, -fit.slope, fit.slopeSe, 0,
        `${TEMPERATURES.join(', ')} K; ${ROWS} independent 1D walkers per replica, ${REPLICAS} replicas per temperature; weighted least-squares slope, SE from the fit; exact (systematic 0)`),
    ];
  },
};
