// Composition–rejection bookkeeping (Slepoy, Thompson & Plimpton, J. Chem. Phys.
// 128, 205101 (2008)): occupied sites with a positive rate (their ion's total
// hop rate) are grouped by the top 14 bits of the rate's float64 pattern: the
// binary exponent and the first 3 mantissa bits. Every member of a group has a
// rate in [bottom, top) with top/bottom ≤ 9/8, so a uniformly drawn member is
// accepted (probability rate/ceiling, where bottom ≤ rate ≤ ceiling < top)
// with chance ≥ 8/9. SPPARKS groups by powers
// of 2 (acceptance ≥ 1/2); the finer groups halve the rejected draws, each of
// which costs two cache misses on a large lattice.
//
// Exactness: a rate is m·2^(e-1075) with m a 53-bit integer and e its biased
// exponent (the group's top 11 bits). Each group keeps
// Σm split into a high (27 bits per ion) and a low (26 bits per ion) part; both
// sums stay below 2^53 for up to 2^26 items, so they are exact integers in a
// float64 and never drift, however many additions and removals happen: a rate
// of 1e-45 Hz next to 1e6 Hz is neither absorbed nor lost, and an emptied group
// is exactly 0. A group sum is rounded once, when it is read.
//
// Site records (16 bytes per site, one cache line holds four), indexed by site
// so that refreshing the ions around a hop touches records next to each other
// in memory, with no site→ion→record indirection:
//   Float64 [2i]   total hop rate of the ion on site i (Hz; 0 when empty or blocked);
//                  as Int32 [4i] low word, [4i+1] high word
//   Int32   [4i+2] position of site i in its group's member list (−1: rate 0, in no group)
//   Int32   [4i+3] ion on site i | species << 28 (−1: empty)
// The groups read a rate's bits straight from the record.
import { NonFiniteRateError } from '../engine';

/** Group index = bits 17–30 of the high word: 11 exponent bits and 3 mantissa bits. */
export const N_GROUPS = 16384;
export const GROUP_SHIFT = 17;
const TWO_POW_26 = 67108864;

const EMPTY_LIST = new Int32Array(0);

/**
 * Per-group constants, computed once per process instead of once per engine
 * (sweeps and validation construct many small engines; filling these per
 * engine dominated the construction of a 32² engine).
 */
const GROUP_UNIT = new Float64Array(N_GROUPS);
const GROUP_TOP = new Float64Array(N_GROUPS);
{
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let g = 0; g < N_GROUPS; g++) {
    // Exponent 0 holds subnormal rates: m has no implicit bit, unit 2^-1074.
    GROUP_UNIT[g] = 2 ** (Math.max(g >>> 3, 1) - 1075);
    words[0] = 0;
    words[1] = ((g + 1) << GROUP_SHIFT) >>> 0;
    GROUP_TOP[g] = bits[0]; // Infinity for the last finite group, never used by a finite rate
  }
}

export class SiteRecords {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  constructor(nSites: number) {
    this.f64 = new Float64Array(2 * nSites);
    this.i32 = new Int32Array(this.f64.buffer);
  }
}

export class RateGroups {
  /**
   * Slot of group g in the per-slot arrays below, 0 while g has never held a
   * member (slot 0 is unused). A slot is handed out on a group's first use and
   * kept. Only the groups in use have storage: a per-group table of all 16384
   * groups made constructing an engine cost about 1 ms (sweeps and validation
   * construct many small engines).
   */
  readonly slotOf = new Int16Array(N_GROUPS);
  /** Slots handed out so far, plus the unused slot 0. */
  nSlots = 1;
  // Per slot, grown by doubling (the arrays are replaced: read them through the object, not cached across an update).
  /** Group of each slot. */
  groupOfSlot: Int32Array;
  /** Σ of (m >> 26) over members, exact. */
  sumHi: Float64Array;
  /** Σ of (m & (2^26 − 1)) over members, exact. */
  sumLo: Float64Array;
  count: Int32Array;
  /** Member lists (site indices), grown by a quarter when full; swap-remove keeps them dense. */
  readonly members: Int32Array[];
  /** 2^(e-1075): the weight of one unit of m (exponent e = group >> 3). */
  unit: Float64Array;
  /**
   * Upper bound on the rates now in the slot's group, used as the rejection
   * ceiling: the largest rate that entered the group since it was last empty
   * (0 when empty), so bottom ≤ rate ≤ ceiling < top and the acceptance
   * rate/ceiling is still ≥ 8/9. Members that all share one rate (an
   * equal-rate lattice gas) are then accepted with probability exactly 1: no
   * rejected draw, each of which costs two cache misses on a large lattice.
   */
  ceiling: Float64Array;
  /** Slots of the non-empty groups in ascending order of group (so of exponent). */
  active: Int32Array;
  nActive = 0;
  /** Scratch for one selection: sums of the `active` slots, same order. */
  activeSums: Float64Array;
  private readonly rec: Int32Array;
  private readonly recF: Float64Array;

