// The exact (rejection-free, BKL / n-fold way) kinetic Monte Carlo engine.
// Each event picks one hop with probability k/R and advances the clock by
// Δt = −ln(U)/R. The hopping ion is chosen by composition–rejection over groups
// of ions with rates within a factor 9/8 (rateGroups.ts: exact integer group
// sums, so rates 50 orders of magnitude apart coexist), the hop direction then
// from that ion's ≤ 2·dim rates. After a hop only ions whose rate can have
// changed are recomputed. Rates and group positions are kept per site, so the
// ions around a hop are updated without a site→ion look-up; occupancy is a
// bitset that stays in cache. See docs/cpu-engine.md for the algorithm, the
// exactness argument, the memory layout and measured speed.
import { hopRateAt, interactionShift, N_SPECIES, type RateModel } from '../../model/rateModel';
import { NonFiniteRateError, type AdvanceLimit, type AdvanceReport, type Engine, type EngineKind, type IonState } from '../engine';
import * as aleaStream from './aleaStream';
import { AleaStream, type AleaState } from './aleaStream';
import { SiteRecords, RateGroups } from './rateGroups';
import { bitsetWords, buildBitsets, LatticeSteps } from './siteTable';

const TWO_POW_M32 = 2.3283064365386963e-10;
const TWO_POW_32 = 4294967296;
// Module-local constants fold into the hot loop; an imported binding may
// compile to a getter call (tsx emits such getters).
const FULL_PRECISION_FIRST_WORD = 4194304;
if (FULL_PRECISION_FIRST_WORD !== aleaStream.FULL_PRECISION_FIRST_WORD) {
  throw new Error('cpuEngine.ts disagrees with aleaStream.ts on FULL_PRECISION_FIRST_WORD');
}
/** Word 3 of an occupied site's record: ion | species << SPECIES_SHIFT. */
const ION_MASK = 0x0fffffff;
const SPECIES_SHIFT = 28;
/** Hops per batch of site/displacement updates. */
const JOURNAL_LENGTH = 2048;

export class CpuEngine implements Engine {
  readonly kind: EngineKind = 'cpu';
  private currentModel: RateModel;
  private clock = 0;
  /** Sink for the early loads that act as prefetches (keeps them from being optimised away). */
  private touched = 0;
  private eventTotal = 0;

  // The current model, unpacked for the hot loop.
  private Z: number;
  private R: number;
  private multiRegion: boolean;
  private siteRegion: Uint8Array;
  private hopRate: Float64Array;
  private pairEnergy: Float64Array;
  private kT: number;
  private interacting: boolean;

  private readonly steps: LatticeSteps;
  private readonly step: Int32Array;
  /** Bitsets over sites (siteTable.ts). */
  private readonly occupiedBits: Int32Array;
  private readonly faceBits: Int32Array;
  /** Rate, group position, ion and species per site (rateGroups.ts). */
  private readonly records: SiteRecords;
  private readonly recF: Float64Array;
  private readonly recI: Int32Array;
  private readonly species: Uint8Array;
  /** Site of each ion (the engine runs on the per-site records; this is for the view). */
  private readonly site: Int32Array;
  /** Unwrapped displacement per ion, x, y, z in lattice steps. */
  private readonly displacement: Int32Array;
  /**
   * Hops not yet applied to site/displacement: (ion, new site, direction) per
   * entry. Applying them in batches turns one dependent cache miss per event
   * into many independent ones; every advance ends with the journal applied.
   */
  private readonly journal = new Int32Array(3 * JOURNAL_LENGTH);
  private journalLength = 0;
  /** Sites whose rates a hop with interactions refreshes, deduplicated through a small hash set. */
  private readonly ballSites = new Int32Array(2 * (1 + 6 + 36));
  private readonly ballSlots = new Int32Array(2 * (1 + 6 + 36));
  private readonly ballHash = new Int32Array(256).fill(-1);
  private readonly groups: RateGroups;
  private readonly rng: AleaStream;

  private crossingCounts: Float64Array;
  private readonly speciesEvents: Float64Array;

  /** Per-direction rates of the selected ion. */
  private readonly directionRates = new Float64Array(6);
  private readonly directionOrder = new Int8Array(6);

