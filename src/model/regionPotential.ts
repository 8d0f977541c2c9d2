// Built-in electrostatic potentials of regions (a heterojunction's built-in
// field, a space-charge layer). A region r at potential φ_r (V) shifts the
// energy of an ion of charge z_s (in e) on any of its sites by z_s·φ_r (eV),
// and the saddle of a bond between regions a and b by z_s·(φ_a + φ_b)/2, the
// mean of its two ends, as a uniform field does (−q·F·Δr/2 on the barrier).
// The barrier of a hop a → b therefore changes by z_s·(φ_b − φ_a)/2 and the
// reverse hop's by the opposite, so detailed balance holds with the shifted
// site energies, and a potential step acts on Zn2+, H+ and OH- with their own
// charges. It is a separate additive step on the compiled energy tables so
// the chemical part (region energies, barriers, interface overrides, which are
// measured from the chemical site energies) stays as it was.
import type { Scene } from './scene/schema';
import { SceneError, type SceneIssue } from './scene/validate';

/** Potential of every region in V (0 where the scene gives none). */
export function regionPotentials(scene: Scene): Float64Array {
  return Float64Array.from(scene.regions, (r) => r.potential ?? 0);
}

/**
 * Adds the electrostatic terms to the compiled tables in place:
 * siteEnergy[s·R + r] += z_s·φ_r and saddle[((s·R + a)·R + b)·C + c] += z_s·(φ_a + φ_b)/2
 * (eV, with φ in V and z in e) for every inner index c < C (C = 1 today; a table with
 * bond classes gets the same shift for every class, since φ belongs to the regions).
 */
export function addRegionPotentials(siteEnergy: Float64Array, saddle: Float64Array, potential: Float64Array, charge: Int8Array): void {
  const R = potential.length;
  const S = charge.length;
  const C = saddle.length / (S * R * R);
  if (!Number.isInteger(C) || siteEnergy.length !== S * R) throw new Error(`energy tables do not match ${S} species and ${R} regions`);
  for (let s = 0; s < S; s++)
    for (let a = 0; a < R; a++) {
      siteEnergy[s * R + a] += charge[s] * potential[a];
      for (let b = 0; b < R; b++) {
        const shift = (charge[s] * (potential[a] + potential[b])) / 2;
        for (let c = 0; c < C; c++) saddle[((s * R + a) * R + b) * C + c] += shift;
      }
    }
}

/**
 * Refuses a scene whose compiled hop rates are not finite, naming the regions
 * and their potentials: a large potential step at a low temperature can turn a
 * barrier so negative that ν·exp(−Ea/kBT) overflows.
 */
export function checkFiniteRates(scene: Scene, hopRate: Float64Array, potential: Float64Array, speciesNames: readonly string[], charge: Int8Array, kT: number, coordination: number): void {
  const R = potential.length;
  const issues: SceneIssue[] = [];
  for (let s = 0; s < speciesNames.length; s++)
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        const base = ((s * R + a) * R + b) * coordination;
        let finite = true;
        for (let d = 0; d < coordination; d++) finite &&= Number.isFinite(hopRate[base + d]);
        if (finite) continue;
        const shift = (charge[s] * (potential[b] - potential[a])) / 2;
        // Largest |barrier shift| that keeps ν·exp(|shift|/kT) below the float64 limit.
        const limit = kT * (Math.log(Number.MAX_VALUE) - Math.log(scene.attemptFrequency));
        issues.push({
          path: `regions[${b}].potential`,
          message:
            `the hop of ${speciesNames[s]} from "${scene.regions[a].name}" (φ = ${potential[a]} V) into "${scene.regions[b].name}" (φ = ${potential[b]} V) ` +
            `gets a barrier shift of ${shift.toPrecision(4)} eV (z·(φ_b − φ_a)/2, plus the field if any) and its rate overflows at ${scene.temperature} K; ` +
            `the total barrier must stay above −${limit.toPrecision(4)} eV (lower the potential step or raise the temperature)`,
          value: scene.regions[b].potential ?? 0,
        });
      }
  if (issues.length > 0) throw new SceneError(issues);
}
