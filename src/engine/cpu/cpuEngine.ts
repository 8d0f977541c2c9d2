// The exact (rejection-free, BKL / n-fold way) kinetic Monte Carlo engine.
// Each event picks one hop with probability k/R and advances the clock by
// Δt = −ln(U)/R. The hopping ion is chosen by composition–rejection over groups
// of ions with rates within a factor 9/8 (rateGroups.ts: exact integer group
// sums, so rates 50 orders of magnitude apart coexist), the hop direction then
// from that ion's ≤ 2·dim rates. After a hop only ions whose rate can have
// changed are recomputed. Rates and group positions are kept per site, so the
// ions around a hop are updated without a site→ion look-up; occupancy is a
// bitset that stays in cache. Plain-hop models (one region, no environment
// terms, closed box) usually run free-pair selection instead (freePairs.ts,
// advanceFreePairs): pair counts per (species, direction), no regrouping.
// See docs/cpu-engine.md for the algorithm, the
// exactness argument, the memory layout and measured speed.
import { hopBarrierShift, hopRateAt, interactionShift, reservoirRateAt, type RateModel } from '../../model/rateModel';
import { ruleShift, type LubricationRule } from '../../model/lubrication';
import { reactionEnergy, reactionRate, reactionRateAt, type WaterDissociation } from '../../model/waterDissociation';
import { ReactionLedger } from './reactionChannels';
import { CATALYSED_OFFSET, ReactionBonds, RECOMBINATION_OFFSET } from './reactionBonds';
import { describeLattice, sameLattice } from '../../model/lattice';
import { CHANNEL_KINDS } from '../../model/channels';
import { NonFiniteRateError, type AdvanceLimit, type AdvanceReport, type ChemistryCounts, type Engine, type EngineKind, type IonState, type ReservoirCounts } from '../engine';
import * as aleaStream from './aleaStream';
import { AleaStream, type AleaState } from './aleaStream';
import { SiteRecords, RateGroups, N_GROUPS } from './rateGroups';
import * as rateGroups from './rateGroups';
import { ReservoirSlots } from './reservoirChannels';
import { bitsetWords, buildBitsets, LatticeSteps } from './siteTable';
import { buildPlainHopTables, type PlainHopTables } from './plainHopTables';
import { ENTER_AT_PROPOSALS, FreePairState, freePairRate, LEAVE_ABOVE_PROPOSALS, MIN_GROUP_EVENTS, proposalWeight } from './freePairs';

const TWO_POW_M32 = 2.3283064365386963e-10;
const TWO_POW_32 = 4294967296;
const TWO_POW_26 = 67108864;
// Module-local constants fold into the hot loop; an imported binding may
// compile to a getter call (tsx emits such getters).
const FULL_PRECISION_FIRST_WORD = 4194304;
if (FULL_PRECISION_FIRST_WORD !== aleaStream.FULL_PRECISION_FIRST_WORD) {
  throw new Error('cpuEngine.ts disagrees with aleaStream.ts on FULL_PRECISION_FIRST_WORD');
}
/** A rate's group: its high word >>> GROUP_SHIFT (rateGroups.ts). */
const GROUP_SHIFT = 17;
if (GROUP_SHIFT !== rateGroups.GROUP_SHIFT) throw new Error('cpuEngine.ts disagrees with rateGroups.ts on GROUP_SHIFT');
/** Word 3 of an occupied site's record: ion | species << SPECIES_SHIFT. */
const ION_MASK = 0x0fffffff;
const SPECIES_SHIFT = 28;
/** Hops per batch of site/displacement updates. */
const JOURNAL_LENGTH = 2048;
/**
 * Events per call of a plain-model loop. advanceSync calls the loop function
 * repeatedly instead of once: a function entered rarely runs only as on-stack
 * replacement code, which V8 did not re-optimize after a new engine
 * invalidated it (measured: the second engine of a process at half speed);
 * called often, it is re-optimized like any hot function.
 */
const PLAIN_CHUNK = 4096;
/** Index of the hop kind in eventCountsByKind. */
const HOP_KIND = CHANNEL_KINDS.indexOf('hop');
const RESERVOIR_KIND = CHANNEL_KINDS.indexOf('reservoir');
const WATER_KIND = CHANNEL_KINDS.indexOf('water-dissociation');

export class CpuEngine implements Engine {
  readonly kind: EngineKind = 'cpu';
  private currentModel: RateModel;
  private clock = 0;
  /** Sink for the early loads that act as prefetches (keeps them from being optimised away). */
  private touched = 0;
  private eventTotal = 0;

  // The current model, unpacked for the hot loop.
  /** Direction slots (model.directions). */
  private readonly Z: number;
  private nSpecies: number;
  private R: number;
  private multiRegion: boolean;
  private siteRegion: Uint8Array;
  private hopRate: Float64Array;
  private pairEnergy: Float64Array;
  private kT: number;
  /** A rate depends on the environment (pair interactions or lubrication): the two-shell refresh path. */
  private interacting: boolean;
  /** Reservoir channels (slots Z + s) when the scene opens faces to an electrolyte, else null. */
  private reservoir: ReservoirSlots | null;
  /** Pair interactions present (environment energies to sum). */
  private pairs: boolean;
  private lubrication: readonly LubricationRule[];
  /** 1 for a species some lubrication rule shifts. */
  private lubricated: Uint8Array;
  /** Scratch: the distinct sites around a bond (lubrication.ts, bondNeighbourhood). */
  private readonly bondSites: Int32Array;
  /** Hops per species whose saddle a lubrication rule shifted. */
  private lubricatedHopCounts: Float64Array;
  /** Water dissociation (slots reactionBase + d of a surface site: the reaction on the bond along slot d), or null. */
  private reaction: WaterDissociation | null;
  /** First reaction slot: Z + nSpecies after the reservoir slots when the scene has both, else Z. */
  private reactionBase: number;
  /** The reaction's bonds worked out once per model (host ends, catalyst neighbourhoods, rates without pair energies); null without a reaction. */
  private reactionBonds: ReactionBonds | null = null;
  /** Set while a reaction places or takes its two ions: one refresh around both afterwards (react). */
  private refreshDeferred = false;
  /** Per site the stamp of the last markFirstShells that reached it (allocated on first use: reactions without environment terms). */
  private shellMarks = new Int32Array(0);
  private shellStamp = 0;
  /** hopsByDirection[s·Z + d]: hops per species and direction slot (the stiffness report's balance index). */
  private readonly hopsByDirection: Float64Array;
  /** Origins of the ions and the reaction counts (reactionChannels.ts). */
  private readonly ledger: ReactionLedger;

  private readonly steps: LatticeSteps;
  private readonly step: Int32Array;
  /** Journal's one-add path: every slot moves one unit along one component. */
  private readonly singleComponentSteps: boolean;
  private readonly unitAxis: Int8Array;
  private readonly unitSign: Int8Array;
  /** Bitsets over sites (siteTable.ts). */
  private readonly occupiedBits: Int32Array;
  private readonly faceBits: Int32Array;
  /** Rate, group position, ion and species per site (rateGroups.ts). */
  private readonly records: SiteRecords;
  private readonly recF: Float64Array;
  private readonly recI: Int32Array;
  private species: Uint8Array;
  /** Site of each ion (the engine runs on the per-site records; this is for the view). */
  private site: Int32Array;
  /** Unwrapped displacement per ion, x, y, z in lattice steps. */
  private displacement: Int32Array;
  /** 1 per ion slot that holds an ion now (hops keep the population; insertIon/removeIon change it). */
  private alive: Uint8Array;
  /** Ion slots in use (≤ the arrays' capacity); a slot is never reused. */
  private slots: number;
  private aliveIons: number;
  /**
   * Hops not yet applied to site/displacement: (ion, new site, direction) per
   * entry. Applying them in batches turns one dependent cache miss per event
   * into many independent ones; every advance ends with the journal applied.
   */
  private readonly journal = new Int32Array(3 * JOURNAL_LENGTH);
  private journalLength = 0;
  /** Sites whose rates a hop with interactions refreshes, deduplicated through a small hash set. */
  private readonly ballSites: Int32Array;
  private readonly ballSlots: Int32Array;
  /** Open-addressing set over ballSites; a power of two ≥ 4× their count. */
  private readonly ballHash: Int32Array;
  private readonly ballHashMask: number;
  private readonly ballHashShift: number;
  private readonly groups: RateGroups;
  private readonly rng: AleaStream;

  private crossingCounts: Float64Array;
  private readonly speciesEvents: Float64Array;
  /** Events per channel kind (CHANNEL_KINDS order). */
  private readonly kindEvents = new Float64Array(CHANNEL_KINDS.length);

  /** Rates of the selected ion's channels: slot d < Z is the hop along direction d. */
  private readonly channelRates: Float64Array;
  private readonly channelOrder: Int8Array;
  /**
   * Doubles handed between methods of the hot loop go through this array, not
   * through arguments and return values: V8 boxes a double passed to or
   * returned from a call it does not inline (a 16-byte heap object), which
   * cost about 85 bytes of garbage per event on 100×100. [0]: the channel
   * uniform U (then U·Σk); [1]: a sum of rates.
   */
  private readonly passDouble = new Float64Array(2);
  /**
   * Early loads of the neighbours' records before a hop's refresh: they
   * overlap cache misses on a large lattice; when the records fit in the L2
   * cache (≤ 2^16 sites, 1 MB) there are no misses to overlap and the loads
   * only cost time.
   */
  private readonly prefetchNeighbours: boolean;
  /** Total hop rate by species and free-neighbour mask, one region only (buildRateSumTable). */
  private rateSumByFreeMask: Float64Array = new Float64Array(0);
  /**
   * Tables of the plain-hop loop (advancePlainHops), or null when the model
   * needs the general loop: several regions, environment terms, open faces,
   * reactions, Z > 8 or a non-finite rate sum.
   */
  private plainHops: PlainHopTables | null = null;
  /** The groups hold a slot for every rate of plainHops (so their per-slot arrays stay put during the loop). */
  private plainSlotsReserved = false;
  /**
   * Plain-hop loop only: per site, bit d set when the neighbour along slot d
   * exists and is free (the entry of the rate tables, without the species).
   * The loop keeps it up to date with 2·Z bit writes per hop instead of
   * recomputing Z bits for each of the ions around the hop; anything else that
   * changes occupancy (insertIon, removeIon, the general loop, setModel)
   * marks it stale and the next plain advance rebuilds it. 1 byte per site,
   * allocated on the first plain advance.
   */
  private freeMask = new Uint8Array(0);
  private freeMaskValid = false;
  /**
   * Whether the plain-hop loop keeps freeMask (else it reads each mask from the
   * occupied bitset, Z bits per site). Kept masks save those reads but add a
   * byte array the loop touches around every hop: a gain while everything
   * fits in the caches, a loss on large lattices.
   */
  private keepFreeMasks: boolean;
  /** Scratch: the neighbours of the two ends of a hop (plain-hop loop). */
  private readonly hopNeighbours: Int32Array;
  /** Free-pair selection for plain-hop models (freePairs.ts); the group loop runs while it is not active. */
  private readonly freePairs: FreePairState;

