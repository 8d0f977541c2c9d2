// Engine 'gpu-lattice': many ions with site exclusion on one lattice, advanced
// by the checkerboard pair kernel (shaders/lattice.wgsl, docs/gpu.md). Each
// sub-step lasts τ; the orchestrator draws its move uniformly from M moves
// (scheduleMoves: (direction, colour) per hop group, per reaction, and one
// reservoir move) from a counter-based stream. A bond is then in play with
// probability 2/M per sub-step (as the pair of either end's colour), and an ion
// crosses it with probability k·(M/2)·τ: rate k per direction. Equilibrium is
// exact (each pair update obeys detailed balance); the dynamics carry an
// O(k·τ) splitting error, measured in docs/gpu.md.
import type { RateModel } from '../../model/rateModel';
import type { Engine, IonState } from '../engine';
import { EngineUnsupportedError } from '../engine';
import type { LatticeChemistryParams, LatticeConfig, LatticeDispatch, LatticeExecutor, LatticeStateArrays } from '../../gpu/backends';
import { acquireGpu } from '../../gpu/device';
import { geometryTable, geometryTablePairs, kernelGeometry, type KernelGeometry } from '../../gpu/geometry';
import { ION_MASK, MOVE_HOP, MOVE_REACTION, MOVE_RESERVOIR, packIonWord, reactionCounterIndex, readCounter, reservoirCounterIndex, speciesOfWord, UNTRACKED_ION } from '../../gpu/layouts';
import { chemistryProblem, groupMask, hopGroups, levelledHopThresholds, lubricationParams, maxLevelledHopRate, maxReactionRate, reactionParams, reactionTablePairs, reactionThresholds } from '../../gpu/lattice/chemistry';
import { enteringSpecies, maxReservoirRate, reservoirFaceCount, reservoirFaceList, reservoirTablePairs, reservoirThresholds } from '../../gpu/lattice/reservoir';
import { adjacentRegions } from '../../gpu/geometry';
import { CHANNEL_KINDS } from '../../model/channels';
import type { ReservoirCounts } from '../engine';
import { hashSeedString, kernelSeed, pcg4d, STREAM } from '../../gpu/rng';
import { hopTablePairs } from '../../gpu/tables';
import { LatticeTwin } from '../../gpu/lattice/twin';
import { BatchedGpuEngine } from './batchedEngine';
import { checkKernelLimits, checkKernelModel, ionsOf } from './ionList';
import { totalEvents } from './counters';
import { colouringProblem } from '../../model/lattice';

