// Lubrication: ions of one species (`by`, e.g. H+) near a hop lower (or raise)
// the saddle of another species' hop (e.g. Zn2+) without touching any site
// energy (review §4.1.1: MoS2, Zn2+ barrier 0.97 eV → 0.41 eV after H+ insertion).
// The shift of the hop i→j is λ·min(1, Λ) ("any") or λ·Λ ("sum"), where Λ
// counts the `by` ions on the distinct sites neighbouring i or j, other than i
// and j. Λ is the same for j→i, so the shift is symmetric: detailed balance and
// every equilibrium property are unchanged and lubrication is purely kinetic.
import type { Lattice } from './lattice';
import { neighbour as latticeNeighbour } from './lattice';
import { LUBRICATION_MODES, type Scene } from './scene/schema';
import { SceneError } from './scene/validate';

export { LUBRICATION_MODES };
export type LubricationMode = (typeof LUBRICATION_MODES)[number];

/** One compiled rule: hops of `species` are shifted by the `by` ions around the bond. */
export interface LubricationRule {
  readonly species: number;
  readonly by: number;
  /** λ, eV (negative: the saddle is lowered, hops get faster). */
  readonly saddleShift: number;
  readonly mode: LubricationMode;
}

/** Saddle shift (eV) of one rule given Λ, the count of its `by` ions around the bond. */
export function ruleShift(rule: LubricationRule, count: number): number {
  if (rule.mode === 'any') return count > 0 ? rule.saddleShift : 0;
  return rule.saddleShift * count;
}

/**
 * The distinct sites neighbouring i or j, other than i and j, written into
 * `out` (length ≥ 2·directions); returns how many. Both ends' neighbour lists
 * are deduplicated, so a site next to both ends (triangular lattices) or seen
 * twice through a small periodic box counts once.
 */
export function bondNeighbourhood(lattice: Lattice, i: number, j: number, out: Int32Array): number {
  let n = 0;
  for (const c of [i, j]) {
    for (let d = 0; d < lattice.directions; d++) {
      const m = latticeNeighbour(lattice, c, d);
      if (m < 0 || m === i || m === j) continue;
      let seen = false;
      for (let k = 0; k < n; k++) if (out[k] === m) seen = true;
      if (!seen) out[n++] = m;
    }
  }
  return n;
}

/**
 * Reference lubrication shift (eV) of a hop of species s from i to j given
 * occupancy (species + 1 per site): the sum over the species' rules in rule
 * order. Engines must compute the same sum in the same order.
 */
export function lubricationShift(lattice: Lattice, rules: readonly LubricationRule[], occupancy: Uint8Array, s: number, i: number, j: number): number {
  let shift = 0;
  let sites: Int32Array | null = null;
  let n = 0;
  for (const rule of rules) {
    if (rule.species !== s) continue;
    if (sites === null) {
      sites = new Int32Array(2 * lattice.directions);
      n = bondNeighbourhood(lattice, i, j, sites);
    }
    let count = 0;
    for (let k = 0; k < n; k++) if (occupancy[sites[k]] === rule.by + 1) count++;
    shift += ruleShift(rule, count);
  }
  return shift;
}

/** Largest Λ a bond can see on this lattice (the size of the largest bond neighbourhood). */
export function maxBondNeighbourhood(lattice: Lattice): number {
  const out = new Int32Array(2 * lattice.directions);
  let max = 0;
  // Every bond class and sublattice appears within the first cells; scanning all sites is exact and cheap next to a run.
  for (let i = 0; i < lattice.nSites; i++) {
    for (let d = 0; d < lattice.directions; d++) {
      const j = latticeNeighbour(lattice, i, d);
      if (j < 0) continue;
      max = Math.max(max, bondNeighbourhood(lattice, i, j, out));
    }
  }
  return max;
}

/** The tables of the rate model a lubrication check reads. */
export interface LubricationInputs {
  allowed: Uint8Array;
  siteEnergy: Float64Array;
  /** saddle[((s·R + a)·R + b)·C + c] with region potentials applied. */
  saddle: Float64Array;
  speciesOf(name: string): number;
}

/**
 * Compiles the scene's rules and checks that the most a species' rules can
 * lower a saddle (λ at Λ = 1 for "any", λ·Λmax for "sum") leaves it at or above
 * both ends' site energies for every bond the species can make: a saddle below
 * a site is no transition state, and the bound keeps every rate ≤ ν·(field factor).
 */
export function compileLubrication(scene: Scene, lattice: Lattice, m: LubricationInputs): LubricationRule[] {
  const rules: LubricationRule[] = scene.lubrication.map((r) => ({ species: m.speciesOf(r.species), by: m.speciesOf(r.by), saddleShift: r.saddleShift, mode: r.mode }));
  if (rules.length === 0) return rules;
  const R = scene.regions.length;
  const C = lattice.bondClasses;
  const lambdaMax = rules.some((r) => r.mode === 'sum' && r.saddleShift < 0) ? maxBondNeighbourhood(lattice) : 1;
  const issues: { path: string; message: string; value?: unknown }[] = [];
  const species = [...new Set(rules.map((r) => r.species))];
  for (const s of species) {
    let lowest = 0;
    for (const r of rules) if (r.species === s && r.saddleShift < 0) lowest += r.saddleShift * (r.mode === 'sum' ? lambdaMax : 1);
    if (lowest === 0) continue;
    const first = rules.findIndex((r) => r.species === s);
    search: for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        if (!m.allowed[s * R + a] || !m.allowed[s * R + b]) continue;
        const top = Math.max(m.siteEnergy[s * R + a], m.siteEnergy[s * R + b]);
        for (let c = 0; c < C; c++) {
          const saddle = m.saddle[((s * R + a) * R + b) * C + c];
          if (saddle + lowest < top) {
            issues.push({
              path: `lubrication[${first}].saddleShift`,
              message: `lowers the ${scene.lubrication[first].species} saddle between "${scene.regions[a].name}" and "${scene.regions[b].name}" by up to ${(-lowest).toFixed(4)} eV, below the higher site energy (barrier ${(saddle - top).toFixed(4)} eV); keep |shift| ≤ the smallest barrier${lambdaMax > 1 ? ` / ${lambdaMax} (mode "sum", at most ${lambdaMax} neighbours)` : ''}`,
              value: scene.lubrication[first].saddleShift,
            });
            break search;
          }
        }
      }
  }
  if (issues.length > 0) throw new SceneError(issues);
  return rules;
}
