// The one rate model every engine and the view read. Compiled from a Scene
// into flat typed arrays (transferable to a worker, uploadable to a GPU).
//
// Convention (docs/physics.md): transition-state rate with a symmetric saddle
// per bond, k(i→j) = ν·exp(−(S_ij − E_i)/kBT), so k(i→j)/k(j→i) = exp(−(E_j − E_i)/kBT).
// - A region's barrier Ea for species s puts the saddle of bonds inside it at S = E + Ea.
// - A bond between regions A and B has S = max(S_A, S_B) unless an interface
//   override gives Ea_AB, measured from the lower site energy: S = min(E_A, E_B) + Ea_AB.
// - Nearest-neighbour pair energies V shift the site energies by the local
//   environment and the saddle by the mean of the two shifts (see interactionShift).
// - A field F along an axis adds −q·F·Δr/2 to the barrier of a hop with displacement Δr.
// - A region potential φ_r adds z·φ_r to the site energies and z·(φ_a + φ_b)/2
//   to the saddles (regionPotential.ts), after the steps above.
import { vec3 } from 'gl-matrix';
import { SPECIES, SPECIES_NAMES, AXES, type Scene, type SpeciesName } from './scene/schema';
import { assignRegions, SceneError } from './scene/validate';
import { addRegionPotentials, checkFiniteRates, regionPotentials } from './regionPotential';

/** Boltzmann constant, eV/K. */
export const KB_EV_PER_K = 8.617333262e-5;
/** 1 Å²/s in cm²/s. */
export const A2_PER_S_TO_CM2_PER_S = 1e-16;

/** Number of species slots in every model; index = position in SPECIES_NAMES. */
export const N_SPECIES = SPECIES_NAMES.length;

export interface RateModel {
  readonly dim: 2 | 3;
  /** Sites per axis; size[2] = 1 for 2D. */
  readonly size: readonly [number, number, number];
  readonly nSites: number;
  /** Lattice spacing, Å. */
  readonly spacing: number;
  readonly periodic: readonly [boolean, boolean, boolean];
  /** Neighbours per site = number of hop directions, 2·dim. Direction d: axis d>>1, sign + for even d. */
  readonly coordination: number;
  /** Displacement of each direction in Å (gl-matrix vectors). */
  readonly directionVectors: readonly vec3[];
  readonly temperature: number;
  readonly kT: number;
  /** Attempt frequency ν, Hz. */
  readonly nu: number;
  readonly speciesNames: readonly SpeciesName[];
  /** Charge per species, e. */
  readonly charge: Int8Array;
  readonly regionNames: readonly string[];
  readonly regionColors: readonly (string | undefined)[];
  readonly nRegions: number;
  /** Region index of every site. */
  readonly siteRegion: Uint8Array;
  /** allowed[s·R + r] = 1 when species s may occupy region r. */
  readonly allowed: Uint8Array;
  /** Built-in potential φ_r of each region, V (0 where none is given). */
  readonly regionPotential: Float64Array;
  /** siteEnergy[s·R + r], eV, including the region potential term z_s·φ_r. */
  readonly siteEnergy: Float64Array;
  /** saddle[(s·R + a)·R + b], eV, symmetric in a and b, including z_s·(φ_a + φ_b)/2. */
  readonly saddle: Float64Array;
  /** pairEnergy[s·S + t], eV, symmetric nearest-neighbour interaction. */
  readonly pairEnergy: Float64Array;
  readonly hasInteractions: boolean;
  readonly field: { readonly axis: 0 | 1 | 2; readonly strength: number } | null;
  /**
   * Base hop rate (Hz) without interactions: hopRate[((s·R + a)·R + b)·Z + d]
   * for a hop from a site in region a to a neighbour in region b along direction d;
   * 0 where s is not allowed in a or b.
   */
  readonly hopRate: Float64Array;
  /** Initial populations resolved to counts, in file order. */
  readonly populations: readonly { species: number; regions: number[]; count: number }[];
}

export function directionAxis(d: number): number {
  return d >> 1;
}
export function directionSign(d: number): 1 | -1 {
  return (d & 1) === 0 ? 1 : -1;
}
/** The direction pointing back. */
export function oppositeDirection(d: number): number {
  return d ^ 1;
}

