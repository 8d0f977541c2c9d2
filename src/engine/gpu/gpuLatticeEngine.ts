// Engine 'gpu-lattice': many ions with site exclusion on one lattice, advanced
// by the checkerboard pair kernel (shaders/lattice.wgsl, docs/gpu.md). Each
// sub-step lasts τ; the orchestrator draws its (direction, colour) uniformly
// from a counter-based stream. A bond is then in play with probability
// 2/(2Z) = 1/Z per sub-step (as the pair of either end's colour), and an ion
// crosses it with probability k·Z·τ: rate k per direction. Equilibrium is
// exact (each pair update obeys detailed balance); the dynamics carry an
// O(k·τ) splitting error, measured in docs/gpu.md.
import type { RateModel } from '../../model/rateModel';
import type { Engine, IonState } from '../engine';
import { EngineUnsupportedError } from '../engine';
import type { LatticeConfig, LatticeDispatch, LatticeExecutor, LatticeStateArrays } from '../../gpu/backends';
import { acquireGpu } from '../../gpu/device';
import { geometryTable, geometryTablePairs, kernelGeometry, type KernelGeometry } from '../../gpu/geometry';
import { ION_MASK, packIonWord, speciesOfWord } from '../../gpu/layouts';
import { hashSeedString, kernelSeed, pcg4d, STREAM } from '../../gpu/rng';
import { hopTablePairs, hopThresholds } from '../../gpu/tables';
import { LatticeTwin } from '../../gpu/lattice/twin';
import { BatchedGpuEngine } from './batchedEngine';
import { checkKernelLimits, checkKernelModel, ionsOf } from './ionList';
import { colouringProblem } from '../../model/lattice';

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

/** Throws EngineUnsupportedError for scenes the checkerboard update cannot run exactly enough. */
export function checkLatticeScene(model: RateModel): void {
  checkKernelModel('gpu-lattice', model);
  if (model.hasInteractions) {
    throw new EngineUnsupportedError(
      'gpu-lattice',
      'the scene has nearest-neighbour interactions; in a checkerboard sub-step the neighbours of a hopping ion move at the same time, so its rate would be computed from a stale environment — use --engine cpu for interacting ions',
    );
  }
  if (model.waterDissociation) {
    throw new EngineUnsupportedError('gpu-lattice', 'the scene has a water-dissociation reaction (a pair channel that creates and annihilates ions); no GPU kernel implements it yet — use --engine cpu');
  }
  if (model.lubrication.length > 0) {
    throw new EngineUnsupportedError(
      'gpu-lattice',
      'the scene has lubrication (saddles shifted by neighbouring ions); a checkerboard sub-step would read an environment that moves at the same time, and gpu-lattice has no species-restricted sub-steps yet — use --engine cpu',
    );
  }
  // The pair schedule needs colour classes with no two neighbours alike, also across periodic faces.
  const problem = colouringProblem(model.lattice);
  if (problem) throw new EngineUnsupportedError('gpu-lattice', `${problem}; change lattice.size or make that axis reflecting`);
}

/** Sub-steps per bond and step: each bond is updated in 2 of the Z·C (direction, colour) pairs, so thresholds are k·(Z·C/2)·τ. */
export function attemptScale(model: RateModel): number {
  return (model.directions * model.lattice.colours) / 2;
}

/** (direction slot, colour class) of sub-step n, uniform over the Z·C pairs: a pure function of the kernel seed (shared by GPU and twin). */
export function scheduledMove(seed: number, substep: number, directions: number, colours: number): { direction: number; colour: number } {
  const w = pcg4d(seed, substep >>> 0, STREAM.schedule, 0)[0];
  const pick = Math.floor((w / 4294967296) * colours * directions);
  const direction = Math.floor(pick / colours);
  return { direction, colour: pick - colours * direction };
}

/** Most sub-steps per batch; with no time limit, this many sub-steps without a hop (full lattice, walls) mean frozen. */
const MAX_BATCH = 4096;

