// Cases for the lattice types beyond square and cubic (src/model/lattice.ts):
// - lattice-random-walk: one ion per replica on the triangular (6 neighbours),
//   honeycomb (3 neighbours, two sites per cell) and layered (in-plane spacing a
//   and barrier Ea, spacing c and barrier Ec between layers) lattices. Every hop
//   is independent of the last with zero mean (on the honeycomb given the
//   sublattice), so MSD_axis = 2·D_axis·t exactly at all t, with
//   triangular D_x = D_y = (6/4)·w·a², honeycomb D_x = D_y = (3/4)·w·b²
//   (b the bond length), layered D_x = D_y = w_a·a², D_z = w_c·c².
//   Closed forms, not read from lattice.ts, so the geometry itself is checked.
// - lattice-correlation-factor: one vacancy on a periodic triangular and
//   honeycomb lattice, f = D*/((1 − c)·D0) with 1 − c = 1/(M − 1) as in the
//   square case (triangular sizes are multiples of 3 so gpu-lattice's colour
//   classes wrap); the infinite-lattice values are 0.56006 and 1/3, and the
//   exact single-vacancy f on the same finite torus (periodicCorrelationFactor)
//   differs from them by the stated systematic bound.
import { runScene } from '../../run/runScene';
import { buildLattice } from '../../model/lattice';
import { caseScene } from '../sceneBuilder';
import { hopRate, HONEYCOMB_CORRELATION_FACTOR, periodicCorrelationFactor, TRIANGULAR_CORRELATION_FACTOR } from '../theory';
import { check, type ValidationCase, type ValidationCheck } from '../types';
import type { SceneInput } from '../../model/scene/schema';

const NU = 1e13;
const BARRIER = 0.3;
/** Layered: barrier between layers, and the interlayer spacing (Å). */
const INTERLAYER_BARRIER = 0.36;
const C = 6.5;
const T = 300;
const A = 3;
const HOPS = 200;
const VACANCY_HOPS = 30000;
const CM2 = 1e-16;

interface WalkLattice {
  lattice: SceneInput['lattice'];
  /** Rate of all hops out of a site (Hz), to size the run. */
  totalRate: number;
  /** Expected D per axis, Å²/s. */
  theory: Partial<Record<'x' | 'y' | 'z', number>>;
  replicas: number;
}

export const latticeRandomWalkCase: ValidationCase = {
  name: 'lattice-random-walk',
  title: 'single-ion random walk on triangular, honeycomb and layered lattices: D per axis',
  async run({ engine, seedOffset, tuning }) {
    const w = hopRate(NU, BARRIER, T);
    const wc = hopRate(NU, INTERLAYER_BARRIER, T);
    const walks: WalkLattice[] = [
      { lattice: { type: 'triangular', size: [18, 18], spacing: A, boundary: ['periodic', 'periodic'] }, totalRate: 6 * w, theory: { x: 1.5 * w * A * A, y: 1.5 * w * A * A }, replicas: 800 },
      { lattice: { type: 'honeycomb', size: [12, 12], spacing: A, boundary: ['periodic', 'periodic'] }, totalRate: 3 * w, theory: { x: 0.75 * w * A * A, y: 0.75 * w * A * A }, replicas: 800 },
      {
        lattice: { type: 'layered', size: [8, 8, 8], spacing: A, interlayerSpacing: C, boundary: ['periodic', 'periodic', 'periodic'] },
        totalRate: 4 * w + 2 * wc,
        theory: { x: w * A * A, y: w * A * A, z: wc * C * C },
        replicas: 1000,
      },
    ];
    const checks: ValidationCheck[] = [];
    for (const [k, walk] of walks.entries()) {
      const type = walk.lattice.type;
      const scene = caseScene({
        name: `random walk, ${type}`,
        lattice: walk.lattice,
        temperature: T,
        attemptFrequency: NU,
        seed: 111 + k + seedOffset,
        run: { time: HOPS / walk.totalRate, samples: 20, replicas: walk.replicas },
        regions: [{ name: 'host', species: { 'Zn2+': type === 'layered' ? { barrier: BARRIER, interlayerBarrier: INTERLAYER_BARRIER } : { barrier: BARRIER } } }],
        populations: [{ species: 'Zn2+', count: 1 }],
      });
      const result = await runScene(scene, { engine, tuning });
      const perAxis = result.observables.species[0].tracer.perAxisA2PerS;
      for (const [axis, theory] of Object.entries(walk.theory) as ['x' | 'y' | 'z', number][]) {
        const d = perAxis[axis]!;
        checks.push(
          check(this.name, `D_${axis} ${type} lattice`, 'cm²/s', theory * CM2, d.value * CM2, d.se * CM2, 0,
            `one ion per replica, ${walk.replicas} replicas; SE over replicas; exact at all t (systematic 0)`),
        );
      }
    }
    return checks;
  },
};

export const latticeCorrelationFactorCase: ValidationCase = {
  name: 'lattice-correlation-factor',
  title: 'tracer correlation factor of one vacancy on triangular (→ 0.56006) and honeycomb (→ 1/3) lattices',
  async run({ engine, seedOffset, tuning }) {
    const w = hopRate(NU, BARRIER, T);
    const cases = [
      { type: 'triangular' as const, size: [18, 18], neighbours: 6, d0: 1.5 * w * A * A, f0: TRIANGULAR_CORRELATION_FACTOR, f0Text: '0.56006' },
      { type: 'honeycomb' as const, size: [12, 12], neighbours: 3, d0: 0.75 * w * A * A, f0: HONEYCOMB_CORRELATION_FACTOR, f0Text: '1/3' },
    ];
    const checks: ValidationCheck[] = [];
    for (const [k, c] of cases.entries()) {
      const lattice = buildLattice({ type: c.type, size: c.size, spacing: A, periodic: [true, true] });
      const M = lattice.nSites;
      const scene = caseScene({
        name: `one vacancy, ${c.type}`,
        lattice: { type: c.type, size: c.size, spacing: A, boundary: ['periodic', 'periodic'] },
        temperature: T,
        attemptFrequency: NU,
        seed: 313 + k + seedOffset,
        run: { time: VACANCY_HOPS / (c.neighbours * w), samples: 40, replicas: 48 },
        regions: [{ name: 'host', species: { 'Zn2+': { barrier: BARRIER } } }],
        populations: [{ species: 'Zn2+', count: M - 1 }],
      });
      const result = await runScene(scene, { engine, tuning });
      const d = result.observables.species[0].tracer.a2PerS;
      const scale = (M - 1) / c.d0;
      const fL = periodicCorrelationFactor(lattice);
      const cells = c.size.join('×');
      checks.push(
        check(this.name, `f, 1 vacancy on ${c.type} ${cells}${lattice.basis > 1 ? ' cells' : ''}`, '', c.f0, d.value * scale, d.se * scale, Math.abs(fL - c.f0),
          `SE over ${result.replicas} replicas; systematic = |f_L − ${c.f0Text}| with f_L = ${fL.toFixed(5)} exact for one vacancy on this ${M}-site torus`),
      );
    }
    return checks;
  },
};
