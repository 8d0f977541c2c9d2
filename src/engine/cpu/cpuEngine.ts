// The exact (rejection-free, BKL / n-fold way) kinetic Monte Carlo engine.
// Each event picks one hop with probability k/R and advances the clock by
// Δt = −ln(U)/R. Ion selection is composition–rejection over groups of ions with
// rates within a factor 2 (rateGroups.ts: exact integer group sums, so rates
// 50 orders of magnitude apart coexist), the hop direction is then drawn from
// that ion's ≤ 2·dim rates. After a hop only ions whose rate can have changed
// are recomputed. See docs/cpu-engine.md for the algorithm, the exactness
// argument and the memory layout.
import { hopRateAt, N_SPECIES, type RateModel } from '../../model/rateModel';
import type { AdvanceLimit, AdvanceReport, Engine, EngineKind, IonState } from '../engine';
import { AleaStream, type AleaState } from './aleaStream';
import { RateGroups } from './rateGroups';
import { buildSiteTable, siteGeometry, FACE_SHIFT, OCC_MASK, REGION_SHIFT } from './siteTable';

const TWO_POW_M32 = 2.3283064365386963e-10;

export class CpuEngine implements Engine {
  readonly kind: EngineKind = 'cpu';
  private currentModel: RateModel;
  private clock = 0;
  private eventTotal = 0;

  // Geometry and rates of the current model.
  private Z: number;
  private R: number;
  private step: Int32Array;
  private wrapStep: Int32Array;
  private wallMask: number;
  private hopRate: Float64Array;
  private pairEnergy: Float64Array;
  private kT: number;
  private interacting: boolean;

  /** Packed site data (siteTable.ts). */
  private readonly siteInfo: Uint16Array;
  /** Ion on each site, −1 when empty. */
  private readonly ionAt: Int32Array;
  private readonly species: Uint8Array;
  private readonly site: Int32Array;
  private readonly displacement: Int32Array;
  /** Total hop rate of each ion, Σ over directions in direction order (Hz). */
  private readonly rate: Float64Array;
  private readonly groups: RateGroups;
  private readonly rng: AleaStream;

  private crossingCounts: Float64Array;
  private readonly speciesEvents: Float64Array;

  /** Per-direction rates of the ion being examined. */
  private readonly directionRates = new Float64Array(6);
  private readonly directionOrder = new Int8Array(6);
  /** Visit stamps for the two-shell refresh with interactions (allocated only then). */
  private stamp: Uint32Array | null = null;
  private epoch = 0;

  constructor(model: RateModel, occupancy: Uint8Array, seed: string) {
    if (occupancy.length !== model.nSites) {
      throw new Error(`occupancy has ${occupancy.length} entries but the lattice has ${model.nSites} sites`);
    }
    this.currentModel = model;
    const g = siteGeometry(model);
    this.Z = model.coordination;
    this.R = model.nRegions;
    this.step = g.step;
    this.wrapStep = g.wrapStep;
    this.wallMask = g.wallMask;
    this.hopRate = model.hopRate;
    this.pairEnergy = model.pairEnergy;
    this.kT = model.kT;
    this.interacting = model.hasInteractions;

    let nIons = 0;
    for (let i = 0; i < model.nSites; i++) {
      const o = occupancy[i];
      if (o > N_SPECIES) throw new Error(`occupancy[${i}] = ${o}: expected 0 (empty) or species + 1 (1..${N_SPECIES})`);
      if (o !== 0) nIons++;
    }
    checkAllowed(model, occupancy);
    this.siteInfo = buildSiteTable(model, occupancy);
    this.ionAt = new Int32Array(model.nSites).fill(-1);
    this.species = new Uint8Array(nIons);
    this.site = new Int32Array(nIons);
    this.displacement = new Int32Array(3 * nIons);
    this.rate = new Float64Array(nIons);
    let ion = 0;
    for (let i = 0; i < model.nSites; i++) {
      if (occupancy[i] === 0) continue;
      this.species[ion] = occupancy[i] - 1;
      this.site[ion] = i;
      this.ionAt[i] = ion;
      ion++;
    }
    this.groups = new RateGroups(nIons);
    this.rng = new AleaStream(seed);
    this.crossingCounts = new Float64Array(model.nRegions * model.nRegions);
    this.speciesEvents = new Float64Array(N_SPECIES);
    this.rebuildRates();
  }