export interface GpuLatticeOptions {
  seed: string;
  seedNumber?: number;
  replica?: number;
  executor?: 'gpu' | 'twin';
  /**
   * Largest acceptance probability per pair update, α (hops k·(M/2)·τ, reactions
   * likewise, face ghost pairs k·M·τ; default LATTICE_DEFAULT_STEP_FRACTION);
   * the splitting error grows with α (docs/gpu.md).
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
  const chemistry = chemistryProblem(model);
  if (chemistry) throw new EngineUnsupportedError('gpu-lattice', `${chemistry} — use --engine cpu`);
  // The pair schedule needs colour classes with no two neighbours alike, also across periodic faces.
  const problem = colouringProblem(model.lattice);
  if (problem) throw new EngineUnsupportedError('gpu-lattice', `${problem}; change lattice.size or make that axis reflecting`);
}

/**
 * Moves a sub-step is drawn from: the Z·C (direction, colour) pairs for each
 * hop group of species (chemistry.ts hopGroups; one group without lubrication)
 * and, with water dissociation, once more for the reaction; plus one reservoir
 * move (every face site paired with the electrolyte) when the scene has faces.
 * Without any of these M = Z·C, as before.
 */
export function scheduleMoves(model: RateModel): number {
  return model.directions * model.lattice.colours * pairMoveGroups(model) + (model.channels.reservoir ? 1 : 0);
}

/** Groups of pair moves: the hop groups, and one reaction group with water dissociation. */
function pairMoveGroups(model: RateModel): number {
  return hopGroups(model).count + (model.waterDissociation ? 1 : 0);
}

/** Each bond is in play, for a given species or for the reaction, in 2 of the M moves, so pair thresholds are k·(M/2)·τ. */
export function attemptScale(model: RateModel): number {
  return scheduleMoves(model) / 2;
}

/** A face site is updated in 1 of the M moves, so its ghost-pair thresholds are k·M·τ. */
export function reservoirAttemptScale(model: RateModel): number {
  return scheduleMoves(model);
}

/**
 * The move of sub-step n, uniform over the M moves: a pure function of the
 * kernel seed (shared by GPU and twin). pick = (group·Z + direction)·C + colour
 * for the Z·C·groups pair moves; the last pick, with a reservoir, is the
 * reservoir move (direction and colour 0). With one group and no reservoir this
 * is the schedule of before.
 */
export function scheduledMove(seed: number, substep: number, directions: number, colours: number, groups = 1, reservoirMove = false): { direction: number; colour: number; group: number; reservoir: boolean } {
  const w = pcg4d(seed, substep >>> 0, STREAM.schedule, 0)[0];
  const pairMoves = colours * directions * groups;
  const pick = Math.floor((w / 4294967296) * (pairMoves + (reservoirMove ? 1 : 0)));
  if (pick === pairMoves) return { direction: 0, colour: 0, group: 0, reservoir: true };
  const group = Math.floor(pick / (colours * directions));
  const rest = pick - group * colours * directions;
  const direction = Math.floor(rest / colours);
  return { direction, colour: rest - colours * direction, group, reservoir: false };
}

/** Most sub-steps per batch; with no time limit, this many sub-steps without a hop (full lattice, walls) mean frozen. */
const MAX_BATCH = 4096;

export class GpuLatticeEngine extends BatchedGpuEngine<LatticeDispatch, LatticeStateArrays, LatticeExecutor> implements Engine {
  readonly kind = 'gpu-lattice' as const;
  private substep = 0;
  /** Duration of a full sub-step τ (s); Infinity when nothing can move. */
  private tau = Infinity;
  /** Species placed at the start (with those able to enter through a face, they set τ). */
  private readonly placedSpecies: boolean[];
  private readonly adjacentPairs: Uint8Array;
  /** The face-site list the kernel holds (a model swap must keep it). */
  private readonly faceList: Uint32Array | null;
  /** The kernel counts dissociations and recombinations (fixed at the start). */
  private readonly hasReaction: boolean;
  /** The kernel was compiled with the lubrication path (fixed at the start). */
  private readonly hasLubrication: boolean;
  /** Lubrication and reaction params of the current model. */
  private chemistry: LatticeChemistryParams = { levelStride: 0, lubBy: 0, lubSum: 0, catalyst: 0, reactionSpecies: 0 };

