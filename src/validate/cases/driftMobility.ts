// Case: drift of independent ions in a uniform field. One ion per isolated
// ring along x (isolatedRings), Zn2+ and H+ rings side by side, field F along
// x. The compiled rates are k± = w·exp(±x/2) along ±x with x = z·e·F·a/kBT
// (the barrier moves by ∓z·F·a/2) and w = ν·exp(−Ea/kBT), so each ion's
// x-coordinate is a biased random walk with, exactly,
//   drift velocity v = a·(k+ − k−) = 2·a·w·sinh(x/2),
//   variance growth D_x = a²·(k+ + k−)/2 = a²·w·cosh(x/2)   (the centred D),
// while the plain MSD grows as 2·D_x·t + v²·t². Checked: v of both species
// (exact), the centred D_x of Zn2+ (exact, shows the drift is not absorbed),
// and the mobility v/F against the Einstein relation μ = z·D0/kBT (D0 = w·a²),
// which holds in the small-field limit; the stated systematic bound is the
// exact nonlinearity μ(F)/μ(0) − 1 = sinh(x/2)/(x/2) − 1 (1.5 % for Zn2+ here).
import { runScene } from '../../run/runScene';
import { KB_EV_PER_K } from '../../model/rateModel';
import type { SpeciesName } from '../../model/scene/schema';
import { caseScene } from '../sceneBuilder';
import { isolatedRings } from '../isolatedRings';
import { hopRate } from '../theory';
import { check, type ValidationCase, type ValidationCheck } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
const BARRIER = 0.3;
const RING = 12;
/**
 * Rings per species (one region each, at most 254 in all). A centred-MSD slope of one ion has an O(1)
 * relative error however long the run, so the Zn2+ D check needs many ions: ~2000 Zn2+ walks give ~3 %.
 */
const RINGS: Record<string, number> = { 'Zn2+': 50, 'H+': 40 };
const SPECIES: readonly SpeciesName[] = ['Zn2+', 'H+'];
const CHARGE: Record<string, number> = { 'Zn2+': 2, 'H+': 1 };
/** z·F·a/kBT for Zn2+ (H+ gets half). */
const X_ZN = 0.6;

export const driftMobilityCase: ValidationCase = {
  name: 'drift-mobility',
  title: 'independent ions in a uniform field: v = a·(k+ − k−), centred D = a²(k+ + k−)/2, μ = zD/kBT at small field',
  async run({ engine, seedOffset, tuning }) {
    const kT = KB_EV_PER_K * T;
    const F = (X_ZN * kT) / (CHARGE['Zn2+'] * A);
    const w = hopRate(NU, BARRIER, T);
    const ringSpecies = SPECIES.flatMap((name) => Array.from({ length: RINGS[name] }, () => name));
    const rings = isolatedRings(ringSpecies, [{ name: 'lane', length: RING, barrier: BARRIER }]);
    const scene = caseScene({
      name: 'drift of independent ions',
      lattice: { type: 'square', size: rings.size, spacing: A, boundary: ['periodic', 'reflecting'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 808 + seedOffset,
      // ~1200 hops per ion: relative SE of v ≈ sqrt(2/(w·t·walks))/x, about 0.3 % (Zn2+) and 0.6 % (H+) with 40 replicas
      // (40 rather than fewer, larger replicas: the SE itself comes from the replica scatter).
      run: { time: 600 / w, samples: 50, replicas: 40 },
      regions: rings.regions,
      populations: rings.populations,
      field: { axis: 'x', strength: F },
      observe: { profileAxis: 'x', fitFrom: 0.2 },
    });
    const result = await runScene(scene, { engine, tuning });
    const { drift } = result.observables;
    const note = (name: string) => `${RINGS[name]} independent rings of ${name}, ${result.replicas} replicas; SE over replicas`;
    const checks: ValidationCheck[] = [];
    for (const name of SPECIES) {
      const z = CHARGE[name];
      const x = (z * F * A) / kT;
      const sp = drift.species.find((s) => s.species === name)!;
      const v = sp.velocityAPerS.x!;
      checks.push(check(this.name, `drift velocity of ${name} (x = zFa/kBT = ${x.toFixed(2)})`, 'Å/s', 2 * A * w * Math.sinh(x / 2), v.value, v.se, 0, `${note(name)}; exact (systematic 0)`));
      const mu = sp.mobilityCm2PerVs!;
      const einstein = (z * w * A * A * 1e-16) / kT;
      const nonlinear = einstein * (Math.sinh(x / 2) / (x / 2) - 1);
      checks.push(check(this.name, `mobility v/F of ${name} vs z·D0/kBT`, 'cm²/(V·s)', einstein, mu.value, mu.se, nonlinear,
        `${note(name)}; systematic = exact nonlinearity sinh(x/2)/(x/2) − 1 = ${(nonlinear / einstein).toExponential(1)} relative`));
      if (name === 'Zn2+') {
        const d = sp.centredTracer.perAxisA2PerS.x!;
        checks.push(check(this.name, `centred D_x of ${name} (drift removed)`, 'cm²/s', A * A * w * Math.cosh(x / 2) * 1e-16, d.value * 1e-16, d.se * 1e-16, 0,
          `${note(name)}; variance about the mean displacement, ×NR/(NR−1); exact (systematic 0). The plain-MSD D*_x of the same run is ${(result.observables.species.find((s) => s.species === name)!.tracer.perAxisA2PerS.x!.value * 1e-16).toExponential(3)} cm²/s`));
      }
    }
    return checks;
  },
};
