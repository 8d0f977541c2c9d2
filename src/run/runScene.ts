// Runs a scene on any engine: compiles the rate model once, then for each
// independent replica places the ions, advances the engine from sample to
// sample, records the observables and disposes the engine. Holds only the
// Engine interface, so every engine kind runs through the same code.
import { compileRateModel, type RateModel } from '../model/rateModel';
import { initialOccupancy, replicaSeed } from '../model/initialState';
import type { Scene } from '../model/scene/schema';
import type { Engine, EngineKind } from '../engine/engine';
import { createEngine, type EngineTuning } from '../engine/factory';
import { ReplicaRecorder, type ReplicaObservables } from '../observe/replicaRecorder';
import { aggregateReplicas, type RunObservables } from '../observe/aggregate';
import { profileAxisOf } from '../observe/profileAxis';
import { chemistryObservables, stiffnessWarning, type ChemistryObservables } from '../observe/chemistry';
import { IONHOP_VERSION } from './version';

export interface RunProgress {
  /** Fraction of the whole run done, 0..1. */
  fraction: number;
  /** Wall time so far, s. */
  elapsedS: number;
  /** Estimated wall time left, s (NaN before the first sample). */
  etaS: number;
  /** Replica being run (0-based) and how many there are. */
  replica: number;
  replicas: number;
}

export interface RunOptions {
  engine?: EngineKind;
  /** Overrides scene.run.replicas. */
  replicas?: number;
  /** Overrides scene.seed. */
  seed?: number;
  /** Engine tuning (e.g. gpu-lattice's step fraction); engine defaults where absent. */
  tuning?: EngineTuning;
  onProgress?: (progress: RunProgress) => void;
}

/** A complete, JSON-able record of one run: what ran, with what, and what came out. */
export interface RunResult {
  ionhop: string;
  /** The scene as run (seed and replica overrides applied), so the result reproduces itself. */
  scene: Scene;
  seed: number;
  engine: EngineKind;
  replicas: number;
  /** 'time': uniform time grid of run.samples points; 'events': a sample every run.events/run.samples events. */
  sampling: 'time' | 'events';
  wallTimeS: number;
  observables: RunObservables;
  /** Lubrication and water-dissociation observables and the per-channel stiffness report (scenes that have them, cpu engine). */
  chemistry?: ChemistryObservables;
  /** Things the user should know about the run as set up (e.g. an event budget too small for run.time). */
  warnings?: string[];
}