  get model(): RateModel {
    return this.currentModel;
  }
  get time(): number {
    return this.clock;
  }
  get events(): number {
    return this.eventTotal;
  }
  get ionCount(): number {
    return this.site.length;
  }

  async advance(limit: AdvanceLimit): Promise<AdvanceReport> {
    return this.advanceSync(limit);
  }

  /**
   * Runs events until `limit.events` more events are done or the clock would
   * pass `limit.time` (then the clock is set exactly to it and the pending event
   * is discarded, exact because the process is memoryless).
   */
  advanceSync(limit: AdvanceLimit): AdvanceReport {
    const maxEvents = limit.events ?? Infinity;
    const tEnd = limit.time ?? Infinity;
    if (limit.events === undefined && limit.time === undefined) throw new Error('advance needs a limit: events, time or both');
    if (!(maxEvents >= 0)) throw new Error(`advance: events must be ≥ 0 (got ${limit.events})`);
    if (Number.isNaN(tEnd)) throw new Error('advance: time must be a number (got NaN)');
    const rng = this.rng;
    const groups = this.groups;
    let done = 0;
    if (tEnd <= this.clock) return { events: 0, time: this.clock, stoppedBy: 'time' };
    while (done < maxEvents) {
      const total = groups.total();
      if (total === 0) {
        if (tEnd !== Infinity) this.clock = tEnd;
        this.eventTotal += done;
        return { events: done, time: this.clock, stoppedBy: 'frozen' };
      }
      const next = this.clock + -Math.log(rng.uniformOpenClosed()) / total;
      if (next > tEnd) {
        this.clock = tEnd;
        this.eventTotal += done;
        return { events: done, time: tEnd, stoppedBy: 'time' };
      }
      const ion = this.selectIon(groups.pick(rng.uniformOpenClosed() * total));
      this.hop(ion, this.selectDirection(ion));
      this.clock = next;
      done++;
    }
    this.eventTotal += done;
    return { events: done, time: this.clock, stoppedBy: 'events' };
  }

  /** Uniform member of group g accepted with rate/2^(g-1022) ≥ 1/2: overall P(ion | g) = rate / groupSum. */
  private selectIon(g: number): number {
    const rng = this.rng;
    const groups = this.groups;
    const n = groups.count[g];
    const list = groups.members[g];
    const invTop = groups.invTop[g];
    const bits = n > 1 ? 32 - Math.clz32(n - 1) : 0;
    for (;;) {
      let idx = 0;
      if (bits !== 0) {
        // Top `bits` bits of a word: exactly uniform on [0, 2^bits); reject the overshoot.
        idx = rng.nextU32() >>> (32 - bits);
        if (idx >= n) continue;
      }
      const ion = list[idx];
      const accept = this.rate[ion] * invTop; // exact (power-of-two scaling), in [1/2, 1)
      const w = rng.nextU32();
      if ((w + 1) * TWO_POW_M32 <= accept) return ion;
      if (w * TWO_POW_M32 >= accept) continue;
      // The word's cell straddles the threshold (chance 2^-32): resolve with 32 more bits.
      if ((w + (rng.nextU32() + 0.5) * TWO_POW_M32) * TWO_POW_M32 < accept) return ion;
    }
  }

