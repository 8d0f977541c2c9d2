// Many gpu-walkers replicas in one kernel run (docs/gpu.md "Many sweep points in
// one dispatch"): every group is one replica of one rate model (one sweep point)
// on a shared lattice, with its own seed, hop thresholds, uniformization rate Γ,
// dispatch interval, Poisson tables and counters. Each group's schedule of
// dispatches is the one GpuWalkersEngine would run for the same advance({time})
// calls, and the kernel keys a group's random words by the group's own walker
// number, seed and step, so every group ends in exactly the state of that
// replica run alone on gpu-walkers, bit for bit. Groups that need fewer
// dispatches than the busiest one sit the rest out (Poisson length 0).
//
// groupEngines() hands out one Engine per group; their advance() calls meet at a
// barrier, and when every live group has asked, one kernel run serves them all.
import type { RateModel } from '../../model/rateModel';
import { CHANNEL_KINDS } from '../../model/channels';
import type { AdvanceLimit, AdvanceReport, Engine, IonState } from '../engine';
import type { WalkerDispatch, WalkersConfig, WalkersExecutor, WalkerStateArrays } from '../../gpu/backends';
import { acquireGpu } from '../../gpu/device';
import { adjacentRegions, geometryTable, geometryTablePairs, kernelGeometry, maxDirectionalRate, type KernelGeometry } from '../../gpu/geometry';
import { counterWords, groupCounterBase, packIonWord, SITE_MASK } from '../../gpu/layouts';
import { kernelSeed, STREAM } from '../../gpu/rng';
import { hopTablePairs, hopThresholds, poissonTable, walkerSlotShift, walkerTiming, type WalkerTiming } from '../../gpu/tables';
import { WalkersTwin } from '../../gpu/walkers/twin';
import { checkWalkersScene, defaultTicksPerDispatch, WALKERS_MAX_BATCH } from './gpuWalkersEngine';
import { checkKernelLimits, ionsOf } from './ionList';
import { crossingsOf, eventCountsOf, totalEvents } from './counters';
import { sameLattice } from '../../model/lattice';

/** One replica of one rate model. */
export interface WalkerGroupSpec {
  readonly model: RateModel;
  readonly occupancy: Uint8Array;
  /** Numeric seed and replica number of the counter-based stream (as GpuWalkersOptions). */
  readonly seedNumber: number;
  readonly replica: number;
  /** Mean ticks per dispatch (default: defaultTicksPerDispatch of the group's walker count, as gpu-walkers). */
  readonly ticksPerDispatch?: number;
}

export interface WalkerGroupOptions {
  executor?: 'gpu' | 'twin';
}

/** Most (group, dispatch) schedule entries written per kernel run: bounds the tables buffer (2 pairs, 16 bytes, each). */
const SCHEDULE_ENTRIES = 1 << 18;
/** Most pairs of per-group tables (hop thresholds, Poisson tables) in one run: 32 MiB. */
export const MAX_GROUP_TABLE_PAIRS = 1 << 22;

/** Ticks per dispatch of a group, as GpuWalkersEngine picks them. */
export function groupTicksPerDispatch(spec: Pick<WalkerGroupSpec, 'ticksPerDispatch'>, walkers: number): number {
  return spec.ticksPerDispatch ?? defaultTicksPerDispatch(walkers);
}

/**
 * Table pairs a group adds to a run: its hop thresholds and its partial Poisson
 * table, plus the full Poisson table of its λ unless `sharedFull` (groups with
 * the same λ share one).
 */
export function groupTablePairs(model: RateModel, ticksPerDispatch: number, sharedFull: boolean): number {
  const capacity = poissonTable(ticksPerDispatch).length / 2;
  return hopTablePairs(model) + (sharedFull ? 1 : 2) * capacity;
}

interface Group {
  readonly model: RateModel;
  readonly first: number;
  readonly walkers: number;
  readonly species: Uint8Array;
  readonly timing: WalkerTiming;
  readonly thresholdOffset: number;
  readonly fullOffset: number;
  readonly fullLength: number;
  readonly partialOffset: number;
  step: number;
  time: number;
  events: number;
  live: boolean;
}

interface Request {
  readonly group: number;
  readonly target: number;
  readonly resolve: (r: AdvanceReport) => void;
  readonly reject: (e: unknown) => void;
}

interface ScheduleEntry {
  readonly step: number;
  readonly poissonOffset: number;
  readonly poissonLength: number;
}

