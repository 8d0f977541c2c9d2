// Collects the observables of one replica, one sample at a time, from the
// engine's IonState. Keeps only per-sample sums (O(samples·species·axes) plus
// one profile per species), never the ion history.
import type { RateModel } from '../model/rateModel';
import { layerCount, layerIndex, toAngstrom } from '../model/lattice';
import type { ChemistryCounts, IonState } from '../engine/engine';
import type { ReplicaExchange } from './exchange';
import type { ReplicaChemistrySeries } from './chemistry';

export interface ReplicaRecorderOptions {
  /** Number of sample intervals; samples are indexed 0..samples (0 = start). */
  samples: number;
  /** Fraction of the run excluded from the start of fits and time averages. */
  fitFrom: number;
  /** Axis of the occupancy profile. */
  profileAxis: 0 | 1 | 2;
}

/** Everything one replica contributes to the run's observables. */
export interface ReplicaObservables {
  /** Sample times (s), index 0 = start; may be shorter than samples+1 when a run froze or hit its event cap. */
  times: Float64Array;
  /** Ions per species at the first sample. */
  count: Int32Array;
  /**
   * msd[s][axis][k]: mean of (Δr_axis)², Å², over the tracer ions of species s:
   * those alive at sample k and, from the first sample of the fit window on,
   * alive at every sample since it (an ion that leaves drops out for good).
   */
  msd: Float64Array[][];
  /** com2[s][axis][k]: (Σ_i Δr_axis,i)² over ions of species s, Å². */
  com2: Float64Array[][];
  /** com[s][axis][k]: Σ_i Δr_axis,i over the tracer ions of species s (as msd), Å (drift and centred estimators). */
  com: Float64Array[][];
  /**
   * current[s][axis][k]: Σ_i Δr_axis,i over every ion of species s the replica ever held, Å: an ion
   * that left keeps its last displacement, one that arrived adds 0, so a difference of two samples is the
   * displacement the hops between them made (the collective D_σ). Absent in records from before it existed: com is used.
   */
  current?: Float64Array[][];
  /** present[s][k]: ions of species s present at sample k (the population of an open scene varies). */
  present?: Float64Array[];
  /** tracers[s][k]: ions of species s in the MSD average at sample k (see msd). */
  tracers?: Float64Array[];
  /** profile[s][layer]: fraction of the layer's sites held by species s, averaged over the samples in the window. */
  profile: Float64Array[];
  /** Proton-chemistry counters at the end of the replica (engines that keep them, scenes with lubrication or a reaction). */
  chemistry?: ChemistryCounts;
  /** regionOccupancy[s][r]: fraction of the sites of region r held by species s, averaged like the profile. */
  regionOccupancy: Float64Array[];
  /** Samples that entered the profile average. */
  profileSamples: number;
  /** Hops from region a to b at [a·R + b]. */
  crossings: Float64Array;
  /** Hops per species. */
  events: Float64Array;
  /** Events done (all species). */
  totalEvents: number;
  /** Counters at the reservoir faces per sample; absent in a closed scene. */
  exchange?: ReplicaExchange;
  /** With a water-dissociation reaction: OH* coverage and the reaction counts per sample (observe/chemistry.ts). */
  chemistrySeries?: ReplicaChemistrySeries;
  /** Most ions without a tracer slot present at one sample (IonState.untracked); absent when there were none. */
  untrackedIons?: number;
}

export class ReplicaRecorder {
  private readonly times: number[] = [];
  private readonly msd: Float64Array[][];
  private readonly com2: Float64Array[][];
  private readonly com: Float64Array[][];
  private readonly current: Float64Array[][];
  private readonly present: Float64Array[];
  private readonly tracers: Float64Array[];
  private readonly profileCounts: Float64Array[];
  private readonly regionCounts: Float64Array[];
  private readonly regionSites: Float64Array;
  private profileSamples = 0;
  private count: Int32Array | null = null;
  private readonly firstProfileSample: number;
  private readonly layerSites: number;
  private readonly nSpecies: number;
  private readonly comSum: Float64Array;
  private readonly tracerCount: Int32Array;
  /** Per ion slot: alive at every sample since the fit window began (null until then, or while no ion ever left). */
  private stayed: Uint8Array | null = null;
  /** stayed holds only ones (nobody has left since the window began). */
  private stayedAll = true;
  /** Slot count that tracerCount was tallied over when it covers every slot, else −1. */
  private countsCoverAllSlots = -1;
  /** Most untracked ions seen at one sample. */
  private untrackedIons = 0;