  /** Direction d with probability k_d / Σk. Widely spread rates are scanned in ascending order. */
  private selectDirection(ion: number): number {
    const k = this.directionRates;
    const total = this.ionRates(ion, k);
    const Z = this.Z;
    const x = this.rng.uniformOpenClosed() * total;
    let kMin = Infinity;
    let kMax = 0;
    let last = -1;
    for (let d = 0; d < Z; d++) {
      const v = k[d];
      if (v > 0) {
        if (v < kMin) kMin = v;
        if (v > kMax) kMax = v;
        last = d;
      }
    }
    if (kMax <= 2 * kMin) {
      // All positive rates within a factor 2: index order loses at most ~Z ulps.
      let c = 0;
      for (let d = 0; d < Z; d++) {
        c += k[d];
        if (x < c) return d;
      }
      return last;
    }
    const order = this.directionOrder;
    let n = 0;
    for (let d = 0; d < Z; d++) {
      const v = k[d];
      if (v === 0) continue;
      let p = n++;
      while (p > 0 && k[order[p - 1]] > v) {
        order[p] = order[p - 1];
        p--;
      }
      order[p] = d;
    }
    let c = 0;
    for (let p = 0; p < n - 1; p++) {
      c += k[order[p]];
      if (x < c) return order[p];
    }
    return order[n - 1];
  }

  /** Moves `ion` along direction d (the target is free) and refreshes the rates that changed. */
  private hop(ion: number, d: number): void {
    const info = this.siteInfo;
    const a = this.site[ion];
    const fromInfo = info[a];
    const fb = 1 << (FACE_SHIFT + d);
    const b = a + ((fromInfo & fb) === 0 ? this.step[d] : this.wrapStep[d]);
    const s = this.species[ion];
    info[a] = fromInfo & ~OCC_MASK;
    const toInfo = info[b];
    info[b] = toInfo | (s + 1);
    this.ionAt[a] = -1;
    this.ionAt[b] = ion;
    this.site[ion] = b;
    this.displacement[3 * ion + (d >> 1)] += (d & 1) === 0 ? 1 : -1;
    const ra = fromInfo >>> REGION_SHIFT;
    const rb = toInfo >>> REGION_SHIFT;
    if (ra !== rb) this.crossingCounts[ra * this.R + rb]++;
    this.speciesEvents[s]++;
    if (this.interacting) this.refreshTwoShells(a, b);
    else {
      this.refresh(ion);
      this.refreshNeighbours(a, b);
      this.refreshNeighbours(b, a);
    }
  }

  /** Refreshes the ions on the neighbours of site c, except on site `skip`. */
  private refreshNeighbours(c: number, skip: number): void {
    const info = this.siteInfo;
    const me = info[c];
    const wall = this.wallMask;
    for (let d = 0; d < this.Z; d++) {
      const fb = 1 << (FACE_SHIFT + d);
      let n: number;
      if ((me & fb) === 0) n = c + this.step[d];
      else if ((wall & fb) === 0) n = c + this.wrapStep[d];
      else continue;
      if (n === skip || (info[n] & OCC_MASK) === 0) continue;
      this.refresh(this.ionAt[n]);
    }
  }

  /** With interactions a rate depends on occupancy up to two steps away: refresh every ion within two steps of a or b. */
  private refreshTwoShells(a: number, b: number): void {
    if (++this.epoch === 0xffffffff) {
      this.stamp!.fill(0);
      this.epoch = 1;
    }
    this.visitBall(a);
    this.visitBall(b);
  }

  private visitBall(c: number): void {
    const info = this.siteInfo;
    const wall = this.wallMask;
    this.visit(c);
    const mc = info[c];
    for (let d = 0; d < this.Z; d++) {
      const fb = 1 << (FACE_SHIFT + d);
      let n: number;
      if ((mc & fb) === 0) n = c + this.step[d];
      else if ((wall & fb) === 0) n = c + this.wrapStep[d];
      else continue;
      this.visit(n);
      const mn = info[n];
      for (let e = 0; e < this.Z; e++) {
        const fe = 1 << (FACE_SHIFT + e);
        let m: number;
        if ((mn & fe) === 0) m = n + this.step[e];
        else if ((wall & fe) === 0) m = n + this.wrapStep[e];
        else continue;
        this.visit(m);
      }
    }
  }

