// One live run as the app sees it: an Engine plus the single-trajectory
// observables (src/observe/runningDiffusivity), packaged into Frames. No DOM,
// so it runs inside the engine worker (CPU) or on the page (WebGPU engines).
import type { Scene } from '../model/scene/schema';
import { compileRateModel, type RateModel } from '../model/rateModel';
import { layerCount, layerIndex } from '../model/lattice';
import { initialOccupancy, replicaSeed } from '../model/initialState';
import type { Engine, EngineKind, IonState } from '../engine/engine';
import { createEngine } from '../engine/factory';
import { RunningDiffusivity } from '../observe/runningDiffusivity';
import { profileAxisOf } from '../observe/profileAxis';
import type { Frame, LiveSample, SessionInfo } from './protocol';

/** Engines that hand out their live ion arrays without a copy (the CPU engine does). */
interface IonStateViewer {
  ionStateView(): Readonly<IonState>;
}
function hasIonStateView(e: Engine): e is Engine & IonStateViewer {
  return typeof (e as Partial<IonStateViewer>).ionStateView === 'function';
}

export class SimulationSession {
  private readonly estimator: RunningDiffusivity;
  /** Displacements when the observables last restarted: MSD counts from there. */
  private baseline: Int32Array | null = null;
  private relative: Int32Array | null = null;
  /** Engine clock when the observables last restarted. */
  private t0 = 0;
  private lastSample: LiveSample | null = null;
  private frozen = false;
  /** Measured engine speed, to size chunks of work to the time budget. */
  private eventsPerMs = 0;
  /** Measured cost of sampling and packing a frame (ms): on big lattices the work budget grows to twice it. */
  private overheadMs = 0;
  /** Events done by the last advance. */
  private advanced = 0;

  private constructor(private readonly engine: Engine, private model: RateModel, readonly info: SessionInfo) {
    this.estimator = new RunningDiffusivity({ dim: model.dim, metric: model.lattice.metric, nSpecies: model.nSpecies });
  }

  static async create(kind: EngineKind, scene: Scene, seed: number): Promise<SimulationSession> {
    const model = compileRateModel(scene);
    const occupancy = initialOccupancy(model, seed, 0);
    const engine = await createEngine(kind, model, occupancy, { seed: replicaSeed(seed, 0, 'dynamics'), seedNumber: seed, replica: 0 });
    const ionCounts = new Array<number>(model.nSpecies).fill(0);
    for (const o of occupancy) if (o > 0) ionCounts[o - 1]++;
    const session = new SimulationSession(engine, model, { engine: kind, ionCounts, profileAxis: profileAxisOf(scene) });
    await session.restartObservables();
    return session;
  }

  /** New parameters on the same lattice and ions; the run goes on, the observables restart. */
  async setScene(scene: Scene): Promise<void> {
    const model = compileRateModel(scene);
    await this.engine.setModel(model);
    this.model = model;
    this.frozen = false;
    await this.restartObservables();
  }

  /**
   * Up to `events` events, in chunks, stopping once about maxMillis of work is
   * done so the caller sees a frame soon even on a huge lattice; then one sample.
   */
  async advance(events: number, maxMillis: number): Promise<void> {
    let left = Math.max(0, Math.floor(events));
    const requested = left;
    // Keep at least two thirds of the time simulating, however costly a frame is to pack.
    const budget = Math.max(maxMillis, 2 * this.overheadMs);
    const start = performance.now();
    while (left > 0) {
      const chunk = this.eventsPerMs > 0 ? Math.min(left, Math.max(64, Math.floor(this.eventsPerMs * budget * 0.5))) : Math.min(left, 256);
      const t = performance.now();
      const report = await this.engine.advance({ events: chunk });
      const ms = performance.now() - t;
      if (report.events > 0 && ms > 0) this.eventsPerMs = this.eventsPerMs === 0 ? report.events / ms : 0.7 * this.eventsPerMs + 0.3 * (report.events / ms);
      left -= report.events;
      if (report.stoppedBy === 'frozen') {
        this.frozen = true;
        break;
      }
      if (performance.now() - start >= budget) break;
    }
    this.advanced = requested - left;
    const t = performance.now();
    await this.sample();
    this.overheadMs = performance.now() - t;
  }

  async frame(): Promise<Frame> {
    const t = performance.now();
    const occupancy = await this.engine.occupancy();
    const sample = this.lastSample;
    this.lastSample = null;
    const advanced = this.advanced;
    this.advanced = 0;
    const frame = { time: this.engine.time, events: this.engine.events, advanced, frozen: this.frozen, occupancy, sample, profile: this.profile(occupancy) };
    this.overheadMs += performance.now() - t;
    return frame;
  }

  dispose(): void {
    this.engine.dispose();
  }

  private async ionState(): Promise<Readonly<IonState>> {
    return hasIonStateView(this.engine) ? this.engine.ionStateView() : this.engine.ions();
  }

  private async restartObservables(): Promise<void> {
    const ions = await this.ionState();
    this.baseline = Int32Array.from(ions.displacement);
    this.relative = new Int32Array(ions.displacement.length);
    this.t0 = this.engine.time;
    this.estimator.reset();
    await this.sample();
  }

  private async sample(): Promise<void> {
    const ions = await this.ionState();
    if (ions.displacement.length !== this.relative!.length) {
      // Open faces inserted ions (new slots start at zero displacement): widen the baseline so every slot is covered.
      const wider = new Int32Array(ions.displacement.length);
      wider.set(this.baseline!.subarray(0, Math.min(wider.length, this.baseline!.length)));
      this.baseline = wider;
      this.relative = new Int32Array(ions.displacement.length);
    }
    const base = this.baseline!;
    const rel = this.relative!;
    for (let k = 0; k < rel.length; k++) rel[k] = ions.displacement[k] - base[k];
    const time = this.engine.time - this.t0;
    this.estimator.add(time, { species: ions.species, site: ions.site, displacement: rel });
    const est = this.estimator.estimate();
    this.lastSample = {
      time,
      msd: est.species.map((s) => (s.count > 0 ? s.msdA2 : NaN)),
      dStar: est.species.map((s) => s.tracerCm2PerS.value),
      dStarError: est.species.map((s) => s.tracerCm2PerS.se),
    };
  }

  /** Fraction of each layer's sites held by each species, along the profile axis. */
  private profile(occupancy: Uint8Array): Float64Array[] {
    const axis = this.info.profileAxis;
    const lattice = this.model.lattice;
    const layers = layerCount(lattice, axis);
    const out = Array.from({ length: this.model.nSpecies }, () => new Float64Array(layers));
    for (let i = 0; i < occupancy.length; i++) {
      const o = occupancy[i];
      if (o === 0) continue;
      out[o - 1][layerIndex(lattice, i, axis)]++;
    }
    const perLayer = this.model.nSites / layers;
    for (const p of out) for (let k = 0; k < layers; k++) p[k] /= perLayer;
    return out;
  }
}