  constructor(private readonly model: RateModel, private readonly options: ReplicaRecorderOptions) {
    const n = options.samples + 1;
    const S = (this.nSpecies = model.nSpecies);
    this.comSum = new Float64Array(3 * S);
    this.tracerCount = new Int32Array(S);
    this.msd = Array.from({ length: S }, () => [0, 1, 2].map(() => new Float64Array(n)));
    this.com2 = Array.from({ length: S }, () => [0, 1, 2].map(() => new Float64Array(n)));
    this.com = Array.from({ length: S }, () => [0, 1, 2].map(() => new Float64Array(n)));
    this.current = Array.from({ length: S }, () => [0, 1, 2].map(() => new Float64Array(n)));
    this.present = Array.from({ length: S }, () => new Float64Array(n));
    this.tracers = Array.from({ length: S }, () => new Float64Array(n));
    const layers = layerCount(model.lattice, options.profileAxis);
    this.layerSites = model.nSites / layers;
    this.profileCounts = Array.from({ length: S }, () => new Float64Array(layers));
    this.regionCounts = Array.from({ length: S }, () => new Float64Array(model.nRegions));
    this.regionSites = new Float64Array(model.nRegions);
    for (let i = 0; i < model.nSites; i++) this.regionSites[model.siteRegion[i]]++;
    // Same exclusion as the MSD fit: the start of the run is transient.
    this.firstProfileSample = Math.min(options.samples, Math.ceil(options.fitFrom * options.samples));
  }

  /** Records sample k (0 = start) taken at simulated time `time` (s). */
  record(k: number, time: number, ions: IonState): void {
    if (k !== this.times.length) throw new Error(`samples must be recorded in order (expected ${this.times.length}, got ${k})`);
    const nIons = ions.species.length;
    const alive = ions.alive;
    if (this.count === null) {
      this.count = new Int32Array(this.nSpecies);
      for (let i = 0; i < nIons; i++) if (!alive || alive[i]) this.count[ions.species[i]]++;
      if (ions.untracked) for (const s of ions.untracked.species) this.count[s]++;
    }
    this.untrackedIons = Math.max(this.untrackedIons, ions.untracked?.species.length ?? 0);
    const tracer = this.tracerSet(k, ions);
    this.recordDisplacements(k, ions, tracer);
    if (k >= this.firstProfileSample) this.recordOccupancy(ions);
    this.times.push(time);
  }

  /**
   * Which slots enter the MSD at sample k (null: every slot) and tracerCount
   * per species. Before the fit window: the ions present now. From its first
   * sample on: the ions present then and at every sample since; a slot that
   * arrives later never joins, one that leaves drops out for good.
   */
  private tracerSet(k: number, ions: IonState): Uint8Array | null {
    const { species, alive } = ions;
    const n = species.length;
    let set: Uint8Array | null;
    if (k >= this.firstProfileSample) {
      if (this.stayed === null) {
        this.stayed = alive ? alive.slice(0, n) : new Uint8Array(n).fill(1);
        this.stayedAll = this.stayed.every((v) => v === 1);
      }
      const stayed = this.stayed;
      if (alive) {
        for (let i = 0; i < stayed.length; i++) {
          if (stayed[i] && !alive[i]) {
            stayed[i] = 0;
            this.stayedAll = false;
          }
        }
      }
      set = this.stayedAll && stayed.length === n ? null : stayed;
    } else {
      set = alive && !alive.every((v) => v === 1) ? alive : null;
    }
    const counts = this.tracerCount;
    if (set === null) {
      // Every slot is a tracer (the common case: hops keep the population).
      if (this.countsCoverAllSlots !== n) {
        counts.fill(0);
        for (let i = 0; i < n; i++) counts[species[i]]++;
        this.countsCoverAllSlots = n;
      }
      return null;
    }
    this.countsCoverAllSlots = -1;
    counts.fill(0);
    for (let i = 0; i < set.length; i++) if (set[i]) counts[species[i]]++;
    return set;
  }