  private visit(c: number): void {
    if ((this.siteInfo[c] & OCC_MASK) === 0) return;
    const ion = this.ionAt[c];
    const stamp = this.stamp!;
    if (stamp[ion] === this.epoch) return;
    stamp[ion] = this.epoch;
    this.refresh(ion);
  }

  /** Recomputes one ion's total rate and moves it between groups. */
  private refresh(ion: number): void {
    const fresh = this.ionRates(ion, this.directionRates);
    const old = this.rate[ion];
    if (fresh === old) return;
    if (old !== 0) this.groups.remove(ion, old);
    if (fresh !== 0) this.groups.insert(ion, fresh);
    this.rate[ion] = fresh;
  }

  /**
   * Rates of the ion's hops per direction into `out` (0 where impossible) and
   * their sum in direction order; equal bit for bit to hopRateAt.
   */
  private ionRates(ion: number, out: Float64Array): number {
    const info = this.siteInfo;
    const i = this.site[ion];
    const s = this.species[ion];
    const me = info[i];
    const Z = this.Z;
    const R = this.R;
    const row = (s * R + (me >>> REGION_SHIFT)) * R * Z;
    const rates = this.hopRate;
    const wall = this.wallMask;
    let total = 0;
    if (!this.interacting) {
      for (let d = 0; d < Z; d++) {
        const fb = 1 << (FACE_SHIFT + d);
        let k = 0;
        let j = -1;
        if ((me & fb) === 0) j = i + this.step[d];
        else if ((wall & fb) === 0) j = i + this.wrapStep[d];
        if (j >= 0) {
          const o = info[j];
          if ((o & OCC_MASK) === 0) k = rates[row + (o >>> REGION_SHIFT) * Z + d];
        }
        out[d] = k;
        total += k;
      }
      return total;
    }
    const vi = this.environment(i, s, -1);
    const kT = this.kT;
    for (let d = 0; d < Z; d++) {
      const fb = 1 << (FACE_SHIFT + d);
      let k = 0;
      let j = -1;
      if ((me & fb) === 0) j = i + this.step[d];
      else if ((wall & fb) === 0) j = i + this.wrapStep[d];
      if (j >= 0) {
        const o = info[j];
        if ((o & OCC_MASK) === 0) {
          const base = rates[row + (o >>> REGION_SHIFT) * Z + d];
          if (base !== 0) {
            const vj = this.environment(j, s, i);
            // Same operations as hopRateAt / interactionShift: base·exp(−((vj − vi)/2)/kT).
            k = base * Math.exp(-((vj - vi) / 2) / kT);
          }
        }
      }
      out[d] = k;
      total += k;
    }
    return total;
  }

  /** Pair energy of species s at site c with its occupied neighbours other than `skip` (localPairEnergy). */
  private environment(c: number, s: number, skip: number): number {
    const info = this.siteInfo;
    const mc = info[c];
    const wall = this.wallMask;
    const pair = this.pairEnergy;
    let v = 0;
    for (let d = 0; d < this.Z; d++) {
      const fb = 1 << (FACE_SHIFT + d);
      let n: number;
      if ((mc & fb) === 0) n = c + this.step[d];
      else if ((wall & fb) === 0) n = c + this.wrapStep[d];
      else continue;
      if (n === skip) continue;
      const o = info[n] & OCC_MASK;
      if (o !== 0) v += pair[s * N_SPECIES + (o - 1)];
    }
    return v;
  }