/** Compiles a validated scene into the rate model. Throws SceneError on relations the schema cannot see. */
export function compileRateModel(scene: Scene): RateModel {
  const dim = scene.lattice.type === 'square' ? 2 : 3;
  const size: [number, number, number] = [scene.lattice.size[0], scene.lattice.size[1], dim === 3 ? scene.lattice.size[2] : 1];
  const periodic: [boolean, boolean, boolean] = [false, false, false];
  for (let a = 0; a < dim; a++) periodic[a] = scene.lattice.boundary[a] === 'periodic';
  const { siteRegion, issues } = assignRegions(scene);
  if (issues.length > 0) throw new SceneError(issues);
  const R = scene.regions.length;
  const S = N_SPECIES;
  const Z = 2 * dim;
  const kT = KB_EV_PER_K * scene.temperature;

  const allowed = new Uint8Array(S * R);
  const siteEnergy = new Float64Array(S * R);
  const ownSaddle = new Float64Array(S * R);
  scene.regions.forEach((region, r) => {
    SPECIES_NAMES.forEach((name, s) => {
      const p = region.species[name];
      if (!p) return;
      allowed[s * R + r] = 1;
      siteEnergy[s * R + r] = p.siteEnergy;
      ownSaddle[s * R + r] = p.siteEnergy + p.barrier;
    });
  });
  const saddle = new Float64Array(S * R * R);
  for (let s = 0; s < S; s++)
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++)
        saddle[(s * R + a) * R + b] = a === b ? ownSaddle[s * R + a] : Math.max(ownSaddle[s * R + a], ownSaddle[s * R + b]);
  const regionIndex = new Map(scene.regions.map((r, i) => [r.name, i]));
  for (const iface of scene.interfaces) {
    const a = regionIndex.get(iface.between[0])!;
    const b = regionIndex.get(iface.between[1])!;
    for (const [name, ea] of Object.entries(iface.barrier)) {
      const s = SPECIES_NAMES.indexOf(name as SpeciesName);
      const sMin = Math.min(siteEnergy[s * R + a], siteEnergy[s * R + b]) + ea;
      saddle[(s * R + a) * R + b] = sMin;
      saddle[(s * R + b) * R + a] = sMin;
    }
  }

  const pairEnergy = new Float64Array(S * S);
  for (const it of scene.interactions) {
    const s = SPECIES_NAMES.indexOf(it.species[0] as SpeciesName);
    const t = SPECIES_NAMES.indexOf(it.species[1] as SpeciesName);
    pairEnergy[s * S + t] = it.energy;
    pairEnergy[t * S + s] = it.energy;
  }
  const hasInteractions = pairEnergy.some((v) => v !== 0);

  const directionVectors: vec3[] = [];
  for (let d = 0; d < Z; d++) {
    // Plain arrays, not vec3.create(): gl-matrix defaults to Float32, too coarse for rates.
    const v: vec3 = [0, 0, 0];
    v[directionAxis(d)] = directionSign(d) * scene.lattice.spacing;
    directionVectors.push(v);
  }
  const field = scene.field ? { axis: AXES.indexOf(scene.field.axis) as 0 | 1 | 2, strength: scene.field.strength } : null;
  const charge = Int8Array.from(SPECIES_NAMES.map((n) => SPECIES[n].charge));
  const regionPotential = regionPotentials(scene);
  const hasPotentials = regionPotential.some((v) => v !== 0);
  if (hasPotentials) addRegionPotentials(siteEnergy, saddle, regionPotential, charge);

  const hopRate = new Float64Array(S * R * R * Z);
  const fieldVector: vec3 = [0, 0, 0];
  if (field) fieldVector[field.axis] = field.strength;
  for (let s = 0; s < S; s++)
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        if (!allowed[s * R + a] || !allowed[s * R + b]) continue;
        const ea = saddle[(s * R + a) * R + b] - siteEnergy[s * R + a];
        for (let d = 0; d < Z; d++) {
          // −q·F·Δr/2: a positive ion hopping along the field gets a lower barrier.
          const fieldShift = -charge[s] * vec3.dot(fieldVector, directionVectors[d]) / 2;
          hopRate[((s * R + a) * R + b) * Z + d] = scene.attemptFrequency * Math.exp(-(ea + fieldShift) / kT);
        }
      }
  if (hasPotentials) checkFiniteRates(scene, hopRate, regionPotential, SPECIES_NAMES, charge, kT, Z);

  const populations = scene.populations.map((p) => {
    const s = SPECIES_NAMES.indexOf(p.species as SpeciesName);
    const regions = p.region !== undefined ? [regionIndex.get(p.region)!] : scene.regions.map((_, r) => r).filter((r) => allowed[s * R + r]);
    let capacity = 0;
    for (let i = 0; i < siteRegion.length; i++) if (regions.includes(siteRegion[i])) capacity++;
    return { species: s, regions, count: p.count ?? Math.round((p.fraction ?? 0) * capacity) };
  });

  return {
    dim,
    size,
    nSites: size[0] * size[1] * size[2],
    spacing: scene.lattice.spacing,
    periodic,
    coordination: Z,
    directionVectors,
    temperature: scene.temperature,
    kT,
    nu: scene.attemptFrequency,
    speciesNames: SPECIES_NAMES,
    charge,
    regionNames: scene.regions.map((r) => r.name),
    regionColors: scene.regions.map((r) => r.color),
    nRegions: R,
    siteRegion,
    allowed,
    regionPotential,
    siteEnergy,
    saddle,
    pairEnergy,
    hasInteractions,
    field,
    hopRate,
    populations,
  };
}