export class GpuLatticeEngine extends BatchedGpuEngine<LatticeDispatch, LatticeStateArrays, LatticeExecutor> implements Engine {
  readonly kind = 'gpu-lattice' as const;
  private substep = 0;
  /** Duration of a full sub-step τ (s); Infinity when nothing can move. */
  private tau = Infinity;

  private constructor(
    model: RateModel,
    geometry: KernelGeometry,
    executor: LatticeExecutor,
    private readonly seed: number,
    species: Uint8Array,
    private readonly stepFraction: number,
  ) {
    super(model, geometry, executor, species, { maxBatch: MAX_BATCH, frozenAfter: MAX_BATCH, stateSize: geometry.nSites });
  }

  static async create(model: RateModel, occupancy: Uint8Array, options: GpuLatticeOptions): Promise<GpuLatticeEngine> {
    checkLatticeScene(model);
    const ions = ionsOf(occupancy);
    checkKernelLimits('gpu-lattice', model, ions.site.length);
    const stepFraction = options.stepFraction ?? LATTICE_DEFAULT_STEP_FRACTION;
    if (!(stepFraction > 0 && stepFraction <= 1)) throw new RangeError(`stepFraction must lie in (0, 1] (got ${stepFraction})`);
    const geometry = kernelGeometry(model);
    const words = new Uint32Array(model.nSites);
    for (let k = 0; k < ions.site.length; k++) words[ions.site[k]] = packIonWord(k + 1, ions.species[k]);
    const seed = kernelSeed(options.seedNumber ?? hashSeedString(options.seed), options.replica ?? 0, STREAM.lattice);
    // Full and partial sub-step thresholds, then the geometry (direction words and colour site lists).
    const directionOffset = 2 * hopTablePairs(model);
    const config: LatticeConfig = { geometry, seed, tablePairs: directionOffset + geometryTablePairs(geometry), directionOffset, occupancy: words, nIons: ions.site.length };
    const executor = options.executor === 'twin' ? new LatticeTwin(config) : await (await import('../../gpu/lattice/pipeline')).LatticeGpu.create(await acquireGpu(), config);
    executor.writeTables(directionOffset, geometryTable(geometry));
    const engine = new GpuLatticeEngine(model, geometry, executor, seed, ions.species, stepFraction);
    engine.uploadTables();
    return engine;
  }

  /** Sub-step duration τ (s). */
  get substepTime(): number {
    return this.tau;
  }
  get substepsDone(): number {
    return this.substep;
  }

  protected uploadTables(): void {
    const kMax = this.maxRate();
    const attempts = attemptScale(this._model);
    this.tau = kMax > 0 ? this.stepFraction / (attempts * kMax) : Infinity;
    this.executor.writeTables(0, kMax > 0 ? hopThresholds(this._model, attempts * this.tau) : new Uint32Array(2 * hopTablePairs(this._model)));
  }

  protected checkModel(model: RateModel): void {
    checkLatticeScene(model);
  }

  protected dispatchTime(): number {
    return this.tau;
  }

  private next(thresholdOffset: number): LatticeDispatch {
    const { direction, colour } = scheduledMove(this.seed, this.substep, this._model.directions, this._model.lattice.colours);
    return { substep: this.substep++, direction, colour, thresholdOffset };
  }

  protected fullDispatch(): LatticeDispatch {
    return this.next(0);
  }

  /** A shorter last sub-step τ' with its own thresholds k·(Z·C/2)·τ', after the full ones in the tables. */
  protected partialDispatch(rest: number): LatticeDispatch {
    const partialOffset = hopTablePairs(this._model);
    this.executor.writeTables(partialOffset, hopThresholds(this._model, attemptScale(this._model) * rest));
    return this.next(partialOffset);
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
    const words = this.cachedState()?.occupancy ?? (await this.executor.occupancy());
    const occ = new Uint8Array(words.length);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) occ[i] = speciesOfWord(words[i]) + 1;
    return occ;
  }
}
