// Reservoir faces: sites that touch the electrolyte, where ions enter
// (insertion on an empty site) and leave (removal of the ion on it).
//
// Insertion of species s into face site i of region r and removal from it
// share one transition state at the desolvation barrier G‡ (eV, from the
// solvated ion at unit activity and U = 0); with the electrolyte's activity
// a_s and electrode potential U (V), z_s in e and V_i the nearest-neighbour
// environment of the site (rateModel.localPairEnergy):
//   k_in  = ν·a_s·exp(−(G‡ + z_s·U/2 + V_i/2)/kBT)
//   k_out = ν·exp(−(G‡ − z_s·U/2 − E_s,r − V_i/2)/kBT)
// so k_in/k_out = exp((μ_s − E_s,r − V_i)/kBT) with μ_s = kBT·ln a_s − z_s·U:
// detailed balance with the grand-canonical weight of the electrolyte.
// E_s,r is the compiled site energy (the region potential z_s·φ_r included).
// The tables below hold the parts without V_i (base rates); the engines
// multiply by exp(∓V_i/(2kBT)) when the scene has interactions.
import type { Lattice } from './lattice';
import { layerIndex } from './lattice';
import { AXES, sceneSpecies, type Scene } from './scene/schema';
import { SceneError, type SceneIssue } from './scene/validate';

export interface ReservoirChannels {
  readonly kind: 'reservoir';
  readonly faceNames: readonly string[];
  /** Reservoir index + 1 of every site, 0 where the site does not touch the electrolyte. */
  readonly siteFace: Uint8Array;
  /** Sites per reservoir. */
  readonly faceSites: Int32Array;
  /** Activity a_s at each reservoir, [f·S + s] (0 where s does not cross it). */
  readonly activity: Float64Array;
  /** Desolvation barrier G‡ (eV) at [f·S + s]; NaN where s does not cross. */
  readonly barrier: Float64Array;
  /** Electrode potential U, V. */
  readonly potential: number;
  /** ν·a_s·exp(−(G‡ + z_s·U/2)/kBT) at [(f·S + s)·R + r], Hz; 0 where s may not enter. */
  readonly insertRate: Float64Array;
  /** ν·exp(−(G‡ − z_s·U/2 − E_s,r)/kBT) at [(f·S + s)·R + r], Hz; 0 where s may not leave. */
  readonly removeRate: Float64Array;
  /** Molar mass per species, g/mol (NaN where the scene gives none). */
  readonly molarMass: Float64Array;
  /** Lattice sites per formula unit of the host (scene.sitesPerFormulaUnit), or null. */
  readonly sitesPerFormulaUnit: number | null;
  /**
   * Ions of species s in the electrolyte behind reservoir f at the start, at [f·S + s]; −1 where the
   * inventory is unlimited (fixed activity). Where finite, insertRate is per ion left (activity 1/n°).
   */
  readonly inventory: Float64Array;
  /** n° = N_A·volumeL·(1 mol/L): ions of one species at unit activity in reservoir f's electrolyte; NaN without volumeL. */
  readonly unitActivityIons: Float64Array;
}

/** Avogadro's number, 1/mol. */
export const AVOGADRO_PER_MOL = 6.02214076e23;

/**
 * Insertion rate (Hz) with a finite inventory: the per-ion rate times the ions left. One function,
 * one order of operations, for the reference and the engine.
 */
export function inventoryInsertRate(perIonRate: number, ionsLeft: number): number {
  return perIonRate * ionsLeft;
}

/** Index of (reservoir f, species s, region r) in insertRate/removeRate. */
/**
 * Reservoir rate with the environment energy v (eV) of the face site: base·exp(−v/2kBT)
 * for an insertion, base·exp(+v/2kBT) for a removal (halfInverseKT = 1/(2kBT)), so the
 * shared transition state keeps detailed balance. The reference and the engine both call it.
 */
export function reservoirEnvironmentRate(base: number, v: number, halfInverseKT: number, insertion: boolean): number {
  return base * Math.exp((insertion ? -v : v) * halfInverseKT);
}

export function reservoirIndex(nSpecies: number, nRegions: number, f: number, s: number, r: number): number {
  return (f * nSpecies + s) * nRegions + r;
}

export interface ReservoirInputs {
  scene: Scene;
  lattice: Lattice;
  siteRegion: Uint8Array;
  speciesNames: readonly string[];
  charge: Int8Array;
  allowed: Uint8Array;
  /** siteEnergy[s·R + r], eV, region potentials included. */
  siteEnergy: Float64Array;
  kT: number;
  nu: number;
}

/** Activity of species s at reservoir k: per ion of a finite inventory 1/n°, else the face's own, else the electrolyte's (pH for "H+"); undefined when none is given. */
function activityOf(scene: Scene, k: number, name: string): number | undefined {
  const res = scene.reservoirs[k];
  if (res.inventory?.[name] !== undefined && res.volumeL !== undefined) return 1 / (AVOGADRO_PER_MOL * res.volumeL);
  const own = res.activity?.[name];
  if (own !== undefined) return own;
  const e = scene.electrolyte;
  if (!e) return undefined;
  if (e.activity[name] !== undefined) return e.activity[name];
  if (name === 'H+' && e.pH !== undefined) return 10 ** -e.pH;
  return undefined;
}

