// Messages between the page and the engine worker. Plain data only (scenes as
// JSON objects, typed arrays transferred), so the same Frame also comes out of
// a session running on the page (the WebGPU path).
import type { Scene } from '../model/scene/schema';
import type { EngineKind } from '../engine/engine';
import type { ConvergenceState } from '../observe/convergence';
import type { Estimate } from '../observe/stats';

/** A D estimate with its standard error (cm²/s) and whether it may be shown with its error bar. */
export interface DEstimate extends Estimate {
  convergence: ConvergenceState;
}

/** One point of the live observables, taken after an advance. */
export interface LiveSample {
  /** Simulated time since the observables last restarted (s). */
  time: number;
  /** MSD per species (Å²); NaN for species with no ions. */
  msd: number[];
  /** Running tracer D* per species (cm²/s); NaN while it cannot be estimated yet. */
  dStar: number[];
  /** Standard error of D* (cm²/s); NaN while it cannot be estimated. */
  dStarError: number[];
  /** MSD per species per axis (x, y, z), Å². */
  msdAxes: number[][];
  /** Mean hops per ion of each species since the observables restarted. */
  hopsPerIon: number[];
  /** MSD (Å²) of the ions of each species that started (at the last restart) in each region, [species][region]; NaN where none did. */
  msdByStartRegion: number[][];
  /** Whether D* may be shown with its error bar (src/observe/convergence.ts). */
  convergence: ConvergenceState[];
  /** Why each species' D* is not converged yet, in the page's words ('' when converged or without hops). */
  notConverged: string[];
  /** D along x, y, z per species from the same block pairs as D* (cm²/s); z NaN in 2D. */
  dAxes: DEstimate[][];
  /** D per species of the ions by the region they started in (at the last restart, or where they were inserted), [species][region]. */
  dByStartRegion: DEstimate[][];
}

/** The open faces (scene.reservoirs) as the page shows them. */
export interface LiveExchange {
  faceNames: string[];
  /** Cumulative insertions and removals of species s at face f since the run started, at [f·S + s]. */
  insertions: number[];
  removals: number[];
  /** Net insertion flux (ions/s) at [f·S + s] since the observables last restarted: mean ± SE over time batches (src/observe/liveFlux.ts). */
  netFlux: Estimate[];
  /** Ions gained per species since the run started, and the share of the stored charge each carries (NaN when none is stored). */
  storedIons: number[];
  chargeFraction: number[];
  /** Σ z·ΔN, elementary charges. */
  storedChargeE: number;
}

/** The proton chemistry counters (engines that run it: the CPU engine). */
export interface LiveChemistry {
  /** Net water split (dissociations − recombinations) per surface site and second since the observables restarted, ± SE of batch means; NaN without a reaction or before two samples. */
  turnoverPerSiteHz: { value: number; se: number };
  /** Time-averaged OH- per surface site since the restart (sampled at each frame), ± SE of batch means. */
  hydroxideCoverage: { value: number; se: number };
  dissociations: number;
  recombinations: number;
  /** OH- on surface sites now (0 without a water-dissociation reaction). */
  surfaceHydroxide: number;
  surfaceSites: number;
  /** Ions present now per species and origin: [s][initial, water, inserted]. */
  storedByOrigin: number[][];
  /** Per species: hops since the run started, and those whose saddle lubrication shifted. */
  hops: number[];
  lubricatedHops: number[];
}

/** How far the app asks the engine to go in one frame. */
export interface AdvanceRequest {
  /** Simulated time to cover (s); without it the advance counts events only. */
  simSeconds?: number;
  /** Most events (a cap for smoothness; the advance stops there even before simSeconds). */
  events: number;
}

/** What Step does on an engine: one kMC event, or one sweep of a GPU kernel. */
export interface StepUnit {
  kind: 'event' | 'sweep';
  label: string;
}

export interface Frame {
  /** Simulated clock of the engine (s). */
  time: number;
  /** Events done since the run started. */
  events: number;
  /** Events done by the advance that produced this frame (fewer than asked when the time budget ran out). */
  advanced: number;
  /** Simulated time covered by that advance (s): less than asked when the event cap or the time budget stopped it. */
  advancedSeconds: number;
  /** True when no hop is possible at all (total rate 0). */
  frozen: boolean;
  /** Species+1 per site, 0 empty. */
  occupancy: Uint8Array;
  /** Present when the observables took a sample during this advance. */
  sample: LiveSample | null;
  /** Occupancy fraction per layer along the profile axis, per species. */
  profile: Float64Array[];
  /** Hops from region a into region b ≠ a since the run started, at [a·R + b]. */
  crossings: number[];
  /** Total rate of all possible hops when the current parameters were set (Hz). */
  totalRate: number;
  /** The followed ion's unwrapped path in lattice coordinates (x, y, z per point, oldest first), or null. */
  follow: { ion: number; path: number[] } | null;
  /** Ions present now per species (open faces and reactions change it). */
  population: number[];
  /** Open faces: counters, flux and stored charge; null in a closed scene. */
  exchange: LiveExchange | null;
  /** Proton chemistry counters; null without lubrication or a reaction, or on an engine that does not count them. */
  chemistry: LiveChemistry | null;
}

export interface SessionInfo {
  engine: EngineKind;
  /** Ions per species at the start. */
  ionCounts: number[];
  /** Species present at the start or able to appear (open faces, water dissociation). */
  possibleSpecies: boolean[];
  /** Axis of the occupancy profile (0 x, 1 y, 2 z). */
  profileAxis: 0 | 1 | 2;
  /** What Step does on this engine. */
  step: StepUnit;
}

export type WorkerRequest =
  | { id: number; type: 'start'; scene: Scene; seed: number }
  | { id: number; type: 'setScene'; scene: Scene }
  | { id: number; type: 'advance'; request: AdvanceRequest; maxMillis: number }
  | { id: number; type: 'step' }
  | { id: number; type: 'follow'; site: number | null };

export type WorkerResponse =
  | { id: number; type: 'started'; info: SessionInfo; frame: Frame }
  | { id: number; type: 'frame'; frame: Frame }
  | { id: number; type: 'error'; message: string; sceneIssues?: { path: string; message: string; value?: unknown }[] };
