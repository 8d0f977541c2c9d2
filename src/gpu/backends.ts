// What an orchestrator asks of a kernel executor. Two executors exist for each
// kernel, in its folder: the WebGPU one (src/gpu/<kernel>/pipeline.ts) and the
// TypeScript twin (src/gpu/<kernel>/twin.ts). Fed the same config and dispatch
// sequence they must end in the same state bit for bit.
import type { KernelGeometry } from './geometry';

export interface WalkersConfig {
  readonly geometry: KernelGeometry;
  /** Kernel seed (src/gpu/rng.ts kernelSeed). */
  readonly seed: number;
  /** Slot of a tick = top bits of a random word: word >> slotShift (30 in 2D: 4 slots; 29 in 3D: 8). */
  readonly slotShift: number;
  /** Tables buffer size in (hi, lo) pairs. */
  readonly tablePairs: number;
  /** Where the geometry table (geometry.ts geometryTable: direction words) starts in the tables, pairs. */
  readonly directionOffset: number;
  /** Walker words: site | species << 28. */
  readonly walkers: Uint32Array;
  /** Many replicas (of many sweep points) in one run; absent: one replica, everything from the dispatch. */
  readonly groups?: WalkerGroups;
}

/**
 * Grouped walkers (shaders/walkers.wgsl): where, in the tables buffer, each
 * walker's (group, walker number in its group) pairs and each group's (seed,
 * threshold offset) pairs start. Counters: one block of counterWords(R) per group.
 */
export interface WalkerGroups {
  readonly count: number;
  readonly groupOffset: number;
  readonly groupInfoOffset: number;
}

export interface WalkerDispatch {
  readonly step: number;
  readonly thresholdOffset: number;
  readonly poissonOffset: number;
  readonly poissonLength: number;
  /** Grouped runs: where this dispatch's per-group (step, 0), (poisson offset, length) pairs start in the tables. */
  readonly scheduleOffset?: number;
}

export interface WalkerStateArrays {
  /** site | species << 28 per walker. */
  readonly walkers: Uint32Array;
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  readonly dz: Int32Array;
}

/** What both orchestrators ask of their executor; D is a dispatch, S the state read back. */
export interface KernelExecutor<D, S> {
  /** Writes (hi, lo) pairs into the tables buffer starting at pair `offsetPairs`. */
  writeTables(offsetPairs: number, pairs: Uint32Array): void;
  /** Runs the dispatches in order. */
  run(dispatches: readonly D[]): Promise<void>;
  /** Counters (src/gpu/layouts.ts). */
  counters(): Promise<Uint32Array>;
  state(): Promise<S>;
  /** Counters and state in one round trip (small runs: halves the latency per sample). */
  snapshot(): Promise<{ counters: Uint32Array; state: S }>;
  /** Throws when the executor's device is gone (twins never lose theirs). */
  checkAlive(): void;
  dispose(): void;
}

export type WalkersExecutor = KernelExecutor<WalkerDispatch, WalkerStateArrays>;

export interface LatticeConfig {
  readonly geometry: KernelGeometry;
  readonly seed: number;
  readonly tablePairs: number;
  /** Where the geometry table (direction words, then the colour site lists) starts in the tables, pairs. */
  readonly directionOffset: number;
  /** 0 empty, else (ion + 1) | species << 28 per site (ion field UNTRACKED_ION: inserted, no tracer slot). */
  readonly occupancy: Uint32Array;
  readonly nIons: number;
  /** Reservoir faces (src/gpu/lattice/reservoir.ts); absent in a closed scene. */
  readonly reservoir?: LatticeReservoirConfig;
  /** Water dissociation: the counters hold dissociations and recombinations after the reservoir counters. */
  readonly reaction?: boolean;
  /** Lubrication: hop sub-steps read the lubrication fields (species groups and levels). */
  readonly lubrication?: boolean;
}

export interface LatticeReservoirConfig {
  /** Faces (counter blocks after the crossings). */
  readonly faces: number;
  /** Where the (site, face) list of the face sites starts in the tables, pairs, and its length. */
  readonly faceListOffset: number;
  readonly faceSites: number;
}

export interface LatticeDispatch {
  readonly substep: number;
  /** Direction slot of a hop or reaction sub-step (unused by a reservoir sub-step). */
  readonly direction: number;
  readonly colour: number;
  readonly thresholdOffset: number;
  /** MOVE_HOP, MOVE_REACTION or MOVE_RESERVOIR (src/gpu/layouts.ts). */
  readonly move: number;
  /** MOVE_HOP: bit s set when species s may hop in this sub-step. */
  readonly speciesMask: number;
  readonly chemistry: LatticeChemistryParams;
}

/** Lubrication and reaction fields of the params struct (src/gpu/lattice/chemistry.ts); one object per model. */
export interface LatticeChemistryParams {
  /** Pairs between the hop tables of successive lubrication levels. */
  readonly levelStride: number;
  /** Per species (8 bits each) the lubricating species + 1, 0 for none. */
  readonly lubBy: number;
  /** Bit s when species s's rule sums over its neighbours. */
  readonly lubSum: number;
  /** Catalyst species + 1, 0 for none. */
  readonly catalyst: number;
  /** hydroxide | proton << 8. */
  readonly reactionSpecies: number;
}

export interface LatticeStateArrays {
  readonly occupancy: Uint32Array;
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  readonly dz: Int32Array;
}

export interface LatticeExecutor extends KernelExecutor<LatticeDispatch, LatticeStateArrays> {
  /** Occupancy words only (for a view). */
  occupancy(): Promise<Uint32Array>;
}