  /** Recomputes every ion's rate and the groups from scratch (construction and setModel). */
  private rebuildRates(): void {
    if (this.interacting && (this.stamp === null || this.stamp.length !== this.site.length)) {
      this.stamp = new Uint32Array(this.site.length);
      this.epoch = 0;
    }
    this.groups.clear();
    this.rate.fill(0);
    for (let ion = 0; ion < this.site.length; ion++) this.refresh(ion);
  }

  async ions(): Promise<IonState> {
    return { species: this.species.slice(), site: this.site.slice(), displacement: this.displacement.slice() };
  }

  /**
   * The live per-ion arrays, without copying: read-only for the caller, valid
   * until the next advance (the engine writes into them in place).
   */
  ionStateView(): Readonly<IonState> {
    return { species: this.species, site: this.site, displacement: this.displacement };
  }

  /** Species + 1 per site, written into `out` (a fresh array when omitted). */
  occupancySync(out?: Uint8Array): Uint8Array {
    const n = this.siteInfo.length;
    const occ = out ?? new Uint8Array(n);
    const info = this.siteInfo;
    for (let i = 0; i < n; i++) occ[i] = info[i] & OCC_MASK;
    return occ;
  }

  async occupancy(): Promise<Uint8Array> {
    return this.occupancySync();
  }

  crossingsSync(): Float64Array {
    return this.crossingCounts.slice();
  }

  async crossings(): Promise<Float64Array> {
    return this.crossingsSync();
  }

  eventCountsSync(): Float64Array {
    return this.speciesEvents.slice();
  }

  async eventCounts(): Promise<Float64Array> {
    return this.eventCountsSync();
  }

  /** Total rate of every possible hop now (Hz). */
  totalRate(): number {
    return this.groups.total();
  }

  /** Generator state, for checkpoints. */
  rngState(): AleaState {
    return this.rng.state();
  }

  async setModel(model: RateModel): Promise<void> {
    this.setModelSync(model);
  }

  /** Swaps in a model of the same geometry; ions, displacements, counters and clock go on. */
  setModelSync(model: RateModel): void {
    const old = this.currentModel;
    const same =
      model.dim === old.dim &&
      model.nSites === old.nSites &&
      model.size.every((v, a) => v === old.size[a]) &&
      model.periodic.every((v, a) => v === old.periodic[a]);
    if (!same) {
      throw new Error(
        `setModel needs the same lattice: running ${describeGeometry(old)}, got ${describeGeometry(model)}; start a new run to change the lattice`,
      );
    }
    const occupancy = this.occupancySync();
    checkAllowed(model, occupancy);
    const R = model.nRegions;
    if (R !== this.R) {
      // Region indices have a new meaning: counts so far cannot carry over.
      this.crossingCounts = new Float64Array(R * R);
    }
    this.currentModel = model;
    const g = siteGeometry(model);
    this.Z = model.coordination;
    this.R = R;
    this.step = g.step;
    this.wrapStep = g.wrapStep;
    this.wallMask = g.wallMask;
    this.hopRate = model.hopRate;
    this.pairEnergy = model.pairEnergy;
    this.kT = model.kT;
    this.interacting = model.hasInteractions;
    buildSiteTable(model, occupancy, this.siteInfo);
    this.rebuildRates();
  }

  /** Bytes of every typed array the engine holds (the model's arrays not included). */
  memoryBytes(): number {
    let n = this.siteInfo.byteLength + this.ionAt.byteLength;
    n += this.species.byteLength + this.site.byteLength + this.displacement.byteLength + this.rate.byteLength;
    n += this.groups.bytes() + this.rng.bytes();
    n += this.crossingCounts.byteLength + this.speciesEvents.byteLength;
    n += this.directionRates.byteLength + this.directionOrder.byteLength + this.step.byteLength + this.wrapStep.byteLength;
    if (this.stamp) n += this.stamp.byteLength;
    return n;
  }