/**
 * Compiles the reservoirs of a scene, or returns null when it has none.
 * Throws SceneError naming the field when a face lies on a periodic axis (or an
 * axis the lattice lacks), a species is not allowed where it would enter, a
 * barrier lies below max(0, E_s,r), two reservoirs share a site, an activity is
 * missing, or a rate is not finite.
 */
export function compileReservoirs(m: ReservoirInputs): ReservoirChannels | null {
  const { scene, lattice, siteRegion, speciesNames, charge, allowed, siteEnergy, kT, nu } = m;
  if (scene.reservoirs.length === 0) return null;
  const S = speciesNames.length;
  const R = scene.regions.length;
  const F = scene.reservoirs.length;
  const issues: SceneIssue[] = [];
  const U = scene.electrolyte?.potential ?? 0;
  const e = scene.electrolyte;
  if (e?.pH !== undefined) {
    const h = speciesNames.indexOf('H+');
    if (h < 0) issues.push({ path: 'electrolyte.pH', message: 'sets the activity of the species named "H+", and the scene has none', value: e.pH });
    else if (charge[h] !== 1) issues.push({ path: 'electrolyte.pH', message: `sets the activity of "H+", which must have charge +1 (it has ${charge[h]})`, value: e.pH });
    if (e.activity['H+'] !== undefined) issues.push({ path: 'electrolyte.pH', message: 'give the H+ activity either as pH or as electrolyte.activity.H+, not both', value: e.pH });
  }
  for (const name of Object.keys(e?.activity ?? {})) {
    if (!speciesNames.includes(name)) issues.push({ path: `electrolyte.activity.${name}`, message: `unknown species; allowed: ${speciesNames.join(', ')}` });
  }
  const siteFace = new Uint8Array(lattice.nSites);
  const faceSites = new Int32Array(F);
  const activity = new Float64Array(F * S);
  const barrier = new Float64Array(F * S).fill(NaN);
  const insertRate = new Float64Array(F * S * R);
  const removeRate = new Float64Array(F * S * R);
  const inventory = new Float64Array(F * S).fill(-1);
  const unitActivityIons = new Float64Array(F).fill(NaN);
  scene.reservoirs.forEach((res, f) => {
    const at = `reservoirs[${f}]`;
    if (res.volumeL !== undefined) unitActivityIons[f] = AVOGADRO_PER_MOL * res.volumeL;
    compileInventory(scene, f, speciesNames, inventory, issues);
    if (scene.reservoirs.findIndex((o) => o.name === res.name) !== f) issues.push({ path: `${at}.name`, message: 'reservoir names must be unique', value: res.name });
    const sites = reservoirSiteList(scene, lattice, siteRegion, f, issues);
    if (sites === null) return;
    const regionsHere = new Set<number>();
    for (const i of sites) {
      if (siteFace[i] !== 0) {
        issues.push({ path: at, message: `shares site ${i} with reservoir "${scene.reservoirs[siteFace[i] - 1].name}"; a site touches at most one reservoir`, value: res.face ?? res.region });
        return;
      }
      siteFace[i] = f + 1;
      regionsHere.add(siteRegion[i]);
    }
    faceSites[f] = sites.length;
    for (const [name, g] of Object.entries(res.desolvationBarrier)) {
      const s = speciesNames.indexOf(name);
      const path = `${at}.desolvationBarrier.${name}`;
      if (s < 0) {
        issues.push({ path, message: `unknown species; allowed: ${speciesNames.join(', ')}` });
        continue;
      }
      const a = activityOf(scene, f, name);
      if (a === undefined) {
        issues.push({ path, message: `${name} crosses this face but has no activity: give electrolyte.activity.${name}${name === 'H+' ? ' or electrolyte.pH' : ''} or ${at}.activity.${name}` });
        continue;
      }
      // With a finite inventory the activity reported is the one at the start, n/n°; the rate table holds the per-ion rate.
      activity[f * S + s] = inventory[f * S + s] >= 0 ? inventory[f * S + s] * a : a;
      barrier[f * S + s] = g;
      for (const r of regionsHere) {
        const regionName = scene.regions[r].name;
        if (!allowed[s * R + r]) {
          issues.push({ path, message: `${name} is not allowed in region "${regionName}", which this reservoir opens; allow it there or drop its barrier`, value: g });
          continue;
        }
        const E = siteEnergy[s * R + r];
        if (g < Math.max(0, E)) {
          issues.push({ path, message: `must be ≥ max(0, E) = ${Math.max(0, E).toFixed(4)} eV, the site energy of ${name} in "${regionName}" (region potential included), so the transition state lies above the solvated ion and the site`, value: g });
          continue;
        }
        const k = reservoirIndex(S, R, f, s, r);
        insertRate[k] = nu * a * Math.exp(-(g + (charge[s] * U) / 2) / kT);
        removeRate[k] = nu * Math.exp(-(g - (charge[s] * U) / 2 - E) / kT);
        if (!Number.isFinite(insertRate[k]) || !Number.isFinite(removeRate[k])) {
          issues.push({
            path,
            message: `the insertion or removal rate of ${name} in "${regionName}" overflows at ${scene.temperature} K (G‡ ${g} eV, z·U/2 = ${((charge[s] * U) / 2).toPrecision(4)} eV, E = ${E.toPrecision(4)} eV); lower |U| or raise the barrier`,
            value: g,
          });
        }
      }
    }
  });
  if (issues.length > 0) throw new SceneError(issues);
  const molarMass = Float64Array.from(sceneSpecies(scene), (sp) => ('molarMass' in sp && sp.molarMass !== undefined ? sp.molarMass : NaN));
  return {
    kind: 'reservoir',
    faceNames: scene.reservoirs.map((r) => r.name),
    siteFace,
    faceSites,
    activity,
    barrier,
    potential: U,
    insertRate,
    removeRate,
    molarMass,
    sitesPerFormulaUnit: scene.sitesPerFormulaUnit ?? null,
    inventory,
    unitActivityIons,
  };
}