  constructor(model: RateModel, occupancy: Uint8Array, seed: string) {
    if (occupancy.length !== model.nSites) {
      throw new Error(`occupancy has ${occupancy.length} entries but the lattice has ${model.nSites} sites`);
    }
    if (model.nSites > ION_MASK) throw new Error(`the CPU engine takes at most ${ION_MASK} sites (got ${model.nSites})`);
    if (model.nSpecies > 1 << (32 - SPECIES_SHIFT)) throw new Error(`the CPU engine takes at most ${1 << (32 - SPECIES_SHIFT)} species (got ${model.nSpecies})`);
    let nIons = 0;
    for (let i = 0; i < model.nSites; i++) {
      const o = occupancy[i];
      if (o > model.nSpecies) throw new Error(`occupancy[${i}] = ${o}: expected 0 (empty) or species + 1 (1..${model.nSpecies})`);
      if (o !== 0) nIons++;
    }
    checkAllowed(model, occupancy);
    this.currentModel = model;
    this.Z = model.directions;
    this.nSpecies = model.nSpecies;
    this.R = model.nRegions;
    this.multiRegion = model.nRegions > 1;
    this.siteRegion = model.siteRegion;
    this.hopRate = model.hopRate;
    this.pairEnergy = model.pairEnergy;
    this.kT = model.kT;
    this.interacting = model.hasEnvironment;
    this.reservoir = model.channels.reservoir ? new ReservoirSlots(model, null) : null;
    this.pairs = model.hasInteractions;
    this.lubrication = model.lubrication;
    this.lubricated = lubricatedSpecies(model);
    this.bondSites = new Int32Array(2 * model.directions);
    this.lubricatedHopCounts = new Float64Array(model.nSpecies);
    this.reaction = model.waterDissociation;
    // A reaction's rate depends on occupancy two steps from its surface site: the two-shell refresh path.
    if (this.reaction) this.interacting = true;
    this.reactionBase = this.Z + (this.reservoir !== null ? model.nSpecies : 0);
    this.ledger = new ReactionLedger(nIons);
    this.hopsByDirection = new Float64Array(model.nSpecies * model.directions);
    // After the environment flags: the table is only for models without environment terms.
    this.buildRateSumTable();

    this.steps = new LatticeSteps(model);
    this.prefetchNeighbours = model.nSites > 65536;
    this.step = this.steps.step;
    this.singleComponentSteps = this.steps.singleComponentSteps;
    this.unitAxis = this.steps.unitAxis;
    this.unitSign = this.steps.unitSign;
    // Hop slots [0, Z), reservoir slots Z + s, reaction slots reactionBase + d.
    this.channelRates = new Float64Array(2 * this.Z + model.nSpecies);
    this.channelOrder = new Int8Array(2 * this.Z + model.nSpecies);
    this.hopNeighbours = new Int32Array(2 * this.Z);
    this.freePairs = new FreePairState(model.nSpecies, this.Z);
    // Measured (interleaved, one process): kept masks ×1.11 at 100², ×0.88 at 1000² (the 1 MB mask array
    // adds misses there), ×0.99 at 100³. Kept where the records fit in L2, like the early loads' threshold.
    this.keepFreeMasks = model.nSites <= 65536;
    // A rate depends on occupancy up to two steps away: 1 + Z + Z² sites around each end of a hop.
    const ball = 2 * (1 + this.Z + this.Z * this.Z);
    this.ballSites = new Int32Array(ball);
    this.ballSlots = new Int32Array(ball);
    this.ballHash = new Int32Array(Math.max(256, 1 << Math.ceil(Math.log2(4 * ball)))).fill(-1);
    this.ballHashMask = this.ballHash.length - 1;
    this.ballHashShift = 32 - Math.log2(this.ballHash.length);
    const bits = buildBitsets(model, occupancy, this.steps);
    this.occupiedBits = bits.occupied;
    this.faceBits = bits.face;
    this.records = new SiteRecords(model.nSites);
    this.recF = this.records.f64;
    this.recI = this.records.i32;
    this.species = new Uint8Array(nIons);
    this.site = new Int32Array(nIons);
    this.displacement = new Int32Array(3 * nIons);
    this.alive = new Uint8Array(nIons).fill(1);
    this.slots = nIons;
    this.aliveIons = nIons;
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
    this.speciesEvents = new Float64Array(model.nSpecies);
    this.buildReactionBonds();
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
  /**
   * For tests and benchmarks: false sends every advance through the general
   * loop, so the plain-hop loop can be compared with it on the same seed.
   * Applies until the next setModel.
   */
  usePlainHopLoop(use: boolean): void {
    if (this.freePairs.active) this.leaveFreePairs();
    if (!use) this.plainHops = null;
    else this.buildRateSumTable();
  }

  /**
   * For tests and benchmarks: false keeps plain-hop models on the group loop
   * (advancePlainHops, bit for bit the general loop's trajectory); true (the
   * default) lets them run on free pairs whenever an event takes few proposals.
   */
  useFreePairs(use: boolean): void {
    const fp = this.freePairs;
    if (!use && fp.active) this.leaveFreePairs();
    fp.disabled = use ? 0 : 1;
    fp.groupEventsLeft = 0;
  }

  /** Whether the next plain-hop events run on free pairs (freePairs.ts). */
  get freePairsActive(): boolean {
    return this.freePairs.active === 1;
  }

  /** Events run on free pairs, the proposals they took, and the switches between free pairs and the group loop. */
  freePairStats(): { events: number; proposals: number; switches: number } {
    const fp = this.freePairs;
    return { events: fp.events, proposals: fp.proposals, switches: fp.switches };
  }

  /** For benchmarks: whether the plain-hop loop keeps per-site free masks or reads them from the bitset. */
  set keepsFreeMasks(keep: boolean) {
    this.keepFreeMasks = keep;
    this.freeMaskValid = false;
  }

  /** Whether advances take the plain-hop loop (advancePlainHops). */
  get plainHopLoop(): boolean {
    return this.plainHops !== null;
  }

  /** Ions present now. */
  get ionCount(): number {
    return this.aliveIons;
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
    if (this.plainHops !== null) return this.advancePlain(maxEvents, tEnd);
    // The general loop moves ions without keeping the plain loop's free masks.
    this.freeMaskValid = false;
    const rng = this.rng;
    const groups = this.groups;
    const members = groups.members;
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
        // g: a slot of the groups' per-slot arrays (they grow when a new group appears, so they are read per event).
        const g = groups.pick(u * total);
        // Site (its ion): a uniform member of g (top bits of a word, exactly uniform on
        // [0, 2^bits), overshoot rejected), accepted with rate/ceiling ≥ 8/9
        // (ceiling: an upper bound on g's rates, rateGroups.ts), so
        // P(ion | g) = rate / groupSum. Acceptance 1 needs no word.
        const n = groups.count[g];
        const list = members[g];
        const ceiling = groups.ceiling[g];
        const shift = n > 1 ? Math.clz32(n - 1) : 32;
        let from = -1;
        if (groups.groupOfSlot[g] < 8) {
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
        this.passDouble[0] = u;
        this.execute(from, this.selectChannel(from));
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

  /**
   * Plain-hop models: free-pair selection (advanceFreePairs) while an event
   * takes few proposals, else the group loop (advancePlainHops), in chunks of
   * PLAIN_CHUNK events. Which one runs is decided from the state alone, so a
   * run replays bit for bit.
   */
  private advancePlain(maxEvents: number, tEnd: number): AdvanceReport {
    const fp = this.freePairs;
    let done = 0;
    for (;;) {
      const left = maxEvents - done;
      let report: { events: number; time: number; stoppedBy: AdvanceReport['stoppedBy'] | 'switch' };
      if (fp.active) {
        report = this.advanceFreePairs(Math.min(left, PLAIN_CHUNK), tEnd);
        done += report.events;
        if (report.stoppedBy === 'switch') {
          this.leaveFreePairs();
          continue;
        }
      } else {
        if (fp.groupEventsLeft <= 0) {
          this.considerFreePairs();
          if (fp.active) continue;
        }
        report = this.advancePlainHops(Math.min(left, PLAIN_CHUNK, fp.groupEventsLeft), tEnd);
        done += report.events;
        fp.groupEventsLeft -= report.events;
      }
      if (report.stoppedBy !== 'events' || done >= maxEvents) return { events: done, time: report.time, stoppedBy: report.stoppedBy as AdvanceReport['stoppedBy'] };
    }
  }

  /** Counts ions per species and free pairs per class from the occupancy (freePairs.ts); the segments' starts too. */
  private countFreePairs(): void {
    const fp = this.freePairs;
    const n = this.currentModel.nSites;
    const Z = this.Z;
    const S = this.nSpecies;
    const occupied = this.occupiedBits;
    const faces = this.faceBits;
    const recI = this.recI;
    fp.pairCount.fill(0);
    fp.speciesCount.fill(0);
    for (let i = 0; i < n; i++) {
      if (((occupied[i >> 5] >>> (i & 31)) & 1) === 0) continue;
      const s = recI[4 * i + 3] >>> SPECIES_SHIFT;
      fp.speciesCount[s]++;
      const face = ((faces[i >> 5] >>> (i & 31)) & 1) !== 0;
      for (let d = 0; d < Z; d++) {
        const j = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
        if (j >= 0 && ((occupied[j >> 5] >>> (j & 31)) & 1) === 0) fp.pairCount[s * Z + d]++;
      }
    }
    let start = 0;
    for (let s = 0; s < S; s++) {
      fp.segmentStart[s] = start;
      start += fp.speciesCount[s];
    }
    fp.segmentStart[S] = start;
    fp.proposalWeight = proposalWeight(fp, this.hopRate, S, Z, n);
  }

  /** After the group loop's quota: free pairs when an event would take at most ENTER_AT_PROPOSALS proposals. */
  private considerFreePairs(): void {
    const fp = this.freePairs;
    const n = this.currentModel.nSites;
    fp.groupEventsLeft = Math.max(MIN_GROUP_EVENTS, n);
    if (fp.disabled || this.plainHops === null) {
      fp.groupEventsLeft = Infinity;
      return;
    }
    this.countFreePairs();
    const total = freePairRate(fp.pairCount, this.hopRate);
    if (!(total > 0 && total < Infinity) || fp.proposalWeight > ENTER_AT_PROPOSALS * total) return;
    // Segments: each species' ions in site order, then the empty sites; word 2 of a record is the site's index in `order`.
    if (fp.order.length !== n) fp.order = new Int32Array(n);
    const order = fp.order;
    const recI = this.recI;
    const occupied = this.occupiedBits;
    const S = this.nSpecies;
    const next = Array.from(fp.segmentStart);
    for (let i = 0; i < n; i++) {
      const k = ((occupied[i >> 5] >>> (i & 31)) & 1) === 0 ? S : recI[4 * i + 3] >>> SPECIES_SHIFT;
      const pos = next[k]++;
      order[pos] = i;
      recI[4 * i + 2] = pos;
    }
    this.freeMaskValid = false;
    fp.active = 1;
    fp.switches++;
  }

  /** Back to the group loop: every rate and group rebuilt from the occupancy, as after setModel. */
  private leaveFreePairs(): void {
    const fp = this.freePairs;
    fp.active = 0;
    fp.switches++;
    fp.groupEventsLeft = Math.max(MIN_GROUP_EVENTS, this.currentModel.nSites);
    this.rebuildRates();
    this.plainSlotsReserved = false;
    this.freeMaskValid = false;
  }

  /**
   * Free-pair selection (freePairs.ts): R from the class counts, the clock,
   * a class (s, d) with probability P_sd·k_sd/R, then a uniform pair of that
   * class by proposals from the ion or the empty-site side. Stops with
   * 'switch' (before drawing anything) when an event would take more than
   * LEAVE_ABOVE_PROPOSALS proposals on average.
   */
  private advanceFreePairs(maxEvents: number, tEnd: number): { events: number; time: number; stoppedBy: AdvanceReport['stoppedBy'] | 'switch' } {
    const fp = this.freePairs;
    const Z = this.Z;
    const S = this.nSpecies;
    const classes = S * Z;
    const pairCount = fp.pairCount;
    const speciesCount = fp.speciesCount;
    const segmentStart = fp.segmentStart;
    const order = fp.order;
    const nIons = segmentStart[S];
    const nEmpty = this.currentModel.nSites - nIons;
    const rate = this.hopRate;
    const leaveBelow = fp.proposalWeight / LEAVE_ABOVE_PROPOSALS;
    const rejectBelowIons = new Float64Array(S);
    for (let k = 0; k < S; k++) rejectBelowIons[k] = speciesCount[k] > 0 ? TWO_POW_32 % speciesCount[k] : 0;
    const rejectBelowEmpty = nEmpty > 0 ? TWO_POW_32 % nEmpty : 0;
    const recI = this.recI;
    const occupied = this.occupiedBits;
    const faces = this.faceBits;
    const step = this.step;
    const steps = this.steps;
    const journal = this.journal;
    const speciesEvents = this.speciesEvents;
    const hopsByDirection = this.hopsByDirection;
    const rng = this.rng;
    const st = rng.st;
    let s0 = st[0];
    let s1 = st[1];
    let s2 = st[2];
    let c = st[3];
    let t = 0;
    let w = 0;
    let u = 0;
    let done = 0;
    let proposals = 0;
    let clock = this.clock;
    let journalLength = this.journalLength;
    let stoppedBy: AdvanceReport['stoppedBy'] | 'switch' = 'events';
    let failure: Error | null = null;
    while (done < maxEvents) {
      let total = 0;
      let lastClass = -1;
      for (let k = 0; k < classes; k++) {
        const weight = pairCount[k] * rate[k];
        total += weight;
        if (weight > 0) lastClass = k;
      }
      if (!(total < Infinity)) {
        failure = new NonFiniteRateError('cpu', `the total hop rate is ${total} Hz at t = ${clock} s after ${this.eventTotal + done} events`);
        break;
      }
      if (total === 0) {
        if (tEnd !== Infinity) clock = tEnd;
        stoppedBy = 'frozen';
        break;
      }
      if (total < leaveBelow) {
        stoppedBy = 'switch';
        break;
      }
      // Clock: U in (0, 1] at full precision, as the group loop draws it.
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
      if (!(next < Infinity)) {
        failure = new NonFiniteRateError('cpu', `the clock reached ${next} s after ${this.eventTotal + done} events (total hop rate ${total} Hz)`);
        break;
      }
      // Class: the first k with U·R < Σ_{j≤k} P_j·k_j, U at full precision. The first word w
      // bounds U to [w, w+1)·2^-32; rounding is monotone, so when both ends of that cell fall
      // in one class, every U in it does and no second word is drawn. Else the full U decides.
      t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
      let x = w * TWO_POW_M32 * total;
      let cls = lastClass;
      let cumulative = 0;
      for (let k = 0; k < lastClass; k++) {
        cumulative += pairCount[k] * rate[k];
        if (x < cumulative) {
          cls = k;
          break;
        }
      }
      if (cls !== lastClass && !((w + 1) * TWO_POW_M32 * total < cumulative)) {
        if (w >= FULL_PRECISION_FIRST_WORD) {
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
          u = (w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32;
        } else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          u = rng.uniformFrom(w);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        x = u * total;
        cls = lastClass;
        cumulative = 0;
        for (let k = 0; k < lastClass; k++) {
          cumulative += pairCount[k] * rate[k];
          if (x < cumulative) {
            cls = k;
            break;
          }
        }
      }
      const species = (cls / Z) | 0;
      const d = cls - species * Z;
      // A uniform pair of the class, proposed from the side with fewer candidates.
      const fromIons = speciesCount[species] <= nEmpty;
      const m = fromIons ? speciesCount[species] : nEmpty;
      const base = fromIons ? segmentStart[species] : nIons;
      // Index in [0, m): w·m < 2^53 when m ≤ 2^21, and its high part is uniform once the
      // low parts below 2^32 mod m are rejected (Lemire); else the top bits, rejected when ≥ m.
      const small = m <= 2097152;
      // 2^32 mod m per side, computed once per advance (a float remainder per event cost 5 % of it).
      const lowReject = fromIons ? rejectBelowIons[species] : rejectBelowEmpty;
      const shift = m > 1 ? Math.clz32(m - 1) : 32;
      let a = -1;
      let b = -1;
      for (;;) {
        t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
        proposals++;
        let idx = 0;
        if (small) {
          const product = w * m;
          idx = Math.floor(product * TWO_POW_M32);
          if (product - idx * TWO_POW_32 < lowReject) continue;
        } else {
          idx = shift === 32 ? 0 : w >>> shift;
          if (idx >= m) continue;
        }
        const i = order[base + idx];
        if (fromIons) {
          const j = ((faces[i >> 5] >>> (i & 31)) & 1) !== 0 ? steps.faceNeighbour(i, d) : i + step[d];
          if (j >= 0 && ((occupied[j >> 5] >>> (j & 31)) & 1) === 0) {
            a = i;
            b = j;
            break;
          }
        } else {
          const j = ((faces[i >> 5] >>> (i & 31)) & 1) !== 0 ? steps.faceNeighbour(i, d ^ 1) : i + step[d ^ 1];
          if (j >= 0 && ((occupied[j >> 5] >>> (j & 31)) & 1) !== 0 && (S === 1 || recI[4 * j + 3] >>> SPECIES_SHIFT === species)) {
            a = j;
            b = i;
            break;
          }
        }
      }
      // Hop a → b. Around a (b still free): the ion's pairs leave, occupied neighbours gain a pair towards a.
      const faceA = ((faces[a >> 5] >>> (a & 31)) & 1) !== 0;
      const row = species * Z;
      for (let e = 0; e < Z; e++) {
        const n = faceA ? steps.faceNeighbour(a, e) : a + step[e];
        if (n < 0 || n === a) continue;
        if (((occupied[n >> 5] >>> (n & 31)) & 1) === 0) pairCount[row + e]--;
        else pairCount[(S === 1 ? 0 : (recI[4 * n + 3] >>> SPECIES_SHIFT) * Z) + (e ^ 1)]++;
      }
      occupied[a >> 5] &= ~(1 << (a & 31));
      occupied[b >> 5] |= 1 << (b & 31);
      const v = recI[4 * a + 3];
      recI[4 * a + 3] = -1;
      recI[4 * b + 3] = v;
      const posA = recI[4 * a + 2];
      const posB = recI[4 * b + 2];
      order[posA] = b;
      order[posB] = a;
      recI[4 * a + 2] = posB;
      recI[4 * b + 2] = posA;
      // Around b (a now free): the ion's new pairs, occupied neighbours lose their pair towards b.
      const faceB = ((faces[b >> 5] >>> (b & 31)) & 1) !== 0;
      for (let e = 0; e < Z; e++) {
        const n = faceB ? steps.faceNeighbour(b, e) : b + step[e];
        if (n < 0 || n === b) continue;
        if (((occupied[n >> 5] >>> (n & 31)) & 1) === 0) pairCount[row + e]++;
        else pairCount[(S === 1 ? 0 : (recI[4 * n + 3] >>> SPECIES_SHIFT) * Z) + (e ^ 1)]--;
      }
      const jk = 3 * journalLength;
      journal[jk] = v & ION_MASK;
      journal[jk + 1] = b;
      journal[jk + 2] = d;
      if (++journalLength === JOURNAL_LENGTH) {
        this.journalLength = journalLength;
        this.applyJournal();
        journalLength = 0;
      }
      speciesEvents[species]++;
      hopsByDirection[row + d]++;
      clock = next;
      done++;
    }
    this.journalLength = journalLength;
    this.applyJournal();
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
    this.clock = clock;
    this.eventTotal += done;
    this.kindEvents[HOP_KIND] += done;
    fp.events += done;
    fp.proposals += proposals;
    if (failure !== null) throw failure;
    return { events: done, time: clock, stoppedBy };
  }

  /**
   * advanceSync for models whose rates depend only on species and free
   * neighbours (plainHops non-null): the same draws, in the same order, with
   * the same arithmetic, and the same group bookkeeping in the same order as
   * the general loop (selectChannel → plainRates → pickSlot, hop →
   * storePlainRate, groups.transfer, refreshPlain, groups.update), written out
   * in one function: the group arrays, tables and Alea state stay in locals,
   * a rate and a direction choice are table look-ups by free-neighbour mask,
   * and no per-event test asks which model features are present. Trajectories
   * are bit for bit those of the general loop (tests/unit/cpuPlainHops.test.ts
   * runs both on the same seeds).
   */
  private advancePlainHops(maxEvents: number, tEnd: number): AdvanceReport {
    const tables = this.plainHops!;
    const groups = this.groups;
    if (!this.plainSlotsReserved) {
      // Every rate the loop can store has its group's slot: the per-slot arrays are not replaced below.
      const words = new Int32Array(tables.rateSum.buffer);
      for (let e = 0; e < tables.rateSum.length; e++) if (tables.rateSum[e] > 0) groups.reserve(words[2 * e + 1] >>> GROUP_SHIFT);
      this.plainSlotsReserved = true;
    }
    const keepMasks = this.keepFreeMasks;
    if (keepMasks && !this.freeMaskValid) this.rebuildFreeMask();
    if (!keepMasks) this.freeMaskValid = false;
    const freeMask = this.freeMask;
    const around = this.hopNeighbours;
    const Z = this.Z;
    const rateSum = tables.rateSum;
    const positive = tables.positive;
    const thresholds = tables.thresholds;
    const slots = tables.slots;
    const slotOf = groups.slotOf;
    const groupOfSlot = groups.groupOfSlot;
    const sumHi = groups.sumHi;
    const sumLo = groups.sumLo;
    const count = groups.count;
    const unit = groups.unit;
    const ceiling = groups.ceiling;
    const active = groups.active;
    const activeSums = groups.activeSums;
    const members = groups.members;
    const recF = this.recF;
    const recI = this.recI;
    const occupied = this.occupiedBits;
    const faces = this.faceBits;
    const step = this.step;
    const steps = this.steps;
    const journal = this.journal;
    const speciesEvents = this.speciesEvents;
    const hopsByDirection = this.hopsByDirection;
    const prefetch = this.prefetchNeighbours;
    const rng = this.rng;
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
    let journalLength = this.journalLength;
    let touched = 0;
    let stoppedBy: AdvanceReport['stoppedBy'] = 'events';
    // No try/finally: the errors this loop raises break out of it and are
    // thrown after the state is written back below.
    let failure: Error | null = null;
    {
      while (done < maxEvents) {
        // Total rate: groups.total().
        const nActive = groups.nActive;
        let total = 0;
        for (let k = 0; k < nActive; k++) {
          const slot = active[k];
          const sum = (sumHi[slot] * TWO_POW_26 + sumLo[slot]) * unit[slot];
          activeSums[k] = sum;
          total += sum;
        }
        if (!(total < Infinity)) {
          failure = new NonFiniteRateError('cpu', `the total hop rate is ${total} Hz at t = ${clock} s after ${this.eventTotal + done} events`);
          break;
        }
        if (total === 0) {
          if (tEnd !== Infinity) clock = tEnd;
          stoppedBy = 'frozen';
          break;
        }
        // Clock.
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
        if (!(next < Infinity)) {
          failure = new NonFiniteRateError('cpu', `the clock reached ${next} s after ${this.eventTotal + done} events (total hop rate ${total} Hz)`);
          break;
        }
        // Group: groups.pick(U·R).
        t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
        if (w >= FULL_PRECISION_FIRST_WORD) {
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
          u = (w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32;
        } else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          u = rng.uniformFrom(w);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        const x = u * total;
        let g = active[nActive - 1];
        let cumulative = 0;
        for (let k = 0; k < nActive - 1; k++) {
          cumulative += activeSums[k];
          if (x < cumulative) {
            g = active[k];
            break;
          }
        }
        // Member, accepted with rate/ceiling (the general loop's draws).
        const n = count[g];
        const list = members[g];
        const groupCeiling = ceiling[g];
        const shift = n > 1 ? Math.clz32(n - 1) : 32;
        let a = -1;
        if (groupOfSlot[g] < 8) {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          a = this.scanSubnormalGroup(g);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        while (a < 0) {
          let idx = 0;
          if (shift !== 32) {
            t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
            idx = (s2 * TWO_POW_32) >>> shift;
            if (idx >= n) continue;
          }
          const candidate = list[idx];
          const rate = recF[2 * candidate];
          // rate = ceiling is the common case (acceptance exactly 1) and needs no division.
          const accept = rate === groupCeiling ? 1 : rate / groupCeiling;
          if (accept >= 1) {
            a = candidate;
            break;
          }
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
          if ((w + 1) * TWO_POW_M32 <= accept) a = candidate;
          else if (w * TWO_POW_M32 < accept) {
            t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
            if ((w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32 < accept) a = candidate;
          }
        }
        // Direction: pickSlot by table, entry (species, free mask) of the ion on a.
        t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c; w = s2 * TWO_POW_32;
        if (w >= FULL_PRECISION_FIRST_WORD) {
          t = 2091639 * s0 + c * TWO_POW_M32; s0 = s1; s1 = s2; c = t | 0; s2 = t - c;
          u = (w + (s2 * TWO_POW_32 + 0.5) * TWO_POW_M32) * TWO_POW_M32;
        } else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
          u = rng.uniformFrom(w);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; c = st[3];
        }
        const v = recI[4 * a + 3];
        const species = v >>> SPECIES_SHIFT;
        const faceA = ((faces[a >> 5] >>> (a & 31)) & 1) !== 0;
        const entry = (species << Z) | (keepMasks ? freeMask[a] : this.bitsetFreeMask(a));
        const xd = u * rateSum[entry];
        const row = entry * Z;
        const last = positive[entry] - 1;
        let d = slots[row + last];
        for (let p = 0; p < last; p++) {
          if (xd < thresholds[row + p]) {
            d = slots[row + p];
            break;
          }
        }
        // Hop a → b (hop()): occupancy, record words, journal, counters.
        const b = faceA ? steps.faceNeighbour(a, d) : a + step[d];
        const faceB = ((faces[b >> 5] >>> (b & 31)) & 1) !== 0;
        occupied[a >> 5] &= ~(1 << (a & 31));
        occupied[b >> 5] |= 1 << (b & 31);
        recI[4 * a + 3] = -1;
        recI[4 * b + 3] = v;
        const oldLo = recI[4 * a];
        const oldHi = recI[4 * a + 1];
        recF[2 * a] = 0;
        const jk = 3 * journalLength;
        journal[jk] = v & ION_MASK;
        journal[jk + 1] = b;
        journal[jk + 2] = d;
        if (++journalLength === JOURNAL_LENGTH) {
          this.journalLength = journalLength;
          this.applyJournal();
          journalLength = 0;
        }
        speciesEvents[species]++;
        hopsByDirection[species * Z + d]++;
        if (prefetch && !faceA && !faceB) {
          // Touch the neighbours' records first: independent loads overlap their misses on a large lattice.
          for (let e = 0; e < Z; e++) touched += recI[4 * (a + step[e]) + 3] + recI[4 * (b + step[e]) + 3];
          touched |= 0;
        }
        // Free masks: a's neighbours gained a free neighbour (a), b's lost one (b); the slot
        // from a neighbour back is the opposite slot d ^ 1 (lattice.ts). All masks are
        // updated before any rate is read, so the rates see the occupancy after the hop.
        for (let e = 0; e < Z; e++) {
          const n = faceA ? steps.faceNeighbour(a, e) : a + step[e];
          around[e] = n;
          if (keepMasks && n >= 0) freeMask[n] |= 1 << (e ^ 1);
        }
        for (let e = 0; e < Z; e++) {
          const n = faceB ? steps.faceNeighbour(b, e) : b + step[e];
          around[Z + e] = n;
          if (keepMasks && n >= 0) freeMask[n] &= ~(1 << (e ^ 1));
        }
        // The ion's rate on b (storePlainRate), then groups.transfer(a, b).
        recF[2 * b] = rateSum[(species << Z) | (keepMasks ? freeMask[b] : this.bitsetFreeMask(b))];
        {
          const hi = recI[4 * b + 1];
          const lo = recI[4 * b];
          const ng = hi >>> GROUP_SHIFT;
          const og = oldHi >>> GROUP_SHIFT;
          if ((hi | lo) !== 0 && ng === og) {
            // Same group: b takes over a's member slot.
            const slot = slotOf[ng];
            sumHi[slot] += ((hi & 0xfffff) | (ng < 8 ? 0 : 0x100000)) * 64 + (lo >>> 26) - (((oldHi & 0xfffff) | (og < 8 ? 0 : 0x100000)) * 64 + (oldLo >>> 26));
            sumLo[slot] += (lo & 0x3ffffff) - (oldLo & 0x3ffffff);
            const rate = recF[2 * b];
            if (rate > ceiling[slot]) ceiling[slot] = rate;
            const pos = recI[4 * a + 2];
            members[slot][pos] = b;
            recI[4 * b + 2] = pos;
            recI[4 * a + 2] = -1;
          } else {
            // Swap-remove a from its group, insert b into its own (groups.remove, groups.insert).
            const oslot = slotOf[og];
            sumHi[oslot] -= ((oldHi & 0xfffff) | (og < 8 ? 0 : 0x100000)) * 64 + (oldLo >>> 26);
            sumLo[oslot] -= oldLo & 0x3ffffff;
            const olist = members[oslot];
            const on = count[oslot] - 1;
            const pos = recI[4 * a + 2];
            const moved = olist[on];
            olist[pos] = moved;
            recI[4 * moved + 2] = pos;
            recI[4 * a + 2] = -1;
            count[oslot] = on;
            if (on === 0) groups.deactivate(oslot);
            if ((hi | lo) !== 0) {
              const slot = slotOf[ng];
              sumHi[slot] += ((hi & 0xfffff) | (ng < 8 ? 0 : 0x100000)) * 64 + (lo >>> 26);
              sumLo[slot] += lo & 0x3ffffff;
              const rate = recF[2 * b];
              if (rate > ceiling[slot]) ceiling[slot] = rate;
              const nn = count[slot];
              let nlist = members[slot];
              if (nn === nlist.length) nlist = groups.growList(slot);
              nlist[nn] = b;
              recI[4 * b + 2] = nn;
              count[slot] = nn + 1;
              if (nn === 0) groups.activate(slot, ng);
            }
          }
        }
        // Neighbours of a gained a free site, neighbours of b lost one (refreshPlain in slot order, a's first).
        for (let k = 0; k < 2 * Z; k++) {
          const i = around[k];
          if (i < 0 || i === (k < Z ? b : a) || ((occupied[i >> 5] >>> (i & 31)) & 1) === 0) continue;
          const pLo = recI[4 * i];
          const pHi = recI[4 * i + 1];
          recF[2 * i] = rateSum[((recI[4 * i + 3] >>> SPECIES_SHIFT) << Z) | (keepMasks ? freeMask[i] : this.bitsetFreeMask(i))];
          const hi = recI[4 * i + 1];
          const lo = recI[4 * i];
          if (lo === pLo && hi === pHi) continue;
          // groups.update(i, pHi, pLo)
          const ng = hi >>> GROUP_SHIFT;
          const og = pHi >>> GROUP_SHIFT;
          const wasIn = (pHi | pLo) !== 0;
          const isIn = (hi | lo) !== 0;
          if (wasIn && isIn && ng === og) {
            const slot = slotOf[ng];
            sumHi[slot] += ((hi & 0xfffff) | (ng < 8 ? 0 : 0x100000)) * 64 + (lo >>> 26) - (((pHi & 0xfffff) | (og < 8 ? 0 : 0x100000)) * 64 + (pLo >>> 26));
            sumLo[slot] += (lo & 0x3ffffff) - (pLo & 0x3ffffff);
            const rate = recF[2 * i];
            if (rate > ceiling[slot]) ceiling[slot] = rate;
            continue;
          }
          if (wasIn) {
            const oslot = slotOf[og];
            sumHi[oslot] -= ((pHi & 0xfffff) | (og < 8 ? 0 : 0x100000)) * 64 + (pLo >>> 26);
            sumLo[oslot] -= pLo & 0x3ffffff;
            const olist = members[oslot];
            const on = count[oslot] - 1;
            const pos = recI[4 * i + 2];
            const moved = olist[on];
            olist[pos] = moved;
            recI[4 * moved + 2] = pos;
            recI[4 * i + 2] = -1;
            count[oslot] = on;
            if (on === 0) groups.deactivate(oslot);
          }
          if (isIn) {
            const slot = slotOf[ng];
            sumHi[slot] += ((hi & 0xfffff) | (ng < 8 ? 0 : 0x100000)) * 64 + (lo >>> 26);
            sumLo[slot] += lo & 0x3ffffff;
            const rate = recF[2 * i];
            if (rate > ceiling[slot]) ceiling[slot] = rate;
            const nn = count[slot];
            let nlist = members[slot];
            if (nn === nlist.length) nlist = groups.growList(slot);
            nlist[nn] = i;
            recI[4 * i + 2] = nn;
            count[slot] = nn + 1;
            if (nn === 0) groups.activate(slot, ng);
          }
        }
        clock = next;
        done++;
      }
    }
    this.journalLength = journalLength;
    this.applyJournal();
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
    this.clock = clock;
    this.eventTotal += done;
    this.kindEvents[HOP_KIND] += done;
    this.touched = (this.touched + touched) | 0;
    if (failure !== null) throw failure;
    return { events: done, time: clock, stoppedBy };
  }

  /** Free-neighbour mask of site i read from the occupied bitset (bit d: the neighbour along slot d exists and is free). */
  private bitsetFreeMask(i: number): number {
    const occupied = this.occupiedBits;
    const face = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
    let mask = 0;
    for (let d = 0; d < this.Z; d++) {
      const j = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
      if (j >= 0) mask |= ((~occupied[j >> 5] >>> (j & 31)) & 1) << d;
    }
    return mask;
  }

  /** Recomputes freeMask from the occupancy (bit d of site i: the neighbour along slot d exists and is free). */
  private rebuildFreeMask(): void {
    const n = this.currentModel.nSites;
    if (this.freeMask.length !== n) this.freeMask = new Uint8Array(n);
    const occupied = this.occupiedBits;
    const faces = this.faceBits;
    for (let i = 0; i < n; i++) {
      const face = ((faces[i >> 5] >>> (i & 31)) & 1) !== 0;
      let mask = 0;
      for (let d = 0; d < this.Z; d++) {
        const j = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
        if (j >= 0) mask |= ((~occupied[j >> 5] >>> (j & 31)) & 1) << d;
      }
      this.freeMask[i] = mask;
    }
    this.freeMaskValid = true;
  }

  /** Member of the subnormal group in slot `slot` with probability rate / groupSum, by a cumulative scan. */
  private scanSubnormalGroup(slot: number): number {
    const groups = this.groups;
    const list = groups.members[slot];
    const n = groups.count[slot];
    const x = this.rng.uniformOpenClosed() * groups.groupSum(groups.groupOfSlot[slot]);
    let cumulative = 0;
    for (let k = 0; k < n - 1; k++) {
      cumulative += this.recF[2 * list[k]];
      if (x < cumulative) return list[k];
    }
    return list[n - 1];
  }

  /**
   * Channel slot of the ion on site i with probability k / Σk given U in (0, 1]:
   * its rates go into channelRates (slot d < Z: the hop along direction d) and
   * pickSlot chooses. A new channel kind adds its slots after the hops; the
   * choice does not change.
   */
  private selectChannel(i: number): number {
    // Only a face site has reservoir channels; with a reaction too, every site takes the general path (its slots are after the reservoir's).
    if (this.reservoir !== null && (this.reservoir.siteFace[i] !== 0 || this.reaction !== null)) return this.selectOpenChannel(i);
    const k = this.channelRates;
    const pass = this.passDouble;
    if (this.reaction) {
      this.siteRates(i, k);
      pass[0] *= pass[1];
      return this.pickSlot(k, 2 * this.Z);
    }
    const s = this.recI[4 * i + 3] >>> SPECIES_SHIFT;
    if (this.interacting) this.interactingRates(i, s, k);
    else this.plainRates(i, s, k);
    pass[0] *= pass[1];
    return this.pickSlot(k, this.Z);
  }

  /**
   * With a reaction: every channel of site i (occupied or not) into out, hops
   * in slots [0, Z), reactions on the bond along d in slot Z + d; their sum in
   * slot order (the rate the site's record holds) into passDouble[1].
   */
  private siteRates(i: number, out: Float64Array): void {
    const Z = this.Z;
    let total = 0;
    if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) !== 0) {
      // Without pair energies or lubrication the hop rates are the table's (exp(−0/kT) = 1 exactly): skip the exp.
      const s = this.recI[4 * i + 3] >>> SPECIES_SHIFT;
      if (this.currentModel.hasEnvironment) this.interactingRates(i, s, out);
      else this.plainRates(i, s, out);
      total = this.passDouble[1];
    } else for (let d = 0; d < Z; d++) out[d] = 0;
    for (let d = 0; d < Z; d++) {
      const k = this.reactionRateOn(i, d);
      out[Z + d] = k;
      total += k;
    }
    this.passDouble[1] = total;
  }

  /** For checks: every channel of site i into out, reaction slots from reactionBase (siteChannelRates with reservoirs, else siteRates). */
  private reactionSlotRates(i: number, out: Float64Array): void {
    if (this.reservoir !== null) this.siteChannelRates(i, out);
    else this.siteRates(i, out);
  }

  /**
   * Rate of the reaction on the bond from site s along slot d: the operations of
   * reactionRateAt, with the bond's host, catalyst neighbourhood and (without pair
   * energies) its four possible rates from reactionBonds.
   */
  private reactionRateOn(s: number, d: number): number {
    const bonds = this.reactionBonds!;
    const u = bonds.surfaceIndex[s];
    if (u < 0) return 0;
    const bond = u * this.Z + d;
    const h = bonds.host[bond];
    if (h < 0) return 0;
    const rx = this.reaction!;
    const occupied = this.occupiedBits;
    const onS = ((occupied[s >> 5] >>> (s & 31)) & 1) !== 0 ? this.recI[4 * s + 3] >>> SPECIES_SHIFT : -1;
    const onH = ((occupied[h >> 5] >>> (h & 31)) & 1) !== 0 ? this.recI[4 * h + 3] >>> SPECIES_SHIFT : -1;
    const forward = onS === -1 && onH === -1;
    if (!forward && !(onS === rx.hydroxide && onH === rx.proton)) return 0;
    let catalysed = false;
    if (rx.catalyst >= 0) {
      const sites = bonds.neighbourhood;
      const start = bond * 2 * this.Z;
      const end = start + bonds.neighbourhoodSize[bond];
      for (let k = start; k < end; k++) {
        const m = sites[k];
        if (((occupied[m >> 5] >>> (m & 31)) & 1) !== 0 && this.recI[4 * m + 3] >>> SPECIES_SHIFT === rx.catalyst) {
          catalysed = true;
          break;
        }
      }
    }
    const rates = bonds.rates;
    if (rates !== null) return rates[4 * bond + (forward ? 0 : RECOMBINATION_OFFSET) + (catalysed ? CATALYSED_OFFSET : 0)];
    const vOH = this.environment(s, rx.hydroxide, h);
    const vH = this.environment(h, rx.proton, s);
    const model = this.currentModel;
    const region = this.siteRegion;
    const energy = reactionEnergy(rx, model.siteEnergy, this.pairEnergy, this.nSpecies, this.R, region[s], region[h], vOH, vH);
    return reactionRate(rx, model.nu, this.kT, energy, catalysed, forward);
  }

  /** Dissociates water on (s, neighbour along d) when both are empty, else recombines the OH- and H+ there. */
  private react(s: number, d: number): void {
    const rx = this.reaction!;
    const h = ((this.faceBits[s >> 5] >>> (s & 31)) & 1) !== 0 ? this.steps.faceNeighbour(s, d) : s + this.step[d];
    // Both ions change before one refresh of the rates around s and h (a reaction always takes the two-shell path).
    this.refreshDeferred = true;
    try {
      if (((this.occupiedBits[s >> 5] >>> (s & 31)) & 1) === 0) {
        this.ledger.fromWater(this.insertIon(s, rx.hydroxide));
        this.ledger.fromWater(this.insertIon(h, rx.proton));
        this.ledger.dissociations++;
      } else {
        this.removeIon(s);
        this.removeIon(h);
        this.ledger.recombinations++;
      }
    } finally {
      this.refreshDeferred = false;
    }
    this.refreshTwoShells(s, h, rx.catalyst === rx.hydroxide || rx.catalyst === rx.proton);
  }

  /** Executes channel slot `slot` of the ion on site i. */
  private execute(i: number, slot: number): void {
    if (slot >= this.Z) {
      if (slot < this.reactionBase) {
        this.exchange(i, slot - this.Z);
        return;
      }
      this.react(i, slot - this.reactionBase);
      this.kindEvents[WATER_KIND]++;
      return;
    }
    // Plain scenes pay one length check here (no species look-up).
    if (this.lubrication.length !== 0) this.countLubricated(i, slot);
    this.hop(i, slot);
    this.kindEvents[HOP_KIND]++;
  }

  /** selectChannel with reservoirs: an empty face site offers insertions, an occupied one its hops and its removal (and, with a reaction, the reaction slots). */
  private selectOpenChannel(i: number): number {
    const k = this.channelRates;
    const total = this.siteChannelRates(i, k);
    this.passDouble[0] *= total;
    return this.pickSlot(k, this.reactionBase + (this.reaction !== null ? this.Z : 0));
  }

  /**
   * Every channel rate of site i into k (hops in slots < Z, reservoir channel of
   * species s in slot Z + s, with a reaction the reaction on the bond along d in
   * slot reactionBase + d); returns their total in the order refresh stores it.
   */
  private siteChannelRates(i: number, k: Float64Array): number {
    const res = this.reservoir!;
    const Z = this.Z;
    const S = this.nSpecies;
    const v = this.recI[4 * i + 3];
    let total = 0;
    if (v === -1) {
      for (let d = 0; d < Z; d++) k[d] = 0;
      for (let s = 0; s < S; s++) {
        k[Z + s] = res.insertion(i, s, this.pairs ? this.environment(i, s, -1) : 0, this.pairs);
        total += k[Z + s];
      }
    } else {
      const s = v >>> SPECIES_SHIFT;
      // interactingRates only where an environment term exists (a reaction alone sets `interacting` but not this).
      if (this.currentModel.hasEnvironment) this.interactingRates(i, s, k);
      else this.plainRates(i, s, k);
      const hops = this.passDouble[1];
      for (let t = 0; t < S; t++) k[Z + t] = 0;
      k[Z + s] = res.removal(i, s, this.pairs ? this.environment(i, s, -1) : 0, this.pairs);
      total = hops + k[Z + s];
    }
    if (this.reactionBonds !== null) {
      const base = this.reactionBase;
      // Off the surface every reaction slot is 0, and adding +0 leaves the total as it is.
      if (this.reactionBonds.surfaceIndex[i] < 0) for (let d = 0; d < Z; d++) k[base + d] = 0;
      else
        for (let d = 0; d < Z; d++) {
          const r = this.reactionRateOn(i, d);
          k[base + d] = r;
          total += r;
        }
    }
    return total;
  }

  /** Executes the reservoir channel of species s at site i: insertion when the site is empty, else removal. */
  private exchange(i: number, s: number): void {
    const res = this.reservoir!;
    if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) === 0) {
      this.insertIon(i, s);
      res.countInsertion(i, s);
    } else {
      this.removeIon(i);
      res.countRemoval(i, s);
    }
    // A finite inventory changed: every insertion rate of s at this face scales with what is left.
    if (res.hasInventory(i, s)) {
      const sites = res.faceSiteList[res.siteFace[i] - 1];
      for (let k = 0; k < sites.length; k++) this.refresh(sites[k]);
    }
    this.kindEvents[RESERVOIR_KIND]++;
  }

  /** A current source's ion on the empty face site i (Engine.injectIon): inserted and counted at the site's face. */
  async injectIon(i: number, s: number): Promise<void> {
    const res = this.reservoir;
    if (!res || res.siteFace[i] === 0) throw new Error(`injectIon: site ${i} touches no reservoir face`);
    if (res.hasInventory(i, s)) throw new Error(`injectIon: the electrolyte at site ${i} holds a finite inventory of species ${s}; a current source cannot add to it (validation refuses this scene)`);
    this.insertIon(i, s);
    res.countInsertion(i, s);
  }

  /** Insertions and removals per reservoir and species so far; null in a closed scene. */
  reservoirCountsSync(): ReservoirCounts | null {
    if (this.reservoir === null) return null;
    const counts = this.reservoir.counts();
    // With a reaction the population also changes by water: the exchange ledger needs its counts.
    return this.reaction !== null ? { ...counts, dissociations: this.ledger.dissociations, recombinations: this.ledger.recombinations } : counts;
  }

  async reservoirCounts(): Promise<ReservoirCounts | null> {
    return this.reservoirCountsSync();
  }

  /** Counts the hop of the ion on i along slot when lubrication shifts its saddle (before it moves). */
  private countLubricated(i: number, slot: number): void {
    const s = this.recI[4 * i + 3] >>> SPECIES_SHIFT;
    if (this.lubricated[s] !== 0) {
      const j = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0 ? this.steps.faceNeighbour(i, slot) : i + this.step[slot];
      if (this.lubricationShiftAt(i, j, s) !== 0) this.lubricatedHopCounts[s]++;
    }
  }

  /** Slot with cumulative rate first above x = U·Σk (in passDouble[0]) among k[0..Z). Widely spread rates are scanned in ascending order. */
  private pickSlot(k: Float64Array, Z: number): number {
    const x = this.passDouble[0];
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
    const order = this.channelOrder;
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
    // Next to a reservoir face the rates of empty sites change too: take the general path there.
    const nearFace = this.reservoir !== null && (this.reservoir.nearReservoir[a] | this.reservoir.nearReservoir[b]) !== 0;
    if (this.interacting || nearFace) this.groups.update(a, oldHi, oldLo);
    const journal = this.journal;
    const k = 3 * this.journalLength;
    journal[k] = v & ION_MASK;
    journal[k + 1] = b;
    journal[k + 2] = d;
    if (++this.journalLength === JOURNAL_LENGTH) this.applyJournal();
    this.speciesEvents[v >>> SPECIES_SHIFT]++;
    this.hopsByDirection[(v >>> SPECIES_SHIFT) * this.Z + d]++;
    if (this.multiRegion) {
      const ra = this.siteRegion[a];
      const rb = this.siteRegion[b];
      if (ra !== rb) this.crossingCounts[ra * this.R + rb]++;
    }
    if (this.interacting) {
      this.refreshTwoShells(a, b, this.isCatalyst(v >>> SPECIES_SHIFT));
      return;
    }
    if (nearFace) {
      // a may now take insertions, b had them (transfer below assumes b was in no group).
      this.refreshAround(a, true);
      this.refreshAround(b, true);
      return;
    }
    const step = this.step;
    const Z = this.Z;
    if (this.prefetchNeighbours && !faceA && !faceB) {
      // Touch the records of all neighbours first: independent loads overlap their misses.
      let t = 0;
      for (let e = 0; e < Z; e++) t += recI[4 * (a + step[e]) + 3] + recI[4 * (b + step[e]) + 3];
      this.touched = (this.touched + t) | 0;
    }
    this.storePlainRate(b, v >>> SPECIES_SHIFT);
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
    if (this.singleComponentSteps) {
      const axis = this.unitAxis;
      const sign = this.unitSign;
      for (let k = 0; k < n; k += 3) {
        const ion = journal[k];
        const d = journal[k + 2];
        site[ion] = journal[k + 1];
        displacement[3 * ion + axis[d]] += sign[d];
      }
    } else {
      const unit = this.steps.unitStep;
      for (let k = 0; k < n; k += 3) {
        const ion = journal[k];
        const d = journal[k + 2];
        site[ion] = journal[k + 1];
        displacement[3 * ion] += unit[3 * d];
        displacement[3 * ion + 1] += unit[3 * d + 1];
        displacement[3 * ion + 2] += unit[3 * d + 2];
      }
    }
    this.journalLength = 0;
  }

  /** Recomputes the rate of the ion on (occupied) site i without interactions and regroups it. */
  private refreshPlain(i: number): void {
    const recI = this.recI;
    const oldLo = recI[4 * i];
    const oldHi = recI[4 * i + 1];
    this.storePlainRate(i, recI[4 * i + 3] >>> SPECIES_SHIFT);
    if (recI[4 * i] === oldLo && recI[4 * i + 1] === oldHi) return;
    this.groups.update(i, oldHi, oldLo);
  }

  /** Recomputes the total rate of the ion on site i (any model; 0 when empty) and regroups it. */
  private refresh(i: number): void {
    const recI = this.recI;
    const recF = this.recF;
    const oldLo = recI[4 * i];
    const oldHi = recI[4 * i + 1];
    if (this.reservoir !== null) {
      // An empty site off the faces and off the reaction's surface has no channel: its rate is 0 (what siteChannelRates sums to there).
      if (recI[4 * i + 3] === -1 && this.reservoir.siteFace[i] === 0 && (this.reactionBonds === null || this.reactionBonds.surfaceIndex[i] < 0)) recF[2 * i] = 0;
      else recF[2 * i] = this.siteChannelRates(i, this.channelRates);
    } else if (this.reaction) {
      // Empty surface sites carry reaction rates too.
      this.siteRates(i, this.channelRates);
      recF[2 * i] = this.passDouble[1];
    } else if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) === 0) recF[2 * i] = 0;
    else {
      const s = recI[4 * i + 3] >>> SPECIES_SHIFT;
      if (this.interacting) {
        this.interactingRates(i, s, this.channelRates);
        recF[2 * i] = this.passDouble[1];
      } else this.storePlainRate(i, s);
    }
    // Compared by bits, as the groups file them (rates are ≥ 0 and never NaN, so the same as comparing the rates but for −0, which no sum gives).
    if (recI[4 * i] === oldLo && recI[4 * i + 1] === oldHi) return;
    this.groups.update(i, oldHi, oldLo);
  }