export class WalkerGroupRun {
  private readonly pending: Request[] = [];
  private cache: { counters: Uint32Array; state: WalkerStateArrays } | null = null;
  /** Kernel dispatches run so far (all groups together). */
  dispatches = 0;

  private constructor(
    private readonly executor: WalkersExecutor,
    private readonly geometry: KernelGeometry,
    private readonly groups: Group[],
    private readonly scheduleOffset: number,
    private readonly scheduleDispatches: number,
  ) {}

  static async create(specs: readonly WalkerGroupSpec[], options: WalkerGroupOptions = {}): Promise<WalkerGroupRun> {
    if (specs.length === 0) throw new RangeError('a grouped walkers run needs at least one group');
    const first = specs[0].model;
    const geometry = kernelGeometry(first);
    const adjacent = adjacentRegions(geometry);
    let pairs = 0;
    let walkerCount = 0;
    // One full Poisson table per λ, shared by the groups with that λ.
    const fullTables = new Map<number, { offset: number; length: number }>();
    const groups: Group[] = specs.map((spec, g) => {
      const { model, occupancy } = spec;
      if (!sameGeometry(first, model))
        throw new RangeError(`group ${g}: every group of a grouped walkers run needs the same lattice, regions and species as group 0`);
      checkWalkersScene(model, occupancy);
      const ions = ionsOf(occupancy);
      const tpd = groupTicksPerDispatch(spec, ions.site.length);
      if (!(tpd > 0 && tpd <= 1e5)) throw new RangeError(`group ${g}: ticksPerDispatch must lie in (0, 1e5] (got ${tpd})`);
      const present = Array.from({ length: model.nSpecies }, (_, s) => ions.species.includes(s));
      const timing = walkerTiming(model, maxDirectionalRate(model, adjacent, present), tpd);
      const capacity = poissonTable(tpd).length / 2;
      const thresholdOffset = pairs;
      pairs += hopTablePairs(model);
      let full = fullTables.get(tpd);
      if (!full) {
        full = { offset: pairs, length: capacity };
        fullTables.set(tpd, full);
        pairs += capacity;
      }
      const group: Group = {
        model, first: walkerCount, walkers: ions.site.length, species: ions.species, timing, thresholdOffset,
        fullOffset: full.offset, fullLength: full.length, partialOffset: pairs,
        step: 0, time: 0, events: 0, live: true,
      };
      pairs += capacity;
      walkerCount += ions.site.length;
      return group;
    });
    if (pairs > MAX_GROUP_TABLE_PAIRS)
      throw new RangeError(`the ${groups.length} groups need ${pairs} table pairs (hop thresholds and Poisson tables); one grouped walkers run holds at most ${MAX_GROUP_TABLE_PAIRS}: split the groups over several runs`);
    checkKernelLimits('gpu-walkers', first, walkerCount);
    const directionOffset = pairs;
    pairs += geometryTablePairs(geometry);
    const groupOffset = pairs;
    pairs += walkerCount;
    const groupInfoOffset = pairs;
    pairs += groups.length;
    const scheduleOffset = pairs;
    const scheduleDispatches = Math.max(1, Math.floor(SCHEDULE_ENTRIES / groups.length));
    pairs += 2 * groups.length * scheduleDispatches;

    const walkers = new Uint32Array(walkerCount);
    const membership = new Uint32Array(2 * walkerCount);
    const info = new Uint32Array(2 * groups.length);
    groups.forEach((group, g) => {
      const ions = ionsOf(specs[g].occupancy);
      for (let k = 0; k < group.walkers; k++) {
        walkers[group.first + k] = packIonWord(ions.site[k], ions.species[k]);
        membership[2 * (group.first + k)] = g;
        membership[2 * (group.first + k) + 1] = k;
      }
      info[2 * g] = kernelSeed(specs[g].seedNumber, specs[g].replica, STREAM.walkers);
      info[2 * g + 1] = group.thresholdOffset;
    });
    const config: WalkersConfig = {
      geometry,
      seed: 0,
      slotShift: walkerSlotShift(first),
      tablePairs: pairs,
      directionOffset,
      walkers,
      groups: { count: groups.length, groupOffset, groupInfoOffset },
    };
    const executor = options.executor === 'twin' ? new WalkersTwin(config) : await (await import('../../gpu/walkers/pipeline')).WalkersGpu.create(await acquireGpu(), config);
    executor.writeTables(directionOffset, geometryTable(geometry));
    executor.writeTables(groupOffset, membership);
    executor.writeTables(groupInfoOffset, info);
    for (const group of groups) {
      const { gamma, slots } = group.timing;
      executor.writeTables(group.thresholdOffset, gamma > 0 ? hopThresholds(group.model, slots / gamma) : new Uint32Array(2 * hopTablePairs(group.model)));
    }
    for (const [tpd, full] of fullTables) executor.writeTables(full.offset, poissonTable(tpd));
    return new WalkerGroupRun(executor, geometry, groups, scheduleOffset, scheduleDispatches);
  }

