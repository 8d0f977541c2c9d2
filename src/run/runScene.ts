// Runs a scene on any engine: compiles the rate model once, then for each
// independent replica places the ions, advances the engine from sample to
// sample, records the observables and disposes the engine. Holds only the
// Engine interface, so every engine kind runs through the same code.
import { compileRateModel, type RateModel } from '../model/rateModel';
import { initialOccupancy, replicaSeed } from '../model/initialState';
import type { Scene } from '../model/scene/schema';
import { EngineUnsupportedError, stopsOnExactEvents, type AdvanceLimit, type AdvanceReport, type Engine, type EngineKind } from '../engine/engine';
import { createEngine, type EngineTuning } from '../engine/factory';
import { ReplicaRecorder, type ReplicaObservables } from '../observe/replicaRecorder';
import { ExchangeRecorder } from '../observe/exchange';
import { aggregateReplicas } from '../observe/aggregate';
import { checkEstimators, omitTracerEstimators, type CheckedObservables } from '../observe/estimatorChecks';
import { profileAxisOf } from '../observe/profileAxis';
import { ChemistryRecorder, chemistryObservables, hasChemistry, stiffnessWarning, type ChemistryObservables } from '../observe/chemistry';
import { IONHOP_VERSION } from './version';
import { checkRunFits, estimateRun, recordedSamples } from './resourceLimits';
import { reachable, restoreState, snapshotState, type Snapshot } from './stateSnapshot';
import { protocolPlan, type CurrentSource, type ProtocolPlan } from './protocolPlan';
import seedrandom from 'seedrandom';

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
  /**
   * Where an earlier, interrupted run of the same scene, engine and seed stopped
   * (from a checkpoint): its finished replicas are kept as they are and the run
   * goes on from there, with the same result as a run never interrupted.
   */
  resume?: RunState;
  /** Polled at every pause point (each sample, each progress chunk): true writes a checkpoint there. */
  checkpointDue?: () => boolean;
  /** Receives the run's state when a checkpoint is due, and after the last replica. */
  onCheckpoint?: (state: RunState) => Promise<void> | void;
  /** Polled at every pause point; true stops the run with RunInterrupted holding the state. */
  interrupted?: () => boolean;
}

/** The replica in progress, exactly: the engine's and the recorder's internal state and the next sample to take. */
export interface PartialReplica {
  replica: number;
  nextSample: number;
  engine: Snapshot;
  recorder: Snapshot;
}

/** Everything a run needs to go on: finished replicas and, on engines whose state lives in this process (cpu), the one in progress. */
export interface RunState {
  completed: ReplicaObservables[];
  partial?: PartialReplica;
}

/** Engines whose whole state is in this process, so a replica can be checkpointed midway (the GPU engines' state lives on the device). */
export function snapshotsMidReplica(kind: EngineKind): boolean {
  return kind === 'cpu';
}

/** A run stopped on request (SIGINT/SIGTERM), with the state to resume from. */
export class RunInterrupted extends Error {
  constructor(readonly state: RunState) {
    super(`run interrupted after ${state.completed.length} complete replicas`);
    this.name = 'RunInterrupted';
  }
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
  /** Aggregated observables; estimators whose assumptions fail are null with a reason (notDefined), frozen runs say so. */
  observables: CheckedObservables;
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
  checkEngineHonoursRun(kind, scene);
  checkEngineRunsProtocol(kind, scene);
  const model = compileRateModel(scene);
  const { run } = scene;
  const replicas = run.replicas;
  const sampling = run.time !== undefined ? 'time' : 'events';
  // With only an event budget there cannot be more samples than events.
  const samples = recordedSamples(scene);
  const profileAxis = profileAxisOf(scene);
  const fitFrom = scene.observe.fitFrom;
  checkRunFits(scene, estimateRun(scene, model, samples), samples);

