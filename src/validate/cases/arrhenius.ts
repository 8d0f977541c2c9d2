// Case 6: D(T) of a single ion at several temperatures follows
// D = ν·a²·exp(−Ea/kT): a weighted least-squares line through ln D against
// 1/kT has slope −Ea. The weights are 1/σ² with σ = SE(D)/D from replicas, and
// the slope's SE is the fit's formal error.
import { KB_EV_PER_K } from '../../model/rateModel';
import { runScene } from '../../run/runScene';
import { fitLine } from '../../observe/stats';
import { caseScene } from '../sceneBuilder';
import { hopRate } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const BARRIER = 0.35;
const A = 3;
const TEMPERATURES = [250, 300, 400, 550, 800];
const HOPS = 300;

export const arrheniusCase: ValidationCase = {
  name: 'arrhenius',
  title: 'Arrhenius slope of ln D against 1/kT returns the input barrier',
  async run({ engine, seedOffset }) {
    const x: number[] = [];
    const y: number[] = [];
    const weights: number[] = [];
    for (const [k, T] of TEMPERATURES.entries()) {
      const w = hopRate(NU, BARRIER, T);
      const scene = caseScene({
        name: `Arrhenius ${T} K`,
        lattice: { type: 'square', size: [16, 16], spacing: A, boundary: ['periodic', 'periodic'] },
        temperature: T,
        attemptFrequency: NU,
        seed: 600 + k + seedOffset,
        run: { time: HOPS / (4 * w), samples: 20, replicas: 400 },
        regions: [{ name: 'host', species: { 'Zn2+': { siteEnergy: 0, barrier: BARRIER } } }],
        populations: [{ species: 'Zn2+', count: 1 }],
      });
      const result = await runScene(scene, { engine });
      const d = result.observables.species[0].tracer.a2PerS;
      x.push(1 / (KB_EV_PER_K * T));
      y.push(Math.log(d.value));
      weights.push((d.value / d.se) ** 2);
    }
    const fit = fitLine(x, y, weights);
    return [
      check(this.name, 'Ea from slope of ln D vs 1/kT', 'eV', BARRIER, -fit.slope, fit.slopeSe, 0,
        `${TEMPERATURES.join(', ')} K; weighted least-squares slope, SE from the fit with per-temperature SEs over 400 replicas; exact (systematic 0)`),
    ];
  },
};