  /** Writes Σ_d k_d of an ion of species s at site i into its record, no interactions: a table look-up per free neighbour. */
  private storePlainRate(i: number, s: number): void {
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
      this.recF[2 * i] = total;
      return;
    }
    const table = this.rateSumByFreeMask;
    if (!face && table.length !== 0) {
      // Branch-free: the free neighbours as a bit mask, then one look-up of the same sum.
      let mask = 0;
      for (let d = 0; d < Z; d++) {
        const j = i + step[d];
        mask |= ((~occupied[j >> 5] >>> (j & 31)) & 1) << d;
      }
      this.recF[2 * i] = table[(s << Z) | mask];
      return;
    }
    const row = s * Z;
    for (let d = 0; d < Z; d++) {
      const j = face ? this.steps.faceNeighbour(i, d) : i + step[d];
      if (j < 0 || ((occupied[j >> 5] >>> (j & 31)) & 1) !== 0) continue;
      total += rates[row + d];
    }
    this.recF[2 * i] = total;
  }

  /**
   * rateSumByFreeMask for the current model: with one region, entry
   * (s << Z) | mask is the total hop rate of species s with free neighbours
   * `mask` (bit d: slot d free), summed over the set bits in direction order
   * exactly as the loop of storePlainRate does, so the look-up gives the same
   * bits. Empty (unused) with several regions, when Z > 8 (table too big), or
   * when the model has environment terms (interactions, lubrication,
   * reactions): their rates are not a function of the free-neighbour mask.
   */
  private buildRateSumTable(): void {
    const Z = this.Z;
    this.plainHops = null;
    this.plainSlotsReserved = false;
    this.freeMaskValid = false;
    if (this.multiRegion || Z > 8 || this.interacting || this.pairs || this.lubrication.length !== 0 || this.reaction) {
      this.rateSumByFreeMask = new Float64Array(0);
      return;
    }
    const tables = buildPlainHopTables(this.hopRate, this.nSpecies, Z);
    // A non-finite sum: the loop of storePlainRate forms it and the groups report it.
    this.rateSumByFreeMask = tables?.rateSum ?? new Float64Array(0);
    // Open faces give empty sites rates and ions a removal channel: the general loop.
    if (this.reservoir === null) this.plainHops = tables;
  }

  /** Per-direction rates into out (0 where impossible) and their sum in direction order into passDouble[1]; no interactions. */
  private plainRates(i: number, s: number, out: Float64Array): void {
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
    this.passDouble[1] = total;
  }

  /**
   * Per-direction rates with nearest-neighbour interactions, the same
   * operations as hopRateAt: base·exp(−interactionShift(vi, vj)/kT), the shift defined once in the rate model. vi is the ion's own
   * environment (the empty target adds nothing), vj the target's without the ion.
   */
  private interactingRates(i: number, s: number, out: Float64Array): void {
    const occupied = this.occupiedBits;
    const Z = this.Z;
    const R = this.R;
    const region = this.siteRegion;
    const rates = this.hopRate;
    const face = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
    const row = (s * R + region[i]) * R * Z;
    const pairs = this.pairs;
    const lubricated = this.lubricated[s] !== 0;
    const vi = pairs ? this.environment(i, s, -1) : 0;
    const kT = this.kT;
    let total = 0;
    for (let d = 0; d < Z; d++) {
      const j = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
      let k = 0;
      if (j >= 0 && ((occupied[j >> 5] >>> (j & 31)) & 1) === 0) {
        const base = rates[row + region[j] * Z + d];
        if (base !== 0) {
          const vj = pairs ? this.environment(j, s, i) : 0;
          k = base * Math.exp(-hopBarrierShift(interactionShift(vi, vj), lubricated ? this.lubricationShiftAt(i, j, s) : 0) / kT);
        }
      }
      out[d] = k;
      total += k;
    }
    this.passDouble[1] = total;
  }

  /**
   * Lubrication shift (eV) of a hop of species s from i to j: the same rules,
   * order and neighbourhood (distinct sites around i or j, other than i and j)
   * as the reference lubricationShift.
   */
  private lubricationShiftAt(i: number, j: number, s: number): number {
    const sites = this.bondSites;
    const occupied = this.occupiedBits;
    const n = this.collectBondSites(i, j);
    let shift = 0;
    for (const rule of this.lubrication) {
      if (rule.species !== s) continue;
      let count = 0;
      for (let k = 0; k < n; k++) {
        const m = sites[k];
        if (((occupied[m >> 5] >>> (m & 31)) & 1) !== 0 && this.recI[4 * m + 3] >>> SPECIES_SHIFT === rule.by) count++;
      }
      shift += ruleShift(rule, count);
    }
    return shift;
  }

  /** The distinct sites around i or j other than i and j into bondSites (bondNeighbourhood); returns how many. */
  private collectBondSites(i: number, j: number): number {
    const sites = this.bondSites;
    let n = 0;
    for (let end = 0; end < 2; end++) {
      const c = end === 0 ? i : j;
      const face = ((this.faceBits[c >> 5] >>> (c & 31)) & 1) !== 0;
      for (let d = 0; d < this.Z; d++) {
        const m = face ? this.steps.faceNeighbour(c, d) : c + this.step[d];
        if (m < 0 || m === i || m === j) continue;
        let seen = false;
        for (let k = 0; k < n; k++) if (sites[k] === m) seen = true;
        if (!seen) sites[n++] = m;
      }
    }
    return n;
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
      if (((occupied[n >> 5] >>> (n & 31)) & 1) !== 0) v += pair[s * this.nSpecies + (recI[4 * n + 3] >>> SPECIES_SHIFT)];
    }
    return v;
  }

  /**
   * With interactions a rate depends on occupancy up to two steps away: refresh
   * every site within two steps of a or b, each once (a small hash set removes
   * the duplicates that the two overlapping balls and wrap-around give).
   */
  private refreshTwoShells(a: number, b: number, catalystMoved: boolean): void {
    // With a reaction but no pair energies or lubrication a rate two steps away changes only through the
    // catalyst's presence around a bond: when no catalyst came or went, the sites within one step of a or b
    // are all that can change. They are refreshed in the order of the full balls (the groups' order depends on it).
    const near = !catalystMoved && this.reaction !== null && !this.currentModel.hasEnvironment;
    if (near) this.markFirstShells(a, b);
    let n = this.collectBall(a, 0, near);
    n = this.collectBall(b, n, near);
    const sites = this.ballSites;
    const hash = this.ballHash;
    const slots = this.ballSlots;
    for (let k = 0; k < n; k++) {
      this.refresh(sites[k]);
      hash[slots[k]] = -1;
    }
  }

  /**
   * Adds c, its neighbours and theirs to ballSites (from index n) unless already there; returns the new count.
   * With a reaction but no pair energies or lubrication, only the reaction rates (stored on surface sites)
   * reach two steps, so the second shell keeps just its surface sites.
   */
  private collectBall(c: number, n: number, onlyMarked: boolean): number {
    const stamp = onlyMarked ? this.shellStamp : -1;
    const marks = this.shellMarks;
    const faces = this.faceBits;
    const onlySurface = this.reaction !== null && !this.currentModel.hasEnvironment ? this.reaction.surfaceRegion : null;
    const region = this.siteRegion;
    n = this.collect(c, n);
    const fc = ((faces[c >> 5] >>> (c & 31)) & 1) !== 0;
    for (let d = 0; d < this.Z; d++) {
      const m = fc ? this.steps.faceNeighbour(c, d) : c + this.step[d];
      if (m < 0) continue;
      n = this.collect(m, n);
      const fm = ((faces[m >> 5] >>> (m & 31)) & 1) !== 0;
      for (let e = 0; e < this.Z; e++) {
        const q = fm ? this.steps.faceNeighbour(m, e) : m + this.step[e];
        if (q >= 0 && (onlySurface === null || onlySurface[region[q]] !== 0) && (stamp === -1 || marks[q] === stamp)) n = this.collect(q, n);
      }
    }
    return n;
  }

  /** Marks a, b and the sites one step from either with a new stamp in shellMarks. */
  private markFirstShells(a: number, b: number): void {
    if (this.shellMarks.length !== this.currentModel.nSites) this.shellMarks = new Int32Array(this.currentModel.nSites);
    if (this.shellStamp === 0x7fffffff) {
      this.shellMarks.fill(0);
      this.shellStamp = 0;
    }
    const stamp = ++this.shellStamp;
    const marks = this.shellMarks;
    for (let end = 0; end < 2; end++) {
      const c = end === 0 ? a : b;
      marks[c] = stamp;
      const face = ((this.faceBits[c >> 5] >>> (c & 31)) & 1) !== 0;
      for (let d = 0; d < this.Z; d++) {
        const m = face ? this.steps.faceNeighbour(c, d) : c + this.step[d];
        if (m >= 0) marks[m] = stamp;
      }
    }
  }

  private collect(site: number, n: number): number {
    const hash = this.ballHash;
    const mask = this.ballHashMask;
    let h = (Math.imul(site, 0x9e3779b1) >>> this.ballHashShift) & mask;
    for (;;) {
      const v = hash[h];
      if (v === site) return n;
      if (v === -1) break;
      h = (h + 1) & mask;
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
    const surface = this.reaction?.surfaceRegion;
    for (let i = 0; i < n; i++) if (this.reservoir !== null || ((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) !== 0 || (surface && surface[this.siteRegion[i]])) this.refresh(i);
    this.groups.trim();
  }

  /** Ion slots used so far (alive or not): the length of every IonState array. */
  get ionCapacity(): number {
    return this.slots;
  }

  async ions(): Promise<IonState> {
    const n = this.slots;
    return { species: this.species.slice(0, n), site: this.site.slice(0, n), displacement: this.displacement.slice(0, 3 * n), alive: this.alive.slice(0, n) };
  }

  /**
   * Puts a new ion of species s on the free site i, in a new slot, and
   * refreshes every rate that changes: the primitive a site channel that
   * inserts ions executes. Returns the ion's slot.
   */
  insertIon(i: number, s: number): number {
    const model = this.currentModel;
    if (!(Number.isInteger(i) && i >= 0 && i < model.nSites)) throw new RangeError(`insertIon: site must be a whole number in [0, ${model.nSites - 1}] (got ${i})`);
    if (!(Number.isInteger(s) && s >= 0 && s < model.nSpecies)) throw new RangeError(`insertIon: species must be a whole number in [0, ${model.nSpecies - 1}] (got ${s})`);
    if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) !== 0) throw new Error(`insertIon: site ${i} is occupied`);
    if (!model.allowed[s * model.nRegions + model.siteRegion[i]]) {
      throw new Error(`insertIon: ${model.speciesNames[s]} may not sit in region "${model.regionNames[model.siteRegion[i]]}" (site ${i})`);
    }
    if (this.slots >= ION_MASK) throw new Error(`insertIon: the CPU engine numbers at most ${ION_MASK} ions`);
    // The free-pair segments assume a fixed ion count: back to the rates and groups.
    if (this.freePairs.active) this.leaveFreePairs();
    this.applyJournal();
    this.freeMaskValid = false;
    if (this.slots === this.species.length) this.growIonSlots();
    const ion = this.slots++;
    this.species[ion] = s;
    this.site[ion] = i;
    this.alive[ion] = 1;
    this.aliveIons++;
    this.occupiedBits[i >> 5] |= 1 << (i & 31);
    this.recI[4 * i + 3] = ion | (s << SPECIES_SHIFT);
    if (!this.refreshDeferred) this.refreshAround(i, this.isCatalyst(s));
    return ion;
  }

  /** Takes the ion off site i (its slot stays, marked not alive) and refreshes the rates that change. Returns its slot. */
  removeIon(i: number): number {
    const model = this.currentModel;
    if (!(Number.isInteger(i) && i >= 0 && i < model.nSites)) throw new RangeError(`removeIon: site must be a whole number in [0, ${model.nSites - 1}] (got ${i})`);
    if (((this.occupiedBits[i >> 5] >>> (i & 31)) & 1) === 0) throw new Error(`removeIon: site ${i} is empty`);
    if (this.freePairs.active) this.leaveFreePairs();
    this.applyJournal();
    this.freeMaskValid = false;
    const ion = this.recI[4 * i + 3] & ION_MASK;
    const species = this.recI[4 * i + 3] >>> SPECIES_SHIFT;
    this.occupiedBits[i >> 5] &= ~(1 << (i & 31));
    this.recI[4 * i + 3] = -1;
    this.alive[ion] = 0;
    this.aliveIons--;
    if (!this.refreshDeferred) this.refreshAround(i, this.isCatalyst(species));
    return ion;
  }

  /** True when species s is the reaction's catalyst (its coming or going changes reaction rates two steps away). */
  private isCatalyst(s: number): boolean {
    return this.reaction !== null && this.reaction.catalyst === s;
  }

  /** Refreshes the rates that a change of occupancy at site i can touch (i itself included); catalystMoved: the ion that came or went is the reaction's catalyst. */
  private refreshAround(i: number, catalystMoved: boolean): void {
    if (this.interacting) {
      this.refreshTwoShells(i, i, catalystMoved);
      return;
    }
    this.refresh(i);
    const face = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
    for (let d = 0; d < this.Z; d++) {
      const n = face ? this.steps.faceNeighbour(i, d) : i + this.step[d];
      if (n >= 0) this.refresh(n);
    }
  }

  /** Doubles the per-ion arrays (insertions beyond the initial population). */
  private growIonSlots(): void {
    const capacity = Math.max(16, 2 * this.species.length);
    const grow = <T extends Uint8Array | Int32Array>(a: T, n: number, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.species = grow(this.species, capacity, (n) => new Uint8Array(n));
    this.site = grow(this.site, capacity, (n) => new Int32Array(n));
    this.displacement = grow(this.displacement, 3 * capacity, (n) => new Int32Array(n));
    this.alive = grow(this.alive, capacity, (n) => new Uint8Array(n));
  }

  /**
   * The live per-ion arrays, without copying: read-only for the caller. The
   * engine updates them in place, in batches; they are complete whenever no
   * advance is running (every advance applies its last batch before returning).
   * insertIon may move them to larger arrays: take a new view after it.
   */
  ionStateView(): Readonly<IonState> {
    const n = this.slots;
    return { species: this.species.subarray(0, n), site: this.site.subarray(0, n), displacement: this.displacement.subarray(0, 3 * n), alive: this.alive.subarray(0, n) };
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

  /**
   * The proton (and every species') ledger: dissociations and recombinations
   * so far, and the ions present now per species and origin (ION_ORIGINS order:
   * initial, water, inserted by another channel).
   */
  reactionLedgerSync(): { dissociations: number; recombinations: number; storedByOrigin: number[][] } {
    this.applyJournal();
    return {
      dissociations: this.ledger.dissociations,
      recombinations: this.ledger.recombinations,
      storedByOrigin: this.ledger.storedByOrigin(this.species, this.alive, this.slots, this.nSpecies),
    };
  }

  async chemistryCounts(): Promise<ChemistryCounts> {
    const ledger = this.reactionLedgerSync();
    let surfaceHydroxide = 0;
    const rx = this.reaction;
    if (rx) {
      const occ = this.occupancySync();
      for (let i = 0; i < occ.length; i++) if (occ[i] === rx.hydroxide + 1 && rx.surfaceRegion[this.siteRegion[i]]) surfaceHydroxide++;
    }
    return {
      timeS: this.clock,
      kindEvents: this.kindEvents.slice(),
      hopsByDirection: this.hopsByDirection.slice(),
      lubricatedHops: this.lubricatedHopCounts.slice(),
      dissociations: ledger.dissociations,
      recombinations: ledger.recombinations,
      storedByOrigin: ledger.storedByOrigin,
      surfaceHydroxide,
      totalRateHz: this.groups.total(),
    };
  }

  /** Hops per species whose saddle lubrication shifted (all zero without lubrication rules). */
  lubricatedHopCountsSync(): Float64Array {
    return this.lubricatedHopCounts.slice();
  }

  async eventCountsByKind(): Promise<Float64Array> {
    return this.kindEvents.slice();
  }

  /** Total rate of every possible hop now (Hz). */
  totalRate(): number {
    if (this.freePairs.active) return freePairRate(this.freePairs.pairCount, this.hopRate);
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
    if (!sameLattice(model.lattice, old.lattice)) {
      throw new Error(
        `setModel needs the same lattice: running ${describeLattice(old.lattice)}, got ${describeLattice(model.lattice)}; start a new run to change the lattice`,
      );
    }
    if (model.speciesNames.join('\u0000') !== old.speciesNames.join('\u0000')) {
      throw new Error(`setModel needs the same species: running ${old.speciesNames.join(', ')}, got ${model.speciesNames.join(', ')}; start a new run to change the species`);
    }
    checkAllowed(model, this.occupancySync());
    // The rates and groups are rebuilt below; the next advance decides on free pairs afresh.
    this.freePairs.active = 0;
    this.freePairs.groupEventsLeft = 0;
    // Region indices may have a new meaning: crossing counts restart when the region count changes.
    if (model.nRegions !== this.R) this.crossingCounts = new Float64Array(model.nRegions * model.nRegions);
    this.currentModel = model;
    this.R = model.nRegions;
    this.multiRegion = model.nRegions > 1;
    this.siteRegion = model.siteRegion;
    this.hopRate = model.hopRate;
    this.pairEnergy = model.pairEnergy;
    this.kT = model.kT;
    this.interacting = model.hasEnvironment;
    this.reservoir = model.channels.reservoir ? new ReservoirSlots(model, this.reservoir) : null;
    this.pairs = model.hasInteractions;
    this.lubrication = model.lubrication;
    this.lubricated = lubricatedSpecies(model);
    this.reaction = model.waterDissociation;
    if (this.reaction) this.interacting = true;
    this.reactionBase = this.Z + (this.reservoir !== null ? model.nSpecies : 0);
    this.buildRateSumTable();
    this.buildReactionBonds();
    this.rebuildRates();
  }

  /** The reaction's bond tables for the current model, walking the lattice as the engine does (faceNeighbour on face sites). */
  private buildReactionBonds(): void {
    const model = this.currentModel;
    this.reactionBonds = model.waterDissociation ? new ReactionBonds(model, (i, d) => (((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0 ? this.steps.faceNeighbour(i, d) : i + this.step[d])) : null;
  }

  /** Bytes of every typed array the engine holds (the model's arrays, e.g. siteRegion, not included). */
  memoryBytes(): number {
    let n = this.occupiedBits.byteLength + this.faceBits.byteLength + this.recF.byteLength;
    n += this.species.byteLength + this.site.byteLength + this.displacement.byteLength;
    n += this.groups.bytes() + this.rng.bytes() + this.step.byteLength;
    n += this.crossingCounts.byteLength + this.speciesEvents.byteLength;
    n += this.journal.byteLength + this.channelRates.byteLength + this.channelOrder.byteLength + this.ballSites.byteLength + this.ballSlots.byteLength + this.ballHash.byteLength;
    n += this.alive.byteLength + this.kindEvents.byteLength + (this.reservoir?.bytes() ?? 0);
    n += this.hopsByDirection.byteLength + this.lubricatedHopCounts.byteLength + this.bondSites.byteLength + this.lubricated.byteLength;
    n += this.freeMask.byteLength + this.hopNeighbours.byteLength + (this.reactionBonds?.bytes() ?? 0) + this.shellMarks.byteLength;
    n += this.freePairs.bytes();
    if (this.plainHops !== null) n += this.plainHops.rateSum.byteLength + this.plainHops.positive.byteLength + this.plainHops.thresholds.byteLength + this.plainHops.slots.byteLength;
    return n;
  }

  /**
   * For tests: recomputes every ion's rates with the reference hopRateAt and
   * the group bookkeeping from scratch; returns the first mismatch, or null.
   */
  checkConsistency(): string | null {
    if (this.freePairs.active) return this.checkFreePairs();
    const model = this.currentModel;
    const occ = this.occupancySync();
    const nIons = this.slots;
    const recI = this.recI;
    const seen = new Uint8Array(nIons);
    if (this.occupiedBits.length !== bitsetWords(model.nSites)) return 'occupied bitset has the wrong length';
    const k = new Float64Array(2 * this.Z + model.nSpecies);
    for (let i = 0; i < model.nSites; i++) {
      const isFace = ((this.faceBits[i >> 5] >>> (i & 31)) & 1) !== 0;
      if (isFace !== this.steps.isFace(i)) return `site ${i}: face bit wrong`;
      const v = recI[4 * i + 3];
      if (occ[i] === 0) {
        if (v !== -1) return `site ${i}: empty but its record holds ${v}`;
        let expected = 0;
        // Insertions at reservoir faces, then reactions on surface sites.
        if (this.reservoir !== null) for (let s = 0; s < model.nSpecies; s++) expected += reservoirRateAt(model, occ, i, s, this.reservoir.inventoryLeft);
        if (this.reaction) {
          this.reactionSlotRates(i, k);
          const base = this.reactionBase;
          for (let d = 0; d < model.directions; d++) {
            const ref = reactionRateAt(model, occ, i, d);
            if (ref !== k[base + d]) return `empty site ${i}, reaction along ${d}: engine ${k[base + d]} Hz, reactionRateAt ${ref} Hz`;
            expected += ref;
          }
        }
        if (this.recF[2 * i] !== expected) return `site ${i}: empty, stored rate ${this.recF[2 * i]} Hz, recomputed ${expected} Hz`;
        if (expected === 0) {
          if (recI[4 * i + 2] !== -1) return `site ${i}: empty with rate 0 but in a group at ${recI[4 * i + 2]}`;
        } else {
          const pos = recI[4 * i + 2];
          const g = RateGroups.groupOfHigh(recI[4 * i + 1]);
          if (pos < 0 || pos >= this.groups.countOf(g) || this.groups.membersOf(g)[pos] !== i) return `empty site ${i}: not at position ${pos} of group ${g}`;
        }
        continue;
      }
      const ion = v & ION_MASK;
      if (v < 0 || ion >= nIons || seen[ion]) return `site ${i}: ion ${ion} invalid or on two sites`;
      if (!this.alive[ion]) return `site ${i}: ion ${ion} is marked removed but sits here`;
      seen[ion] = 1;
      if (this.site[ion] !== i) return `site ${i}: ion ${ion} thinks it is on ${this.site[ion]}`;
      const s = v >>> SPECIES_SHIFT;
      if (this.species[ion] !== s) return `site ${i}: species ${s} in the record, ${this.species[ion]} for ion ${ion}`;
      if (this.interacting) this.interactingRates(i, s, k);
      else this.plainRates(i, s, k);
      // With reservoirs the stored rate adds the removal channel (siteChannelRates, as refresh stores it).
      const sum = this.reservoir !== null ? this.siteChannelRates(i, k) : this.passDouble[1];
      // Without reactions the stored rate is that sum (storePlainRate, interactingRates or siteChannelRates wrote it);
      // with them it adds the reaction slots, checked against the reference below.
      if (!this.reaction && sum !== this.recF[2 * i]) return `site ${i}: rate sum ${sum} Hz from the per-direction rates, stored ${this.recF[2 * i]} Hz`;
      let expected = 0;
      for (let d = 0; d < model.directions; d++) {
        const ref = hopRateAt(model, occ, i, d);
        if (ref !== k[d]) return `ion ${ion} at site ${i}, direction ${d}: engine ${k[d]} Hz, hopRateAt ${ref} Hz`;
        expected += ref;
      }
      if (this.reservoir !== null) expected += reservoirRateAt(model, occ, i, s, this.reservoir.inventoryLeft);
      if (this.reaction) {
        this.reactionSlotRates(i, k);
        const base = this.reactionBase;
        for (let d = 0; d < model.directions; d++) {
          const ref = reactionRateAt(model, occ, i, d);
          if (ref !== k[base + d]) return `ion ${ion} at site ${i}, reaction along ${d}: engine ${k[base + d]} Hz, reactionRateAt ${ref} Hz`;
          expected += ref;
        }
      }
      const stored = this.recF[2 * i];
      if (expected !== stored) return `ion ${ion} at site ${i}: stored rate ${stored} Hz, recomputed ${expected} Hz`;
      const pos = recI[4 * i + 2];
      if (expected === 0) {
        if (pos !== -1) return `site ${i} has rate 0 but sits in a group at ${pos}`;
        continue;
      }
      const g = RateGroups.groupOfHigh(recI[4 * i + 1]);
      if (pos < 0 || pos >= this.groups.countOf(g) || this.groups.membersOf(g)[pos] !== i) return `site ${i}: not at position ${pos} of group ${g}`;
    }
    for (let ion = 0; ion < nIons; ion++) if (!seen[ion] && this.alive[ion]) return `ion ${ion} is alive but on no site`;
    let alive = 0;
    for (let ion = 0; ion < nIons; ion++) alive += this.alive[ion];
    if (alive !== this.aliveIons) return `${this.aliveIons} ions counted alive, ${alive} flagged`;
    const copy = new SiteRecords(model.nSites);
    const check = new RateGroups(copy);
    for (let i = 0; i < model.nSites; i++) {
      copy.f64[2 * i] = this.recF[2 * i];
      check.update(i, 0, 0);
    }
    const groups = this.groups;
    for (let g = 0; g < N_GROUPS; g++) {
      if (check.countOf(g) !== groups.countOf(g)) return `group ${g}: ${groups.countOf(g)} members, expected ${check.countOf(g)}`;
      const [hi, lo] = groups.exactSumOf(g);
      const [checkHi, checkLo] = check.exactSumOf(g);
      if (checkHi !== hi || checkLo !== lo) return `group ${g}: sum ${groups.groupSum(g)} Hz, recomputed ${check.groupSum(g)} Hz`;
      // The rejection ceiling must bound every member's rate (check's ceiling is their maximum) and stay below top.
      const ceiling = groups.ceilingOf(g);
      if (check.countOf(g) === 0 ? ceiling !== 0 : !(ceiling >= check.ceilingOf(g) && ceiling < groups.topOf(g))) {
        return `group ${g}: rejection ceiling ${ceiling} Hz, member maximum ${check.ceilingOf(g)} Hz, top ${groups.topOf(g)} Hz`;
      }
    }
    if (check.activeGroups().join() !== groups.activeGroups().join()) return `active groups ${groups.activeGroups().join()}, expected ${check.activeGroups().join()}`;
    for (let a = 0; a < groups.nActive; a++) {
      const slot = groups.active[a];
      if (groups.slotOf[groups.groupOfSlot[slot]] !== slot) return `slot ${slot} of group ${groups.groupOfSlot[slot]} is not that group's slot`;
    }
    for (let h = 0; h < this.ballHash.length; h++) if (this.ballHash[h] !== -1) return `ball hash slot ${h} not cleared`;
    if (this.freeMaskValid) {
      const kept = this.freeMask.slice();
      this.rebuildFreeMask();
      for (let i = 0; i < model.nSites; i++) if (kept[i] !== this.freeMask[i]) return `site ${i}: free-neighbour mask ${kept[i]}, recomputed ${this.freeMask[i]}`;
    }
    return null;
  }

  /** checkConsistency while free pairs run: occupancy and ion records, the segments, and every count recounted. */
  private checkFreePairs(): string | null {
    const model = this.currentModel;
    const fp = this.freePairs;
    const n = model.nSites;
    const occ = this.occupancySync();
    const recI = this.recI;
    const seen = new Uint8Array(this.slots);
    for (let i = 0; i < n; i++) {
      const v = recI[4 * i + 3];
      const pos = recI[4 * i + 2];
      if (pos < 0 || pos >= n || fp.order[pos] !== i) return `site ${i}: at position ${pos} of the free-pair order, which holds ${fp.order[pos]}`;
      const segment = occ[i] === 0 ? this.nSpecies : occ[i] - 1;
      if (!(pos >= fp.segmentStart[segment] && pos < (segment === this.nSpecies ? n : fp.segmentStart[segment + 1]))) return `site ${i}: position ${pos} outside the segment of ${occ[i] === 0 ? 'empty sites' : model.speciesNames[segment]}`;
      if (occ[i] === 0) {
        if (v !== -1) return `site ${i}: empty but its record holds ${v}`;
        continue;
      }
      const ion = v & ION_MASK;
      if (v < 0 || ion >= this.slots || seen[ion]) return `site ${i}: ion ${ion} invalid or on two sites`;
      seen[ion] = 1;
      if (this.site[ion] !== i) return `site ${i}: ion ${ion} thinks it is on ${this.site[ion]}`;
      if (this.species[ion] !== v >>> SPECIES_SHIFT) return `site ${i}: species ${v >>> SPECIES_SHIFT} in the record, ${this.species[ion]} for ion ${ion}`;
    }
    const kept = { pairs: fp.pairCount.slice(), species: fp.speciesCount.slice(), starts: fp.segmentStart.slice(), weight: fp.proposalWeight };
    this.countFreePairs();
    const recounted = { pairs: fp.pairCount.slice(), species: fp.speciesCount.slice(), starts: fp.segmentStart.slice(), weight: fp.proposalWeight };
    fp.pairCount.set(kept.pairs);
    fp.speciesCount.set(kept.species);
    fp.segmentStart.set(kept.starts);
    fp.proposalWeight = kept.weight;
    for (const key of ['pairs', 'species', 'starts'] as const) {
      if (kept[key].join() !== recounted[key].join()) return `free-pair ${key}: kept ${kept[key].join()}, recounted ${recounted[key].join()}`;
    }
    if (kept.weight !== recounted.weight) return `free-pair proposal weight: kept ${kept.weight}, recounted ${recounted.weight}`;
    // Each class's rate is the reference rate of every pair in it.
    const Z = this.Z;
    for (let i = 0; i < n; i++) {
      if (occ[i] === 0) continue;
      const s = occ[i] - 1;
      for (let d = 0; d < Z; d++) {
        const ref = hopRateAt(model, occ, i, d);
        if (ref !== 0 && ref !== this.hopRate[s * Z + d]) return `ion at site ${i}, direction ${d}: hopRateAt ${ref} Hz, free-pair class rate ${this.hopRate[s * Z + d]} Hz`;
      }
    }
    return null;
  }

  dispose(): void {
    // Nothing outside the JS heap to release; the typed arrays go with the engine.
  }
}

/** 1 per species that a lubrication rule shifts. */
function lubricatedSpecies(model: RateModel): Uint8Array {
  const out = new Uint8Array(model.nSpecies);
  for (const rule of model.lubrication) out[rule.species] = 1;
  return out;
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