  get groupCount(): number {
    return this.groups.length;
  }

  /** One Engine per group, in group order. */
  groupEngines(): Engine[] {
    return this.groups.map((_, g) => new WalkerGroupEngine(this, g));
  }

  dispose(): void {
    this.executor.dispose();
  }

  groupModel(g: number): RateModel {
    return this.groups[g].model;
  }
  groupTime(g: number): number {
    return this.groups[g].time;
  }
  groupEvents(g: number): number {
    return this.groups[g].events;
  }
  groupWalkers(g: number): number {
    return this.groups[g].walkers;
  }

  /** Waits until every live group has asked, then serves them all with one kernel run. */
  requestAdvance(g: number, limit: AdvanceLimit): Promise<AdvanceReport> {
    const group = this.groups[g];
    if (limit.events !== undefined || limit.time === undefined)
      return Promise.reject(new RangeError('a grouped walkers run advances by time only (advance({ time })); event budgets depend on each group\'s counter reads'));
    if (limit.time <= group.time) return Promise.resolve({ events: 0, time: group.time, stoppedBy: 'time' });
    const report = new Promise<AdvanceReport>((resolve, reject) => this.pending.push({ group: g, target: limit.time!, resolve, reject }));
    this.maybeFlush();
    return report;
  }

  /** A group is done (its engine disposed): the others no longer wait for it. */
  leave(g: number): void {
    this.groups[g].live = false;
    this.maybeFlush();
  }

  private maybeFlush(): void {
    const live = this.groups.filter((x) => x.live).length;
    if (this.pending.length === 0 || this.pending.length < live) return;
    const requests = this.pending.splice(0);
    this.flush(requests).then(
      (reports) => requests.forEach((r, k) => r.resolve(reports[k])),
      (e) => requests.forEach((r) => r.reject(e)),
    );
  }

  /** The dispatches GpuWalkersEngine.advance({time}) would run for this group, with the same float64 clock arithmetic. */
  private plan(group: Group, target: number): ScheduleEntry[] {
    const out: ScheduleEntry[] = [];
    const step = group.timing.dt;
    if (step === Infinity || group.walkers === 0) {
      group.time = target;
      return out;
    }
    for (;;) {
      const remaining = target - group.time;
      const fullLeft = Math.floor(remaining / step + 1e-9);
      const batch = Math.min(WALKERS_MAX_BATCH, fullLeft);
      for (let k = 0; k < batch; k++) out.push({ step: group.step++, poissonOffset: group.fullOffset, poissonLength: group.fullLength });
      if (batch === fullLeft) {
        const rest = remaining - batch * step;
        if (rest > step * 1e-9) {
          const partial = poissonTable(group.timing.gamma * rest);
          this.executor.writeTables(group.partialOffset, partial);
          out.push({ step: group.step++, poissonOffset: group.partialOffset, poissonLength: partial.length / 2 });
        }
        group.time = target;
        return out;
      }
      group.time += batch * step;
    }
  }

  private async flush(requests: readonly Request[]): Promise<AdvanceReport[]> {
    const G = this.groups.length;
    const plans = new Map<number, ScheduleEntry[]>();
    for (const r of requests) plans.set(r.group, this.plan(this.groups[r.group], r.target));
    const total = Math.max(0, ...[...plans.values()].map((p) => p.length));
    for (let start = 0; start < total; start += this.scheduleDispatches) {
      const n = Math.min(this.scheduleDispatches, total - start);
      // Every group gets an entry in every dispatch; those without one sit it out (length 0).
      const schedule = new Uint32Array(4 * G * n);
      const dispatches: WalkerDispatch[] = [];
      for (let k = 0; k < n; k++) {
        for (const [g, plan] of plans) {
          const e = plan[start + k];
          if (!e) continue;
          const at = 4 * (k * G + g);
          schedule[at] = e.step;
          schedule[at + 2] = e.poissonOffset;
          schedule[at + 3] = e.poissonLength;
        }
        dispatches.push({ step: start + k, thresholdOffset: 0, poissonOffset: 0, poissonLength: 0, scheduleOffset: this.scheduleOffset + 2 * G * k });
      }
      this.executor.writeTables(this.scheduleOffset, schedule);
      await this.executor.run(dispatches);
      this.dispatches += n;
    }
    this.executor.checkAlive();
    this.cache = await this.executor.snapshot();
    return requests.map((r) => {
      const group = this.groups[r.group];
      const before = group.events;
      group.events = totalEvents(this.groupCounters(r.group));
      return { events: group.events - before, time: group.time, stoppedBy: 'time' as const };
    });
  }

