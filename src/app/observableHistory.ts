// The live observables as the page keeps them: one series per species with
// ions, bounded in length (halved by decimation when full) so a long run keeps
// a flat memory and plotting cost.
import { AXES } from '../model/scene/schema';
import type { LiveSample } from '../worker/protocol';

export interface SpeciesSeries {
  /** Species index (RateModel.speciesNames). */
  s: number;
  name: string;
  /** Display label (RateModel.speciesLabels). */
  label: string;
  msd: number[];
  dStar: number[];
  dStarError: number[];
}

export const MAX_POINTS = 2000;

export class ObservableHistory {
  times: number[] = [];
  species: SpeciesSeries[] = [];
  profile: { s: number; name: string; values: Float64Array }[] = [];
  profileAxisName = 'x';
  /** Incremented on every reset so plots know to rebuild. */
  generation = 0;

  reset(ionCounts: readonly number[], profileAxis: 0 | 1 | 2, species: { names: readonly string[]; labels: readonly string[] }): void {
    this.times = [];
    this.species = species.names
      .map((name, s) => ({ s, name, label: species.labels[s] ?? name, msd: [], dStar: [], dStarError: [] }))
      .filter((sp) => (ionCounts[sp.s] ?? 0) > 0);
    this.profile = [];
    this.profileAxisName = AXES[profileAxis];
    this.generation++;
  }

  /** Clears the series but keeps the species (after a parameter change). */
  restart(): void {
    this.times = [];
    for (const sp of this.species) {
      sp.msd = [];
      sp.dStar = [];
      sp.dStarError = [];
    }
  }

  add(sample: LiveSample): void {
    if (this.times.length > 0 && sample.time <= this.times[this.times.length - 1]) return;
    this.times.push(sample.time);
    for (const sp of this.species) {
      sp.msd.push(sample.msd[sp.s]);
      sp.dStar.push(sample.dStar[sp.s]);
      sp.dStarError.push(sample.dStarError[sp.s]);
    }
    if (this.times.length > MAX_POINTS) this.decimate();
  }

  setProfile(profile: Float64Array[]): void {
    this.profile = this.species.map((sp) => ({ s: sp.s, name: sp.name, values: profile[sp.s] ?? new Float64Array(0) }));
  }

  /** Latest D* ± error per species present. */
  latest(): { name: string; s: number; dStar: number; error: number }[] {
    const k = this.times.length - 1;
    return this.species.map((sp) => ({ name: sp.name, s: sp.s, dStar: k >= 0 ? sp.dStar[k] : NaN, error: k >= 0 ? sp.dStarError[k] : NaN }));
  }

  private decimate(): void {
    const keep = (a: number[]) => a.filter((_, i) => i % 2 === 1 || i === a.length - 1);
    this.times = keep(this.times);
    for (const sp of this.species) {
      sp.msd = keep(sp.msd);
      sp.dStar = keep(sp.dStar);
      sp.dStarError = keep(sp.dStarError);
    }
  }
}
