// Look-up tables for the CPU engine's plain-hop loop (cpuEngine.ts,
// advancePlainHops): models whose hop rates depend only on the species and on
// which neighbours are free (one region, no environment terms, no open faces,
// no reactions). Entry e = (species << Z) | freeMask, bit d of freeMask set when
// the neighbour along slot d is free. For each entry the tables hold
//   rateSum     the ion's total hop rate, summed over the set bits in slot order,
//               exactly as CpuEngine.storePlainRate's loop adds them (same bits);
//   the direction choice of CpuEngine.pickSlot, unrolled: the cumulative sums it
//   compares U·Σk with and the slot each comparison returns, in the order
//   pickSlot scans them (slot order when the positive rates lie within a factor
//   2, else ascending rate, ties in slot order), so a look-up walk gives the
//   same slot as pickSlot for every U, bit for bit.
// Exactness is unchanged: the tables hold the very sums pickSlot would form.

export interface PlainHopTables {
  /** Slots (directions) per site. */
  readonly Z: number;
  /** Total hop rate per entry (Hz). */
  readonly rateSum: Float64Array;
  /** Positive-rate slots per entry. */
  readonly positive: Int8Array;
  /** thresholds[e·Z + p], p < positive[e] − 1: the cumulative sum compared at step p. */
  readonly thresholds: Float64Array;
  /** slots[e·Z + p]: the slot step p returns (p = positive[e] − 1: the slot when no comparison succeeds). */
  readonly slots: Int8Array;
}

/**
 * Tables for species 0..nSpecies−1 with per-slot rates hopRate[s·Z + d] (one
 * region). Null when some sum is not finite: the general path then reports
 * the non-finite rate where it arises.
 */
export function buildPlainHopTables(hopRate: Float64Array, nSpecies: number, Z: number): PlainHopTables | null {
  const entries = nSpecies << Z;
  const rateSum = new Float64Array(entries);
  const positive = new Int8Array(entries);
  const thresholds = new Float64Array(entries * Z);
  const slots = new Int8Array(entries * Z);
  const k = new Float64Array(Z);
  const order: number[] = [];
  for (let s = 0; s < nSpecies; s++) {
    for (let mask = 0; mask < 1 << Z; mask++) {
      const e = (s << Z) | mask;
      let total = 0;
      for (let d = 0; d < Z; d++) {
        k[d] = (mask >> d) & 1 ? hopRate[s * Z + d] : 0;
        if ((mask >> d) & 1) total += hopRate[s * Z + d];
      }
      if (!(total < Infinity)) return null;
      rateSum[e] = total;
      // pickSlot: the positive rates, their spread decides the scan order.
      let kMin = Infinity;
      let kMax = 0;
      order.length = 0;
      for (let d = 0; d < Z; d++) {
        if (!(k[d] > 0)) continue;
        if (k[d] < kMin) kMin = k[d];
        if (k[d] > kMax) kMax = k[d];
        order.push(d);
      }
      if (!(kMax <= 2 * kMin)) {
        // Ascending rate, ties kept in slot order (pickSlot's insertion sort moves past strictly larger rates only).
        for (let p = 1; p < order.length; p++) {
          const d = order[p];
          let q = p;
          while (q > 0 && k[order[q - 1]] > k[d]) {
            order[q] = order[q - 1];
            q--;
          }
          order[q] = d;
        }
      }
      // Slot order adds the zero rates too, which leaves every cumulative sum as it is:
      // a comparison at a zero-rate slot repeats the previous one, so it never returns.
      let c = 0;
      for (let p = 0; p < order.length; p++) {
        c += k[order[p]];
        thresholds[e * Z + p] = c;
        slots[e * Z + p] = order[p];
      }
      positive[e] = order.length;
    }
  }
  return { Z, rateSum, positive, thresholds, slots };
}
