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
import { AXES, sceneSpecies, type Scene, type SpeciesShape } from './scene/schema';
import { assignRegions, SceneError } from './scene/validate';
import { buildLattice, neighbour as latticeNeighbour, type Lattice } from './lattice';
import { hopChannels, type ChannelCatalogue, type HopTableLayout } from './channels';
import { compileReservoirs, inventoryInsertRate, reservoirEnvironmentRate, reservoirIndex } from './reservoir';
import { addRegionPotentials, checkFiniteRates, regionPotentials } from './regionPotential';
import { compileWaterDissociation, type WaterDissociation } from './waterDissociation';
import { compileLubrication, lubricationShift, type LubricationRule } from './lubrication';

/** Boltzmann constant, eV/K. */
export const KB_EV_PER_K = 8.617333262e-5;
/** 1 Å²/s in cm²/s. */
export const A2_PER_S_TO_CM2_PER_S = 1e-16;

export interface RateModel {
  /** Geometry: neighbours, direction slots, metric, colour classes (lattice.ts). */
  readonly lattice: Lattice;
  readonly dim: 2 | 3;
  /** Cells per axis; size[2] = 1 for 2D (sites = cells · lattice.basis). */
  readonly size: readonly [number, number, number];
  readonly nSites: number;
  /** Nearest-neighbour distance, Å (in-plane for layered). */
  readonly spacing: number;
  readonly periodic: readonly [boolean, boolean, boolean];
  /** Neighbours per site. */
  readonly coordination: number;
  /** Direction slots (lattice.directions): the width of every per-direction table. */
  readonly directions: number;
  /** Displacement of each direction slot in Å (lattice.directionVectors). */
  readonly directionVectors: readonly vec3[];
  readonly temperature: number;
  readonly kT: number;
  /** Attempt frequency ν, Hz. */
  readonly nu: number;
  /** Species of the scene, index order. */
  readonly nSpecies: number;
  readonly speciesNames: readonly string[];
  readonly speciesLabels: readonly string[];
  /** Display colour and shape a scene asked for, per species (undefined: the view's palette). */
  readonly speciesColors: readonly (string | undefined)[];
  readonly speciesShapes: readonly (SpeciesShape | undefined)[];
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
  /**
   * saddle[((s·R + a)·R + b)·C + c], eV, symmetric in a and b, including z_s·(φ_a + φ_b)/2;
   * c = bond class (lattice.bondClass), C = lattice.bondClasses.
   */
  readonly saddle: Float64Array;
  /** pairEnergy[s·S + t], eV, symmetric nearest-neighbour interaction (S = nSpecies). */
  readonly pairEnergy: Float64Array;
  readonly hasInteractions: boolean;
  /** Lubrication rules (lubrication.ts), scene order; empty when none. */
  readonly lubrication: readonly LubricationRule[];
  /** Water dissociation on surface–host bonds (waterDissociation.ts), or null. */
  readonly waterDissociation: WaterDissociation | null;
  /** A hop rate depends on more than the two ends' regions and the target being free: interactions or lubrication. */
  readonly hasEnvironment: boolean;
  readonly field: { readonly axis: 0 | 1 | 2; readonly strength: number } | null;
  /** The event channels every engine executes (channels.ts); today hops only. */
  readonly channels: ChannelCatalogue;
  /**
   * Base hop rate (Hz) without interactions, = channels.hop.rate: index with
   * hopIndex / channels.hop.layout; 0 where s is not allowed in a or b.
   */
  readonly hopRate: Float64Array;
  readonly hopLayout: HopTableLayout;
  /** Initial populations resolved to counts, in file order. */
  readonly populations: readonly { species: number; regions: number[]; count: number }[];
}

/** Index into hopRate of species s hopping from region a to region b along slot d. */
export function hopIndex(model: RateModel, s: number, a: number, b: number, d: number): number {
  const l = model.hopLayout;
  return s * l.speciesStride + a * l.fromStride + b * l.toStride + d;
}

