// The reservoir channel kind in the CPU engine: the rate tables of the model
// (src/model/reservoir.ts) unpacked for the engine, and the per-face,
// per-species counters of insertions and removals. The engine puts these
// channels in the slots after the hops (slot Z + s: insert s on an empty face
// site, remove the ion of species s from an occupied one) and executes them
// with insertIon/removeIon.
import type { RateModel } from '../../model/rateModel';
import { inventoryInsertRate, reservoirEnvironmentRate, reservoirIndex } from '../../model/reservoir';
import { neighbour } from '../../model/lattice';
import type { ReservoirCounts } from '../engine';

export class ReservoirSlots {
  readonly siteFace: Uint8Array;
  /**
   * 1 where the site or one of its neighbours touches a reservoir: a hop between
   * two sites without it changes no reservoir rate (without interactions), so
   * the engine keeps its closed-lattice fast path there.
   */
  readonly nearReservoir: Uint8Array;
  readonly faceNames: readonly string[];
  private readonly insertRate: Float64Array;
  private readonly removeRate: Float64Array;
  private readonly S: number;
  private readonly R: number;
  private readonly siteRegion: Uint8Array;
  private readonly halfInverseKT: number;
  readonly insertions: Float64Array;
  readonly removals: Float64Array;
  /** Ions left in the electrolyte per reservoir and species [f·S + s]; −1 where unlimited (reservoir.ts, inventory). */
  readonly inventoryLeft: Float64Array;
  /** The sites of each reservoir: their insertion rates change together when a finite inventory does. */
  readonly faceSiteList: Int32Array[];

  /** Unpacks the model's reservoir tables; counters carry over from `previous` when the faces are the same. */
  constructor(model: RateModel, previous: ReservoirSlots | null) {
    const res = model.channels.reservoir;
    if (!res) throw new Error('ReservoirSlots needs a model with reservoir channels');
    this.siteFace = res.siteFace;
    this.nearReservoir = previous !== null && previous.siteFace === res.siteFace ? previous.nearReservoir : nearSites(model, res.siteFace);
    this.faceNames = res.faceNames;
    this.insertRate = res.insertRate;
    this.removeRate = res.removeRate;
    this.S = model.nSpecies;
    this.R = model.nRegions;
    this.siteRegion = model.siteRegion;
    this.halfInverseKT = 1 / (2 * model.kT);
    const n = res.faceNames.length * model.nSpecies;
    const same = previous !== null && previous.faceNames.join('\u0000') === res.faceNames.join('\u0000') && previous.insertions.length === n;
    this.insertions = same ? previous.insertions : new Float64Array(n);
    this.removals = same ? previous.removals : new Float64Array(n);
    // The electrolyte's inventory goes on across a model swap (protocol steps), like the counters.
    this.inventoryLeft = same && previous.inventoryLeft.length === n ? previous.inventoryLeft : res.inventory.slice();
    this.faceSiteList = previous !== null && previous.siteFace === res.siteFace ? previous.faceSiteList : faceSiteLists(res.siteFace, res.faceNames.length);
  }

  /** True when species s at the reservoir of site i has a finite inventory. */
  hasInventory(i: number, s: number): boolean {
    const f = this.siteFace[i];
    return f !== 0 && this.inventoryLeft[(f - 1) * this.S + s] >= 0;
  }

  /**
   * Rate of inserting species s on the empty site i whose environment energy
   * for s is v (eV; pass 0 without interactions): base·exp(−v/2kBT), the same
   * operations as reservoirRateAt.
   */
  insertion(i: number, s: number, v: number, interacting: boolean): number {
    const f = this.siteFace[i];
    if (f === 0) return 0;
    let base = this.insertRate[reservoirIndex(this.S, this.R, f - 1, s, this.siteRegion[i])];
    const left = this.inventoryLeft[(f - 1) * this.S + s];
    if (left >= 0) base = inventoryInsertRate(base, left);
    if (base === 0 || !interacting) return base;
    return reservoirEnvironmentRate(base, v, this.halfInverseKT, true);
  }

  /** Rate of removing the ion of species s from site i (environment energy v): base·exp(+v/2kBT). */
  removal(i: number, s: number, v: number, interacting: boolean): number {
    const f = this.siteFace[i];
    if (f === 0) return 0;
    const base = this.removeRate[reservoirIndex(this.S, this.R, f - 1, s, this.siteRegion[i])];
    if (base === 0 || !interacting) return base;
    return reservoirEnvironmentRate(base, v, this.halfInverseKT, false);
  }

  /** Counts an insertion of s at site i; a finite inventory loses the ion. */
  countInsertion(i: number, s: number): void {
    const k = (this.siteFace[i] - 1) * this.S + s;
    this.insertions[k]++;
    if (this.inventoryLeft[k] >= 0) this.inventoryLeft[k]--;
  }

  /** Counts a removal of s at site i; a finite inventory gets the ion back. */
  countRemoval(i: number, s: number): void {
    const k = (this.siteFace[i] - 1) * this.S + s;
    this.removals[k]++;
    if (this.inventoryLeft[k] >= 0) this.inventoryLeft[k]++;
  }

  counts(): ReservoirCounts {
    return { faceNames: this.faceNames, insertions: this.insertions.slice(), removals: this.removals.slice(), inventoryLeft: this.inventoryLeft.slice() };
  }

  bytes(): number {
    return this.insertions.byteLength + this.removals.byteLength + this.inventoryLeft.byteLength;
  }
}

/** Sites that touch a reservoir or neighbour one that does. */
function nearSites(model: RateModel, siteFace: Uint8Array): Uint8Array {
  const near = new Uint8Array(model.nSites);
  for (let i = 0; i < model.nSites; i++) {
    if (siteFace[i] === 0) continue;
    near[i] = 1;
    for (let d = 0; d < model.directions; d++) {
      const j = neighbour(model.lattice, i, d);
      if (j >= 0) near[j] = 1;
    }
  }
  return near;
}

/** Site lists per reservoir (siteFace holds reservoir + 1 per site). */
function faceSiteLists(siteFace: Uint8Array, faces: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: faces }, () => []);
  for (let i = 0; i < siteFace.length; i++) if (siteFace[i] !== 0) lists[siteFace[i] - 1].push(i);
  return lists.map((l) => Int32Array.from(l));
}