export async function runScene(sceneIn: Scene, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const scene: Scene = {
    ...sceneIn,
    seed: options.seed ?? sceneIn.seed,
    run: { ...sceneIn.run, replicas: options.replicas ?? sceneIn.run.replicas },
  };
  const kind = options.engine ?? 'cpu';
  const model = compileRateModel(scene);
  const { run } = scene;
  const replicas = run.replicas;
  const sampling = run.time !== undefined ? 'time' : 'events';
  // With only an event budget there cannot be more samples than events.
  const samples = sampling === 'time' ? run.samples : Math.min(run.samples, run.events!);
  const profileAxis = profileAxisOf(scene);
  const fitFrom = scene.observe.fitFrom;

  const report = (replica: number, k: number) => {
    if (!options.onProgress) return;
    const fraction = (replica + k / samples) / replicas;
    const elapsedS = (performance.now() - started) / 1000;
    options.onProgress({ fraction, elapsedS, etaS: fraction > 0 ? (elapsedS * (1 - fraction)) / fraction : NaN, replica, replicas });
  };

  const results = await runReplicas(scene, kind, 0, replicas, (r, k) => report(r, k), model, options.tuning);
  const observables = aggregateReplicas(model, results, fitFrom, profileAxis);
  const chemistry = chemistryObservables(model, results.flatMap((r) => (r.chemistry ? [r.chemistry] : [])));
  const warnings = await runWarnings(scene, kind, model, options.tuning);
  return {
    ionhop: IONHOP_VERSION,
    scene,
    seed: scene.seed,
    engine: kind,
    replicas,
    sampling,
    wallTimeS: (performance.now() - started) / 1000,
    observables,
    ...(chemistry ? { chemistry } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * Warnings about the run as set up: the stiffness check (chemistry.ts) on
 * replica 0's starting total rate, for engines that report it. Rates are never
 * rescaled; the user decides.
 */
async function runWarnings(scene: Scene, kind: EngineKind, model: RateModel, tuning?: EngineTuning): Promise<string[]> {
  if (scene.run.time === undefined || scene.run.events === undefined || kind !== 'cpu') return [];
  const engine = await createEngine(kind, model, initialOccupancy(model, scene.seed, 0), { seed: replicaSeed(scene.seed, 0, 'dynamics'), seedNumber: scene.seed, replica: 0, tuning });
  try {
    if (!engine.chemistryCounts) return [];
    const warning = stiffnessWarning((await engine.chemistryCounts()).totalRateHz, scene.run.time, scene.run.events);
    return warning ? [warning] : [];
  } finally {
    engine.dispose();
  }
}

/**
 * Runs replicas [from, to) of a scene (seed and replica count already applied)
 * and returns their raw observables, in replica order. Replica r depends only on
 * the scene, its seed and r, so ranges run anywhere (another worker thread, another
 * machine) and aggregated together give the same numbers as one runScene call.
 */
export async function runReplicas(
  scene: Scene,
  kind: EngineKind,
  from: number,
  to: number,
  progress?: (replica: number, sample: number) => void,
  compiled?: RateModel,
  tuning?: EngineTuning,
): Promise<ReplicaObservables[]> {
  const model = compiled ?? compileRateModel(scene);
  const { run } = scene;
  const samples = run.time !== undefined ? run.samples : Math.min(run.samples, run.events!);
  const profileAxis = profileAxisOf(scene);
  const results: ReplicaObservables[] = [];
  for (let r = from; r < to; r++) {
    const occupancy = initialOccupancy(model, scene.seed, r);
    const engine = await createEngine(kind, model, occupancy, { seed: replicaSeed(scene.seed, r, 'dynamics'), seedNumber: scene.seed, replica: r, tuning });
    try {
      results.push(await runReplica(engine, scene, samples, profileAxis, scene.observe.fitFrom, (k) => progress?.(r, k)));
    } finally {
      engine.dispose();
    }
  }
  return results;
}

export async function runReplica(
  engine: Engine,
  scene: Scene,
  samples: number,
  profileAxis: 0 | 1 | 2,
  fitFrom: number,
  progress: (k: number) => void,
): Promise<ReplicaObservables> {
  const recorder = new ReplicaRecorder(engine.model, { samples, fitFrom, profileAxis });
  const { time: runTime, events: maxEvents } = scene.run;
  recorder.record(0, engine.time, await engine.ions());
  for (let k = 1; k <= samples; k++) {
    if (runTime !== undefined) {
      const target = (k / samples) * runTime;
      const limit = maxEvents !== undefined ? { time: target, events: maxEvents - engine.events } : { time: target };
      if (limit.events === 0) break;
      const done = await engine.advance(limit);
      if (done.stoppedBy === 'events') {
        // The event cap ended the run between grid points: keep the last state at its own time.
        if (done.time > recorder.lastTime) recorder.record(k, done.time, await engine.ions());
        break;
      }
      // Frozen: nothing can move, so the state at the grid time is the current one.
      recorder.record(k, target, await engine.ions());
    } else {
      const target = Math.round((k / samples) * maxEvents!);
      const done = await engine.advance({ events: target - engine.events });
      if (done.stoppedBy === 'frozen') break;
      recorder.record(k, done.time, await engine.ions());
    }
    progress(k);
  }
  const observed = recorder.finish(await engine.crossings(), await engine.eventCounts(), engine.events);
  const model = engine.model;
  if (engine.chemistryCounts && (model.lubrication.length > 0 || model.waterDissociation)) observed.chemistry = await engine.chemistryCounts();
  return observed;
}
