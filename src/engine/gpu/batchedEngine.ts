// What both GPU orchestrators share (docs/gpu.md): a float64 clock advanced in
// batches of equal dispatches, with one shorter last dispatch so that
// advance({time}) ends exactly on the requested time; the 64-bit counters read
// after every batch; and a cache of what was read back since the last
// dispatch, so that ions()/occupancy()/crossings() after an advance cost no
// second round trip. The subclasses own what differs: how long a dispatch
// lasts, how a full and a partial dispatch are built (Poisson tables or
// sub-step thresholds), the batch bounds and the frozen rule.
import type { RateModel } from '../../model/rateModel';
import { CHANNEL_KINDS } from '../../model/channels';
import { NonFiniteRateError, type AdvanceLimit, type AdvanceReport, type EngineKind, type IonState } from '../engine';
import type { KernelExecutor } from '../../gpu/backends';
import { adjacentRegions, maxDirectionalRate, type KernelGeometry } from '../../gpu/geometry';
import { crossingsOf, eventCountsOf, totalEvents } from './counters';
import { assertSameLattice } from './sameLattice';

/** Systems up to this many walkers or sites read their state with every counter read. */
const SNAPSHOT_LIMIT = 1 << 16;

export interface BatchRules {
  /** Most dispatches per batch (a power of two: without a rate estimate, batches grow 1, 2, 4, … up to it). */
  readonly maxBatch: number;
  /** With no time limit, this many dispatches without a single event mean the ions are frozen. */
  readonly frozenAfter: number;
  /** Walkers or sites: up to SNAPSHOT_LIMIT, the state comes back with every counter read. */
  readonly stateSize: number;
}

export abstract class BatchedGpuEngine<D, S, E extends KernelExecutor<D, S> = KernelExecutor<D, S>> {
  abstract readonly kind: Extract<EngineKind, 'gpu-walkers' | 'gpu-lattice'>;
  /** Dispatches done so far, in order (the twin replays exactly these). */
  readonly dispatchLog: D[] = [];
  /** Keep the log (tests); off by default to bound memory in long runs. */
  logDispatches = false;
  protected _model: RateModel;
  private _time = 0;
  private _events = 0;
  private readonly adjacent: Uint8Array;
  private readonly speciesPresent: boolean[];
  /** What was read back since the last dispatch (cleared by every run). */
  private cache: { counters: Uint32Array; state?: S } | null = null;

  protected constructor(
    model: RateModel,
    protected readonly geometry: KernelGeometry,
    protected readonly executor: E,
    protected readonly species: Uint8Array,
    private readonly rules: BatchRules,
  ) {
    this._model = model;
    this.adjacent = adjacentRegions(geometry);
    this.speciesPresent = Array.from({ length: model.nSpecies }, (_, s) => species.includes(s));
  }

  /** Duration of one full dispatch (s); Infinity when nothing can move. */
  protected abstract dispatchTime(): number;
  /** The next full dispatch. */
  protected abstract fullDispatch(): D;
  /** The next dispatch, lasting `rest` (< one full dispatch); writes its own table first. */
  protected abstract partialDispatch(rest: number): D;
  /** Rates of the current model → the executor's tables (and the dispatch time). */
  protected abstract uploadTables(): void;
  /** Throws EngineUnsupportedError when the engine cannot run `model`. */
  protected abstract checkModel(model: RateModel): void;
  abstract ions(): Promise<IonState>;
  abstract occupancy(): Promise<Uint8Array>;

  get model(): RateModel {
    return this._model;
  }
  get time(): number {
    return this._time;
  }
  get events(): number {
    return this._events;
  }

  /** Simulated time of one full dispatch (one sweep of the kernel), s; Infinity when nothing can move. The app's Step runs exactly one. */
  get sweepSeconds(): number {
    return this.dispatchTime();
  }

  /** Largest single-direction hop rate over the species present and the region pairs that touch (Hz). */
  protected maxRate(): number {
    return maxDirectionalRate(this._model, this.adjacent, this.speciesPresent);
  }

