// The one interface the CLI, the tests and the app hold: never a concrete engine.
import type { RateModel } from '../model/rateModel';

/** Insertions and removals at the reservoir faces (src/model/reservoir.ts), per face and species. */
export interface ReservoirCounts {
  readonly faceNames: readonly string[];
  /** Insertions at [f·S + s] since the engine started (S = model.nSpecies). */
  readonly insertions: Float64Array;
  /** Removals at [f·S + s]. */
  readonly removals: Float64Array;
  /** Ions left in each reservoir's electrolyte at [f·S + s], −1 where unlimited (engines with finite inventories: cpu). */
  readonly inventoryLeft?: Float64Array;
  /** Water dissociations and recombinations so far (engines that run reactions), for the ledger check. */
  readonly dissociations?: number;
  readonly recombinations?: number;
}

export type EngineKind = 'cpu' | 'gpu-walkers' | 'gpu-lattice';

export interface AdvanceLimit {
  /** Stop after this many more events (accepted hops). */
  events?: number;
  /** Stop when the simulated clock reaches this absolute time (s). */
  time?: number;
}

export interface AdvanceReport {
  /** Events done by this call. */
  events: number;
  /** Simulated clock after the call (s). */
  time: number;
  /** What ended the call; 'frozen' when no hop is possible at all (total rate 0). */
  stoppedBy: 'events' | 'time' | 'frozen';
}

/**
 * Per-ion state over the engine's ion slots (ionCapacity of them). An ion keeps
 * its slot while it lives (tracer identity); a slot is never reused, so a
 * channel that removes an ion clears `alive` and one that inserts takes a new
 * slot. Hops keep every ion alive.
 */
export interface IonState {
  /** Species index per ion (see RateModel.speciesNames). */
  species: Uint8Array;
  /** Current site per ion (meaningless where alive is 0). */
  site: Int32Array;
  /**
   * Unwrapped displacement per ion in lattice units, 3 entries per ion
   * (RateModel.lattice.metric turns them into Å; on square/cubic lattices they are x, y, z steps).
   */
  displacement: Int32Array;
  /** 1 where the slot holds an ion now; absent: every slot does. */
  alive?: Uint8Array;
  /**
   * Ions present without a tracer slot (gpu-lattice: inserted at a reservoir
   * face by the kernel, which keeps no displacement for them): they count for
   * populations, profiles and region occupancies, never for an MSD.
   */
  untracked?: { site: Int32Array; species: Uint8Array };
}

/**
 * What an engine counts for lubrication and water dissociation (the CPU
 * engine; src/observe/chemistry.ts turns it into observables).
 */
export interface ChemistryCounts {
  /** Simulated time, s. */
  timeS: number;
  /** Events per channel kind (CHANNEL_KINDS order). */
  kindEvents: Float64Array;
  /** hopsByDirection[s·Z + d]: hops of species s along direction slot d. */
  hopsByDirection: Float64Array;
  /** Hops per species whose saddle lubrication shifted. */
  lubricatedHops: Float64Array;
  dissociations: number;
  recombinations: number;
  /** storedByOrigin[s][origin]: ions present now per origin (initial, water, inserted). */
  storedByOrigin: number[][];
  /** OH- on surface sites now (0 without a reaction). */
  surfaceHydroxide: number;
  /** Total rate of every channel now, Hz. */
  totalRateHz: number;
}

export interface Engine {
  readonly kind: EngineKind;
  readonly model: RateModel;
  /** Simulated time, s. */
  readonly time: number;
  /** Events (hops) done so far. */
  readonly events: number;
  /** Advances until the first limit is reached. With a time limit the clock ends exactly on it. */
  advance(limit: AdvanceLimit): Promise<AdvanceReport>;
  ions(): Promise<IonState>;
  /** Species+1 per site, 0 empty (a copy). */
  occupancy(): Promise<Uint8Array>;
  /** Hops from region a into region b ≠ a, at [a·R + b]. */
  crossings(): Promise<Float64Array>;
  /** Hops per species. */
  eventCounts(): Promise<Float64Array>;
  /** Events per channel kind, indexed like CHANNEL_KINDS (src/model/channels.ts). */
  eventCountsByKind(): Promise<Float64Array>;
  /** Insertions/removals per reservoir face and species; null (or absent: engines that refuse open faces) in a closed scene. */
  reservoirCounts?(): Promise<ReservoirCounts | null>;
  /**
   * A current source puts an ion of species s on the empty reservoir-face site i
   * (a galvanostatic pulse, src/run/protocolPlan.ts), counted as an insertion at
   * that face; absent on engines that cannot (only cpu has it).
   */
  injectIon?(site: number, species: number): Promise<void>;
  /** Counters of the proton chemistry (engines that run it: cpu). */
  chemistryCounts?(): Promise<ChemistryCounts>;
  /** Ion slots: the length of every IonState array (alive ions ≤ capacity). */
  readonly ionCapacity: number;
  /** Swaps in a rebuilt rate model (same lattice by sameLattice, same species) between steps; the run goes on. */
  setModel(model: RateModel): Promise<void>;
  dispose(): void;
}

/** What an engine cannot do with a given model, as a message the user can act on. */
export class EngineUnsupportedError extends Error {
  constructor(readonly engine: EngineKind, reason: string) {
    super(`engine ${engine} cannot run this scene: ${reason}`);
    this.name = 'EngineUnsupportedError';
  }
}

/**
 * A stepping loop met a rate or a clock outside the finite range (validation
 * bounds every channel, so this is a guard that stops instead of spinning).
 */
export class NonFiniteRateError extends Error {
  constructor(readonly engine: EngineKind, what: string) {
    super(`engine ${engine} stopped: ${what}; the scene's rates leave the range ionhop can clock — check barriers, temperature, interactions and field (docs/cli.md, "Limits")`);
    this.name = 'NonFiniteRateError';
  }
}

/** Engines that stop after an exact number of events; the GPU engines advance whole dispatches of many hops. */
export function stopsOnExactEvents(kind: EngineKind): boolean {
  return kind === 'cpu';
}
