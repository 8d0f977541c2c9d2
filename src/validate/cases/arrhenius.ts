// Case 6: D(T) at several temperatures follows D = ν·a²·exp(−Ea/kT): a
// least-squares line through ln D against 1/kT has slope −Ea. Every
// temperature has the same design precision (same walkers, same hops per
// walker), so the points get equal weights: weights from the measured SEs
// would correlate with the values and make the fit biased and its formal
// error too small. The slope's SE is propagated from the per-temperature SEs
// (over replicas): var(slope) = Σ c_i²·(SE_i/D_i)², c_i = (x_i − x̄)/Σ(x − x̄)².
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
const ROWS = 24;
const REPLICAS = 16;

export const arrheniusCase: ValidationCase = {
  name: 'arrhenius',
  title: 'Arrhenius slope of ln D against 1/kT returns the input barrier',
  async run({ engine, seedOffset, tuning }) {
    const x: number[] = [];
    const y: number[] = [];
    const relativeSe: number[] = [];
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
      const result = await runScene(scene, { engine, tuning });
      const d = result.observables.species[0].tracer.perAxisA2PerS.x!;
      x.push(1 / (KB_EV_PER_K * T));
      y.push(Math.log(d.value));
      relativeSe.push(d.se / d.value);
    }
    const fit = fitLine(x, y);
    const xMean = x.reduce((a, b) => a + b, 0) / x.length;
    const sxx = x.reduce((a, v) => a + (v - xMean) ** 2, 0);
    const slopeSe = Math.sqrt(x.reduce((a, v, i) => a + ((v - xMean) / sxx) ** 2 * relativeSe[i] ** 2, 0));
    return [
      check(this.name, 'Ea from slope of ln D vs 1/kT', 'eV', BARRIER, -fit.slope, slopeSe, 0,
        `${TEMPERATURES.join(', ')} K; ${ROWS} independent 1D walkers per replica, ${REPLICAS} replicas per temperature; least-squares slope, SE propagated from the per-temperature SEs; exact (systematic 0)`),
    ];
  },
};
