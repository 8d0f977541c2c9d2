// Water dissociation at surface sites (review §4.1.2–4.1.3): a pair channel on
// a bond (s, h) between a surface site s and a neighbouring host site h,
//   H2O + empty s + empty h  ⇌  OH-* on s + H+ on h.
// Reaction energy ΔE = E_OH,s + E_H,h + V_OH(s) + V_H(h) + V(OH, H) + ΔG_w, with
// the site energies of the region tables (E_OH,s of the surface region is the
// *OH binding knob), the pair-interaction environments V of the two new ions
// (each without the other end) plus their own pair energy, and the free energy
// of taking one water from the electrolyte ΔG_w = kT·ln10·pKw − kT·ln a_w.
// Barriers by Brønsted–Evans–Polanyi: Ea_f = max(0, ΔE, Ea0 + ω·ΔE),
// Ea_b = Ea_f − ΔE, so k_f/k_b = exp(−ΔE/kT) (detailed balance). A catalyst
// ion (Zn2+) on any site around the bond other than s and h lowers both barriers
// by the same λ_cat (equilibrium unchanged).
import type { Lattice } from './lattice';
import { neighbour as latticeNeighbour } from './lattice';
import type { Scene } from './scene/schema';
import { SceneError, type SceneIssue } from './scene/validate';
import { bondNeighbourhood } from './lubrication';

/** The compiled reaction (indices into the model's species and regions). */
export interface WaterDissociation {
  readonly hydroxide: number;
  readonly proton: number;
  /** 1 per region whose sites are surface sites s. */
  readonly surfaceRegion: Uint8Array;
  /** 1 per region whose sites may take the H+ (h). */
  readonly hostRegion: Uint8Array;
  /** ΔG_w = kT·ln10·pKw − kT·ln a_w, eV. */
  readonly waterFreeEnergy: number;
  /** Ea0, eV. */
  readonly intrinsicBarrier: number;
  /** ω, the BEP slope. */
  readonly bepSlope: number;
  /** Catalyst species, or −1. */
  readonly catalyst: number;
  /** λ_cat, eV (≤ 0 lowers both barriers). */
  readonly catalystShift: number;
}

/**
 * Barrier (eV) of dissociation (forward) or recombination for a reaction energy ΔE,
 * catalysed or not. A number, not a pair: the engine asks for one rate per slot on
 * every refresh, so this stays free of allocation.
 */
export function reactionBarrier(rx: WaterDissociation, reactionEnergy: number, catalysed: boolean, forward: boolean): number {
  const forwardBarrier = Math.max(0, reactionEnergy, rx.intrinsicBarrier + rx.bepSlope * reactionEnergy);
  const shift = catalysed ? rx.catalystShift : 0;
  return (forward ? forwardBarrier : forwardBarrier - reactionEnergy) + shift;
}

/**
 * ΔE (eV) of dissociation on (s in region rs, h in region rh) given the
 * environments: one function, one order of additions, for the reference and every engine.
 */
export function reactionEnergy(rx: WaterDissociation, siteEnergy: Float64Array, pairEnergy: Float64Array, nSpecies: number, nRegions: number, rs: number, rh: number, vHydroxide: number, vProton: number): number {
  const eOH = siteEnergy[rx.hydroxide * nRegions + rs];
  const eH = siteEnergy[rx.proton * nRegions + rh];
  return eOH + eH + vHydroxide + vProton + pairEnergy[rx.hydroxide * nSpecies + rx.proton] + rx.waterFreeEnergy;
}

/** Rate (Hz) of dissociation (forward) or recombination on a bond with reaction energy ΔE. */
export function reactionRate(rx: WaterDissociation, nu: number, kT: number, energy: number, catalysed: boolean, forward: boolean): number {
  return nu * Math.exp(-reactionBarrier(rx, energy, catalysed, forward) / kT);
}

/** The tables compileWaterDissociation reads. */
export interface WaterDissociationInputs {
  lattice: Lattice;
  allowed: Uint8Array;
  nRegions: number;
  kT: number;
  nu: number;
  speciesOf(name: string): number;
  regionOf(name: string): number | undefined;
}

const LN10 = Math.log(10);

