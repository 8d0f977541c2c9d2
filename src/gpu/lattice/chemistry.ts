// Lubrication and water dissociation on the lattice kernel (docs/gpu.md,
// "Lubrication and water dissociation"): which species hop together, the hop
// thresholds per lubrication level, and the reaction thresholds, computed in
// float64 here and compared as 64-bit integers by shaders/lattice.wgsl and its
// twin.
//
// Every pair update must see a frozen environment to stay reversible: a hop of
// species a lubricated by species b reads the b ions around its bond, so a and
// b never hop in the same sub-step (species groups); a reaction reads the
// catalyst around its bond, so reaction sub-steps move no ion.
import type { RateModel } from '../../model/rateModel';
import { ruleShift, maxBondNeighbourhood } from '../../model/lubrication';
import { reactionEnergy, reactionRate } from '../../model/waterDissociation';
import { hopIndex } from '../../model/rateModel';
import { writeThreshold } from '../thresholds';

/** Why gpu-lattice cannot run the scene's lubrication or reaction, or null when it can. */
export function chemistryProblem(model: RateModel): string | null {
  const rules = model.lubrication;
  for (const r of rules) {
    if (r.species === r.by) {
      return `lubrication of ${model.speciesNames[r.species]} by itself: its hops would read neighbours that move in the same sub-step`;
    }
    if (rules.filter((o) => o.species === r.species).length > 1) {
      return `${model.speciesNames[r.species]} has more than one lubrication rule; gpu-lattice takes one rule per species`;
    }
  }
  const rx = model.waterDissociation;
  if (rx && rx.catalyst >= 0 && (rx.catalyst === rx.hydroxide || rx.catalyst === rx.proton)) {
    return `the water-dissociation catalyst ${model.speciesNames[rx.catalyst]} is made by the reaction itself, so it would change during a reaction sub-step`;
  }
  return null;
}

/**
 * Hop group of every species: a greedy colouring in which a lubricated species
 * and the species that lubricates it never share a group. One group without lubrication.
 */
export function hopGroups(model: RateModel): { group: number[]; count: number } {
  const S = model.nSpecies;
  const group = new Array<number>(S).fill(0);
  const conflict = (a: number, b: number) => model.lubrication.some((r) => (r.species === a && r.by === b) || (r.species === b && r.by === a));
  for (let s = 0; s < S; s++) {
    let g = 0;
    while (Array.from({ length: s }, (_, t) => t).some((t) => group[t] === g && conflict(s, t))) g++;
    group[s] = g;
  }
  return { group, count: Math.max(1, ...group.map((g) => g + 1)) };
}

/** Species mask (bit s) of hop group g. */
export function groupMask(model: RateModel, g: number): number {
  const { group } = hopGroups(model);
  let mask = 0;
  group.forEach((gs, s) => {
    if (gs === g) mask |= 1 << s;
  });
  return mask;
}

/**
 * Lubrication as the kernel reads it: per species the `by` species + 1 (8 bits
 * each, 0 = none), the species whose rule sums over neighbours (bit s), and the
 * number of levels Λ the hop tables hold (1 without lubrication).
 */
export function lubricationParams(model: RateModel): { byPacked: number; sumMask: number; levels: number } {
  let byPacked = 0;
  let sumMask = 0;
  let levels = 1;
  for (const r of model.lubrication) {
    byPacked |= (r.by + 1) << (8 * r.species);
    if (r.mode === 'sum') sumMask |= 1 << r.species;
    levels = Math.max(levels, r.mode === 'sum' ? maxBondNeighbourhood(model.lattice) + 1 : 2);
  }
  return { byPacked: byPacked >>> 0, sumMask, levels };
}

/** Factor exp(−shift/kT) of species s's hops at lubrication level Λ (1 without a rule). */
function levelFactor(model: RateModel, s: number, level: number): number {
  const rule = model.lubrication.find((r) => r.species === s);
  return rule ? Math.exp(-ruleShift(rule, level) / model.kT) : 1;
}

/** Hop thresholds per level: level Λ at Λ·H + hopIndex (H = hop table pairs), rate·factor(Λ)·scale. */
export function levelledHopThresholds(model: RateModel, scale: number): Uint32Array {
  const H = model.hopLayout.length;
  const { levels } = lubricationParams(model);
  const out = new Uint32Array(2 * H * levels);
  const S = model.nSpecies;
  const perSpecies = H / S;
  for (let level = 0; level < levels; level++)
    for (let k = 0; k < H; k++) {
      const s = Math.floor(k / perSpecies);
      writeThreshold(out, level * H + k, model.hopRate[k] * levelFactor(model, s, level) * scale);
    }
  return out;
}