  constructor(model: RateModel, occupancy: Uint8Array, seed: string) {
    if (occupancy.length !== model.nSites) {
      throw new Error(`occupancy has ${occupancy.length} entries but the lattice has ${model.nSites} sites`);
    }
    if (model.nSites > ION_MASK) throw new Error(`the CPU engine takes at most ${ION_MASK} sites (got ${model.nSites})`);
    let nIons = 0;
    for (let i = 0; i < model.nSites; i++) {
      const o = occupancy[i];
      if (o > N_SPECIES) throw new Error(`occupancy[${i}] = ${o}: expected 0 (empty) or species + 1 (1..${N_SPECIES})`);
      if (o !== 0) nIons++;
    }
    checkAllowed(model, occupancy);
    this.currentModel = model;
    this.Z = model.coordination;
    this.R = model.nRegions;
    this.multiRegion = model.nRegions > 1;
    this.siteRegion = model.siteRegion;
    this.hopRate = model.hopRate;
    this.pairEnergy = model.pairEnergy;
    this.kT = model.kT;
    this.interacting = model.hasInteractions;

    this.steps = new LatticeSteps(model);
    this.step = this.steps.step;
    const bits = buildBitsets(model, occupancy, this.steps);
    this.occupiedBits = bits.occupied;
    this.faceBits = bits.face;
    this.records = new SiteRecords(model.nSites);
    this.recF = this.records.f64;
    this.recI = this.records.i32;
    this.species = new Uint8Array(nIons);
    this.site = new Int32Array(nIons);
    this.displacement = new Int32Array(3 * nIons);
    let ion = 0;
    for (let i = 0; i < model.nSites; i++) {
      this.recI[4 * i + 2] = -1;
      this.recI[4 * i + 3] = -1;
      if (occupancy[i] === 0) continue;
      this.species[ion] = occupancy[i] - 1;
      this.site[ion] = i;
      this.recI[4 * i + 3] = ion | ((occupancy[i] - 1) << SPECIES_SHIFT);
      ion++;
    }
    this.groups = new RateGroups(this.records);
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
    return this.species.length;
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
    if (limit.events === undefined && limit.time === undefined) throw new Error('advance needs a limit: events, time or both');
    const maxEvents = limit.events ?? Infinity;
    const tEnd = limit.time ?? Infinity;
    if (!(maxEvents >= 0)) throw new Error(`advance: events must be ≥ 0 (got ${limit.events})`);
    if (Number.isNaN(tEnd)) throw new Error('advance: time must be a number (got NaN)');
    if (tEnd <= this.clock) return { events: 0, time: this.clock, stoppedBy: 'time' };
    const rng = this.rng;
    const groups = this.groups;
    const count = groups.count;
    const members = groups.members;
    const ceilings = groups.ceiling;
    const recF = this.recF;
    // The Alea state lives in locals for the loop (same arithmetic as AleaStream.nextU32,
    // written out where a word is drawn) and goes back to the stream at the end.
    const st = rng.st;
    let s0 = st[0];
    let s1 = st[1];
    let s2 = st[2];
    let c = st[3];
    let t = 0;
    let w = 0;
    let u = 0;
    let done = 0;
    let clock = this.clock;
    let stoppedBy: AdvanceReport['stoppedBy'] = 'events';
    try {
      while (done < maxEvents) {
        const total = groups.total();
        if (!(total < Infinity)) throw new NonFiniteRateError('cpu', `the total hop rate is ${total} Hz at t = ${clock} s after ${this.eventTotal + done} events`);
        if (total === 0) {
          if (tEnd !== Infinity) clock = tEnd;
          stoppedBy = 'frozen';
          break;
        }
        // Clock: Δt = −ln(U)/R with U = uniformOpenClosed().
        t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
        if (w >= FULL_PRECISION_FIRST_WORD) {
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
          u = (w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32;
        } else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          u = rng.uniformFrom(w);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        const next = clock - Math.log(u) / total;
        if (next > tEnd) {
          clock = tEnd;
          stoppedBy = 'time';
          break;
        }
        if (!(next < Infinity)) throw new NonFiniteRateError('cpu', `the clock reached ${next} s after ${this.eventTotal + done} events (total hop rate ${total} Hz)`);
        // Group: the first, in ascending order, whose cumulative sum exceeds U·R.
        t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
        if (w >= FULL_PRECISION_FIRST_WORD) {
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
          u = (w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32;
        } else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          u = rng.uniformFrom(w);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        const g = groups.pick(u * total);
        // Site (its ion): a uniform member of g (top bits of a word, exactly uniform on
        // [0, 2^bits), overshoot rejected), accepted with rate/ceiling ≥ 8/9
        // (ceiling: an upper bound on g's rates, rateGroups.ts), so
        // P(ion | g) = rate / groupSum. Acceptance 1 needs no word.
        const n = count[g];
        const list = members[g];
        const ceiling = ceilings[g];
        const shift = n > 1 ? Math.clz32(n - 1) : 32;
        let from = -1;
        if (g < 8) {
          // Subnormal rates (< 2.2e-308 Hz): a group's rates are not within a
          // bounded ratio there, so rejection could take forever; scan instead
          // (sums of subnormals are exact). Practically never reached.
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          from = this.scanSubnormalGroup(g);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        while (from < 0) {
          let idx = 0;
          if (shift !== 32) {
            t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
            idx = (s2 * TWO_POW_32) >>> shift;
            if (idx >= n) continue;
          }
          const candidate = list[idx];
          const accept = recF[2 * candidate] / ceiling; // in [8/9, 1], rounded once
          if (accept >= 1) {
            from = candidate;
            break;
          }
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
          if ((w + 1) * TWO_POW_M32 <= accept) from = candidate;
          else if (w * TWO_POW_M32 < accept) {
            // The word's cell straddles the threshold (chance 2^-32): resolve with 32 more bits.
            t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
            if ((w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32 < accept) from = candidate;
          }
        }
        // Direction: k_d / Σk with a full-precision uniform.
        t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
        if (w >= FULL_PRECISION_FIRST_WORD) {
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
          u = (w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32;
        } else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          u = rng.uniformFrom(w);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        this.hop(from, this.selectDirection(from, u));
        clock = next;
        done++;
      }
    } finally {
      this.applyJournal();
      st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
      this.clock = clock;
      this.eventTotal += done;
    }
    return { events: done, time: clock, stoppedBy };
  }

  /** Member of subnormal group g with probability rate / groupSum, by a cumulative scan. */
  private scanSubnormalGroup(g: number): number {
    const groups = this.groups;
    const list = groups.members[g];
    const n = groups.count[g];
    const x = this.rng.uniformOpenClosed() * groups.groupSum(g);
    let cumulative = 0;
    for (let k = 0; k < n - 1; k++) {
      cumulative += this.recF[2 * list[k]];
      if (x < cumulative) return list[k];
    }
    return list[n - 1];
  }

  /** Direction d with probability k_d / Σk given U in (0, 1]. Widely spread rates are scanned in ascending order. */
  private selectDirection(i: number, u: number): number {
    const k = this.directionRates;
    const s = this.recI[4 * i + 3] >>> SPECIES_SHIFT;
    const total = this.interacting ? this.interactingRates(i, s, k) : this.plainRates(i, s, k);
    const Z = this.Z;
    const x = u * total;
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

  /** Moves the ion on site a along direction d (the target is free) and refreshes the rates that changed. */
  private hop(a: number, d: number): void {
    const occupied = this.occupiedBits;
    const faces = this.faceBits;
    const recF = this.recF;
    const recI = this.recI;
    const faceA = ((faces[a >> 5] >>> (a & 31)) & 1) !== 0;
    const b = faceA ? this.steps.faceNeighbour(a, d) : a + this.step[d];
    const faceB = ((faces[b >> 5] >>> (b & 31)) & 1) !== 0;
    occupied[a >> 5] &= ~(1 << (a & 31));
    occupied[b >> 5] |= 1 << (b & 31);
    const v = recI[4 * a + 3];
    recI[4 * a + 3] = -1;
    recI[4 * b + 3] = v;
    // Site a is empty now: its rate leaves the groups (without interactions
    // together with the ion's new rate on b, below).
    const oldLo = recI[4 * a];
    const oldHi = recI[4 * a + 1];
    recF[2 * a] = 0;
    if (this.interacting) this.groups.update(a, oldHi, oldLo);
    const journal = this.journal;
    const k = 3 * this.journalLength;
    journal[k] = v & ION_MASK;
    journal[k + 1] = b;
    journal[k + 2] = d;
    if (++this.journalLength === JOURNAL_LENGTH) this.applyJournal();
    this.speciesEvents[v >>> SPECIES_SHIFT]++;
    if (this.multiRegion) {
      const ra = this.siteRegion[a];
      const rb = this.siteRegion[b];
      if (ra !== rb) this.crossingCounts[ra * this.R + rb]++;
    }
    if (this.interacting) {
      this.refreshTwoShells(a, b);
      return;
    }
    const step = this.step;
    const Z = this.Z;
    if (!faceA && !faceB) {
      // Touch the records of all neighbours first: independent loads overlap their misses.
      let t = 0;
      for (let e = 0; e < Z; e++) t += recI[4 * (a + step[e]) + 3] + recI[4 * (b + step[e]) + 3];
      this.touched = (this.touched + t) | 0;
    }
    recF[2 * b] = this.plainRateSum(b, v >>> SPECIES_SHIFT);
    this.groups.transfer(a, b, oldHi, oldLo);
    // Neighbours of a gained a free site, neighbours of b lost one.
    for (let e = 0; e < Z; e++) {
      const n = faceA ? this.steps.faceNeighbour(a, e) : a + step[e];
      if (n < 0 || n === b) continue;
      if (((occupied[n >> 5] >>> (n & 31)) & 1) !== 0) this.refreshPlain(n);
    }
    for (let e = 0; e < Z; e++) {
      const n = faceB ? this.steps.faceNeighbour(b, e) : b + step[e];
      if (n < 0 || n === a) continue;
      if (((occupied[n >> 5] >>> (n & 31)) & 1) !== 0) this.refreshPlain(n);
    }
  }

  /** Writes the journalled hops into site and displacement. */
  private applyJournal(): void {
    const journal = this.journal;
    const site = this.site;
    const displacement = this.displacement;
    const n = 3 * this.journalLength;
    for (let k = 0; k < n; k += 3) {
      const ion = journal[k];
      const d = journal[k + 2];
      site[ion] = journal[k + 1];
      displacement[3 * ion + (d >> 1)] += (d & 1) === 0 ? 1 : -1;
    }
    this.journalLength = 0;
  }

  /** Recomputes the rate of the ion on (occupied) site i without interactions and regroups it. */
  private refreshPlain(i: number): void {
    const recI = this.recI;
    const fresh = this.plainRateSum(i, recI[4 * i + 3] >>> SPECIES_SHIFT);
    const recF = this.recF;
    const old = recF[2 * i];
    if (fresh === old) return;
    const oldLo = recI[4 * i];
    const oldHi = recI[4 * i + 1];
    recF[2 * i] = fresh;
    this.groups.update(i, oldHi, oldLo);
  }

  /** Recomputes the total rate of the ion on site i (any model; 0 when empty) and regroups it. */
  private refresh(i: number): void {
    const recI = this.recI;
    let fresh = 0;
    if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) !== 0) {
      const s = recI[4 * i + 3] >>> SPECIES_SHIFT;
      fresh = this.interacting ? this.interactingRates(i, s, this.directionRates) : this.plainRateSum(i, s);
    }
    const recF = this.recF;
    const old = recF[2 * i];
    if (fresh === old) return;
    const oldLo = recI[4 * i];
    const oldHi = recI[4 * i + 1];
    recF[2 * i] = fresh;
    this.groups.update(i, oldHi, oldLo);
  }

  /** Σ_d k_d of an ion of species s at site i, no interactions: a table look-up per free neighbour. */
  private plainRateSum(i: number, s: number): number {
    const occupied = this.occupiedBits;
    const Z = this.Z;
    const rates = this.hopRate;
    const step = this.step;
    const face = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
    let total = 0;
    if (this.multiRegion) {
      const region = this.siteRegion;
      const R = this.R;
      const row = (s * R + region[i]) * R * Z;
      for (let d = 0; d < Z; d++) {
        const j = face ? this.steps.faceNeighbour(i, d) : i + step[d];
        if (j < 0 || ((occupied[j >> 5] >>> (j & 31)) & 1) !== 0) continue;
        total += rates[row + region[j] * Z + d];
      }
      return total;
    }
    const row = s * Z;
    for (let d = 0; d < Z; d++) {
      const j = face ? this.steps.faceNeighbour(i, d) : i + step[d];
      if (j < 0 || ((occupied[j >> 5] >>> (j & 31)) & 1) !== 0) continue;
      total += rates[row + d];
    }
    return total;
  }

  /** Per-direction rates into out (0 where impossible) and their sum in direction order; no interactions. */
  private plainRates(i: number, s: number, out: Float64Array): number {
    const occupied = this.occupiedBits;
    const Z = this.Z;
    const R = this.R;
    const multi = this.multiRegion;
    const region = this.siteRegion;
    const rates = this.hopRate;
    const face = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
    // One region: skip the region look-ups (a cache miss each on a large lattice).
    const row = (s * R + (multi ? region[i] : 0)) * R * Z;
    let total = 0;
    for (let d = 0; d < Z; d++) {
      const j = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
      let k = 0;
      if (j >= 0 && ((occupied[j >> 5] >>> (j & 31)) & 1) === 0) k = rates[row + (multi ? region[j] * Z : 0) + d];
      out[d] = k;
      total += k;
    }
    return total;
  }

  /**
   * Per-direction rates with nearest-neighbour interactions, the same
   * operations as hopRateAt: base·exp(−interactionShift(vi, vj)/kT), the shift defined once in the rate model. vi is the ion's own
   * environment (the empty target adds nothing), vj the target's without the ion.
   */
  private interactingRates(i: number, s: number, out: Float64Array): number {
    const occupied = this.occupiedBits;
    const Z = this.Z;
    const R = this.R;
    const region = this.siteRegion;
    const rates = this.hopRate;
    const face = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
    const row = (s * R + region[i]) * R * Z;
    const vi = this.environment(i, s, -1);
    const kT = this.kT;
    let total = 0;
    for (let d = 0; d < Z; d++) {
      const j = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
      let k = 0;
      if (j >= 0 && ((occupied[j >> 5] >>> (j & 31)) & 1) === 0) {
        const base = rates[row + region[j] * Z + d];
        if (base !== 0) k = base * Math.exp(-interactionShift(vi, this.environment(j, s, i)) / kT);
      }
      out[d] = k;
      total += k;
    }
    return total;
  }

  /** Pair energy of species s at site c with its occupied neighbours other than `skip` (localPairEnergy). */
  private environment(c: number, s: number, skip: number): number {
    const occupied = this.occupiedBits;
    const recI = this.recI;
    const pair = this.pairEnergy;
    const face = ((this.faceBits[c >> 5] >>> (c & 31)) & 1) !== 0;
    let v = 0;
    for (let d = 0; d < this.Z; d++) {
      const n = face ? this.steps.faceNeighbour(c, d) : c + this.step[d];
      if (n < 0 || n === skip) continue;
      if (((occupied[n >> 5] >>> (n & 31)) & 1) !== 0) v += pair[s * N_SPECIES + (recI[4 * n + 3] >>> SPECIES_SHIFT)];
    }
    return v;
  }

  /**
   * With interactions a rate depends on occupancy up to two steps away: refresh
   * every site within two steps of a or b, each once (a small hash set removes
   * the duplicates that the two overlapping balls and wrap-around give).
   */
  private refreshTwoShells(a: number, b: number): void {
    let n = this.collectBall(a, 0);
    n = this.collectBall(b, n);
    const sites = this.ballSites;
    const hash = this.ballHash;
    const slots = this.ballSlots;
    for (let k = 0; k < n; k++) {
      this.refresh(sites[k]);
      hash[slots[k]] = -1;
    }
  }

  /** Adds c, its neighbours and theirs to ballSites (from index n) unless already there; returns the new count. */
  private collectBall(c: number, n: number): number {
    const faces = this.faceBits;
    n = this.collect(c, n);
    const fc = ((faces[c >> 5] >>> (c & 31)) & 1) !== 0;
    for (let d = 0; d < this.Z; d++) {
      const m = fc ? this.steps.faceNeighbour(c, d) : c + this.step[d];
      if (m < 0) continue;
      n = this.collect(m, n);
      const fm = ((faces[m >> 5] >>> (m & 31)) & 1) !== 0;
      for (let e = 0; e < this.Z; e++) {
        const q = fm ? this.steps.faceNeighbour(m, e) : m + this.step[e];
        if (q >= 0) n = this.collect(q, n);
      }
    }
    return n;
  }

  private collect(site: number, n: number): number {
    const hash = this.ballHash;
    let h = (Math.imul(site, 0x9e3779b1) >>> 24) & 255;
    for (;;) {
      const v = hash[h];
      if (v === site) return n;
      if (v === -1) break;
      h = (h + 1) & 255;
    }
    hash[h] = site;
    this.ballSites[n] = site;
    this.ballSlots[n] = h;
    return n + 1;
  }

  /** Recomputes every site's rate and the groups from scratch (construction and setModel). */
  private rebuildRates(): void {
    const n = this.currentModel.nSites;
    this.groups.clear();
    for (let i = 0; i < n; i++) {
      this.recF[2 * i] = 0;
      this.recI[4 * i + 2] = -1;
    }
    for (let i = 0; i < n; i++) if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) !== 0) this.refresh(i);
    this.groups.trim();
  }

  async ions(): Promise<IonState> {
    return { species: this.species.slice(), site: this.site.slice(), displacement: this.displacement.slice() };
  }

  /**
   * The live per-ion arrays, without copying: read-only for the caller. The
   * engine updates them in place, in batches; they are complete whenever no
   * advance is running (every advance applies its last batch before returning).
   */
  ionStateView(): Readonly<IonState> {
    return { species: this.species, site: this.site, displacement: this.displacement };
  }

  /** Species + 1 per site, written into `out` (a fresh array when omitted). */
  occupancySync(out?: Uint8Array): Uint8Array {
    const n = this.currentModel.nSites;
    const occ = out ?? new Uint8Array(n);
    const occupied = this.occupiedBits;
    const recI = this.recI;
    for (let i = 0; i < n; i++) occ[i] = ((occupied[i >> 5] >>> (i & 31)) & 1) === 0 ? 0 : (recI[4 * i + 3] >>> SPECIES_SHIFT) + 1;
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
    checkAllowed(model, this.occupancySync());
    // Region indices may have a new meaning: crossing counts restart when the region count changes.
    if (model.nRegions !== this.R) this.crossingCounts = new Float64Array(model.nRegions * model.nRegions);
    this.currentModel = model;
    this.R = model.nRegions;
    this.multiRegion = model.nRegions > 1;
    this.siteRegion = model.siteRegion;
    this.hopRate = model.hopRate;
    this.pairEnergy = model.pairEnergy;
    this.kT = model.kT;
    this.interacting = model.hasInteractions;
    this.rebuildRates();
  }

  /** Bytes of every typed array the engine holds (the model's arrays, e.g. siteRegion, not included). */
  memoryBytes(): number {
    let n = this.occupiedBits.byteLength + this.faceBits.byteLength + this.recF.byteLength;
    n += this.species.byteLength + this.site.byteLength + this.displacement.byteLength;
    n += this.groups.bytes() + this.rng.bytes() + this.step.byteLength;
    n += this.crossingCounts.byteLength + this.speciesEvents.byteLength;
    n += this.journal.byteLength + this.directionRates.byteLength + this.directionOrder.byteLength + this.ballSites.byteLength + this.ballSlots.byteLength + this.ballHash.byteLength;
    return n;
  }

  /**
   * For tests: recomputes every ion's rates with the reference hopRateAt and
   * the group bookkeeping from scratch; returns the first mismatch, or null.
   */
  checkConsistency(): string | null {
    const model = this.currentModel;
    const occ = this.occupancySync();
    const nIons = this.species.length;
    const recI = this.recI;
    const seen = new Uint8Array(nIons);
    if (this.occupiedBits.length !== bitsetWords(model.nSites)) return 'occupied bitset has the wrong length';
    const k = new Float64Array(6);
    for (let i = 0; i < model.nSites; i++) {
      const isFace = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
      if (isFace !== this.steps.isFace(i, model.dim)) return `site ${i}: face bit wrong`;
      const v = recI[4 * i + 3];
      if (occ[i] === 0) {
        if (v !== -1) return `site ${i}: empty but its record holds ${v}`;
        if (this.recF[2 * i] !== 0 || recI[4 * i + 2] !== -1) return `site ${i}: empty but has rate ${this.recF[2 * i]} / group position ${recI[4 * i + 2]}`;
        continue;
      }
      const ion = v & ION_MASK;
      if (v < 0 || ion >= nIons || seen[ion]) return `site ${i}: ion ${ion} invalid or on two sites`;
      seen[ion] = 1;
      if (this.site[ion] !== i) return `site ${i}: ion ${ion} thinks it is on ${this.site[ion]}`;
      const s = v >>> SPECIES_SHIFT;
      if (this.species[ion] !== s) return `site ${i}: species ${s} in the record, ${this.species[ion]} for ion ${ion}`;
      const sum = this.interacting ? this.interactingRates(i, s, k) : this.plainRates(i, s, k);
      if (!this.interacting && sum !== this.plainRateSum(i, s)) return `site ${i}: plainRateSum disagrees with plainRates`;
      let expected = 0;
      for (let d = 0; d < model.coordination; d++) {
        const ref = hopRateAt(model, occ, i, d);
        if (ref !== k[d]) return `ion ${ion} at site ${i}, direction ${d}: engine ${k[d]} Hz, hopRateAt ${ref} Hz`;
        expected += ref;
      }
      const stored = this.recF[2 * i];
      if (expected !== stored) return `ion ${ion} at site ${i}: stored rate ${stored} Hz, recomputed ${expected} Hz`;
      const pos = recI[4 * i + 2];
      if (expected === 0) {
        if (pos !== -1) return `site ${i} has rate 0 but sits in a group at ${pos}`;
        continue;
      }
      const g = RateGroups.groupOfHigh(recI[4 * i + 1]);
      if (pos < 0 || pos >= this.groups.count[g] || this.groups.members[g][pos] !== i) return `site ${i}: not at position ${pos} of group ${g}`;
    }
    for (let ion = 0; ion < nIons; ion++) if (!seen[ion]) return `ion ${ion} is on no site`;
    const copy = new SiteRecords(model.nSites);
    const check = new RateGroups(copy);
    for (let i = 0; i < model.nSites; i++) {
      copy.f64[2 * i] = this.recF[2 * i];
      check.update(i, 0, 0);
    }
    for (let g = 0; g < check.count.length; g++) {
      if (check.count[g] !== this.groups.count[g]) return `group ${g}: ${this.groups.count[g]} members, expected ${check.count[g]}`;
      if (check.sumHi[g] !== this.groups.sumHi[g] || check.sumLo[g] !== this.groups.sumLo[g]) {
        return `group ${g}: sum ${this.groups.groupSum(g)} Hz, recomputed ${check.groupSum(g)} Hz`;
      }
      // The rejection ceiling must bound every member's rate (check.ceiling is their maximum) and stay below top.
      const ceiling = this.groups.ceiling[g];
      if (check.count[g] === 0 ? ceiling !== 0 : !(ceiling >= check.ceiling[g] && ceiling < this.groups.top[g])) {
        return `group ${g}: rejection ceiling ${ceiling} Hz, member maximum ${check.ceiling[g]} Hz, top ${this.groups.top[g]} Hz`;
      }
    }
    if (check.nActive !== this.groups.nActive) return `${this.groups.nActive} active groups, expected ${check.nActive}`;
    for (let a = 0; a < check.nActive; a++) if (check.active[a] !== this.groups.active[a]) return `active group list differs at ${a}`;
    for (let h = 0; h < this.ballHash.length; h++) if (this.ballHash[h] !== -1) return `ball hash slot ${h} not cleared`;
    return null;
  }

  dispose(): void {
    // Nothing outside the JS heap to release; the typed arrays go with the engine.
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