  private record(d: D): D {
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
    const step = this.dispatchTime();
    // A NaN or zero dispatch time would leave the clock where it is and loop for ever.
    if (!(step > 0)) throw new NonFiniteRateError(this.kind, `the dispatch interval is ${step} s (the fastest hop rate is ${this.maxRate()} Hz)`);
    if (step === Infinity || !this.canChange()) {
      if (timeTarget === Infinity) return { events: 0, time: this._time, stoppedBy: 'frozen' };
      this._time = timeTarget;
      return { events: 0, time: this._time, stoppedBy: 'time' };
    }
    const { maxBatch, frozenAfter } = this.rules;
    let perDispatch = 0; // measured events per full dispatch
    let done = 0;
    for (;;) {
      const remaining = timeTarget - this._time;
      const fullLeft = remaining === Infinity ? Infinity : Math.floor(remaining / step + 1e-9);
      let batch = Math.min(maxBatch, fullLeft);
      if (eventTarget !== Infinity) {
        const wanted = perDispatch > 0 ? Math.ceil((eventTarget - this._events) / perDispatch) : Math.min(2 ** done, maxBatch);
        batch = Math.max(1, Math.min(batch, wanted));
      }
      const dispatches: D[] = [];
      for (let k = 0; k < batch; k++) dispatches.push(this.record(this.fullDispatch()));
      let endsOnTime = false;
      if (batch === fullLeft && fullLeft !== Infinity) {
        const rest = remaining - batch * step;
        if (rest > step * 1e-9) dispatches.push(this.record(this.partialDispatch(rest)));
        endsOnTime = true;
      }
      if (dispatches.length > 0) await this.executor.run(dispatches);
      this.cache = null;
      const before = this._events;
      this._events = this.countEvents(await this.readCounters(true));
      if (endsOnTime) {
        this._time = timeTarget;
        return { events: this._events - startEvents, time: this._time, stoppedBy: 'time' };
      }
      const advanced = this._time + batch * step;
      if (!(advanced < Infinity) || (batch > 0 && advanced === this._time)) {
        throw new NonFiniteRateError(this.kind, `the clock cannot advance from ${this._time} s by ${batch} dispatches of ${step} s`);
      }
      this._time = advanced;
      done += batch;
      if (batch > 0) perDispatch = Math.max(perDispatch * 0.5, (this._events - before) / batch);
      if (this._events >= eventTarget) return { events: this._events - startEvents, time: this._time, stoppedBy: 'events' };
      if (this._events === startEvents && done >= frozenAfter && timeTarget === Infinity) {
        return { events: 0, time: this._time, stoppedBy: 'frozen' };
      }
    }
  }

  /** False when no dispatch can change the state: no ions (the lattice engine adds faces and reactions that create them). */
  protected canChange(): boolean {
    return this.species.length > 0;
  }

  /** Events so far from the counter words (hops; the lattice engine adds its reservoir events). */
  protected countEvents(words: Uint32Array): number {
    return totalEvents(words);
  }

  /** The counter words (cached since the last dispatch). */
  protected counterWords(): Promise<Uint32Array> {
    return this.readCounters(false);
  }

  /** Counters; on small systems the state comes along in the same round trip and is kept for ions()/occupancy(). */
  private async readCounters(withState: boolean): Promise<Uint32Array> {
    this.executor.checkAlive(); // cached values must not hide a lost device
    if (!this.cache) this.cache = withState && this.rules.stateSize <= SNAPSHOT_LIMIT ? await this.executor.snapshot() : { counters: await this.executor.counters() };
    return this.cache.counters;
  }

  protected async readState(): Promise<S> {
    this.executor.checkAlive();
    if (!this.cache?.state) this.cache = await this.executor.snapshot();
    return this.cache.state!;
  }

  /** The state read back since the last dispatch, if any (no round trip). */
  protected cachedState(): S | undefined {
    return this.cache?.state;
  }

  async crossings(): Promise<Float64Array> {
    return crossingsOf(await this.readCounters(false), this.geometry.nRegions);
  }

  async eventCounts(): Promise<Float64Array> {
    return eventCountsOf(await this.readCounters(false), this._model.nSpecies);
  }

  /** The kernels execute hops only. */
  async eventCountsByKind(): Promise<Float64Array> {
    const out = new Float64Array(CHANNEL_KINDS.length);
    out[CHANNEL_KINDS.indexOf('hop')] = totalEvents(await this.readCounters(false));
    return out;
  }

  /** Ion slots: the walkers or lattice ions placed at the start; the kernels keep them all. */
  get ionCapacity(): number {
    return this.species.length;
  }

  async setModel(model: RateModel): Promise<void> {
    assertSameLattice(this.kind, this._model, model);
    this.checkModel(model);
    this._model = model;
    this.uploadTables();
  }

  dispose(): void {
    this.executor.dispose();
  }
}