  constructor(records: SiteRecords) {
    this.rec = records.i32;
    this.recF = records.f64;
    const capacity = 16;
    this.groupOfSlot = new Int32Array(capacity);
    this.sumHi = new Float64Array(capacity);
    this.sumLo = new Float64Array(capacity);
    this.count = new Int32Array(capacity);
    this.unit = new Float64Array(capacity);
    this.ceiling = new Float64Array(capacity);
    this.active = new Int32Array(capacity);
    this.activeSums = new Float64Array(capacity);
    this.members = [EMPTY_LIST];
  }

  /** Group of a rate given its high word. */
  static groupOfHigh(hi: number): number {
    return hi >>> GROUP_SHIFT;
  }

  /** Members of group g now (0 for a group never used). */
  countOf(g: number): number {
    const slot = this.slotOf[g];
    return slot === 0 ? 0 : this.count[slot];
  }

  /** Member list of group g (its first countOf(g) entries are the members). */
  membersOf(g: number): Int32Array {
    return this.members[this.slotOf[g]];
  }

  /** Rejection ceiling of group g (0 when empty). */
  ceilingOf(g: number): number {
    const slot = this.slotOf[g];
    return slot === 0 ? 0 : this.ceiling[slot];
  }

  /** Exclusive upper bound on the rates of group g. */
  topOf(g: number): number {
    return GROUP_TOP[g];
  }

  /** The exact integer sums of group g, as [Σ(m >> 26), Σ(m & (2^26−1))]. */
  exactSumOf(g: number): [number, number] {
    const slot = this.slotOf[g];
    return slot === 0 ? [0, 0] : [this.sumHi[slot], this.sumLo[slot]];
  }

