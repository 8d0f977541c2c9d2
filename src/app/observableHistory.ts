// The live observables as the page keeps them: one series per species with
// ions, bounded in length (halved by decimation when full) so a long run keeps
// a flat memory and plotting cost. After a parameter change the series so far
// become the previous run, drawn faded on the same axes for a before/after view.
import { AXES } from '../model/scene/schema';
import type { ConvergenceState } from '../observe/convergence';
import type { DEstimate, LiveSample } from '../worker/protocol';

export interface SpeciesSeries {
  /** Species index (RateModel.speciesNames). */
  s: number;
  name: string;
  /** Display label (RateModel.speciesLabels). */
  label: string;
  msd: number[];
  dStar: number[];
  dStarError: number[];
  /** Whether D* had converged at each point (error band drawn only there). */
  converged: boolean[];
}

/** The run before the last parameter change, kept for the faded trace. */
export interface PreviousRun {
  /** What changed, in words ("barrier.host.Zn2+ 0.45 → 0.35"). */
  label: string;
  times: number[];
  species: SpeciesSeries[];
}

export interface LatestEstimate {
  name: string;
  s: number;
  dStar: number;
  error: number;
  convergence: ConvergenceState;
  hopsPerIon: number;
  /** MSD (Å²) of the latest sample; NaN when no ion of the species has been present since the curve began. */
  msd: number;
  /** Why D* is not converged yet ('' when it is). */
  notConverged: string;
  /** MSD per axis (Å²) and the elapsed time (s), for D* along each axis. */
  msdAxes: number[];
  /** MSD (Å²) of the ions that started in each region. */
  msdByStartRegion: number[];
  /** D along each axis and of the ions by starting region, ± SE, each with its convergence state. */
  dAxes: DEstimate[];
  dByStartRegion: DEstimate[];
  time: number;
}

export const MAX_POINTS = 2000;
/** Points a run needs before it becomes the faded previous trace. */
export const MIN_PREVIOUS_POINTS = 20;

export class ObservableHistory {
  times: number[] = [];
  species: SpeciesSeries[] = [];
  profile: { s: number; name: string; values: Float64Array }[] = [];
  profileAxisName = 'x';
  previous: PreviousRun | null = null;
  /** Incremented on every reset so plots know to rebuild. */
  generation = 0;
  private last: LiveSample | null = null;

  reset(ionCounts: readonly number[], profileAxis: 0 | 1 | 2, species: { names: readonly string[]; labels: readonly string[] }): void {
    this.times = [];
    this.species = species.names
      .map((name, s) => ({ s, name, label: species.labels[s] ?? name, msd: [], dStar: [], dStarError: [], converged: [] }))
      .filter((sp) => (ionCounts[sp.s] ?? 0) > 0);
    this.profile = [];
    this.profileAxisName = AXES[profileAxis];
    this.previous = null;
    this.last = null;
    this.generation++;
  }

  /**
   * Clears the series but keeps the species (after a parameter change); the old
   * series become the previous run. A run shorter than MIN_PREVIOUS_POINTS (a
   * slider moved key by key) does not replace an earlier previous run, so the
   * faded trace stays the last run that had time to show something.
   * Returns true when the series so far became the previous run.
   */
  restart(label = 'before the change'): boolean {
    const replace = this.times.length >= MIN_PREVIOUS_POINTS || (this.times.length > 1 && !this.previous);
    if (replace) this.previous = { label, times: this.times, species: this.species.map((sp) => ({ ...sp })) };
    this.times = [];
    this.last = null;
    for (const sp of this.species) {
      sp.msd = [];
      sp.dStar = [];
      sp.dStarError = [];
      sp.converged = [];
    }
    this.generation++;
    return replace;
  }

  add(sample: LiveSample): void {
    if (this.times.length > 0 && sample.time <= this.times[this.times.length - 1]) return;
    this.last = sample;
    this.times.push(sample.time);
    for (const sp of this.species) {
      sp.msd.push(sample.msd[sp.s]);
      sp.dStar.push(sample.dStar[sp.s]);
      sp.dStarError.push(sample.dStarError[sp.s]);
      sp.converged.push(sample.convergence?.[sp.s] === 'converged');
    }
    if (this.times.length > MAX_POINTS) this.decimate();
  }

  setProfile(profile: Float64Array[]): void {
    this.profile = this.species.map((sp) => ({ s: sp.s, name: sp.name, values: profile[sp.s] ?? new Float64Array(0) }));
  }

  /** Latest D* ± error per species present, with its convergence state. */
  latest(): LatestEstimate[] {
    const k = this.times.length - 1;
    const last = this.last;
    return this.species.map((sp) => ({
      name: sp.name,
      s: sp.s,
      dStar: k >= 0 ? sp.dStar[k] : NaN,
      error: k >= 0 ? sp.dStarError[k] : NaN,
      convergence: last?.convergence?.[sp.s] ?? 'no-hops',
      hopsPerIon: last?.hopsPerIon?.[sp.s] ?? 0,
      msd: k >= 0 ? sp.msd[k] : NaN,
      notConverged: last?.notConverged?.[sp.s] ?? '',
      msdAxes: last?.msdAxes?.[sp.s] ?? [NaN, NaN, NaN],
      msdByStartRegion: last?.msdByStartRegion?.[sp.s] ?? [],
      dAxes: last?.dAxes?.[sp.s] ?? [],
      dByStartRegion: last?.dByStartRegion?.[sp.s] ?? [],
      time: k >= 0 ? this.times[k] : 0,
    }));
  }

  private decimate(): void {
    const keep = <T,>(a: T[]) => a.filter((_, i) => i % 2 === 1 || i === a.length - 1);
    this.times = keep(this.times);
    for (const sp of this.species) {
      sp.msd = keep(sp.msd);
      sp.dStar = keep(sp.dStar);
      sp.dStarError = keep(sp.dStarError);
      sp.converged = keep(sp.converged);
    }
  }
}

/**
 * A point of a live curve for the plot: NaN (no ion of the species has been present since the MSD
 * curve began, e.g. H+ that water makes and the bulk drains within a frame) becomes null, a gap
 * the plot skips and its legend shows as no data, instead of a NaN that breaks the axis range.
 */
export function plotPoint(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** The MSD readout: "no data" where the curve has no ion to follow. */
export function msdReadout(msdA2: number): string {
  return Number.isFinite(msdA2) ? `${Number(msdA2.toPrecision(3))} Å²` : 'no data';
}
