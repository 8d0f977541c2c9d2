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

export class SiteRecords {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  constructor(nSites: number) {
    this.f64 = new Float64Array(2 * nSites);
    this.i32 = new Int32Array(this.f64.buffer);
  }
}

export class RateGroups {
  /** Σ of (m >> 26) over members, exact. */
  readonly sumHi = new Float64Array(N_GROUPS);
  /** Σ of (m & (2^26 − 1)) over members, exact. */
  readonly sumLo = new Float64Array(N_GROUPS);
  readonly count = new Int32Array(N_GROUPS);
  /** Member lists (site indices), grown by a quarter when full; swap-remove keeps them dense. */
  readonly members: Int32Array[] = [];
  /** 2^(e-1075): the weight of one unit of m in group g (exponent e = g >> 3). */
  readonly unit = new Float64Array(N_GROUPS);
  /** Smallest rate of the next group: an exclusive upper bound on the members' rates (the ceiling stays below it). */
  readonly top = new Float64Array(N_GROUPS);
  /**
   * Upper bound on the rates now in group g, used as the rejection ceiling:
   * the largest rate that entered g since g was last empty (0 when empty), so
   * bottom ≤ rate ≤ ceiling < top and the acceptance rate/ceiling is still
   * ≥ 8/9. Members that all share one rate (an equal-rate lattice gas) are
   * then accepted with probability exactly 1: no rejected draw, each of which
   * costs two cache misses on a large lattice.
   */
  readonly ceiling = new Float64Array(N_GROUPS);
  /** Non-empty groups in ascending order of exponent. */
  readonly active = new Int32Array(N_GROUPS);
  nActive = 0;
  /** Scratch for one selection: group sums of `active`, same order. */
  readonly activeSums = new Float64Array(N_GROUPS);
  private readonly rec: Int32Array;
  private readonly recF: Float64Array;

  constructor(records: SiteRecords) {
    this.rec = records.i32;
    this.recF = records.f64;
    const empty = new Int32Array(0);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    for (let g = 0; g < N_GROUPS; g++) {
      this.members.push(empty);
      // Exponent 0 holds subnormal rates: m has no implicit bit, unit 2^-1074.
      this.unit[g] = 2 ** (Math.max(g >>> 3, 1) - 1075);
      words[0] = 0;
      words[1] = ((g + 1) << GROUP_SHIFT) >>> 0;
      this.top[g] = bits[0]; // Infinity for the last finite group, never used by a finite rate
    }
  }

