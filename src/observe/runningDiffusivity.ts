// Live observables of a single trajectory (the browser app: one replica,
// updated every animation frame). MSD(t) per species from the unwrapped
// displacements, and a running tracer D* ± error by block averaging: the
// elapsed run is cut into blocks of (nearly) equal time τ. The displacement over
// one block overestimates D* when τ spans only a few hops per ion: a correlated
// walk (the vacancy mechanism of a crowded lattice, a trap) has
// MSD(τ) = 2·dim·D*·τ + C with an offset C > 0 from hops that are undone later.
// So each pair of neighbouring blocks (b, b+1) gives one estimate from which C
// cancels, D_k = [MSD(b..b+2) − (MSD(b..b+1) + MSD(b+1..b+2))/2] / (dim·(τ_b + τ_b+1)),
// and D* = mean ± standard error over the disjoint pairs. Blocks adapt as the
// run grows: once there are more than maxBlocks, neighbours merge pairwise and
// the block length doubles, so memory stays bounded (maxBlocks+1 displacement
// snapshots) and each call costs O(ions), with an O(ions·blocks) merge now and then.
//
// A varying population (open faces, water dissociation: IonState.alive, slots
// appended and never reused) is handled per pair: an ion enters the estimate of
// pair (b, b+2) only when its slot existed and was alive at both ends, which
// (slots are never reused) means it stayed the whole time; an ion removed
// mid-pair drops out of that pair instead of freezing its displacement into it.
// The MSD curve follows the ions present at its origin and still present, the
// origin being the first sample that holds any ion (a scene that starts empty
// and fills through a face gets a curve from the first arrivals on).
// The same pairs give D per axis, D_axis = ΔMSD_axis-pair/τ, and D per group of
// ions (the app's groups: the region each ion started in).
import { A2_PER_S_TO_CM2_PER_S } from '../model/rateModel';
import { toAngstrom } from '../model/lattice';
import type { IonState } from '../engine/engine';
import { meanWithError, type Estimate } from './stats';

export interface RunningDiffusivityOptions {
  dim: 2 | 3;
  /** Lattice units → Å (RateModel.lattice.metric, row-major 3×3). */
  metric: Float64Array;
  /** Species of the model (index = species index). */
  nSpecies: number;
  /**
   * Most blocks kept before neighbours merge (even, ≥ 4; two blocks make one estimate).
   * Default: as many as fit SNAPSHOT_BUDGET_WORDS, between 8 and 64 — few ions need many
   * blocks for a useful error bar, many ions have the statistics already.
   */
  maxBlocks?: number;
  /** Most points kept in the MSD history before it is thinned by half. Default 2048. */
  maxHistory?: number;
  /** Groups of ions with their own D (add's `groups` gives each slot's); default 0. */
  nGroups?: number;
}

export interface RunningSpeciesEstimate {
  /** Ions of this species. */
  count: number;
  /** Current MSD per axis (x, y, z) and total, Å². */
  msdAxesA2: [number, number, number];
  msdA2: number;
  /** Tracer D* from block pairs, Å²/s (value NaN before two blocks, se NaN with fewer than two pairs). */
  tracerA2PerS: Estimate;
  tracerCm2PerS: Estimate;
  /** D along x, y, z from the same block pairs, Å²/s (z: NaN in 2D). */
  axesA2PerS: [Estimate, Estimate, Estimate];
  /** D of the ions of each group (options.nGroups), Å²/s; NaN where no pair held an ion of the group. */
  groupsA2PerS: Estimate[];
}

export interface RunningEstimate {
  /** Time since the first sample, s. */
  elapsedS: number;
  /** Completed blocks behind the estimate (two per pair). */
  blocks: number;
  /** Length of one block, s. */
  blockS: number;
  species: RunningSpeciesEstimate[];
}

/** Displacement words (i32) the default block count may keep in snapshots: 16 MB. */
const SNAPSHOT_BUDGET_WORDS = 4 << 20;

function defaultMaxBlocks(nIons: number): number {
  const fit = Math.floor(SNAPSHOT_BUDGET_WORDS / (3 * Math.max(1, nIons))) - 1;
  return Math.min(64, Math.max(8, 2 * Math.floor(fit / 2)));
}