  /** MSD and centre-of-mass sums of sample k over the tracer set, in Å through the lattice metric. */
  private recordDisplacements(k: number, ions: IonState, tracer: Uint8Array | null): void {
    const S = this.nSpecies;
    const metric = this.model.lattice.metric;
    const { species, displacement } = ions;
    const nIons = species.length;
    const sq = this.comSum;
    sq.fill(0);
    const msdSum = new Float64Array(3 * S);
    const diagonal = this.model.lattice.diagonalMetric;
    // Every slot ever used (ions that left included) for the collective current; the tracer sums skip the rest.
    const all = tracer === null ? null : new Float64Array(3 * S);
    const alive = ions.alive;
    const present = new Float64Array(S);
    for (let i = 0; i < nIons; i++) {
      const s = species[i];
      if (!alive || alive[i]) present[s]++;
      let dx = displacement[3 * i];
      let dy = displacement[3 * i + 1];
      let dz = displacement[3 * i + 2];
      // Lattice units → Å unless each axis has its own unit (then the spacing multiplies the sums below, as before).
      if (!diagonal) [dx, dy, dz] = toAngstrom(metric, dx, dy, dz) as [number, number, number];
      if (all !== null) {
        all[3 * s] += dx;
        all[3 * s + 1] += dy;
        all[3 * s + 2] += dz;
        if (!tracer![i]) continue; // also slots past the tracer set: they arrived later
      }
      msdSum[3 * s] += dx * dx;
      msdSum[3 * s + 1] += dy * dy;
      msdSum[3 * s + 2] += dz * dz;
      sq[3 * s] += dx;
      sq[3 * s + 1] += dy;
      sq[3 * s + 2] += dz;
    }
    for (let s = 0; s < S; s++) {
      const n = this.tracerCount[s];
      for (let ax = 0; ax < 3; ax++) {
        const a = diagonal ? metric[4 * ax] : 1;
        const a2 = a * a;
        this.msd[s][ax][k] = n > 0 ? (msdSum[3 * s + ax] * a2) / n : 0;
        this.com2[s][ax][k] = sq[3 * s + ax] * sq[3 * s + ax] * a2;
        this.com[s][ax][k] = sq[3 * s + ax] * a;
        this.current[s][ax][k] = (all === null ? sq[3 * s + ax] : all[3 * s + ax]) * a;
      }
      this.present[s][k] = present[s];
      this.tracers[s][k] = n;
    }
  }

  /** Profile and region counts: every ion present, tracer or not. */
  private recordOccupancy(ions: IonState): void {
    const { species, site, alive } = ions;
    const lattice = this.model.lattice;
    const axis = this.options.profileAxis;
    for (let i = 0; i < species.length; i++) {
      if (alive && !alive[i]) continue;
      const p = site[i];
      this.profileCounts[species[i]][layerIndex(lattice, p, axis)]++;
      this.regionCounts[species[i]][this.model.siteRegion[p]]++;
    }
    // Ions without a tracer slot count here like any other.
    const extra = ions.untracked;
    if (extra) {
      for (let k = 0; k < extra.site.length; k++) {
        this.profileCounts[extra.species[k]][layerIndex(lattice, extra.site[k], axis)]++;
        this.regionCounts[extra.species[k]][this.model.siteRegion[extra.site[k]]]++;
      }
    }
    this.profileSamples++;
  }

  /** Number of samples recorded so far. */
  get recorded(): number {
    return this.times.length;
  }

  /** Time of the last sample (s), −∞ before the first. */
  get lastTime(): number {
    return this.times.length > 0 ? this.times[this.times.length - 1] : -Infinity;
  }

  finish(crossings: Float64Array, events: Float64Array, totalEvents: number): ReplicaObservables {
    const n = this.times.length;
    const norm = this.profileSamples > 0 ? 1 / (this.profileSamples * this.layerSites) : NaN;
    return {
      times: Float64Array.from(this.times),
      count: this.count ?? new Int32Array(this.nSpecies),
      msd: this.msd.map((axes) => axes.map((v) => v.slice(0, n))),
      com2: this.com2.map((axes) => axes.map((v) => v.slice(0, n))),
      com: this.com.map((axes) => axes.map((v) => v.slice(0, n))),
      current: this.current.map((axes) => axes.map((v) => v.slice(0, n))),
      present: this.present.map((v) => v.slice(0, n)),
      tracers: this.tracers.map((v) => v.slice(0, n)),
      profile: this.profileCounts.map((c) => c.map((v) => v * norm)),
      regionOccupancy: this.regionCounts.map((c) => c.map((v, r) => v / (this.profileSamples * this.regionSites[r]))),
      profileSamples: this.profileSamples,
      crossings: Float64Array.from(crossings),
      events: Float64Array.from(events),
      totalEvents,
      ...(this.untrackedIons > 0 ? { untrackedIons: this.untrackedIons } : {}),
    };
  }
}