/** Compiles scene.reactions (at most one water dissociation); null when none. Throws SceneError naming the field. */
export function compileWaterDissociation(scene: Scene, m: WaterDissociationInputs): WaterDissociation | null {
  if (scene.reactions.length === 0) return null;
  const issues: SceneIssue[] = [];
  if (scene.reactions.length > 1) issues.push({ path: 'reactions', message: 'at most one water dissociation per scene', value: scene.reactions.length });
  const r = scene.reactions[0];
  const at = 'reactions[0]';
  const R = m.nRegions;
  const hydroxide = m.speciesOf(r.hydroxide);
  const proton = m.speciesOf(r.proton);
  const catalyst = r.catalyst ? m.speciesOf(r.catalyst.species) : -1;
  if (hydroxide < 0) issues.push({ path: `${at}.hydroxide`, message: 'unknown species', value: r.hydroxide });
  if (proton < 0) issues.push({ path: `${at}.proton`, message: 'unknown species', value: r.proton });
  if (r.catalyst && catalyst < 0) issues.push({ path: `${at}.catalyst.species`, message: 'unknown species', value: r.catalyst.species });
  if (hydroxide >= 0 && hydroxide === proton) issues.push({ path: `${at}.proton`, message: 'the proton and hydroxide species must differ', value: r.proton });
  const surfaceRegion = new Uint8Array(R);
  const hostRegion = new Uint8Array(R);
  const mark = (names: readonly string[], field: string, out: Uint8Array, species: number, speciesName: string) => {
    names.forEach((name, k) => {
      const region = m.regionOf(name);
      if (region === undefined) issues.push({ path: `${at}.${field}[${k}]`, message: 'unknown region', value: name });
      else if (species >= 0 && !m.allowed[species * R + region]) issues.push({ path: `${at}.${field}[${k}]`, message: `${speciesName} must be allowed in region "${name}" (add it to the region's species)`, value: name });
      else out[region] = 1;
    });
  };
  mark(r.surface, 'surface', surfaceRegion, hydroxide, r.hydroxide);
  mark(r.host, 'host', hostRegion, proton, r.proton);
  // a_w: the reaction's own, else the electrolyte's, else 1 (not both: they would disagree about one electrolyte).
  const electrolyteWater = scene.electrolyte?.waterActivity;
  if (r.waterActivity !== undefined && electrolyteWater !== undefined) {
    issues.push({ path: `${at}.waterActivity`, message: 'give the water activity once: here or as electrolyte.waterActivity', value: r.waterActivity });
  }
  const waterActivity = r.waterActivity ?? electrolyteWater ?? 1;
  const waterFreeEnergy = m.kT * LN10 * r.pKw - m.kT * Math.log(waterActivity);
  const catalystShift = r.catalyst?.barrierShift ?? 0;
  // The fastest rate: both barriers ≥ 0 before catalysis, so ≤ ν·exp(−λ_cat/kT); it must be finite.
  if (!Number.isFinite(m.nu * Math.exp(-Math.min(0, catalystShift) / m.kT))) {
    issues.push({ path: `${at}.catalyst.barrierShift`, message: `makes the catalysed rate ν·exp(−λ/kT) overflow at ${(m.kT / 8.617333262e-5).toFixed(1)} K; use a smaller |λ|`, value: catalystShift });
  }
  if (issues.length > 0) throw new SceneError(issues);
  return { hydroxide, proton, surfaceRegion, hostRegion, waterFreeEnergy, intrinsicBarrier: r.barrier, bepSlope: r.bepSlope, catalyst, catalystShift };
}

/** The tables of a model the reference rate reads. */
export interface ReactionModelView {
  readonly lattice: Lattice;
  readonly siteRegion: Uint8Array;
  readonly siteEnergy: Float64Array;
  readonly pairEnergy: Float64Array;
  readonly nSpecies: number;
  readonly nRegions: number;
  readonly nu: number;
  readonly kT: number;
  readonly waterDissociation: WaterDissociation | null;
}

/** Pair energy of species s at site c with its occupied neighbours other than `skip` (the order of localPairEnergy). */
function environment(model: ReactionModelView, occupancy: Uint8Array, s: number, c: number, skip: number): number {
  let v = 0;
  for (let d = 0; d < model.lattice.directions; d++) {
    const n = latticeNeighbour(model.lattice, c, d);
    if (n < 0 || n === skip) continue;
    const o = occupancy[n];
    if (o !== 0) v += model.pairEnergy[s * model.nSpecies + (o - 1)];
  }
  return v;
}

/**
 * Reference rate (Hz) of the reaction on the bond from surface site s along
 * slot d: dissociation when s and its neighbour h are empty, recombination
 * when OH- sits on s and H+ on h, else 0. Engines must agree with it exactly.
 */
export function reactionRateAt(model: ReactionModelView, occupancy: Uint8Array, s: number, d: number): number {
  const rx = model.waterDissociation;
  if (!rx || !rx.surfaceRegion[model.siteRegion[s]]) return 0;
  const h = latticeNeighbour(model.lattice, s, d);
  if (h < 0 || !rx.hostRegion[model.siteRegion[h]]) return 0;
  const forward = occupancy[s] === 0 && occupancy[h] === 0;
  if (!forward && !(occupancy[s] === rx.hydroxide + 1 && occupancy[h] === rx.proton + 1)) return 0;
  const vOH = environment(model, occupancy, rx.hydroxide, s, h);
  const vH = environment(model, occupancy, rx.proton, h, s);
  let catalysed = false;
  if (rx.catalyst >= 0) {
    const sites = new Int32Array(2 * model.lattice.directions);
    const n = bondNeighbourhood(model.lattice, s, h, sites);
    for (let k = 0; k < n; k++) if (occupancy[sites[k]] === rx.catalyst + 1) catalysed = true;
  }
  const energy = reactionEnergy(rx, model.siteEnergy, model.pairEnergy, model.nSpecies, model.nRegions, model.siteRegion[s], model.siteRegion[h], vOH, vH);
  return reactionRate(rx, model.nu, model.kT, energy, catalysed, forward);
}
