// Case 4: exact D of a 1D periodic chain with site energies E_i and saddle
// energies S_i,i+1: D = a²ν/(⟨e^{−E/kT}⟩·⟨e^{S/kT}⟩). Built on a
// (PERIODS·4)×(2·ROWS) square lattice, periodic along x: every even row is a
// ring of PERIODS chain periods of its own, with one region per (column, row)
// box carrying the column's site energy and
// an interface override per neighbouring pair of boxes setting that x-bond's
// saddle; the odd rows belong to a host region where Zn2+ is not allowed, so
// no ion can ever leave its row. One ion is placed in each chain row: the
// ions never meet (no exclusion), each x-coordinate performs exactly the
// chain's Markov process, and many independent chains share one replica.
// D_x = slope(MSD_x)/2 is compared with the formula; systematic 0. Rings of
// several periods keep the ions below 10 % of the allowed sites, which the
// gpu-walkers engine (it ignores exclusion) requires.
import { runScene } from '../../run/runScene';
import { caseScene, type CaseSceneInput } from '../sceneBuilder';
import { chainDiffusivity } from '../theory';
import { check, type ValidationCase } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
/** One period: site energies E_i and saddles S_i,i+1 (eV); the last saddle joins site 3 to site 0 across the periodic boundary. */
export const CHAIN_SITE_ENERGIES = [0, 0.06, -0.04, 0.03];
export const CHAIN_SADDLES = [0.28, 0.22, 0.32, 0.25];
/** Periods per ring, and independent rings per replica (regions: 4·PERIODS per ring + the host, at most 255). */
const PERIODS = 3;
const ROWS = 20;
/** In-region barrier: no bond lies inside one box, so it never enters a rate; the schema needs a value. */
const UNUSED_BARRIER = 1;

export const heterogeneousChainCase: ValidationCase = {
  name: 'chain',
  title: '1D periodic chain with site and saddle energies: D = a²ν/(⟨e^{−E/kT}⟩⟨e^{S/kT}⟩)',
  async run({ engine, seedOffset, tuning }) {
    const P = CHAIN_SITE_ENERGIES.length;
    const LX = PERIODS * P;
    const d = chainDiffusivity(CHAIN_SITE_ENERGIES, CHAIN_SADDLES, NU, A, T);
    const box = (x: number, row: number) => `x${x} row${row}`;
    const regions: CaseSceneInput['regions'] = [];
    const interfaces: NonNullable<CaseSceneInput['interfaces']> = [];
    const populations: CaseSceneInput['populations'] = [];
    for (let row = 0; row < ROWS; row++) {
      for (let x = 0; x < LX; x++) {
        const i = x % P;
        regions.push({ name: box(x, row), box: { from: [x, 2 * row], to: [x + 1, 2 * row + 1] }, species: { 'Zn2+': { siteEnergy: CHAIN_SITE_ENERGIES[i], barrier: UNUSED_BARRIER } } });
        const j = (i + 1) % P;
        // Interface barriers are measured from the lower of the two site energies.
        interfaces.push({ between: [box(x, row), box((x + 1) % LX, row)], barrier: { 'Zn2+': CHAIN_SADDLES[i] - Math.min(CHAIN_SITE_ENERGIES[i], CHAIN_SITE_ENERGIES[j]) } });
      }
      populations.push({ species: 'Zn2+', region: box(0, row), count: 1 });
    }
    regions.push({ name: 'spacer', species: {} });
    const scene = caseScene({
      name: 'heterogeneous chains',
      lattice: { type: 'square', size: [LX, 2 * ROWS], spacing: A, boundary: ['periodic', 'reflecting'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 404 + seedOffset,
      // MSD_x = 2·D·t ≈ 600·a² per ion, many periods; one ion's slope error does not shrink with run length, so ions and replicas buy precision.
      run: { time: (300 * A * A) / d, samples: 20, replicas: 48 },
      regions,
      interfaces,
      populations,
      observe: { profileAxis: 'x' },
    });
    const result = await runScene(scene, { engine, tuning });
    const dx = result.observables.species[0].tracer.perAxisA2PerS.x!;
    return [
      check(this.name, 'D_x of the chain', 'cm²/s', d * 1e-16, dx.value * 1e-16, dx.se * 1e-16, 0,
        `${ROWS} independent rings of ${PERIODS} periods per replica, ${result.replicas} replicas; SE over replicas; exact (systematic 0)`),
    ];
  },
};