/** Largest hop rate over every lubrication level, for the species `mobile` marks and the region pairs that touch. */
export function maxLevelledHopRate(model: RateModel, adjacent: Uint8Array, mobile: readonly boolean[]): number {
  const R = model.nRegions;
  const Z = model.directions;
  const { levels } = lubricationParams(model);
  let max = 0;
  for (let s = 0; s < mobile.length; s++) {
    if (!mobile[s]) continue;
    let factor = 0;
    for (let level = 0; level < levels; level++) factor = Math.max(factor, levelFactor(model, s, level));
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        if (!adjacent[a * R + b]) continue;
        for (let d = 0; d < Z; d++) max = Math.max(max, model.hopRate[hopIndex(model, s, a, b, d)] * factor);
      }
  }
  return max;
}

/** Pairs of one reaction threshold table: 3 per (region x, region y, catalysed). */
export function reactionTablePairs(model: RateModel): number {
  return model.waterDissociation ? 3 * 2 * model.nRegions * model.nRegions : 0;
}

/** Pair index of the entry (x, y, catalysed): [dissociation s∈x h∈y, that + dissociation s∈y h∈x, recombination s∈x h∈y]. */
export function reactionThresholdIndex(offset: number, R: number, x: number, y: number, catalysed: number): number {
  return offset + 3 * ((x * R + y) * 2 + catalysed);
}

/** Dissociation (forward) or recombination rate with the surface site in region x and the host site in y (0 unless x is surface and y host). */
function reactionRateBetween(model: RateModel, x: number, y: number, catalysed: boolean, forward: boolean): number {
  const rx = model.waterDissociation!;
  if (!rx.surfaceRegion[x] || !rx.hostRegion[y]) return 0;
  // gpu-lattice refuses interactions, so the environments are 0; the OH–H pair energy is in pairEnergy (0 here too).
  const energy = reactionEnergy(rx, model.siteEnergy, model.pairEnergy, model.nSpecies, model.nRegions, x, y, 0, 0);
  return reactionRate(rx, model.nu, model.kT, energy, catalysed, forward);
}

/** The reaction thresholds for sub-steps whose pair probabilities are rate·scale. */
export function reactionThresholds(model: RateModel, scale: number): Uint32Array {
  const out = new Uint32Array(2 * reactionTablePairs(model));
  if (!model.waterDissociation) return out;
  const R = model.nRegions;
  for (let x = 0; x < R; x++)
    for (let y = 0; y < R; y++)
      for (let c = 0; c < 2; c++) {
        const at = reactionThresholdIndex(0, R, x, y, c);
        const forward = reactionRateBetween(model, x, y, c === 1, true) * scale;
        writeThreshold(out, at, forward);
        writeThreshold(out, at + 1, forward + reactionRateBetween(model, y, x, c === 1, true) * scale);
        writeThreshold(out, at + 2, reactionRateBetween(model, x, y, c === 1, false) * scale);
      }
  return out;
}

/**
 * Largest reaction probability rate on one bond (Hz): both dissociations together, or a recombination;
 * the catalysed rates count only when a catalyst ion can be there.
 */
export function maxReactionRate(model: RateModel, catalystPossible: boolean): number {
  if (!model.waterDissociation) return 0;
  const R = model.nRegions;
  let max = 0;
  for (let x = 0; x < R; x++)
    for (let y = 0; y < R; y++)
      for (const cat of catalystPossible ? [false, true] : [false]) {
        max = Math.max(max, reactionRateBetween(model, x, y, cat, true) + reactionRateBetween(model, y, x, cat, true), reactionRateBetween(model, x, y, cat, false));
      }
  return max;
}

/** Species words of the reaction for the kernel: hydroxide | proton << 8, and the catalyst + 1 (0: none). */
export function reactionParams(model: RateModel): { species: number; catalyst: number } {
  const rx = model.waterDissociation;
  if (!rx) return { species: 0, catalyst: 0 };
  return { species: rx.hydroxide | (rx.proton << 8), catalyst: rx.catalyst + 1 };
}