  private constructor(
    model: RateModel,
    geometry: KernelGeometry,
    executor: LatticeExecutor,
    private readonly seed: number,
    species: Uint8Array,
    private readonly stepFraction: number,
  ) {
    super(model, geometry, executor, species, { maxBatch: MAX_BATCH, frozenAfter: MAX_BATCH, stateSize: geometry.nSites });
    this.placedSpecies = Array.from({ length: model.nSpecies }, (_, s) => species.includes(s));
    this.adjacentPairs = adjacentRegions(geometry);
    this.faceList = reservoirFaceList(model);
    this.hasReaction = !!model.waterDissociation;
    this.hasLubrication = model.lubrication.length > 0;
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
    // Tables: full and partial hop thresholds, full and partial reservoir thresholds, the geometry
    // (direction words and colour site lists), then the face-site list (tableLayout).
    const layout = tableLayout(model);
    const directionOffset = layout.directionOffset;
    const faceList = reservoirFaceList(model);
    const faceListOffset = directionOffset + geometryTablePairs(geometry);
    const config: LatticeConfig = {
      geometry, seed, tablePairs: faceListOffset + (faceList ? faceList.length / 2 : 0), directionOffset, occupancy: words, nIons: ions.site.length,
      ...(faceList ? { reservoir: { faces: reservoirFaceCount(model), faceListOffset, faceSites: faceList.length / 2 } } : {}),
      ...(model.waterDissociation ? { reaction: true } : {}),
      ...(model.lubrication.length > 0 ? { lubrication: true } : {}),
    };
    const executor = options.executor === 'twin' ? new LatticeTwin(config) : await (await import('../../gpu/lattice/pipeline')).LatticeGpu.create(await acquireGpu(), config);
    executor.writeTables(directionOffset, geometryTable(geometry));
    if (faceList) executor.writeTables(faceListOffset, faceList);
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

  /**
   * Largest single-direction hop rate (at any lubrication level) over the species
   * present, able to enter through a face or made by the reaction, and the region pairs that touch (Hz).
   */
  protected override maxRate(): number {
    const model = this._model;
    const entering = enteringSpecies(model);
    const rx = model.waterDissociation;
    const mobile = this.placedSpecies.map((placed, s) => placed || entering[s] || (rx !== null && (s === rx.hydroxide || s === rx.proton)));
    return maxLevelledHopRate(model, this.adjacentPairs, mobile);
  }

  /**
   * τ keeps every acceptance probability ≤ α: hops k·(M/2)·τ, reactions
   * (both dissociations of a bond together, or a recombination)·(M/2)·τ, and
   * the face ghost pairs (total insertion or removal rate)·M·τ.
   */
  protected uploadTables(): void {
    const model = this._model;
    const layout = tableLayout(model);
    const rx = model.waterDissociation;
    const catalystPossible = rx !== null && rx.catalyst >= 0 && (this.placedSpecies[rx.catalyst] || enteringSpecies(model)[rx.catalyst]);
    const limit = Math.max(attemptScale(model) * Math.max(this.maxRate(), maxReactionRate(model, catalystPossible)), reservoirAttemptScale(model) * maxReservoirRate(model));
    this.tau = limit > 0 ? this.stepFraction / limit : Infinity;
    const tau = limit > 0 ? this.tau : 0;
    this.chemistry = chemistryParams(model);
    this.executor.writeTables(0, levelledHopThresholds(model, attemptScale(model) * tau));
    if (layout.reservoirPairs > 0) this.executor.writeTables(layout.reservoirFull, reservoirThresholds(model, reservoirAttemptScale(model) * tau));
    if (layout.reactionPairs > 0) this.executor.writeTables(layout.reactionFull, reactionThresholds(model, attemptScale(model) * tau));
  }

  protected checkModel(model: RateModel): void {
    checkLatticeScene(model);
    const faces = reservoirFaceList(model);
    const same = faces === null ? this.faceList === null : this.faceList !== null && faces.length === this.faceList.length && faces.every((v, k) => v === this.faceList![k]);
    if (!same) throw new EngineUnsupportedError('gpu-lattice', 'the new model opens different reservoir faces (sites or faces); the kernel holds the face-site list of the start — start a new run, or use --engine cpu');
    if (model.lubrication.length > 0 && !this.hasLubrication) {
      throw new EngineUnsupportedError('gpu-lattice', 'the new model adds lubrication; the kernel was compiled without it at the start — start a new run, or use --engine cpu');
    }
    if (!!model.waterDissociation !== this.hasReaction) {
      throw new EngineUnsupportedError('gpu-lattice', 'the new model adds or drops the water-dissociation reaction; the kernel sized its counters at the start — start a new run, or use --engine cpu');
    }
  }

  protected dispatchTime(): number {
    return this.tau;
  }

  private next(partial: boolean): LatticeDispatch {
    const model = this._model;
    const groups = hopGroups(model).count;
    const m = scheduledMove(this.seed, this.substep, model.directions, model.lattice.colours, groups + (model.waterDissociation ? 1 : 0), !!model.channels.reservoir);
    const layout = tableLayout(model);
    const move = m.reservoir ? MOVE_RESERVOIR : m.group === groups ? MOVE_REACTION : MOVE_HOP;
    const thresholdOffset =
      move === MOVE_RESERVOIR ? (partial ? layout.reservoirPartial : layout.reservoirFull)
      : move === MOVE_REACTION ? (partial ? layout.reactionPartial : layout.reactionFull)
      : partial ? layout.hopPartial : 0;
    return {
      substep: this.substep++, direction: m.direction, colour: m.colour, thresholdOffset, move,
      speciesMask: move === MOVE_HOP ? groupMask(model, m.group) : 0, chemistry: this.chemistry,
    };
  }

  protected fullDispatch(): LatticeDispatch {
    return this.next(false);
  }

  /** A shorter last sub-step τ' with its own thresholds (k·(M/2)·τ' for hops and reactions, k·M·τ' at the faces), after the full ones. */
  protected partialDispatch(rest: number): LatticeDispatch {
    const model = this._model;
    const layout = tableLayout(model);
    this.executor.writeTables(layout.hopPartial, levelledHopThresholds(model, attemptScale(model) * rest));
    if (layout.reservoirPairs > 0) this.executor.writeTables(layout.reservoirPartial, reservoirThresholds(model, reservoirAttemptScale(model) * rest));
    if (layout.reactionPairs > 0) this.executor.writeTables(layout.reactionPartial, reactionThresholds(model, attemptScale(model) * rest));
    return this.next(true);
  }

  /** Open faces insert ions and the reaction makes them: an empty lattice can still change. */
  protected override canChange(): boolean {
    return this.species.length > 0 || !!this._model.channels.reservoir || !!this._model.waterDissociation;
  }

  protected override countEvents(words: Uint32Array): number {
    return totalEvents(words) + this.reservoirEventTotal(words) + this.reactionEventTotal(words);
  }

  /** Dissociations and recombinations so far (0 without water dissociation). */
  private reactionEventTotal(words: Uint32Array): number {
    if (!this.hasReaction) return 0;
    const F = reservoirFaceCount(this._model);
    const R = this.geometry.nRegions;
    return readCounter(words, reactionCounterIndex(R, F, false)) + readCounter(words, reactionCounterIndex(R, F, true));
  }

  /** Dissociations and recombinations counted by the kernel (the CPU engine's chemistryCounts needs ion origins, which gpu-lattice does not keep). */
  async reactionCounts(): Promise<{ dissociations: number; recombinations: number }> {
    const words = await this.counterWords();
    if (!this.hasReaction) return { dissociations: 0, recombinations: 0 };
    const F = reservoirFaceCount(this._model);
    const R = this.geometry.nRegions;
    return { dissociations: readCounter(words, reactionCounterIndex(R, F, false)), recombinations: readCounter(words, reactionCounterIndex(R, F, true)) };
  }

  private reservoirEventTotal(words: Uint32Array): number {
    let n = 0;
    const F = reservoirFaceCount(this._model);
    for (let f = 0; f < F; f++)
      for (let s = 0; s < this._model.nSpecies; s++) {
        n += readCounter(words, reservoirCounterIndex(this.geometry.nRegions, f, s, false)) + readCounter(words, reservoirCounterIndex(this.geometry.nRegions, f, s, true));
      }
    return n;
  }

  override async eventCountsByKind(): Promise<Float64Array> {
    const words = await this.counterWords();
    const out = new Float64Array(CHANNEL_KINDS.length);
    out[CHANNEL_KINDS.indexOf('hop')] = totalEvents(words);
    out[CHANNEL_KINDS.indexOf('reservoir')] = this.reservoirEventTotal(words);
    out[CHANNEL_KINDS.indexOf('water-dissociation')] = this.reactionEventTotal(words);
    return out;
  }

  /** Insertions and removals per face and species (counted by the kernel); null in a closed scene. */
  async reservoirCounts(): Promise<ReservoirCounts | null> {
    const res = this._model.channels.reservoir;
    if (!res) return null;
    const words = await this.counterWords();
    const S = this._model.nSpecies;
    const F = res.faceNames.length;
    const insertions = new Float64Array(F * S);
    const removals = new Float64Array(F * S);
    for (let f = 0; f < F; f++)
      for (let s = 0; s < S; s++) {
        insertions[f * S + s] = readCounter(words, reservoirCounterIndex(this.geometry.nRegions, f, s, false));
        removals[f * S + s] = readCounter(words, reservoirCounterIndex(this.geometry.nRegions, f, s, true));
      }
    return { faceNames: res.faceNames, insertions, removals };
  }

  /**
   * The ions placed at the start keep their slots (tracer identity); with open
   * faces or water dissociation a removed one is no longer alive, and ions the
   * kernel created come back as `untracked` (site and species, no displacement).
   */
  async ions(): Promise<IonState> {
    const st = await this.readState();
    const n = this.species.length;
    const site = new Int32Array(n);
    const displacement = new Int32Array(3 * n);
    // Open faces and the reaction create and remove ions: placed ions may die, new ones have no slot.
    const open = !!this._model.channels.reservoir || !!this._model.waterDissociation;
    const alive = open ? new Uint8Array(n) : null;
    const untrackedSites: number[] = [];
    const untrackedSpecies: number[] = [];
    for (let i = 0; i < st.occupancy.length; i++) {
      const w = st.occupancy[i];
      if (w === 0) continue;
      const ion = w & ION_MASK;
      if (ion === UNTRACKED_ION) {
        untrackedSites.push(i);
        untrackedSpecies.push(speciesOfWord(w));
        continue;
      }
      site[ion - 1] = i;
      if (alive) alive[ion - 1] = 1;
    }
    for (let k = 0; k < n; k++) {
      displacement[3 * k] = st.dx[k];
      displacement[3 * k + 1] = st.dy[k];
      displacement[3 * k + 2] = st.dz[k];
    }
    if (!alive) return { species: this.species.slice(), site, displacement };
    return { species: this.species.slice(), site, displacement, alive, untracked: { site: Int32Array.from(untrackedSites), species: Uint8Array.from(untrackedSpecies) } };
  }

  async occupancy(): Promise<Uint8Array> {
    this.executor.checkAlive();
    const words = this.cachedState()?.occupancy ?? (await this.executor.occupancy());
    const occ = new Uint8Array(words.length);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) occ[i] = speciesOfWord(words[i]) + 1;
    return occ;
  }
}

/**
 * Where each part of the lattice tables buffer starts, in pairs: full hop
 * thresholds at 0, partial ones at hopPartial, then the full and partial
 * reservoir thresholds, then the geometry at directionOffset (closed scenes:
 * no reservoir part, the layout of before).
 */
export function tableLayout(model: RateModel) {
  // Hop tables hold one block per lubrication level.
  const hops = hopTablePairs(model) * lubricationParams(model).levels;
  const reservoirPairs = reservoirTablePairs(model);
  const reactionPairs = reactionTablePairs(model);
  const reservoirFull = 2 * hops;
  const reactionFull = reservoirFull + 2 * reservoirPairs;
  return {
    hopPartial: hops, reservoirPairs, reservoirFull, reservoirPartial: reservoirFull + reservoirPairs,
    reactionPairs, reactionFull, reactionPartial: reactionFull + reactionPairs, directionOffset: reactionFull + 2 * reactionPairs,
  };
}

/** The params fields of the model's lubrication and reaction (LatticeChemistryParams). */
function chemistryParams(model: RateModel): LatticeChemistryParams {
  const lub = lubricationParams(model);
  const rx = reactionParams(model);
  return { levelStride: hopTablePairs(model), lubBy: lub.byPacked, lubSum: lub.sumMask, catalyst: rx.catalyst, reactionSpecies: rx.species };
}