/** Compiles a validated scene into the rate model. Throws SceneError on relations the schema cannot see. */
export function compileRateModel(scene: Scene): RateModel {
  const lattice = buildLattice({
    type: scene.lattice.type,
    size: scene.lattice.size,
    spacing: scene.lattice.spacing,
    interlayerSpacing: scene.lattice.interlayerSpacing,
    periodic: scene.lattice.boundary.map((b) => b === 'periodic'),
  });
  const { siteRegion, issues } = assignRegions(scene);
  if (issues.length > 0) throw new SceneError(issues);
  const species = sceneSpecies(scene);
  const index = compileIndex(scene);
  const R = scene.regions.length;
  const S = species.length;
  const kT = KB_EV_PER_K * scene.temperature;
  const { allowed, siteEnergy, ownSaddle } = regionParameters(scene, index, lattice.bondClasses);
  const saddle = bondSaddles(scene, index, lattice.bondClasses, siteEnergy, ownSaddle);
  const pairEnergy = pairEnergies(scene, index);
  const field = scene.field ? { axis: AXES.indexOf(scene.field.axis) as 0 | 1 | 2, strength: scene.field.strength } : null;
  const charge = Int8Array.from(species.map((sp) => sp.charge));
  // Region potentials: a separate additive step on the chemical tables (regionPotential.ts).
  const regionPotential = regionPotentials(scene);
  const hasPotentials = regionPotential.some((v) => v !== 0);
  if (hasPotentials) addRegionPotentials(siteEnergy, saddle, regionPotential, charge);
  const hops = hopChannels({ lattice, nSpecies: S, nRegions: R, allowed, siteEnergy, saddle, charge, field, nu: scene.attemptFrequency, kT });
  const reservoir = compileReservoirs({ scene, lattice, siteRegion, speciesNames: index.speciesNames, charge, allowed, siteEnergy, kT, nu: scene.attemptFrequency });
  const channels: ChannelCatalogue = reservoir ? { kinds: ['hop', 'reservoir'], hop: hops.hop, reservoir } : hops;
  if (hasPotentials) checkFiniteRates(scene, channels.hop.rate, regionPotential, index.speciesNames, charge, kT, lattice.directions);

  const lubrication = compileLubrication(scene, lattice, { allowed, siteEnergy, saddle, speciesOf: index.speciesOf });
  const hasInteractions = pairEnergy.some((v) => v !== 0);
  const regionIndex = new Map(scene.regions.map((r, k) => [r.name, k]));
  const waterDissociation = compileWaterDissociation(scene, { lattice, allowed, nRegions: R, kT, nu: scene.attemptFrequency, speciesOf: index.speciesOf, regionOf: (n) => regionIndex.get(n) });

  return {
    lattice,
    dim: lattice.dim,
    size: lattice.cells,
    nSites: lattice.nSites,
    spacing: scene.lattice.spacing,
    periodic: lattice.periodic,
    coordination: lattice.coordination,
    directions: lattice.directions,
    directionVectors: lattice.directionVectors,
    temperature: scene.temperature,
    kT,
    nu: scene.attemptFrequency,
    nSpecies: S,
    speciesNames: index.speciesNames,
    speciesLabels: species.map((sp) => ('label' in sp && sp.label) || sp.name),
    speciesColors: species.map((sp) => ('color' in sp ? sp.color : undefined)),
    speciesShapes: species.map((sp) => ('shape' in sp ? sp.shape : undefined)),
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
    lubrication,
    waterDissociation,
    hasEnvironment: hasInteractions || lubrication.length > 0,
    field,
    channels,
    hopRate: channels.hop.rate,
    hopLayout: channels.hop.layout,
    populations: resolvePopulations(scene, index, allowed, siteRegion),
  };
}

/** Names → indices of a scene's species and regions. */
interface SceneIndex {
  speciesNames: string[];
  speciesOf(name: string): number;
  regionOf(name: string): number;
}

function compileIndex(scene: Scene): SceneIndex {
  const speciesNames = sceneSpecies(scene).map((sp) => sp.name);
  const regionIndex = new Map(scene.regions.map((r, i) => [r.name, i]));
  return { speciesNames, speciesOf: (name) => speciesNames.indexOf(name), regionOf: (name) => regionIndex.get(name)! };
}

/** Which species may sit in each region, their site energies, and the saddle of a bond inside the region per bond class (layered: in-plane, between layers). */
function regionParameters(scene: Scene, index: SceneIndex, C: number) {
  const R = scene.regions.length;
  const S = index.speciesNames.length;
  const allowed = new Uint8Array(S * R);
  const siteEnergy = new Float64Array(S * R);
  const ownSaddle = new Float64Array(S * R * C);
  scene.regions.forEach((region, r) => {
    index.speciesNames.forEach((name, s) => {
      if (!Object.prototype.hasOwnProperty.call(region.species, name)) return;
      const p = region.species[name];
      allowed[s * R + r] = 1;
      siteEnergy[s * R + r] = p.siteEnergy;
      for (let c = 0; c < C; c++) ownSaddle[(s * R + r) * C + c] = p.siteEnergy + (c === 1 ? p.interlayerBarrier ?? p.barrier : p.barrier);
    });
  });
  return { allowed, siteEnergy, ownSaddle };
}

/** saddle[((s·R + a)·R + b)·C + c]: the higher of the two regions' own saddles, unless an interface override sets it from the lower site energy. */
function bondSaddles(scene: Scene, index: SceneIndex, C: number, siteEnergy: Float64Array, ownSaddle: Float64Array): Float64Array {
  const R = scene.regions.length;
  const S = index.speciesNames.length;
  const saddle = new Float64Array(S * R * R * C);
  for (let s = 0; s < S; s++)
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++)
        for (let c = 0; c < C; c++) {
          const own = ownSaddle[(s * R + a) * C + c];
          saddle[((s * R + a) * R + b) * C + c] = a === b ? own : Math.max(own, ownSaddle[(s * R + b) * C + c]);
        }
  for (const iface of scene.interfaces) {
    const a = index.regionOf(iface.between[0]);
    const b = index.regionOf(iface.between[1]);
    for (const [name, ea] of Object.entries(iface.barrier)) {
      const s = index.speciesOf(name);
      const sMin = Math.min(siteEnergy[s * R + a], siteEnergy[s * R + b]) + ea;
      for (let c = 0; c < C; c++) {
        saddle[((s * R + a) * R + b) * C + c] = sMin;
        saddle[((s * R + b) * R + a) * C + c] = sMin;
      }
    }
  }
  return saddle;
}