/**
 * Reservoir f's finite inventories into inventory[f·S + s]: each needs volumeL (to turn a count into an
 * activity), a species that crosses the face, and no activity of its own, since count and volume fix it.
 */
function compileInventory(scene: Scene, f: number, speciesNames: readonly string[], inventory: Float64Array, issues: SceneIssue[]): void {
  const res = scene.reservoirs[f];
  const at = `reservoirs[${f}]`;
  const S = speciesNames.length;
  const entries = Object.entries(res.inventory ?? {});
  if (entries.length === 0) {
    if (res.volumeL !== undefined) issues.push({ path: `${at}.volumeL`, message: 'a volume only matters with a finite inventory: give inventory (ions per species) or drop volumeL', value: res.volumeL });
    return;
  }
  if (res.volumeL === undefined) issues.push({ path: `${at}.inventory`, message: 'a finite inventory needs the electrolyte volume behind this reservoir, volumeL (litres), to turn the ion count into an activity' });
  const e = scene.electrolyte;
  for (const [name, count] of entries) {
    const s = speciesNames.indexOf(name);
    const path = `${at}.inventory.${name}`;
    if (s < 0) {
      issues.push({ path, message: `unknown species; allowed: ${speciesNames.join(', ')}`, value: count });
      continue;
    }
    if (res.desolvationBarrier[name] === undefined) issues.push({ path, message: `${name} does not cross this reservoir (no desolvationBarrier.${name}), so its inventory would never change`, value: count });
    const given = res.activity?.[name] !== undefined ? `${at}.activity.${name}` : e?.activity[name] !== undefined ? `electrolyte.activity.${name}` : name === 'H+' && e?.pH !== undefined ? 'electrolyte.pH' : null;
    if (given !== null) {
      issues.push({ path, message: `the inventory and volumeL set the activity of ${name} at this reservoir (a = n/(N_A·V·1 mol/L)); remove ${given}, which would contradict it`, value: count });
    }
    inventory[f * S + s] = count;
  }
}

/** Sites of reservoir f (a face layer or a region), or null after pushing an issue. */
function reservoirSiteList(scene: Scene, lattice: Lattice, siteRegion: Uint8Array, f: number, issues: SceneIssue[]): number[] | null {
  const res = scene.reservoirs[f];
  const at = `reservoirs[${f}]`;
  const sites: number[] = [];
  if (res.region !== undefined) {
    const r = scene.regions.findIndex((g) => g.name === res.region);
    if (r < 0) {
      issues.push({ path: `${at}.region`, message: `unknown region; regions are ${scene.regions.map((g) => g.name).join(', ')}`, value: res.region });
      return null;
    }
    for (let i = 0; i < lattice.nSites; i++) if (siteRegion[i] === r) sites.push(i);
    return sites;
  }
  const face = res.face!;
  const axis = AXES.indexOf(face[0] as (typeof AXES)[number]);
  if (axis >= lattice.dim) {
    issues.push({ path: `${at}.face`, message: `a ${lattice.type} lattice has axes ${AXES.slice(0, lattice.dim).join(', ')}`, value: face });
    return null;
  }
  if (lattice.periodic[axis]) {
    issues.push({ path: `${at}.face`, message: `lies on the periodic axis ${AXES[axis]}; a face opens a reflecting axis (set lattice.boundary[${axis}] to "reflecting") — or open a region instead`, value: face });
    return null;
  }
  const layer = face[1] === '-' ? 0 : lattice.cells[axis] - 1;
  for (let i = 0; i < lattice.nSites; i++) if (layerIndex(lattice, i, axis) === layer) sites.push(i);
  return sites;
}