  const plan = protocolPlan(scene, model, samples);
  // The exchange counters of open faces and the chemistry counters (lubrication, reactions) are not part of a
  // mid-replica snapshot: such runs checkpoint whole replicas.
  const midReplica = snapshotsMidReplica(kind) && !model.channels.reservoir && plan === null && model.lubrication.length === 0 && !model.waterDissociation;
  const results: ReplicaObservables[] = [...(options.resume?.completed ?? [])];
  if (results.length > replicas) throw new RangeError(`${results.length} completed replicas given for a run of ${replicas}`);
  let partial = options.resume?.partial;
  if (partial && (partial.replica !== results.length || !midReplica)) throw new RangeError(`a partial replica ${partial.replica} cannot follow ${results.length} completed replicas on ${kind}`);
  /** Between samples and chunks: write a checkpoint when due, stop when asked; `current` captures the replica in progress. */
  const pausePoint = async (current?: () => PartialReplica) => {
    const stop = options.interrupted?.() ?? false;
    if (!stop && !options.checkpointDue?.()) return;
    const state: RunState = { completed: [...results], partial: current?.() };
    if (stop) throw new RunInterrupted(state);
    await options.onCheckpoint?.(state);
  };
  const report = (replica: number, k: number) => {
    if (!options.onProgress) return;
    const fraction = (replica + Math.min(k, samples) / samples) / replicas;
    const elapsedS = (performance.now() - started) / 1000;
    options.onProgress({ fraction, elapsedS, etaS: fraction > 0 ? (elapsedS * (1 - fraction)) / fraction : NaN, replica, replicas });
  };