/** pairEnergy[s·S + t], symmetric. */
function pairEnergies(scene: Scene, index: SceneIndex): Float64Array {
  const S = index.speciesNames.length;
  const pairEnergy = new Float64Array(S * S);
  for (const it of scene.interactions) {
    const s = index.speciesOf(it.species[0]);
    const t = index.speciesOf(it.species[1]);
    pairEnergy[s * S + t] = it.energy;
    pairEnergy[t * S + s] = it.energy;
  }
  return pairEnergy;
}

/** Populations with their target regions and a count (a fraction of the sites those regions hold). */
function resolvePopulations(scene: Scene, index: SceneIndex, allowed: Uint8Array, siteRegion: Uint8Array): RateModel['populations'] {
  const R = scene.regions.length;
  return scene.populations.map((p) => {
    const s = index.speciesOf(p.species);
    const regions = p.region !== undefined ? [index.regionOf(p.region)] : scene.regions.map((_, r) => r).filter((r) => allowed[s * R + r]);
    let capacity = 0;
    for (let i = 0; i < siteRegion.length; i++) if (regions.includes(siteRegion[i])) capacity++;
    return { species: s, regions, count: p.count ?? Math.round((p.fraction ?? 0) * capacity) };
  });
}

/** Neighbour of site i along direction slot d, or −1 (reflecting face; on the honeycomb also a slot of the other sublattice). */
export function neighbour(model: RateModel, i: number, d: number): number {
  return latticeNeighbour(model.lattice, i, d);
}

/**
 * Interaction energy of an ion of species s at site i with its occupied nearest
 * neighbours, excluding site `skip` (the other end of the bond being considered).
 * occupancy holds species+1 per site, 0 when empty.
 */
export function localPairEnergy(model: RateModel, occupancy: Uint8Array, s: number, i: number, skip: number): number {
  if (!model.hasInteractions) return 0;
  let v = 0;
  for (let d = 0; d < model.directions; d++) {
    const j = neighbour(model, i, d);
    if (j < 0 || j === skip) continue;
    const o = occupancy[j];
    if (o !== 0) v += model.pairEnergy[s * model.nSpecies + (o - 1)];
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
  const base = model.hopRate[hopIndex(model, s, model.siteRegion[i], model.siteRegion[j], d)];
  if (base === 0 || !model.hasEnvironment) return base;
  const vi = localPairEnergy(model, occupancy, s, i, j);
  const vj = localPairEnergy(model, occupancy, s, j, i);
  return base * Math.exp(-hopBarrierShift(interactionShift(vi, vj), lubricationShift(model.lattice, model.lubrication, occupancy, s, i, j)) / model.kT);
}

/**
 * Total barrier shift (eV) of a hop from its environment: the interaction part
 * (asymmetric, from the site energies) plus the lubrication part (a symmetric
 * saddle shift). One function so every engine adds them in the same order.
 */
export function hopBarrierShift(interaction: number, lubrication: number): number {
  return interaction + lubrication;
}

/**
 * Reference rate (Hz) of the reservoir channel of species s at site i given the
 * occupancy: insertion of s when the site is empty, removal when s sits there,
 * 0 otherwise or where the site touches no reservoir (reservoir.ts gives the
 * formulas). Engines must agree with it.
 */
export function reservoirRateAt(model: RateModel, occupancy: Uint8Array, i: number, s: number, inventoryLeft: Float64Array = model.channels.reservoir?.inventory ?? new Float64Array(0)): number {
  const res = model.channels.reservoir;
  if (!res || res.siteFace[i] === 0) return 0;
  const o = occupancy[i];
  if (o !== 0 && o - 1 !== s) return 0;
  const f = res.siteFace[i] - 1;
  const k = reservoirIndex(model.nSpecies, model.nRegions, f, s, model.siteRegion[i]);
  let base = o === 0 ? res.insertRate[k] : res.removeRate[k];
  // A finite inventory: insertRate is per ion left in the electrolyte (reservoir.ts), times the ions left now.
  if (o === 0 && res.inventory[f * model.nSpecies + s] >= 0) base = inventoryInsertRate(base, inventoryLeft[f * model.nSpecies + s]);
  if (base === 0 || !model.hasInteractions) return base;
  const v = localPairEnergy(model, occupancy, s, i, -1);
  return reservoirEnvironmentRate(base, v, 1 / (2 * model.kT), o === 0);
}

/**
 * Barrier shift (eV) of a hop from environment energy vi to vj: the site
 * energies move by vi and vj and the saddle by their mean, so the barrier from
 * i moves by (vj − vi)/2 and detailed balance holds exactly.
 */
export function interactionShift(vi: number, vj: number): number {
  return (vj - vi) / 2;
}