  /**
   * For tests: recomputes every ion's rates with the reference hopRateAt and
   * the group bookkeeping from scratch; returns the first mismatch, or null.
   */
  checkConsistency(): string | null {
    const model = this.currentModel;
    const occ = this.occupancySync();
    for (let i = 0; i < model.nSites; i++) {
      const ion = this.ionAt[i];
      if ((occ[i] === 0) !== (ion < 0)) return `site ${i}: occupancy ${occ[i]} but ionAt ${ion}`;
      if (ion >= 0 && (this.site[ion] !== i || this.species[ion] + 1 !== occ[i])) return `site ${i}: ion ${ion} disagrees (site ${this.site[ion]}, species ${this.species[ion]})`;
    }
    const k = new Float64Array(6);
    const groupOfIon = new Int32Array(this.site.length).fill(-1);
    for (let ion = 0; ion < this.site.length; ion++) {
      this.ionRates(ion, k);
      let expected = 0;
      for (let d = 0; d < model.coordination; d++) {
        const ref = hopRateAt(model, occ, this.site[ion], d);
        if (ref !== k[d]) return `ion ${ion} at site ${this.site[ion]}, direction ${d}: engine ${k[d]} Hz, hopRateAt ${ref} Hz`;
        expected += ref;
      }
      if (expected !== this.rate[ion]) return `ion ${ion}: stored rate ${this.rate[ion]} Hz, recomputed ${expected} Hz`;
      const pos = this.groups.position[ion];
      if (expected === 0) {
        if (pos !== -1) return `ion ${ion} has rate 0 but sits in a group at ${pos}`;
        continue;
      }
      const g = this.groups.groupOf(expected);
      groupOfIon[ion] = g;
      if (pos < 0 || pos >= this.groups.count[g] || this.groups.members[g][pos] !== ion) return `ion ${ion}: not at position ${pos} of group ${g}`;
    }
    const check = new RateGroups(this.site.length);
    for (let ion = 0; ion < this.site.length; ion++) if (this.rate[ion] !== 0) check.insert(ion, this.rate[ion]);
    for (let g = 0; g < check.count.length; g++) {
      if (check.count[g] !== this.groups.count[g]) return `group ${g}: ${this.groups.count[g]} members, expected ${check.count[g]}`;
      if (check.sumHi[g] !== this.groups.sumHi[g] || check.sumLo[g] !== this.groups.sumLo[g]) {
        return `group ${g}: sum ${this.groups.groupSum(g)} Hz, recomputed ${check.groupSum(g)} Hz`;
      }
    }
    if (check.nActive !== this.groups.nActive) return `${this.groups.nActive} active groups, expected ${check.nActive}`;
    for (let a = 0; a < check.nActive; a++) if (check.active[a] !== this.groups.active[a]) return `active group list differs at ${a}`;
    return null;
  }

  dispose(): void {
    // Nothing outside the JS heap to release; typed arrays go with the engine.
  }
}

/** Throws when an ion sits where its species is not allowed. */
function checkAllowed(model: RateModel, occupancy: Uint8Array): void {
  const R = model.nRegions;
  for (let i = 0; i < model.nSites; i++) {
    const o = occupancy[i];
    if (o === 0) continue;
    const r = model.siteRegion[i];
    if (!model.allowed[(o - 1) * R + r]) {
      throw new Error(
        `a ${model.speciesNames[o - 1]} ion sits on site ${i} in region "${model.regionNames[r]}", where this model does not allow ${model.speciesNames[o - 1]}; allow the species in that region or remove the ion`,
      );
    }
  }
}

function describeGeometry(m: RateModel): string {
  const size = m.dim === 2 ? `${m.size[0]}×${m.size[1]}` : `${m.size[0]}×${m.size[1]}×${m.size[2]}`;
  const bc = m.periodic.slice(0, m.dim).map((p) => (p ? 'periodic' : 'reflecting')).join('/');
  return `${m.dim}D ${size} (${bc})`;
}