  private async current(): Promise<{ counters: Uint32Array; state: WalkerStateArrays }> {
    this.executor.checkAlive();
    if (!this.cache) this.cache = await this.executor.snapshot();
    return this.cache;
  }

  private groupCounters(g: number, counters = this.cache!.counters): Uint32Array {
    const R = this.geometry.nRegions;
    const base = groupCounterBase(R, g);
    return counters.subarray(base, base + counterWords(R));
  }

  async groupIons(g: number): Promise<IonState> {
    const { state } = await this.current();
    const { first, walkers: n, species } = this.groups[g];
    const site = new Int32Array(n);
    const displacement = new Int32Array(3 * n);
    for (let k = 0; k < n; k++) {
      site[k] = state.walkers[first + k] & SITE_MASK;
      displacement[3 * k] = state.dx[first + k];
      displacement[3 * k + 1] = state.dy[first + k];
      displacement[3 * k + 2] = state.dz[first + k];
    }
    return { species: species.slice(), site, displacement };
  }

  async groupOccupancy(g: number): Promise<Uint8Array> {
    const ions = await this.groupIons(g);
    const occ = new Uint8Array(this.geometry.nSites);
    for (let k = ions.site.length - 1; k >= 0; k--) occ[ions.site[k]] = ions.species[k] + 1;
    return occ;
  }

  async groupCrossings(g: number): Promise<Float64Array> {
    const { counters } = await this.current();
    return crossingsOf(this.groupCounters(g, counters), this.geometry.nRegions);
  }

  async groupEventCounts(g: number): Promise<Float64Array> {
    const { counters } = await this.current();
    return eventCountsOf(this.groupCounters(g, counters), this.groups[g].model.nSpecies);
  }
}

/** Same lattice, same region of every site, same species: what the shared buffers of a grouped run assume. */
export function sameGeometry(a: RateModel, b: RateModel): boolean {
  return (
    sameLattice(a.lattice, b.lattice) &&
    a.nRegions === b.nRegions &&
    a.siteRegion.every((r, i) => r === b.siteRegion[i]) &&
    a.speciesNames.length === b.speciesNames.length &&
    a.speciesNames.every((n, s) => n === b.speciesNames[s]) &&
    a.hopLayout.length === b.hopLayout.length
  );
}

/** One group of a WalkerGroupRun seen as an Engine (runReplica drives it like any other). */
class WalkerGroupEngine implements Engine {
  readonly kind = 'gpu-walkers' as const;
  private disposed = false;

  constructor(private readonly run: WalkerGroupRun, private readonly group: number) {}

  get model(): RateModel {
    return this.run.groupModel(this.group);
  }
  get time(): number {
    return this.run.groupTime(this.group);
  }
  get events(): number {
    return this.run.groupEvents(this.group);
  }
  get ionCapacity(): number {
    return this.run.groupWalkers(this.group);
  }
  advance(limit: AdvanceLimit): Promise<AdvanceReport> {
    return this.run.requestAdvance(this.group, limit);
  }
  ions(): Promise<IonState> {
    return this.run.groupIons(this.group);
  }
  occupancy(): Promise<Uint8Array> {
    return this.run.groupOccupancy(this.group);
  }
  crossings(): Promise<Float64Array> {
    return this.run.groupCrossings(this.group);
  }
  eventCounts(): Promise<Float64Array> {
    return this.run.groupEventCounts(this.group);
  }
  async eventCountsByKind(): Promise<Float64Array> {
    const out = new Float64Array(CHANNEL_KINDS.length);
    out[CHANNEL_KINDS.indexOf('hop')] = this.events;
    return out;
  }
  async setModel(): Promise<void> {
    throw new RangeError('a group of a grouped walkers run keeps its rate model; run a setModel scene on gpu-walkers alone');
  }
  /** Leaves the barrier; the shared executor lives until the run is disposed. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.run.leave(this.group);
  }
}