  /** Group of a rate given its high word. */
  static groupOfHigh(hi: number): number {
    return hi >>> GROUP_SHIFT;
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
      this.sumHi[g] += mantissaHigh(hi, lo, g) - mantissaHigh(oldHi, oldLo, g);
      this.sumLo[g] += (lo & 0x3ffffff) - (oldLo & 0x3ffffff);
      const rate = this.recF[2 * k];
      if (rate > this.ceiling[g]) this.ceiling[g] = rate;
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
      this.sumHi[g] += mantissaHigh(hi, lo, g) - mantissaHigh(oldHi, oldLo, g);
      this.sumLo[g] += (lo & 0x3ffffff) - (oldLo & 0x3ffffff);
      const rate = this.recF[2 * to];
      if (rate > this.ceiling[g]) this.ceiling[g] = rate;
      const p = rec[4 * from + 2];
      this.members[g][p] = to;
      rec[4 * to + 2] = p;
      rec[4 * from + 2] = -1;
      return;
    }
    this.remove(from, og, oldHi, oldLo);
    if ((hi | lo) !== 0) this.insert(to, g, hi, lo);
  }

  private insert(k: number, g: number, hi: number, lo: number): void {
    if (g >>> 3 === 0x7ff) throw new NonFiniteRateError('cpu', `the hop rate of site ${k} is ${this.recF[2 * k]} Hz`);
    this.sumHi[g] += mantissaHigh(hi, lo, g);
    this.sumLo[g] += lo & 0x3ffffff;
    const rate = this.recF[2 * k];
    if (rate > this.ceiling[g]) this.ceiling[g] = rate;
    const n = this.count[g];
    let list = this.members[g];
    if (n === list.length) {
      // Growth by 1/4 (amortised O(1)) keeps the spare capacity, and so the bytes per site, small.
      const grown = new Int32Array(Math.max(16, list.length + (list.length >> 2)));
      grown.set(list);
      this.members[g] = list = grown;
    }
    list[n] = k;
    this.rec[4 * k + 2] = n;
    this.count[g] = n + 1;
    if (n === 0) this.activate(g);
  }

  private remove(k: number, g: number, hi: number, lo: number): void {
    this.sumHi[g] -= mantissaHigh(hi, lo, g);
    this.sumLo[g] -= lo & 0x3ffffff;
    const rec = this.rec;
    const list = this.members[g];
    const n = this.count[g] - 1;
    const p = rec[4 * k + 2];
    const last = list[n];
    list[p] = last;
    rec[4 * last + 2] = p;
    rec[4 * k + 2] = -1;
    this.count[g] = n;
    if (n === 0) this.deactivate(g);
  }

  /** Gives each non-empty group a list of exactly `count + count/8 + 16` (after a rebuild). */
  trim(): void {
    for (let k = 0; k < this.nActive; k++) {
      const g = this.active[k];
      const n = this.count[g];
      const cap = n + (n >> 3) + 16;
      if (this.members[g].length > cap) this.members[g] = this.members[g].slice(0, cap);
    }
  }

  /** Exact sum of group g, rounded once. */
  groupSum(g: number): number {
    return (this.sumHi[g] * TWO_POW_26 + this.sumLo[g]) * this.unit[g];
  }

  /**
   * Total rate: fills activeSums and sums them in ascending order of exponent,
   * so small groups are added before large ones.
   */
  total(): number {
    const active = this.active;
    const sums = this.activeSums;
    let r = 0;
    for (let k = 0; k < this.nActive; k++) {
      const g = active[k];
      const s = (this.sumHi[g] * TWO_POW_26 + this.sumLo[g]) * this.unit[g];
      sums[k] = s;
      r += s;
    }
    return r;
  }

  /**
   * Group for x = U·total (U uniform in (0,1]) after total(): the first group,
   * in ascending order, whose cumulative sum exceeds x. Ascending order puts
   * the small groups where x has the finest resolution, so a group's chance is
   * its sum over the total to within ~nItems·2^-52 relative, however small.
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
      const g = this.active[k];
      this.sumHi[g] = 0;
      this.sumLo[g] = 0;
      this.count[g] = 0;
      this.ceiling[g] = 0;
    }
    this.nActive = 0;
  }

  bytes(): number {
    let n = this.sumHi.byteLength + this.sumLo.byteLength + this.count.byteLength + this.unit.byteLength + this.top.byteLength;
    n += this.ceiling.byteLength;
    n += this.active.byteLength + this.activeSums.byteLength;
    for (const m of this.members) n += m.byteLength;
    return n;
  }

  private activate(g: number): void {
    const a = this.active;
    let k = this.nActive++;
    while (k > 0 && a[k - 1] > g) {
      a[k] = a[k - 1];
      k--;
    }
    a[k] = g;
  }

  private deactivate(g: number): void {
    this.ceiling[g] = 0;
    const a = this.active;
    const n = --this.nActive;
    let k = 0;
    while (a[k] !== g) k++;
    for (; k < n; k++) a[k] = a[k + 1];
  }
}

/** m >> 26 of a rate with words hi:lo in group g (27 bits; no implicit bit for subnormals). */
function mantissaHigh(hi: number, lo: number, g: number): number {
  return ((hi & 0xfffff) | (g < 8 ? 0 : 0x100000)) * 64 + (lo >>> 26);
}
