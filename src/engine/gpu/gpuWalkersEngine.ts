// Engine 'gpu-walkers': independent ions, each an exact continuous-time random
// walk by uniformization (shaders/walkers.wgsl, docs/gpu.md). The orchestrator
// owns the clock (float64), the tables and the dispatch sequence; the kernel
// (or its TypeScript twin) owns the walkers.
import type { RateModel } from '../../model/rateModel';
import type { Engine, IonState } from '../engine';
import { EngineUnsupportedError } from '../engine';
import type { WalkerDispatch, WalkersConfig, WalkersExecutor, WalkerStateArrays } from '../../gpu/backends';
import { acquireGpu } from '../../gpu/device';
import { geometryTable, geometryTablePairs, kernelGeometry, type KernelGeometry } from '../../gpu/geometry';
import { packIonWord, SITE_MASK } from '../../gpu/layouts';
import { hashSeedString, kernelSeed, STREAM } from '../../gpu/rng';
import { hopTablePairs, walkerSlotShift, hopThresholds, poissonTable, walkerTiming, type WalkerTiming } from '../../gpu/tables';
import { WalkersTwin } from '../../gpu/walkers/twin';
import { BatchedGpuEngine } from './batchedEngine';
import { checkKernelLimits, ionsOf, checkKernelModel } from './ionList';

export interface GpuWalkersOptions {
  seed: string;
  seedNumber?: number;
  replica?: number;
  /** 'gpu' (default) runs the WGSL; 'twin' runs the TypeScript twin (tests, no-GPU replay). */
  executor?: 'gpu' | 'twin';
  /** Mean ticks per walker per dispatch, λ = Γ·Δt (default defaultTicksPerDispatch(walkers)). */
  ticksPerDispatch?: number;
  /** Largest fraction of a species' allowed sites it may fill (default 0.1). */
  maxFilling?: number;
}

/** Default largest filling: above it, ignoring exclusion biases D by more than ~10 %. */
export const WALKERS_MAX_FILLING = 0.1;
/** Most dispatches recorded between two looks at the event counter. */
export const WALKERS_MAX_BATCH = 1024;

/** Throws EngineUnsupportedError for scenes independent walkers would get wrong. */
export function checkWalkersScene(model: RateModel, occupancy: Uint8Array, maxFilling = WALKERS_MAX_FILLING): void {
  checkKernelModel('gpu-walkers', model);
  if (model.hasInteractions) {
    throw new EngineUnsupportedError('gpu-walkers', 'the scene has ion–ion interactions, but walkers move independently; use --engine cpu (gpu-lattice does not support interactions either)');
  }
  if (model.waterDissociation) {
    throw new EngineUnsupportedError('gpu-walkers', 'the scene has a water-dissociation reaction (a pair channel that creates and annihilates ions); no GPU kernel implements it yet — use --engine cpu');
  }
  if (model.lubrication.length > 0) {
    throw new EngineUnsupportedError('gpu-walkers', 'the scene has lubrication (saddles shifted by neighbouring ions), but walkers move independently and never see their neighbours; use --engine cpu');
  }
  // What exclusion would change: the fraction of a species' allowed sites held
  // by the other ions (all species block). A lone ion is always fine.
  const R = model.nRegions;
  let totalIons = 0;
  for (let i = 0; i < model.nSites; i++) if (occupancy[i] !== 0) totalIons++;
  for (let s = 0; s < model.nSpecies; s++) {
    let ions = 0;
    let allowedSites = 0;
    for (let i = 0; i < model.nSites; i++) {
      if (occupancy[i] === s + 1) ions++;
      if (model.allowed[s * R + model.siteRegion[i]]) allowedSites++;
    }
    if (ions === 0) continue;
    const filling = (totalIons - 1) / allowedSites;
    if (filling > maxFilling) {
      throw new EngineUnsupportedError(
        'gpu-walkers',
        `the other ions fill ${(100 * filling).toFixed(1)} % of the ${allowedSites} sites ${model.speciesNames[s]} may occupy; walkers ignore site exclusion, which changes D by about that fraction, so gpu-walkers accepts at most ${(100 * maxFilling).toFixed(0)} % — use --engine gpu-lattice or cpu, or lower the population`,
      );
    }
  }
}

/**
 * About 2^20 ticks per dispatch in all, between 32 and 4096 per walker: few
 * walkers get long dispatches (a dispatch has a fixed cost), many walkers
 * short ones (the clock and the event counter are seen between dispatches).
 */
export function defaultTicksPerDispatch(walkers: number): number {
  return Math.min(4096, Math.max(32, 2 ** Math.round(Math.log2((1 << 20) / Math.max(1, walkers)))));
}

export class GpuWalkersEngine extends BatchedGpuEngine<WalkerDispatch, WalkerStateArrays> implements Engine {
  readonly kind = 'gpu-walkers' as const;
  private step = 0;
  private timing!: WalkerTiming;
  private poissonLength = 0;

