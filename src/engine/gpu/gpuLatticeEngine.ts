// Engine 'gpu-lattice': many ions with site exclusion on one lattice, advanced
// by the checkerboard pair kernel (shaders/lattice.wgsl, docs/gpu.md). Each
// sub-step lasts τ; the orchestrator draws its (direction, colour) uniformly
// from a counter-based stream. A bond is then in play with probability
// 2/(2Z) = 1/Z per sub-step (as the pair of either end's colour), and an ion
// crosses it with probability k·Z·τ: rate k per direction. Equilibrium is
// exact (each pair update obeys detailed balance); the dynamics carry an
// O(k·τ) splitting error, measured in docs/gpu.md.
import { N_SPECIES, type RateModel } from '../../model/rateModel';
import type { AdvanceLimit, AdvanceReport, Engine, IonState } from '../engine';
import { EngineUnsupportedError } from '../engine';
import type { LatticeConfig, LatticeDispatch, LatticeExecutor, LatticeStateArrays } from '../../gpu/backends';
import { acquireGpu } from '../../gpu/device';
import { adjacentRegions, kernelGeometry, maxDirectionalRate, type KernelGeometry } from '../../gpu/geometry';
import { ION_MASK } from '../../gpu/layouts';
import { hashSeedString, kernelSeed, pcg4d, STREAM } from '../../gpu/rng';
import { hopTablePairs, hopThresholds } from '../../gpu/tables';
import { LatticeTwin } from '../../gpu/twins/latticeTwin';
import { crossingsOf, eventCountsOf, totalEvents } from './counters';
import { checkKernelLimits, ionsOf } from './ionList';
import { assertSameLattice } from './sameLattice';

export interface GpuLatticeOptions {
  seed: string;
  seedNumber?: number;
  replica?: number;
  executor?: 'gpu' | 'twin';
  /**
   * Largest hop probability per attempt, α = k_max·Z·τ (default
   * LATTICE_DEFAULT_STEP_FRACTION); the splitting error grows with α (docs/gpu.md).
   */
  stepFraction?: number;
}

/** Default α: the measured splitting error of D* is −0.4 ± 0.5 % here, −1.6 ± 0.4 % at 0.25 (docs/gpu.md). */
export const LATTICE_DEFAULT_STEP_FRACTION = 0.1;
/** Step fraction used when options give none (measurement scripts change it; see bench/gpuStepError.ts). */
export const latticeDefaults = { stepFraction: LATTICE_DEFAULT_STEP_FRACTION };
/** Systems up to this many walkers or sites read their state with every counter read. */
const SNAPSHOT_LIMIT = 1 << 16;
const MAX_BATCH = 4096;

/** Throws EngineUnsupportedError for scenes the checkerboard update cannot run exactly enough. */
export function checkLatticeScene(model: RateModel): void {
  if (model.hasInteractions) {
    throw new EngineUnsupportedError(
      'gpu-lattice',
      'the scene has nearest-neighbour interactions; in a checkerboard sub-step the neighbours of a hopping ion move at the same time, so its rate would be computed from a stale environment — use --engine cpu for interacting ions',
    );
  }
  const [nx, ny, nz] = model.size;
  if (nx % 2 !== 0) {
    throw new EngineUnsupportedError('gpu-lattice', `lattice.size[0] must be even for the checkerboard update (got ${nx})`);
  }
  [nx, ny, nz].forEach((n, a) => {
    if (model.periodic[a] && n % 2 !== 0) {
      throw new EngineUnsupportedError('gpu-lattice', `a periodic axis must have an even size so that the checkerboard colouring wraps (lattice.size[${a}] = ${n}); make it even or reflecting`);
    }
  });
}

/** (direction, colour) of sub-step n: a pure function of the kernel seed (shared by GPU and twin). */
export function scheduledMove(seed: number, substep: number, coordination: number): { direction: number; colour: number } {
  const w = pcg4d(seed, substep >>> 0, STREAM.schedule, 0)[0];
  const pick = Math.floor((w / 4294967296) * 2 * coordination);
  return { direction: pick >> 1, colour: pick & 1 };
}

