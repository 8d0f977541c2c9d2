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
import { ExchangeRecorder } from '../observe/exchange';
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
  const observables = aggregateReplicas(model, results, fitFrom, profileAxis, scene.protocol?.potentials ?? null);
  return {
    ionhop: IONHOP_VERSION,
    scene,
    seed: scene.seed,
    engine: kind,
    replicas,
    sampling,
    wallTimeS: (performance.now() - started) / 1000,
    observables,
  };
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
  // A protocol: one model per step, the electrolyte at that step's potential (every other table the same).
  const stepModels = scene.protocol
    ? scene.protocol.potentials.map((potential) => compileRateModel({ ...scene, electrolyte: { activity: {}, ...scene.electrolyte, potential } }))
    : null;
  for (let r = from; r < to; r++) {
    const occupancy = initialOccupancy(model, scene.seed, r);
    const engine = await createEngine(kind, stepModels?.[0] ?? model, occupancy, { seed: replicaSeed(scene.seed, r, 'dynamics'), seedNumber: scene.seed, replica: r, tuning });
    try {
      results.push(await runReplica(engine, scene, samples, profileAxis, scene.observe.fitFrom, (k) => progress?.(r, k), stepModels));
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
  stepModels: RateModel[] | null = null,
): Promise<ReplicaObservables> {
  const perStep = stepModels ? samples / stepModels.length : 0;
  const recorder = new ReplicaRecorder(engine.model, { samples, fitFrom, profileAxis });
  // Open faces: counters per sample and the conservation check at every sample (observe/exchange.ts).
  const exchange = engine.model.channels.reservoir ? new ExchangeRecorder(engine.model) : null;
  const record = async (k: number, time: number) => {
    const ions = await engine.ions();
    recorder.record(k, time, ions);
    if (exchange === null) return;
    const counts = engine.reservoirCounts ? await engine.reservoirCounts() : null;
    if (!counts) throw new Error(`engine ${engine.kind} runs a scene with reservoir faces but reports no exchange counts`);
    exchange.record(k, time, counts, ions);
  };
  const { time: runTime, events: maxEvents } = scene.run;
  await record(0, engine.time);
  for (let k = 1; k <= samples; k++) {
    if (runTime !== undefined) {
      // Protocol step j starts at sample j·perStep (validation makes samples a multiple of the steps).
      if (stepModels && k > 1 && (k - 1) % perStep === 0) await engine.setModel(stepModels[(k - 1) / perStep]);
      const target = (k / samples) * runTime;
      const limit = maxEvents !== undefined ? { time: target, events: maxEvents - engine.events } : { time: target };
      if (limit.events === 0) break;
      const done = await engine.advance(limit);
      if (done.stoppedBy === 'events') {
        // The event cap ended the run between grid points: keep the last state at its own time.
        if (done.time > recorder.lastTime) await record(k, done.time);
        break;
      }
      // Frozen: nothing can move, so the state at the grid time is the current one.
      await record(k, target);
    } else {
      const target = Math.round((k / samples) * maxEvents!);
      const done = await engine.advance({ events: target - engine.events });
      if (done.stoppedBy === 'frozen') break;
      await record(k, done.time);
    }
    progress(k);
  }
  const observed = recorder.finish(await engine.crossings(), await engine.eventCounts(), engine.events);
  if (exchange) observed.exchange = exchange.finish();
  return observed;
}