export class RunningDiffusivity {
  private maxBlocks: number;
  private readonly maxHistory: number;
  private species: Uint8Array | null = null;
  private count: Int32Array;
  private snapshotTimes: number[] = [];
  private snapshots: Int32Array[] = [];
  /** Alive flags of every slot at each snapshot (null: every slot was alive). */
  private snapshotAlive: (Uint8Array | null)[] = [];
  /** Displacements and alive flags at the MSD curve's origin: the first sample that held an ion. */
  private msdOrigin: Int32Array | null = null;
  private msdOriginAlive: Uint8Array | null = null;
  /** Group of every slot (options.nGroups > 0), from the latest sample. */
  private groups: Uint8Array | null = null;
  /** pairD[k]: D from blocks 2k and 2k+1, Å²/s, per species then per (species, axis) then per (species, group); see pairDiffusivity. */
  private pairD: Float64Array[] = [];
  private blockS = 0;
  private lastTime = NaN;
  private currentMsd: Float64Array;
  private historyT: number[] = [];
  private historyMsd: number[][];
  private readonly nSpecies: number;
  private readonly nGroups: number;
  private readonly diagonal: boolean;

  constructor(private readonly options: RunningDiffusivityOptions) {
    this.nSpecies = options.nSpecies;
    this.nGroups = options.nGroups ?? 0;
    const m = options.metric;
    this.diagonal = [1, 2, 3, 5, 6, 7].every((k) => m[k] === 0);
    this.count = new Int32Array(this.nSpecies);
    this.currentMsd = new Float64Array(3 * this.nSpecies);
    this.historyMsd = Array.from({ length: this.nSpecies }, () => []);
    this.maxBlocks = Math.max(4, 2 * Math.floor((options.maxBlocks ?? 16) / 2));

    this.maxHistory = Math.max(16, options.maxHistory ?? 2048);
  }

  /** Forgets everything (new run, or the ion set changed). */
  reset(): void {
    this.species = null;
    this.count = new Int32Array(this.nSpecies);
    this.snapshotTimes = [];
    this.snapshots = [];
    this.snapshotAlive = [];
    this.msdOrigin = null;
    this.msdOriginAlive = null;
    this.groups = null;
    this.pairD = [];
    this.blockS = 0;
    this.lastTime = NaN;
    this.currentMsd.fill(0);
    this.historyT = [];
    this.historyMsd = Array.from({ length: this.nSpecies }, () => []);
  }

  /**
   * Takes one sample; times must not decrease. Slots may be appended (ions
   * inserted) and flagged not alive (ions removed); a slot keeps its species.
   * `groups` gives each slot's group when options.nGroups > 0.
   */
  add(time: number, ions: IonState, groups?: Uint8Array): void {
    if (this.species !== null && ions.species.length < this.species.length) this.reset();
    if (this.species === null) {
      if (this.options.maxBlocks === undefined) this.maxBlocks = defaultMaxBlocks(ions.species.length);
    } else if (!(time >= this.lastTime)) {
      throw new Error(`sample times must not decrease (got ${time} s after ${this.lastTime} s)`);
    }
    if (this.species === null || ions.species.length !== this.species.length) this.species = Uint8Array.from(ions.species);
    if (this.nGroups > 0) {
      if (!groups || groups.length < ions.species.length) throw new Error(`groups must give all ${ions.species.length} slots a group (got ${groups?.length ?? 0})`);
      this.groups = groups;
    }
    this.lastTime = time;
    const alive = ions.alive && !ions.alive.every((v) => v === 1) ? ions.alive : null;
    if (this.msdOrigin === null && ions.species.length > 0 && (!alive || alive.some((v) => v === 1))) {
      this.msdOrigin = Int32Array.from(ions.displacement);
      this.msdOriginAlive = alive ? Uint8Array.from(alive) : null;
    }
    this.updateMsd(ions.displacement, alive);
    this.pushHistory(time);
    const n = this.snapshotTimes.length;
    if (n === 0) {
      this.takeSnapshot(time, ions.displacement, alive);
      return;
    }
    const sinceLast = time - this.snapshotTimes[n - 1];
    if (this.blockS === 0 && sinceLast > 0) this.blockS = sinceLast;
    if (this.blockS > 0 && sinceLast >= this.blockS) {
      this.takeSnapshot(time, ions.displacement, alive);
      // Snapshot n closes block n−1; an even n closes the pair (n−2, n−1).
      if (n % 2 === 0) this.pairD.push(this.pairDiffusivity(n - 2));
      if (this.snapshots.length - 1 > this.maxBlocks) this.mergeBlocks();
    }
  }