export class GpuLatticeEngine implements Engine {
  readonly kind = 'gpu-lattice' as const;
  private _model: RateModel;
  private _time = 0;
  private _events = 0;
  private substep = 0;
  /** Duration of a full sub-step τ (s); Infinity when nothing can move. */
  private tau = Infinity;
  private readonly adjacent: Uint8Array;
  private readonly speciesPresent: boolean[];
  readonly dispatchLog: LatticeDispatch[] = [];
  logDispatches = false;
  /** What was read back since the last dispatch (cleared by every run). */
  private cache: { counters: Uint32Array; state?: LatticeStateArrays } | null = null;

  private constructor(
    model: RateModel,
    private readonly geometry: KernelGeometry,
    private readonly executor: LatticeExecutor,
    private readonly seed: number,
    private readonly species: Uint8Array,
    private readonly stepFraction: number,
  ) {
    this._model = model;
    this.adjacent = adjacentRegions(geometry);
    this.speciesPresent = Array.from({ length: N_SPECIES }, (_, s) => species.includes(s));
  }

  static async create(model: RateModel, occupancy: Uint8Array, options: GpuLatticeOptions): Promise<GpuLatticeEngine> {
    checkLatticeScene(model);
    const ions = ionsOf(occupancy);
    checkKernelLimits('gpu-lattice', model, ions.site.length);
    const stepFraction = options.stepFraction ?? latticeDefaults.stepFraction;
    if (!(stepFraction > 0 && stepFraction <= 1)) throw new RangeError(`stepFraction must lie in (0, 1] (got ${stepFraction})`);
    const geometry = kernelGeometry(model);
    const words = new Uint32Array(model.nSites);
    for (let k = 0; k < ions.site.length; k++) words[ions.site[k]] = ((k + 1) | (ions.species[k] << 28)) >>> 0;
    const seed = kernelSeed(options.seedNumber ?? hashSeedString(options.seed), options.replica ?? 0, STREAM.lattice);
    const config: LatticeConfig = { geometry, seed, tablePairs: 2 * hopTablePairs(model), occupancy: words, nIons: ions.site.length };
    const executor = options.executor === 'twin' ? new LatticeTwin(config) : await (await import('./latticeGpu')).LatticeGpu.create(await acquireGpu(), config);
    const engine = new GpuLatticeEngine(model, geometry, executor, seed, ions.species, stepFraction);
    engine.uploadTables();
    return engine;
  }

  get model(): RateModel {
    return this._model;
  }
  get time(): number {
    return this._time;
  }
  get events(): number {
    return this._events;
  }
  /** Sub-step duration τ (s). */
  get substepTime(): number {
    return this.tau;
  }
  get substepsDone(): number {
    return this.substep;
  }

  private uploadTables(): void {
    const kMax = maxDirectionalRate(this._model, this.adjacent, this.speciesPresent);
    const Z = this._model.coordination;
    this.tau = kMax > 0 ? this.stepFraction / (Z * kMax) : Infinity;
    this.executor.writeTables(0, kMax > 0 ? hopThresholds(this._model, Z * this.tau) : new Uint32Array(2 * hopTablePairs(this._model)));
  }

  private next(thresholdOffset: number): LatticeDispatch {
    const { direction, colour } = scheduledMove(this.seed, this.substep, this._model.coordination);
    const d = { substep: this.substep++, direction, colour, thresholdOffset };
    if (this.logDispatches) this.dispatchLog.push(d);
    return d;
  }

