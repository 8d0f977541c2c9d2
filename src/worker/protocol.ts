// Messages between the page and the engine worker. Plain data only (scenes as
// JSON objects, typed arrays transferred), so the same Frame also comes out of
// a session running on the page (the WebGPU path).
import type { Scene } from '../model/scene/schema';
import type { EngineKind } from '../engine/engine';

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
}

export interface Frame {
  /** Simulated clock of the engine (s). */
  time: number;
  /** Events done since the run started. */
  events: number;
  /** Events done by the advance that produced this frame (fewer than asked when the time budget ran out). */
  advanced: number;
  /** True when no hop is possible at all (total rate 0). */
  frozen: boolean;
  /** Species+1 per site, 0 empty. */
  occupancy: Uint8Array;
  /** Present when the observables took a sample during this advance. */
  sample: LiveSample | null;
  /** Occupancy fraction per layer along the profile axis, per species. */
  profile: Float64Array[];
}

export interface SessionInfo {
  engine: EngineKind;
  /** Ions per species. */
  ionCounts: number[];
  /** Axis of the occupancy profile (0 x, 1 y, 2 z). */
  profileAxis: 0 | 1 | 2;
}

export type WorkerRequest =
  | { id: number; type: 'start'; scene: Scene; seed: number }
  | { id: number; type: 'setScene'; scene: Scene }
  | { id: number; type: 'advance'; events: number; maxMillis: number };

export type WorkerResponse =
  | { id: number; type: 'started'; info: SessionInfo; frame: Frame }
  | { id: number; type: 'frame'; frame: Frame }
  | { id: number; type: 'error'; message: string; sceneIssues?: { path: string; message: string; value?: unknown }[] };
