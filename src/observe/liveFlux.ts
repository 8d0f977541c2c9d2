// Net flux ± SE of a few cumulative counters along one live trajectory (the
// app's open faces: insertions − removals per face and species). The samples
// since the last restart are cut into BATCHES batches of equal simulated time;
// each gives a flux (change of the counter over the batch / batch length), and
// the estimate is their mean ± standard error. The mean is the whole span's
// net count over its length; the batch scatter also carries any drift (an
// electrode still filling up), so a flux that is still changing shows a wide
// error bar rather than a falsely precise one. Memory is bounded: past
// MAX_SAMPLES the samples are thinned by half (the newest always kept).
import { meanWithError, type Estimate } from './stats';

const BATCHES = 8;
const MAX_SAMPLES = 1024;

export class LiveFlux {
  private times: number[] = [];
  private values: Float64Array[] = [];

  constructor(private readonly width: number) {}

  reset(): void {
    this.times = [];
    this.values = [];
  }

  /** Counters at simulated time t (s); times must not decrease (an equal time replaces the last sample). */
  add(t: number, counters: ArrayLike<number>): void {
    if (counters.length !== this.width) throw new Error(`LiveFlux expects ${this.width} counters (got ${counters.length})`);
    const n = this.times.length;
    if (n > 0 && t < this.times[n - 1]) throw new Error(`sample times must not decrease (got ${t} s after ${this.times[n - 1]} s)`);
    if (n > 0 && t === this.times[n - 1]) {
      this.values[n - 1] = Float64Array.from(counters);
      return;
    }
    this.times.push(t);
    this.values.push(Float64Array.from(counters));
    if (this.times.length > MAX_SAMPLES) {
      const keep = (_: unknown, k: number, a: unknown[]) => k % 2 === 0 || k === a.length - 1;
      this.times = this.times.filter(keep);
      this.values = this.values.filter(keep);
    }
  }

  /** Flux of every counter per second: mean ± SE over the batches (NaN before two distinct sample times). */
  estimate(): Estimate[] {
    const n = this.times.length;
    const span = n > 1 ? this.times[n - 1] - this.times[0] : 0;
    if (!(span > 0)) return Array.from({ length: this.width }, () => ({ value: NaN, se: NaN }));
    const edges = Array.from({ length: BATCHES + 1 }, (_, b) => this.at(this.times[0] + (span * b) / BATCHES));
    const dt = span / BATCHES;
    return Array.from({ length: this.width }, (_, c) => meanWithError(Array.from({ length: BATCHES }, (_, b) => (edges[b + 1][c] - edges[b][c]) / dt)));
  }

  /** Counters at time t, linear between samples. */
  private at(t: number): Float64Array {
    const times = this.times;
    const hi = times.findIndex((x) => x >= t);
    if (hi <= 0) return this.values[hi < 0 ? times.length - 1 : 0];
    const lo = hi - 1;
    const w = (t - times[lo]) / (times[hi] - times[lo]);
    return this.values[lo].map((v, c) => v + w * (this.values[hi][c] - v));
  }
}
