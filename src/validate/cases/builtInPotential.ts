// Case: a built-in potential step. Every ring (isolatedRings) has two halves
// of 6 sites, A at φ = 0 and B at φ = Δφ, the same chemistry in both; one ion
// per ring, rings of Zn2+ (z = +2), H+ (+1) and OH- (−1) side by side in one
// lattice. A single ion on its ring visits site i with the Boltzmann weight of
// its energy z·φ_i exactly (no other ion to exclude it), so the ratio of the
// occupancies per site is n_B/n_A = exp(−z·e·Δφ/kBT), each species with its
// own charge: exact, systematic 0. Measured from the time-averaged region
// occupancies (last 80 % of the run): the fraction of time the ion spends in B,
// P_B, is summed over the rings of a species (independent), and
// n_B/n_A = P_B/(1 − P_B) with its SE propagated from that of P_B.
import type { EngineTuning } from '../../engine/factory';
import { runScene } from '../../run/runScene';
import { KB_EV_PER_K } from '../../model/rateModel';
import type { SpeciesName } from '../../model/scene/schema';
import { caseScene } from '../sceneBuilder';
import { isolatedRings } from '../isolatedRings';
import { hopRate } from '../theory';
import { check, type ValidationCase, type ValidationCheck } from '../types';
import type { EngineKind } from '../../engine/engine';

const NU = 1e13;
const T = 300;
const A = 3;
const BARRIER = 0.25;
/** Potential of the B halves, V: z·Δφ/kBT = 1.55, 0.77, −0.77 for Zn2+, H+, OH-. */
const DELTA_PHI = 0.02;
const HALF = 6;
const RINGS_PER_SPECIES = 10;
const SPECIES: readonly SpeciesName[] = ['Zn2+', 'H+', 'OH-'];
const CHARGE: Record<string, number> = { 'Zn2+': 2, 'H+': 1, 'OH-': -1 };

const NAME = 'built-in-potential';

export interface PotentialStepSize {
  ringsPerSpecies: number;
  /** Run length in units of 1/w of the slowest hop. */
  hops: number;
  replicas: number;
}

/** The case's measurement at a given size (the GPU tests run a smaller one). */
export async function potentialStepChecks(engine: EngineKind, seed: number, size: PotentialStepSize, tuning?: EngineTuning): Promise<ValidationCheck[]> {
  const ringSpecies = Array.from({ length: size.ringsPerSpecies * SPECIES.length }, (_, k) => SPECIES[k % SPECIES.length]);
  const rings = isolatedRings(ringSpecies, [
    { name: 'A', length: HALF, barrier: BARRIER, potential: 0 },
    { name: 'B', length: HALF, barrier: BARRIER, potential: DELTA_PHI },
  ]);
  // The slowest hop (Zn2+ up the step, barrier + z·Δφ/2) sets the time scale; the slowest relaxation,
  // around the 12-site ring, takes L²/(4π²·w) ≈ 4/w, so 3000/w gives several hundred independent looks per ion.
  const w = hopRate(NU, BARRIER + DELTA_PHI, T);
  const scene = caseScene({
    name: 'built-in potential step',
    lattice: { type: 'square', size: rings.size, spacing: A, boundary: ['periodic', 'reflecting'] },
    temperature: T,
    attemptFrequency: NU,
    seed,
    run: { time: size.hops / w, samples: 100, replicas: size.replicas },
    regions: rings.regions,
    populations: rings.populations,
    observe: { profileAxis: 'x', fitFrom: 0.2 },
  });
  const result = await runScene(scene, { engine, tuning });
  const kT = KB_EV_PER_K * T;
  return SPECIES.map((name) => {
    const sp = result.observables.species.find((s) => s.species === name)!;
    const occupancyOf = (region: string) => sp.regionOccupancy.find((o) => o.region === region)!.occupancy;
    let pB = 0;
    let var2 = 0;
    const mine = ringSpecies.map((s, k) => (s === name ? k : -1)).filter((k) => k >= 0);
    for (const k of mine) {
      const o = occupancyOf(rings.ringName(k, 'B'));
      pB += (o.value * HALF) / mine.length;
      var2 += (o.se * HALF / mine.length) ** 2;
    }
    const ratio = pB / (1 - pB);
    const se = Math.sqrt(var2) / (1 - pB) ** 2;
    const z = CHARGE[name];
    return check(NAME, `n_B/n_A of ${name} (z = ${z > 0 ? '+' : ''}${z}, Δφ = ${DELTA_PHI} V)`, '', Math.exp((-z * DELTA_PHI) / kT), ratio, se, 0,
      `${mine.length} rings of ${2 * HALF} sites with one ion each, ${result.replicas} replicas; time average over the last 80 %; SE over replicas and rings; exact (systematic 0)`);
  });
}

export const builtInPotentialCase: ValidationCase = {
  name: NAME,
  title: 'a built-in potential step: n_B/n_A = exp(−z·e·Δφ/kBT) for Zn2+, H+ and OH- at once',
  run: ({ engine, seedOffset, tuning }) => potentialStepChecks(engine, 707 + seedOffset, { ringsPerSpecies: RINGS_PER_SPECIES, hops: 3000, replicas: 8 }, tuning),
};
