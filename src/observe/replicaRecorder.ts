// Collects the observables of one replica, one sample at a time, from the
// engine's IonState. Keeps only per-sample sums (O(samples·species·axes) plus
// one profile per species), never the ion history.
import { N_SPECIES, type RateModel } from '../model/rateModel';
import type { IonState } from '../engine/engine';

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
  /** Ions per species. */
  count: Int32Array;
  /** msd[s][axis][k]: mean over ions of species s of (Δr_axis)², Å². */
  msd: Float64Array[][];
  /** com2[s][axis][k]: (Σ_i Δr_axis,i)² over ions of species s, Å². */
  com2: Float64Array[][];
  /** com[s][axis][k]: Σ_i Δr_axis,i over ions of species s, Å (for multiple-time-origin averages). */
  com: Float64Array[][];
  /** profile[s][layer]: fraction of the layer's sites held by species s, averaged over the samples in the window. */
  profile: Float64Array[];
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
}

export class ReplicaRecorder {
  private readonly times: number[] = [];
  private readonly msd: Float64Array[][];
  private readonly com2: Float64Array[][];
  private readonly com: Float64Array[][];
  private readonly profileCounts: Float64Array[];
  private readonly regionCounts: Float64Array[];
  private readonly regionSites: Float64Array;
  private profileSamples = 0;
  private count: Int32Array | null = null;
  private readonly firstProfileSample: number;
  private readonly layerSites: number;
  private readonly comSum = new Float64Array(3 * N_SPECIES);

  constructor(private readonly model: RateModel, private readonly options: ReplicaRecorderOptions) {
    const n = options.samples + 1;
    this.msd = Array.from({ length: N_SPECIES }, () => [0, 1, 2].map(() => new Float64Array(n)));
    this.com2 = Array.from({ length: N_SPECIES }, () => [0, 1, 2].map(() => new Float64Array(n)));
    this.com = Array.from({ length: N_SPECIES }, () => [0, 1, 2].map(() => new Float64Array(n)));
    const layers = model.size[options.profileAxis];
    this.layerSites = model.nSites / layers;
    this.profileCounts = Array.from({ length: N_SPECIES }, () => new Float64Array(layers));
    this.regionCounts = Array.from({ length: N_SPECIES }, () => new Float64Array(model.nRegions));
    this.regionSites = new Float64Array(model.nRegions);
    for (let i = 0; i < model.nSites; i++) this.regionSites[model.siteRegion[i]]++;
    // Same exclusion as the MSD fit: the start of the run is transient.
    this.firstProfileSample = Math.min(options.samples, Math.ceil(options.fitFrom * options.samples));
  }

  /** Records sample k (0 = start) taken at simulated time `time` (s). */
  record(k: number, time: number, ions: IonState): void {
    if (k !== this.times.length) throw new Error(`samples must be recorded in order (expected ${this.times.length}, got ${k})`);
    const nIons = ions.species.length;
    if (this.count === null) {
      this.count = new Int32Array(N_SPECIES);
      for (let i = 0; i < nIons; i++) this.count[ions.species[i]]++;
    }
    const a = this.model.spacing;
    const a2 = a * a;
    const { species, displacement, site } = ions;
    const sq = this.comSum;
    sq.fill(0);
    const msdSum = new Float64Array(3 * N_SPECIES);
    for (let i = 0; i < nIons; i++) {
      const s = species[i];
      const dx = displacement[3 * i];
      const dy = displacement[3 * i + 1];
      const dz = displacement[3 * i + 2];
      msdSum[3 * s] += dx * dx;
      msdSum[3 * s + 1] += dy * dy;
      msdSum[3 * s + 2] += dz * dz;
      sq[3 * s] += dx;
      sq[3 * s + 1] += dy;
      sq[3 * s + 2] += dz;
    }
    for (let s = 0; s < N_SPECIES; s++) {
      const n = this.count[s];
      for (let ax = 0; ax < 3; ax++) {
        this.msd[s][ax][k] = n > 0 ? (msdSum[3 * s + ax] * a2) / n : 0;
        this.com2[s][ax][k] = sq[3 * s + ax] * sq[3 * s + ax] * a2;
        this.com[s][ax][k] = sq[3 * s + ax] * a;
      }
    }
    if (k >= this.firstProfileSample) {
      const [nx, ny] = this.model.size;
      const axis = this.options.profileAxis;
      for (let i = 0; i < nIons; i++) {
        const p = site[i];
        const layer = axis === 0 ? p % nx : axis === 1 ? Math.floor(p / nx) % ny : Math.floor(p / (nx * ny));
        this.profileCounts[species[i]][layer]++;
        this.regionCounts[species[i]][this.model.siteRegion[p]]++;
      }
      this.profileSamples++;
    }
    this.times.push(time);
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
      count: this.count ?? new Int32Array(N_SPECIES),
      msd: this.msd.map((axes) => axes.map((v) => v.slice(0, n))),
      com2: this.com2.map((axes) => axes.map((v) => v.slice(0, n))),
      com: this.com.map((axes) => axes.map((v) => v.slice(0, n))),
      profile: this.profileCounts.map((c) => c.map((v) => v * norm)),
      regionOccupancy: this.regionCounts.map((c) => c.map((v, r) => v / (this.profileSamples * this.regionSites[r]))),
      profileSamples: this.profileSamples,
      crossings: Float64Array.from(crossings),
      events: Float64Array.from(events),
      totalEvents,
    };
  }
}