  async advance(limit: AdvanceLimit): Promise<AdvanceReport> {
    const startEvents = this._events;
    const eventTarget = limit.events !== undefined ? startEvents + limit.events : Infinity;
    const timeTarget = limit.time ?? Infinity;
    if (eventTarget === Infinity && timeTarget === Infinity) throw new RangeError('advance needs an events or a time limit');
    if (limit.events !== undefined && limit.events <= 0) return { events: 0, time: this._time, stoppedBy: 'events' };
    if (timeTarget <= this._time) return { events: 0, time: this._time, stoppedBy: 'time' };
    const tau = this.tau;
    if (tau === Infinity || this.species.length === 0) {
      if (timeTarget === Infinity) return { events: 0, time: this._time, stoppedBy: 'frozen' };
      this._time = timeTarget;
      return { events: 0, time: this._time, stoppedBy: 'time' };
    }
    const partialOffset = hopTablePairs(this._model);
    let perSubstep = 0;
    let done = 0;
    for (;;) {
      const remaining = timeTarget - this._time;
      const fullLeft = remaining === Infinity ? Infinity : Math.floor(remaining / tau + 1e-9);
      let batch = Math.min(MAX_BATCH, fullLeft);
      if (eventTarget !== Infinity) {
        const wanted = perSubstep > 0 ? Math.ceil((eventTarget - this._events) / perSubstep) : 2 ** Math.min(done, 12);
        batch = Math.max(1, Math.min(batch, wanted));
      }
      const dispatches: LatticeDispatch[] = [];
      for (let k = 0; k < batch; k++) dispatches.push(this.next(0));
      let endsOnTime = false;
      if (batch === fullLeft && fullLeft !== Infinity) {
        const rest = remaining - batch * tau;
        if (rest > tau * 1e-9) {
          // A shorter last sub-step with its own thresholds k·Z·τ'.
          this.executor.writeTables(partialOffset, hopThresholds(this._model, this._model.coordination * rest));
          dispatches.push(this.next(partialOffset));
        }
        endsOnTime = true;
      }
      if (dispatches.length > 0) await this.executor.run(dispatches);
      this.cache = null;
      const before = this._events;
      this._events = totalEvents(await this.readCounters(true));
      if (endsOnTime) {
        this._time = timeTarget;
        return { events: this._events - startEvents, time: this._time, stoppedBy: 'time' };
      }
      this._time += batch * tau;
      done += batch;
      if (batch > 0) perSubstep = Math.max(perSubstep * 0.5, (this._events - before) / batch);
      if (this._events >= eventTarget) return { events: this._events - startEvents, time: this._time, stoppedBy: 'events' };
      // Every ion blocked (full lattice, walls): no hop in 4096 sub-steps means frozen.
      if (this._events === startEvents && done >= 4096 && timeTarget === Infinity) {
        return { events: 0, time: this._time, stoppedBy: 'frozen' };
      }
    }
  }

  /** Counters; on small systems the state comes along in the same round trip and is kept for ions()/occupancy(). */
  private async readCounters(withState: boolean): Promise<Uint32Array> {
    this.executor.checkAlive(); // cached values must not hide a lost device
    if (!this.cache) this.cache = withState && this.geometry.nSites <= SNAPSHOT_LIMIT ? await this.executor.snapshot() : { counters: await this.executor.counters() };
    return this.cache.counters;
  }

  private async readState(): Promise<LatticeStateArrays> {
    this.executor.checkAlive();
    if (!this.cache?.state) this.cache = await this.executor.snapshot();
    return this.cache.state!;
  }

  async ions(): Promise<IonState> {
    const st = await this.readState();
    const n = this.species.length;
    const site = new Int32Array(n);
    const displacement = new Int32Array(3 * n);
    for (let i = 0; i < st.occupancy.length; i++) {
      const w = st.occupancy[i];
      if (w !== 0) site[(w & ION_MASK) - 1] = i;
    }
    for (let k = 0; k < n; k++) {
      displacement[3 * k] = st.dx[k];
      displacement[3 * k + 1] = st.dy[k];
      displacement[3 * k + 2] = st.dz[k];
    }
    return { species: this.species.slice(), site, displacement };
  }

  async occupancy(): Promise<Uint8Array> {
    this.executor.checkAlive();
    const words = this.cache?.state?.occupancy ?? (await this.executor.occupancy());
    const occ = new Uint8Array(words.length);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) occ[i] = (words[i] >>> 28) + 1;
    return occ;
  }

  async crossings(): Promise<Float64Array> {
    return crossingsOf(await this.readCounters(false), this.geometry.nRegions);
  }

  async eventCounts(): Promise<Float64Array> {
    return eventCountsOf(await this.readCounters(false));
  }

  async setModel(model: RateModel): Promise<void> {
    assertSameLattice('gpu-lattice', this._model, model);
    checkLatticeScene(model);
    this._model = model;
    this.uploadTables();
  }

  dispose(): void {
    this.executor.dispose();
  }
}