/**
 * Neighbour of site i along direction d, or −1 across a reflecting boundary.
 * Engines inline the same arithmetic in their hot loops; this is the reference.
 */
export function neighbour(model: RateModel, i: number, d: number): number {
  const [nx, ny, nz] = model.size;
  const axis = d >> 1;
  const plus = (d & 1) === 0;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const n = axis === 0 ? nx : axis === 1 ? ny : nz;
  const c = axis === 0 ? i % nx : axis === 1 ? Math.floor(i / nx) % ny : Math.floor(i / (nx * ny));
  if (plus) {
    if (c < n - 1) return i + stride;
    return model.periodic[axis] ? i - (n - 1) * stride : -1;
  }
  if (c > 0) return i - stride;
  return model.periodic[axis] ? i + (n - 1) * stride : -1;
}

/**
 * Interaction energy of an ion of species s at site i with its occupied nearest
 * neighbours, excluding site `skip` (the other end of the bond being considered).
 * occupancy holds species+1 per site, 0 when empty.
 */
export function localPairEnergy(model: RateModel, occupancy: Uint8Array, s: number, i: number, skip: number): number {
  if (!model.hasInteractions) return 0;
  let v = 0;
  for (let d = 0; d < model.coordination; d++) {
    const j = neighbour(model, i, d);
    if (j < 0 || j === skip) continue;
    const o = occupancy[j];
    if (o !== 0) v += model.pairEnergy[s * N_SPECIES + (o - 1)];
  }
  return v;
}

/**
 * Reference rate (Hz) of the hop of the ion at site i along direction d given
 * the occupancy (species+1 per site). 0 when the target is occupied, outside a
 * reflecting boundary, or forbidden for the species. Engines must agree with it.
 */
export function hopRateAt(model: RateModel, occupancy: Uint8Array, i: number, d: number): number {
  const o = occupancy[i];
  if (o === 0) return 0;
  const j = neighbour(model, i, d);
  if (j < 0 || occupancy[j] !== 0) return 0;
  const s = o - 1;
  const R = model.nRegions;
  const base = model.hopRate[((s * R + model.siteRegion[i]) * R + model.siteRegion[j]) * model.coordination + d];
  if (base === 0 || !model.hasInteractions) return base;
  const vi = localPairEnergy(model, occupancy, s, i, j);
  const vj = localPairEnergy(model, occupancy, s, j, i);
  return base * Math.exp(-interactionShift(vi, vj) / model.kT);
}

/**
 * Barrier shift (eV) of a hop from environment energy vi to vj: the site
 * energies move by vi and vj and the saddle by their mean, so the barrier from
 * i moves by (vj − vi)/2 and detailed balance holds exactly.
 */
export function interactionShift(vi: number, vj: number): number {
  return (vj - vi) / 2;
}
