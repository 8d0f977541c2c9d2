// Case 3: tracer correlation factor of a nearly full square lattice. One
// vacancy on an L×L periodic lattice: f = D*/((1−c)·D0) with the finite-system
// 1 − c = (M−N)/(M−1) (the vacancy is adjacent to a given ion with probability
// 4/(M−1)). The infinite-lattice limit is 1/(π−1); the exact single-vacancy
// value on the L×L torus, f_L (theory.torusCorrelationFactor), differs from it
// by O(1/L²), and that difference is the stated systematic bound.
import { runScene } from '../../run/runScene';
import { caseScene } from '../sceneBuilder';
import { hopRate, SQUARE_CORRELATION_FACTOR, torusCorrelationFactor } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const BARRIER = 0.3;
const T = 300;
const A = 3;
const L = 16;
/** Vacancy hops per replica; the tracer MSD is linear once the vacancy has covered the torus (~L²·ln L hops). */
const VACANCY_HOPS = 30000;

export const correlationFactorCase: ValidationCase = {
  name: 'correlation-factor',
  title: 'tracer correlation factor of a nearly full square lattice → 1/(π−1)',
  async run({ engine, seedOffset, tuning }) {
    const w = hopRate(NU, BARRIER, T);
    const M = L * L;
    const N = M - 1;
    const scene = caseScene({
      name: 'one vacancy',
      lattice: { type: 'square', size: [L, L], spacing: A, boundary: ['periodic', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 303 + seedOffset,
      run: { time: VACANCY_HOPS / (4 * w), samples: 40, replicas: 48 },
      regions: [{ name: 'host', species: { 'Zn2+': { siteEnergy: 0, barrier: BARRIER } } }],
      populations: [{ species: 'Zn2+', count: N }],
    });
    const result = await runScene(scene, { engine, tuning });
    const d = result.observables.species[0].tracer.a2PerS;
    const scale = 1 / (w * A * A * ((M - N) / (M - 1)));
    const fL = torusCorrelationFactor(L);
    return [
      check(this.name, `f, 1 vacancy on ${L}×${L}`, '', SQUARE_CORRELATION_FACTOR, d.value * scale, d.se * scale, Math.abs(fL - SQUARE_CORRELATION_FACTOR),
        `SE over ${result.replicas} replicas; systematic = |f_L − 1/(π−1)| with f_L = ${fL.toFixed(5)} exact for one vacancy on the ${L}×${L} torus`),
    ];
  },
};