  /** The current estimate per species (index = species index). */
  estimate(): RunningEstimate {
    const d = this.options.dim;
    const S = this.nSpecies;
    const G = this.nGroups;
    const column = (k: number) => meanWithError(this.pairD.map((b) => b[k]).filter(Number.isFinite));
    const species: RunningSpeciesEstimate[] = [];
    for (let s = 0; s < S; s++) {
      const e = this.count[s] > 0 || this.pairD.some((b) => Number.isFinite(b[s])) ? column(s) : { value: NaN, se: NaN };
      const axes: [number, number, number] = [this.currentMsd[3 * s], this.currentMsd[3 * s + 1], d === 3 ? this.currentMsd[3 * s + 2] : 0];
      const axisD = [0, 1, 2].map((ax) => (ax < d ? column(S + 3 * s + ax) : { value: NaN, se: NaN })) as [Estimate, Estimate, Estimate];
      species.push({
        count: this.count[s],
        msdAxesA2: axes,
        msdA2: axes[0] + axes[1] + axes[2],
        tracerA2PerS: e,
        tracerCm2PerS: { value: e.value * A2_PER_S_TO_CM2_PER_S, se: e.se * A2_PER_S_TO_CM2_PER_S },
        axesA2PerS: axisD,
        groupsA2PerS: Array.from({ length: G }, (_, g) => column(4 * S + s * G + g)),
      });
    }
    const t0 = this.snapshotTimes.length > 0 ? this.snapshotTimes[0] : NaN;
    return { elapsedS: this.lastTime - t0, blocks: Math.max(0, this.snapshots.length - 1), blockS: this.blockS, species };
  }

  /** MSD(t) history for plotting: times since the first sample (s) and total MSD per species (Å²). */
  history(): { tS: readonly number[]; msdA2: readonly (readonly number[])[] } {
    return { tS: this.historyT, msdA2: this.historyMsd };
  }

  /** MSD per species and axis since the curve's origin over the ions present then and now (count: how many). */
  private updateMsd(displacement: Int32Array, alive: Uint8Array | null): void {
    const species = this.species!;
    const sums = this.currentMsd;
    sums.fill(0);
    this.count.fill(0);
    const origin = this.msdOrigin;
    const originAlive = this.msdOriginAlive;
    const n = origin ? origin.length / 3 : 0;
    const m = this.options.metric;
    for (let i = 0; i < n; i++) {
      if ((alive && !alive[i]) || (originAlive && !originAlive[i])) continue;
      const b = 3 * species[i];
      this.count[species[i]]++;
      let dx = displacement[3 * i] - origin![3 * i];
      let dy = displacement[3 * i + 1] - origin![3 * i + 1];
      let dz = displacement[3 * i + 2] - origin![3 * i + 2];
      if (!this.diagonal) [dx, dy, dz] = toAngstrom(m, dx, dy, dz) as [number, number, number];
      sums[b] += dx * dx;
      sums[b + 1] += dy * dy;
      sums[b + 2] += dz * dz;
    }
    for (let s = 0; s < this.nSpecies; s++) {
      const norm = this.count[s] > 0 ? 1 / this.count[s] : 0;
      for (let ax = 0; ax < 3; ax++) {
        const a = this.diagonal ? m[4 * ax] : 1;
        sums[3 * s + ax] *= a * a * norm;
      }
    }
  }

  private pushHistory(time: number): void {
    const t0 = this.snapshotTimes.length > 0 ? this.snapshotTimes[0] : time;
    this.historyT.push(time - t0);
    for (let s = 0; s < this.nSpecies; s++) {
      this.historyMsd[s].push(this.currentMsd[3 * s] + this.currentMsd[3 * s + 1] + this.currentMsd[3 * s + 2]);
    }
    if (this.historyT.length > this.maxHistory) {
      // Keep every other point (and always the newest), so the plot spans the whole run.
      const keep = (arr: number[]) => arr.filter((_, k) => k % 2 === 0 || k === arr.length - 1);
      this.historyT = keep(this.historyT);
      this.historyMsd = this.historyMsd.map(keep);
    }
  }

