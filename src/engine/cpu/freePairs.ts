// Free-pair selection for plain-hop models (cpuEngine.ts, advanceFreePairs):
// models whose hop rate depends only on the species s and the direction d of a
// hop onto a free neighbour (one region, no environment terms, no open faces,
// no reactions). There every possible event is an (ion, free neighbour) pair,
// and all pairs of one class (s, d) share the rate k_sd. So:
//   R = Σ_sd P_sd·k_sd, P_sd = the number of (ion of species s, free d-neighbour) pairs;
//   Δt = −ln U / R;
//   a class (s, d) is drawn with probability P_sd·k_sd / R;
//   a pair of that class is drawn uniformly by proposing and accepting:
//     from the ion side, a uniform ion of species s, accepted when its d-neighbour
//     exists and is free;
//     from the vacancy side, a uniform empty site v, accepted when its neighbour u
//     along the opposite slot d^1 holds an ion of species s (then v is u's
//     d-neighbour: the slot from a neighbour back is d^1, lattice.ts).
//   Each proposal hits each pair of the class with the same chance, so the
//   accepted pair is uniform over the class: exact, with no rate ratio in any
//   acceptance, so the rate range is that of the class sums.
// The side with fewer candidates is used; a proposal is accepted with chance
// P_sd / min(n_s, n_empty), so an event takes E = Σ_sd k_sd·min(n_s, n_empty) / R
// proposals on average (E = 2 for a half-filled lattice gas). The numerator is
// fixed while only hops happen, so E is watched for free: a clustered or
// segregated configuration (few free pairs for many candidates) makes E large,
// and the engine then runs the group loop (advancePlainHops) until E is small
// again (the hysteresis thresholds below).
//
// State: the sites in one array, `order`, in segments: species 0's ions,
// species 1's, …, then the empty sites; a site's index in `order` is word 2 of
// its record (the group position, unused while free pairs run). A hop swaps
// two entries, so proposals draw uniformly from a segment in O(1).

/** Leave free pairs for the group loop when an event needs more proposals than this on average. */
export const LEAVE_ABOVE_PROPOSALS = 8;
/** Enter free pairs when an event needs at most this many proposals on average. */
export const ENTER_AT_PROPOSALS = 4;
/** Events the group loop runs before free pairs are considered again (at least; more on a large lattice). */
export const MIN_GROUP_EVENTS = 4096;

export class FreePairState {
  /** 1 while the engine runs on free pairs: the per-site rates and the groups are stale. */
  active = 0;
  /** 0: free pairs may be entered; 1: never (tests and benchmarks compare the group loop). */
  disabled = 0;
  /** Events the group loop still runs before free pairs are considered again. */
  groupEventsLeft = 0;
  /** P_sd at index s·Z + d. */
  pairCount: Float64Array;
  /** Ions of each species. */
  speciesCount: Float64Array;
  /** Start of species s's segment in `order`; entry nSpecies is the start of the empty sites. */
  segmentStart: Float64Array;
  /** Σ_sd k_sd·min(n_s, n_empty): the proposals an event takes on average are this over R. */
  proposalWeight = 0;
  /** Sites in segments (see the file comment). */
  order = new Int32Array(0);
  /** Events run on free pairs and proposals made for them (for the benchmark and docs). */
  events = 0;
  proposals = 0;
  /** Switches between free pairs and the group loop. */
  switches = 0;

  constructor(nSpecies: number, Z: number) {
    this.pairCount = new Float64Array(nSpecies * Z);
    this.speciesCount = new Float64Array(nSpecies);
    this.segmentStart = new Float64Array(nSpecies + 1);
  }

  bytes(): number {
    return this.pairCount.byteLength + this.speciesCount.byteLength + this.segmentStart.byteLength + this.order.byteLength;
  }
}

/** Σ_sd k_sd·min(n_s, n_empty) for the counts in `state` (k_sd = hopRate[s·Z + d], one region). */
export function proposalWeight(state: FreePairState, hopRate: Float64Array, nSpecies: number, Z: number, nSites: number): number {
  const nIons = state.segmentStart[nSpecies];
  const empty = nSites - nIons;
  let w = 0;
  for (let s = 0; s < nSpecies; s++) {
    const m = Math.min(state.speciesCount[s], empty);
    for (let d = 0; d < Z; d++) w += hopRate[s * Z + d] * m;
  }
  return w;
}

/** Σ_sd P_sd·k_sd in class order, exactly as the loop sums it. */
export function freePairRate(pairCount: Float64Array, hopRate: Float64Array): number {
  let total = 0;
  for (let c = 0; c < pairCount.length; c++) total += pairCount[c] * hopRate[c];
  return total;
}