  /** Groups with members, ascending. */
  activeGroups(): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.nActive; k++) out.push(this.groupOfSlot[this.active[k]]);
    return out;
  }

  /**
   * Hands group g its slot now if it has none (unobservable: a slot without
   * members is in no scan). The plain-hop loop reserves the slots of all its
   * rates first, so the per-slot arrays are not replaced while it runs.
   */
  reserve(g: number): void {
    this.slotFor(g);
  }

  /** Slot of group g, handed out on first use. */
  private slotFor(g: number): number {
    const slot = this.slotOf[g];
    if (slot !== 0) return slot;
    if (this.nSlots === this.count.length) this.growSlots();
    const fresh = this.nSlots++;
    this.slotOf[g] = fresh;
    this.groupOfSlot[fresh] = g;
    this.unit[fresh] = GROUP_UNIT[g];
    this.members.push(EMPTY_LIST);
    return fresh;
  }

  private growSlots(): void {
    const n = 2 * this.count.length;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.groupOfSlot = grow(this.groupOfSlot, (k) => new Int32Array(k));
    this.sumHi = grow(this.sumHi, (k) => new Float64Array(k));
    this.sumLo = grow(this.sumLo, (k) => new Float64Array(k));
    this.count = grow(this.count, (k) => new Int32Array(k));
    this.unit = grow(this.unit, (k) => new Float64Array(k));
    this.ceiling = grow(this.ceiling, (k) => new Float64Array(k));
    this.active = grow(this.active, (k) => new Int32Array(k));
    this.activeSums = grow(this.activeSums, (k) => new Float64Array(k));
  }

  /**
   * Moves item k from the group of its old rate (bits oldHi:oldLo, 0:0 for rate 0)
   * to the group of the rate now in its record.
   */
  update(k: number, oldHi: number, oldLo: number): void {
    const rec = this.rec;
    const hi = rec[4 * k + 1];
    const lo = rec[4 * k];
    const g = hi >>> GROUP_SHIFT;
    const og = oldHi >>> GROUP_SHIFT;
    if ((oldHi | oldLo) === 0) {
      if ((hi | lo) !== 0) this.insert(k, g, hi, lo);
      return;
    }
    if ((hi | lo) === 0) {
      this.remove(k, og, oldHi, oldLo);
      return;
    }
    if (g === og) {
      const slot = this.slotOf[g];
      this.sumHi[slot] += mantissaHigh(hi, lo, g) - mantissaHigh(oldHi, oldLo, g);
      this.sumLo[slot] += (lo & 0x3ffffff) - (oldLo & 0x3ffffff);
      const rate = this.recF[2 * k];
      if (rate > this.ceiling[slot]) this.ceiling[slot] = rate;
      return;
    }
    this.remove(k, og, oldHi, oldLo);
    this.insert(k, g, hi, lo);
  }

  /**
   * An ion moved from site `from` (its record's rate already 0, old rate bits
   * oldHi:oldLo) to the empty site `to` (its new rate already in the record).
   * If both rates fall in one group, `to` takes over the member slot of
   * `from`: one list write instead of a swap-remove, whose write to the
   * record of the list's last member is a cache miss on a large lattice.
   */
  transfer(from: number, to: number, oldHi: number, oldLo: number): void {
    const rec = this.rec;
    const hi = rec[4 * to + 1];
    const lo = rec[4 * to];
    const g = hi >>> GROUP_SHIFT;
    if ((oldHi | oldLo) === 0) {
      if ((hi | lo) !== 0) this.insert(to, g, hi, lo);
      return;
    }
    const og = oldHi >>> GROUP_SHIFT;
    if ((hi | lo) !== 0 && g === og) {
      const slot = this.slotOf[g];
      this.sumHi[slot] += mantissaHigh(hi, lo, g) - mantissaHigh(oldHi, oldLo, g);
      this.sumLo[slot] += (lo & 0x3ffffff) - (oldLo & 0x3ffffff);
      const rate = this.recF[2 * to];
      if (rate > this.ceiling[slot]) this.ceiling[slot] = rate;
      const p = rec[4 * from + 2];
      this.members[slot][p] = to;
      rec[4 * to + 2] = p;
      rec[4 * from + 2] = -1;
      return;
    }
    this.remove(from, og, oldHi, oldLo);
    if ((hi | lo) !== 0) this.insert(to, g, hi, lo);
  }

  private insert(k: number, g: number, hi: number, lo: number): void {
    if (g >>> 3 === 0x7ff) throw new NonFiniteRateError('cpu', `the hop rate of site ${k} is ${this.recF[2 * k]} Hz`);
    const slot = this.slotFor(g);
    this.sumHi[slot] += mantissaHigh(hi, lo, g);
    this.sumLo[slot] += lo & 0x3ffffff;
    const rate = this.recF[2 * k];
    if (rate > this.ceiling[slot]) this.ceiling[slot] = rate;
    const n = this.count[slot];
    let list = this.members[slot];
    if (n === list.length) list = this.growList(slot);
    list[n] = k;
    this.rec[4 * k + 2] = n;
    this.count[slot] = n + 1;
    if (n === 0) this.activate(slot, g);
  }

  /** A longer member list for a slot whose list is full; returns it. */
  growList(slot: number): Int32Array {
    const list = this.members[slot];
    // Growth by 1/4 (amortised O(1)) keeps the spare capacity, and so the bytes per site, small.
    const grown = new Int32Array(Math.max(16, list.length + (list.length >> 2)));
    grown.set(list);
    this.members[slot] = grown;
    return grown;
  }

  private remove(k: number, g: number, hi: number, lo: number): void {
    const slot = this.slotOf[g];
    this.sumHi[slot] -= mantissaHigh(hi, lo, g);
    this.sumLo[slot] -= lo & 0x3ffffff;
    const rec = this.rec;
    const list = this.members[slot];
    const n = this.count[slot] - 1;
    const p = rec[4 * k + 2];
    const last = list[n];
    list[p] = last;
    rec[4 * last + 2] = p;
    rec[4 * k + 2] = -1;
    this.count[slot] = n;
    if (n === 0) this.deactivate(slot);
  }

  /** Gives each non-empty group a list of exactly `count + count/8 + 16` (after a rebuild). */
  trim(): void {
    for (let k = 0; k < this.nActive; k++) {
      const slot = this.active[k];
      const n = this.count[slot];
      const cap = n + (n >> 3) + 16;
      if (this.members[slot].length > cap) this.members[slot] = this.members[slot].slice(0, cap);
    }
  }

  /** Exact sum of group g, rounded once. */
  groupSum(g: number): number {
    const slot = this.slotOf[g];
    if (slot === 0) return 0;
    return (this.sumHi[slot] * TWO_POW_26 + this.sumLo[slot]) * this.unit[slot];
  }

  /**
   * Total rate: fills activeSums and sums them in ascending order of exponent,
   * so small groups are added before large ones.
   */
  total(): number {
    const active = this.active;
    const sums = this.activeSums;
    const sumHi = this.sumHi;
    const sumLo = this.sumLo;
    const unit = this.unit;
    let r = 0;
    for (let k = 0; k < this.nActive; k++) {
      const slot = active[k];
      const s = (sumHi[slot] * TWO_POW_26 + sumLo[slot]) * unit[slot];
      sums[k] = s;
      r += s;
    }
    return r;
  }

  /**
   * Slot of the group for x = U·total (U uniform in (0,1]) after total(): the
   * first group, in ascending order, whose cumulative sum exceeds x. Ascending
   * order puts the small groups where x has the finest resolution, so a
   * group's chance is its sum over the total to within ~nItems·2^-52
   * relative, however small.
   */
  pick(x: number): number {
    const sums = this.activeSums;
    const n = this.nActive;
    let c = 0;
    for (let k = 0; k < n - 1; k++) {
      c += sums[k];
      if (x < c) return this.active[k];
    }
    return this.active[n - 1];
  }

  /** Drops every item (before a rebuild); the caller zeroes the rates in the records. */
  clear(): void {
    for (let k = 0; k < this.nActive; k++) {
      const slot = this.active[k];
      this.sumHi[slot] = 0;
      this.sumLo[slot] = 0;
      this.count[slot] = 0;
      this.ceiling[slot] = 0;
    }
    this.nActive = 0;
  }

  bytes(): number {
    let n = this.slotOf.byteLength + this.groupOfSlot.byteLength + this.sumHi.byteLength + this.sumLo.byteLength + this.count.byteLength;
    n += this.unit.byteLength + this.ceiling.byteLength + this.active.byteLength + this.activeSums.byteLength;
    for (const m of this.members) n += m.byteLength;
    return n;
  }

  /** Puts a slot that just got its first member into the ascending list of non-empty groups. */
  activate(slot: number, g: number): void {
    const a = this.active;
    const groupOf = this.groupOfSlot;
    let k = this.nActive++;
    while (k > 0 && groupOf[a[k - 1]] > g) {
      a[k] = a[k - 1];
      k--;
    }
    a[k] = slot;
  }

  /** Takes a slot that just lost its last member out of the list of non-empty groups. */
  deactivate(slot: number): void {
    this.ceiling[slot] = 0;
    const a = this.active;
    const n = --this.nActive;
    let k = 0;
    while (a[k] !== slot) k++;
    for (; k < n; k++) a[k] = a[k + 1];
  }
}

/** m >> 26 of a rate with words hi:lo in group g (27 bits; no implicit bit for subnormals). */
export function mantissaHigh(hi: number, lo: number, g: number): number {
  return ((hi & 0xfffff) | (g < 8 ? 0 : 0x100000)) * 64 + (lo >>> 26);
}