  private takeSnapshot(time: number, displacement: Int32Array, alive: Uint8Array | null): void {
    this.snapshotTimes.push(time);
    this.snapshots.push(Int32Array.from(displacement));
    this.snapshotAlive.push(alive ? Uint8Array.from(alive) : null);
  }

  /**
   * D (Å²/s) from blocks i and i+1, with the short-time offset cancelled (see the header): per species at [s],
   * per species and axis at [S + 3s + axis], per species and group at [4S + s·G + g]; NaN where no ion stayed
   * through the pair. The ions are those whose slot existed and was alive at snapshots i and i+2, hence at i+1
   * too (slots are never reused), so the whole span and both halves sum over the same ions.
   */
  private pairDiffusivity(i: number): Float64Array {
    const species = this.species!;
    const [r0, r1, r2] = [this.snapshots[i], this.snapshots[i + 1], this.snapshots[i + 2]];
    const alive0 = this.snapshotAlive[i];
    const alive2 = this.snapshotAlive[i + 2];
    const groups = this.groups;
    const S = this.nSpecies;
    const G = this.nGroups;
    const m = this.options.metric;
    // excess[3s + axis] and, per group, excess[3S + s·G + g] (all axes): Δ²(whole) − (Δ²(first) + Δ²(second))/2.
    const excess = new Float64Array(3 * S + S * G);
    const counts = new Float64Array(S + S * G);
    const n = r0.length / 3;
    for (let k = 0; k < n; k++) {
      if ((alive0 && !alive0[k]) || (alive2 && !alive2[k])) continue;
      const s = species[k];
      const first = toAngstrom(m, r1[3 * k] - r0[3 * k], r1[3 * k + 1] - r0[3 * k + 1], r1[3 * k + 2] - r0[3 * k + 2]);
      const second = toAngstrom(m, r2[3 * k] - r1[3 * k], r2[3 * k + 1] - r1[3 * k + 1], r2[3 * k + 2] - r1[3 * k + 2]);
      let all = 0;
      for (let ax = 0; ax < 3; ax++) {
        const whole = first[ax] + second[ax];
        const e = whole * whole - (first[ax] * first[ax] + second[ax] * second[ax]) / 2;
        excess[3 * s + ax] += e;
        all += e;
      }
      counts[s]++;
      if (groups) {
        const q = s * G + groups[k];
        excess[3 * S + q] += all;
        counts[S + q]++;
      }
    }
    const tau = this.snapshotTimes[i + 2] - this.snapshotTimes[i];
    const dim = this.options.dim;
    const out = new Float64Array(4 * S + S * G).fill(NaN);
    for (let s = 0; s < S; s++) {
      const ns = counts[s];
      if (ns === 0) continue;
      out[s] = (excess[3 * s] + excess[3 * s + 1] + excess[3 * s + 2]) / (ns * dim * tau);
      for (let ax = 0; ax < 3; ax++) out[S + 3 * s + ax] = excess[3 * s + ax] / (ns * tau);
      for (let g = 0; g < G; g++) {
        const q = s * G + g;
        if (counts[S + q] > 0) out[4 * S + q] = excess[3 * S + q] / (counts[S + q] * dim * tau);
      }
    }
    return out;
  }

  /** Merges neighbouring blocks pairwise: drops every other snapshot and doubles the block length. */
  private mergeBlocks(): void {
    const keep = this.snapshotTimes.map((_, k) => k).filter((k) => k % 2 === 0);
    this.snapshotTimes = keep.map((k) => this.snapshotTimes[k]);
    this.snapshots = keep.map((k) => this.snapshots[k]);
    this.snapshotAlive = keep.map((k) => this.snapshotAlive[k]);
    this.pairD = [];
    for (let b = 0; b + 2 < this.snapshots.length; b += 2) this.pairD.push(this.pairDiffusivity(b));
    this.blockS *= 2;
  }
}