  // Each replica depends only on (scene, seed, engine, replica index), so a run
  // resumed from its completed replicas gives the same result bit for bit.
  for (let r = results.length; r < replicas; r++) {
    await pausePoint();
    const resumeAt = partial;
    partial = undefined;
    results.push(
      await runOneReplica(scene, kind, model, r, samples, profileAxis, {
        progress: (k) => report(r, k),
        pause: (capture) => pausePoint(midReplica ? capture : undefined),
        resumeAt,
        tuning: options.tuning,
        plan,
      }),
    );
    if (r === replicas - 1) await options.onCheckpoint?.({ completed: [...results] });
  }
  const checked = checkEstimators(model, aggregateReplicas(model, results, fitFrom, profileAxis, scene));
  // Ions inserted without a tracer identity (gpu-lattice, open faces): the MSD-based estimators say so instead of a number.
  const observables = results.some((r) => (r.untrackedIons ?? 0) > 0) ? omitTracerEstimators(checked, kind) : checked;
  const chemistry = chemistryObservables(model, results.flatMap((r) => (r.chemistry ? [r.chemistry] : [])), {
    series: results.flatMap((r) => (r.chemistrySeries ? [r.chemistrySeries] : [])),
    exchange: results.flatMap((r) => (r.exchange ? [r.exchange] : [])),
    fitFrom,
  });
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
 * run.events (a budget or an event-sampled grid) must be met exactly; a GPU
 * dispatch moves many ions at once and can only stop between dispatches, so
 * those engines refuse it rather than overshoot (which once gave D* = 0 ± 0).
 */
export function checkEngineHonoursRun(kind: EngineKind, scene: Scene): void {
  if (scene.run.events === undefined || stopsOnExactEvents(kind)) return;
  const how = scene.run.time === undefined ? 'samples every run.events/run.samples events' : 'caps the run at run.events events';
  throw new EngineUnsupportedError(
    kind,
    `run.events = ${scene.run.events} ${how}, but ${kind} advances whole dispatches of many hops and cannot stop after an exact number of events; remove run.events and give run.time (s), or use --engine cpu`,
  );
}

/**
 * A protocol (potential staircase or pulse) swaps the model at every step; only the exact
 * engine is checked against its isotherm, so the GPU engines refuse it.
 */
export function checkEngineRunsProtocol(kind: EngineKind, scene: Scene): void {
  if (!scene.protocol || kind === 'cpu') return;
  const what = scene.protocol.pulse ? 'protocol.pulse, a GITT-like pulse' : 'protocol.potentials, a potential staircase';
  throw new EngineUnsupportedError(kind, `the scene has a protocol (${what}); protocols run on the exact engine only — use --engine cpu`);
}

/** An engine that went past the events it was asked for would give a wrong sample grid: stop loudly. */
function checkEventStop(engine: Engine, asked: number, done: { events: number }): void {
  if (done.events > asked) throw new Error(`engine ${engine.kind} did ${done.events} events when asked for at most ${asked}`);
}

/**
 * Events per advance call of an exact-stop engine: progress is reported between
 * calls, so a sample interval of 1e12 events still shows it every few seconds.
 * Splitting is exact there (an event-limited advance draws nothing beyond its
 * last event), so results do not depend on it; it grows with the lattice so the
 * per-call cost stays small beside the events.
 */
export function progressChunkEvents(model: { nSites: number }): number {
  return Math.max(1 << 20, 16 * model.nSites);
}

/** engine.advance(limit), split into chunks of progressChunkEvents on engines that stop on exact events. */
async function advanceInChunks(engine: Engine, limit: AdvanceLimit, onChunk: () => Promise<void>): Promise<AdvanceReport> {
  if (!stopsOnExactEvents(engine.kind)) return engine.advance(limit);
  const chunk = progressChunkEvents(engine.model);
  const goal = limit.events ?? Infinity;
  let events = 0;
  for (;;) {
    const report = await engine.advance({ ...limit, events: Math.min(goal - events, chunk) });
    events += report.events;
    if (report.stoppedBy !== 'events' || events >= goal) return { events, time: report.time, stoppedBy: report.stoppedBy };
    await onChunk();
  }
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
  checkEngineHonoursRun(kind, scene);
  checkEngineRunsProtocol(kind, scene);
  const model = compiled ?? compileRateModel(scene);
  const samples = recordedSamples(scene);
  const profileAxis = profileAxisOf(scene);
  const plan = protocolPlan(scene, model, samples);
  const results: ReplicaObservables[] = [];
  for (let r = from; r < to; r++) results.push(await runOneReplica(scene, kind, model, r, samples, profileAxis, { progress: (k) => progress?.(r, k), tuning, plan }));
  return results;
}

interface ReplicaHooks {
  progress: (sample: number) => void;
  /** Between samples and progress chunks; `capture` snapshots the replica there (checkpoints). */
  pause?: (capture: () => PartialReplica) => Promise<void>;
  /** The replica's saved state to continue from, when resuming. */
  resumeAt?: PartialReplica;
  tuning?: EngineTuning;
  /** The protocol's segments and their models (the first one starts the replica), or null. */
  plan?: ProtocolPlan | null;
}

/** Replica r from its initial placement (or from `hooks.resumeAt`) to its last sample. */
async function runOneReplica(scene: Scene, kind: EngineKind, model: RateModel, r: number, samples: number, profileAxis: 0 | 1 | 2, hooks: ReplicaHooks): Promise<ReplicaObservables> {
  const occupancy = initialOccupancy(model, scene.seed, r);
  const plan = hooks.plan ?? null;
  const engine = await createEngine(kind, plan?.segments[0].model ?? model, occupancy, { seed: replicaSeed(scene.seed, r, 'dynamics'), seedNumber: scene.seed, replica: r, tuning: hooks.tuning });
  try {
    const recorder = new ReplicaRecorder(engine.model, { samples, fitFrom: scene.observe.fitFrom, profileAxis });
    let firstSample = 0;
    if (hooks.resumeAt) {
      // An engine and a recorder built exactly as at the start, then overwritten with the saved state.
      restoreState(engine, hooks.resumeAt.engine, 'checkpoint engine');
      restoreState(recorder, hooks.resumeAt.recorder, 'checkpoint recorder');
      firstSample = hooks.resumeAt.nextSample;
    }
    const modelParts = hooks.pause ? reachable(model) : null;
    const pause = hooks.pause
      ? (nextSample: number) => hooks.pause!(() => ({ replica: r, nextSample, engine: snapshotState(engine, modelParts!), recorder: snapshotState(recorder, modelParts!) }))
      : async () => {};
    return await runReplicaFrom(engine, recorder, scene, samples, firstSample, hooks.progress, pause, plan, replicaSeed(scene.seed, r, 'source'));
  } finally {
    engine.dispose();
  }
}

/** One replica on an engine built by the caller, from its first sample to its last (no checkpoints). */
export async function runReplica(
  engine: Engine,
  scene: Scene,
  samples: number,
  profileAxis: 0 | 1 | 2,
  fitFrom: number,
  progress: (k: number) => void,
): Promise<ReplicaObservables> {
  const recorder = new ReplicaRecorder(engine.model, { samples, fitFrom, profileAxis });
  return runReplicaFrom(engine, recorder, scene, samples, 0, progress, async () => {});
}

/**
 * Advances one replica from sample `firstSample` (0: the start) to the end,
 * recording every sample. `pause(k)` runs between samples and progress chunks,
 * with k the sample being worked towards: a checkpoint there resumes at k.
 */
async function runReplicaFrom(
  engine: Engine,
  recorder: ReplicaRecorder,
  scene: Scene,
  samples: number,
  firstSample: number,
  progress: (k: number) => void,
  pause: (nextSample: number) => Promise<void>,
  plan: ProtocolPlan | null = null,
  sourceSeed = '',
): Promise<ReplicaObservables> {
  // A current source (galvanostatic pulse): its own random stream, per replica.
  const source = plan?.segments.some((g) => g.source) ? new SourceDriver(engine, seedrandom.alea(sourceSeed)) : null;
  // Open faces: counters per sample and the conservation check at every sample (observe/exchange.ts).
  const exchange = engine.model.channels.reservoir ? new ExchangeRecorder(engine.model) : null;
  // Water dissociation: OH* coverage and the reaction counts per sample, and the ledger check (observe/chemistry.ts).
  const chemistry = engine.model.waterDissociation && engine.chemistryCounts ? new ChemistryRecorder(engine.model) : null;
  const record = async (k: number, time: number) => {
    const ions = await engine.ions();
    recorder.record(k, time, ions);
    if (chemistry !== null) {
      const c = await engine.chemistryCounts!();
      chemistry.record(time, ions, c.dissociations, c.recombinations);
    }
    if (exchange === null) return;
    const counts = engine.reservoirCounts ? await engine.reservoirCounts() : null;
    if (!counts) throw new Error(`engine ${engine.kind} runs a scene with reservoir faces but reports no exchange counts`);
    exchange.record(k, time, counts, ions);
  };
  const { time: runTime, events: maxEvents } = scene.run;
  if (firstSample === 0) await record(0, engine.time);
  for (let k = Math.max(1, firstSample); k <= samples; k++) {
    await pause(k);
    // A protocol segment starts on a sample (validation makes samples a multiple of the segments); the first one built the engine.
    const segment = plan ? plan.segmentOf(k) : null;
    if (segment && k > 1 && segment.fromSample === k - 1) await engine.setModel(segment.model);
    if (runTime !== undefined) {
      const target = plan ? plan.sampleTime(k) : (k / samples) * runTime;
      if (segment?.source) await source!.driveUntil(segment.source, target);
      const limit = maxEvents !== undefined ? { time: target, events: maxEvents - engine.events } : { time: target };
      if (limit.events === 0) break;
      const from = engine.time;
      const done = await advanceInChunks(engine, limit, () => (progress(k - 1 + (engine.time - from) / (target - from)), pause(k)));
      if (limit.events !== undefined) checkEventStop(engine, limit.events, done);
      if (done.stoppedBy === 'events') {
        // The event cap ended the run between grid points: keep the last state at its own time.
        if (done.time > recorder.lastTime) await record(k, done.time);
        break;
      }
      // Frozen: nothing can move, so the state at the grid time is the current one.
      await record(k, target);
    } else {
      const target = Math.round((k / samples) * maxEvents!);
      const asked = target - engine.events;
      const done = await advanceInChunks(engine, { events: asked }, () => (progress(k - 1 + (engine.events - (target - asked)) / asked), pause(k)));
      checkEventStop(engine, asked, done);
      if (done.stoppedBy === 'frozen') break;
      await record(k, done.time);
    }
    progress(k);
  }
  const observed = recorder.finish(await engine.crossings(), await engine.eventCounts(), engine.events);
  if (exchange) observed.exchange = exchange.finish();
  if (chemistry) observed.chemistrySeries = chemistry.finish();
  if (observed.exchange && source) observed.exchange.sourceBlocked = source.blocked;
  const model = engine.model;
  if (engine.chemistryCounts && hasChemistry(model)) observed.chemistry = await engine.chemistryCounts();
  return observed;
}

/**
 * The current source of a galvanostatic pulse (protocolPlan.ts): Poisson
 * arrivals at rate I; at each, the engine is advanced exactly to the arrival
 * time and one ion is put on an empty source site chosen uniformly.
 */
class SourceDriver {
  /** Arrivals that found every source site occupied. */
  blocked = 0;
  constructor(private readonly engine: Engine, private readonly random: () => number) {}

  /** Runs the arrivals before `target` (s); the caller then advances the engine to target. Memoryless, so restarting at every sample is exact. */
  async driveUntil(source: CurrentSource, target: number): Promise<void> {
    const engine = this.engine;
    if (!engine.injectIon) throw new EngineUnsupportedError(engine.kind, 'a galvanostatic pulse (protocol.pulse.current) needs an engine that takes ions from a current source; use --engine cpu, or a potentiostatic pulse (protocol.pulse.potential)');
    for (;;) {
      const arrival = engine.time - Math.log(1 - this.random()) / source.ratePerS;
      if (!(arrival < target)) return;
      await engine.advance({ time: arrival });
      const occupancy = await engine.occupancy();
      const free: number[] = [];
      for (const i of source.sites) if (occupancy[i] === 0) free.push(i);
      if (free.length === 0) this.blocked++;
      else await engine.injectIon(free[Math.floor(this.random() * free.length)], source.species);
    }
  }
}