  private constructor(
    model: RateModel,
    geometry: KernelGeometry,
    executor: WalkersExecutor,
    species: Uint8Array,
    private readonly ticksPerDispatch: number,
    private readonly poissonCapacity: number,
  ) {
    // Walkers that sit where no hop is possible while Γ is set elsewhere:
    // after WALKERS_MAX_BATCH dispatches (≥ WALKERS_MAX_BATCH·λ ticks each) without one event, call it frozen.
    super(model, geometry, executor, species, { maxBatch: WALKERS_MAX_BATCH, frozenAfter: WALKERS_MAX_BATCH, stateSize: species.length });
  }

  static async create(model: RateModel, occupancy: Uint8Array, options: GpuWalkersOptions): Promise<GpuWalkersEngine> {
    checkWalkersScene(model, occupancy, options.maxFilling);
    const ions = ionsOf(occupancy);
    checkKernelLimits('gpu-walkers', model, ions.site.length);
    const ticksPerDispatch = options.ticksPerDispatch ?? defaultTicksPerDispatch(ions.site.length);
    if (!(ticksPerDispatch > 0 && ticksPerDispatch <= 1e5)) throw new RangeError(`ticksPerDispatch must lie in (0, 1e5] (got ${ticksPerDispatch})`);
    const geometry = kernelGeometry(model);
    const walkers = new Uint32Array(ions.site.length);
    for (let k = 0; k < walkers.length; k++) walkers[k] = packIonWord(ions.site[k], ions.species[k]);
    const poissonCapacity = poissonTable(ticksPerDispatch).length / 2;
    const config: WalkersConfig = {
      geometry,
      seed: kernelSeed(options.seedNumber ?? hashSeedString(options.seed), options.replica ?? 0, STREAM.walkers),
      slotShift: walkerSlotShift(model),
      // Hop thresholds, the full and the partial Poisson table, then the geometry (direction words).
      tablePairs: hopTablePairs(model) + 2 * poissonCapacity + geometryTablePairs(geometry),
      directionOffset: hopTablePairs(model) + 2 * poissonCapacity,
      walkers,
    };
    const executor = options.executor === 'twin' ? new WalkersTwin(config) : await (await import('../../gpu/walkers/pipeline')).WalkersGpu.create(await acquireGpu(), config);
    executor.writeTables(config.directionOffset, geometryTable(geometry));
    const engine = new GpuWalkersEngine(model, geometry, executor, ions.species, ticksPerDispatch, poissonCapacity);
    engine.uploadTables();
    return engine;
  }

  /** Uniformization rate Γ (Hz), dispatch interval and slots in use. */
  get walkerTiming(): WalkerTiming {
    return this.timing;
  }
  get walkerCount(): number {
    return this.species.length;
  }

  protected uploadTables(): void {
    this.timing = walkerTiming(this._model, this.maxRate(), this.ticksPerDispatch);
    const hop = this.timing.gamma > 0 ? hopThresholds(this._model, this.timing.slots / this.timing.gamma) : new Uint32Array(2 * hopTablePairs(this._model));
    this.executor.writeTables(0, hop);
    const poisson = poissonTable(this.ticksPerDispatch);
    this.poissonLength = poisson.length / 2;
    this.executor.writeTables(hopTablePairs(this._model), poisson);
  }

  protected checkModel(model: RateModel): void {
    if (model.hasEnvironment || model.waterDissociation) checkWalkersScene(model, new Uint8Array(model.nSites));
  }

  protected dispatchTime(): number {
    return this.timing.dt;
  }

  private dispatch(poissonOffset: number, poissonLength: number): WalkerDispatch {
    return { step: this.step++, thresholdOffset: 0, poissonOffset, poissonLength };
  }

  protected fullDispatch(): WalkerDispatch {
    return this.dispatch(hopTablePairs(this._model), this.poissonLength);
  }

  /** The rest of the interval, shorter than Δt, with its own tick table after the full one. */
  protected partialDispatch(rest: number): WalkerDispatch {
    const offset = hopTablePairs(this._model) + this.poissonCapacity;
    const partial = poissonTable(this.timing.gamma * rest);
    this.executor.writeTables(offset, partial);
    return this.dispatch(offset, partial.length / 2);
  }

  async ions(): Promise<IonState> {
    const st = await this.readState();
    const n = this.species.length;
    const site = new Int32Array(n);
    const displacement = new Int32Array(3 * n);
    for (let k = 0; k < n; k++) {
      site[k] = st.walkers[k] & SITE_MASK;
      displacement[3 * k] = st.dx[k];
      displacement[3 * k + 1] = st.dy[k];
      displacement[3 * k + 2] = st.dz[k];
    }
    return { species: this.species.slice(), site, displacement };
  }

  /** Species+1 per site; where walkers share a site, the lowest-numbered walker shows. */
  async occupancy(): Promise<Uint8Array> {
    const st = await this.readState();
    const occ = new Uint8Array(this.geometry.nSites);
    for (let k = this.species.length - 1; k >= 0; k--) occ[st.walkers[k] & SITE_MASK] = this.species[k] + 1;
    return occ;
  }
}
