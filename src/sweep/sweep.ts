// `ionhop sweep`: runs a scene at every point of a parameter grid, each point
// with its own seed (seeds.ts), optionally adding replicas until D* reaches a
// relative standard error, on worker threads or in this thread, and returns one
// JSON-able record with the fits (fits.ts). Results do not depend on --jobs or
// --shard: a point's replicas are pure functions of its scene, seed and index,
// and they are aggregated in replica order.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { EngineKind } from '../engine/engine';
import { compileRateModel, type RateModel } from '../model/rateModel';
import type { Scene } from '../model/scene/schema';
import { SceneError, validateScene } from '../model/scene/validate';
import { aggregateReplicas } from '../observe/aggregate';
import { checkEstimators, omitTracerEstimators, type CheckedObservables } from '../observe/estimatorChecks';
import { chemistryObservables, type ChemistryObservables } from '../observe/chemistry';
import type { Estimate } from '../observe/stats';
import { checkRunFits, estimateRun, recordedSamples } from '../run/resourceLimits';
import type { ReplicaObservables } from '../observe/replicaRecorder';
import { profileAxisOf } from '../observe/profileAxis';
import { IONHOP_VERSION } from '../run/version';
import { CliError } from '../cli/errors';
import { sweepGrid, withValue, type SweepAxis, type SweepPoint } from './axes';
import { pointSeed } from './seeds';
import { layeredPrediction, type LayeredOutcome } from './layeredMedium';
import { runReplicaTask, type ReplicaTask, type ReplicaTaskResult } from './replicaTask';
import { sweepFits, type SweepFits } from './fits';

/** Most replicas --target-se may grow a point to unless --max-replicas says otherwise. */
export const DEFAULT_MAX_REPLICAS = 256;

export interface SweepOptions {
  engine: EngineKind;
  zip?: boolean;
  /** Replicas per point (default: the scene's run.replicas); with targetSe the starting number. */
  replicas?: number;
  /** Relative SE of D* to reach per point (e.g. 0.02), adding replicas up to maxReplicas. */
  targetSe?: number;
  maxReplicas?: number;
  /** Worker threads (1: run in this thread). */
  jobs?: number;
  /** Run only the points with index ≡ k−1 (mod n). */
  shard?: { k: number; n: number };
  /** Species whose D* --target-se watches and the fits use (default: the first one present). */
  species?: string;
  /** What --target-se watches: the species' D* (default) or the water turnover per surface site (scenes with a water-dissociation reaction). */
  observable?: SweepObservable;
  /**
   * gpu-walkers only: 'auto' (default) runs all points as groups of one grouped kernel run when the
   * swept fields allow it (walkerBatch.ts) and point by point otherwise; 'on' refuses what cannot be
   * batched; 'off' runs point by point. The numbers are the same either way.
   */
  batch?: 'auto' | 'on' | 'off';
  /** Grouped runs on the TypeScript twin instead of WebGPU (tests; same numbers). */
  walkersExecutor?: 'gpu' | 'twin';
  /** Most walkers per grouped run (default walkerBatch.ts MAX_BATCH_WALKERS; tests force several runs with it). */
  walkersPerRun?: number;
  onPoint?: (done: number, total: number, point: SweepPointResult) => void;
}

/** Observables --target-se can watch. */
export const SWEEP_OBSERVABLES = ['dstar', 'turnover'] as const;
export type SweepObservable = (typeof SWEEP_OBSERVABLES)[number];

export interface SweepAxisRecord {
  path: string;
  from: number;
  to: number;
  n: number;
  log: boolean;
  values: number[];
}

export interface SweepPointResult {
  index: number;
  /** Value of each axis, in --set order. */
  values: number[];
  seed: number;
  replicas: number;
  /** Null without --target-se; else whether D*'s relative SE reached it within the cap. */
  reachedTarget: boolean | null;
  /** Wall time spent on this point's replicas (summed over threads), s. */
  wallTimeS: number;
  /** As `ionhop run` reports them: estimators whose assumptions fail are "not defined" with the reason (estimatorChecks.ts). */
  observables: CheckedObservables;
  /** Lubrication and water-dissociation observables as `ionhop run --json` reports them under "chemistry" (chemistry.ts); null when the scene has neither. */
  chemistry: ChemistryObservables | null;
  /** Analytic layered-medium D* per species, or why it does not apply. */
  layered: ({ species: string } & LayeredOutcome)[];
}

export interface SweepResult {
  kind: 'ionhop-sweep';
  ionhop: string;
  scene: { name: string; sha256: string; json: unknown };
  axes: SweepAxisRecord[];
  zip: boolean;
  engine: EngineKind;
  replicas: number;
  targetSe: number | null;
  maxReplicas: number;
  species: string;
  /** What --target-se watched ('dstar': the species' D*; 'turnover': the water turnover per surface site). */
  observable: SweepObservable;
  totalPoints: number;
  shard: { k: number; n: number } | null;
  points: SweepPointResult[];
  fits: SweepFits;
  /** gpu-walkers: whether the points ran batched (kernel runs, dispatches) or why not; null for other engines. */
  walkersBatch: { batched: true; runs: number; dispatches: number } | { batched: false; reason: string } | null;
  /** Wall time of the whole command, s (not part of the numbers that must agree across --jobs/--shard). */
  wallTimeS: number;
  jobs: number;
}

/** SHA-256 of the scene JSON as parsed (whitespace and key spacing do not matter). */
export function sceneHash(sceneJson: unknown): string {
  return createHash('sha256').update(JSON.stringify(sceneJson)).digest('hex');
}

export function defaultJobs(): number {
  return availableParallelism();
}

export interface PreparedPoint {
  point: SweepPoint;
  scene: Scene;
  model: RateModel;
}

/**
 * Builds and validates every point's scene before anything runs, so a bad
 * value fails at once, and refuses a point that `ionhop run` would refuse for
 * its memory or expected events (resourceLimits.ts). With --target-se a point
 * may grow to maxReplicas replicas, so the memory check counts those.
 */
function preparePoints(
  sceneJson: unknown,
  axes: readonly SweepAxis[],
  points: readonly SweepPoint[],
  baseSeed: number,
  replicas: number | undefined,
  growTo: number | null,
): PreparedPoint[] {
  return points.map((point) => {
    let json = sceneJson;
    axes.forEach((axis, k) => (json = withValue(json, axis, point.values[k])));
    (json as { seed: number }).seed = pointSeed(baseSeed, point.index);
    const setting = axes.map((a, k) => `${a.path} = ${point.values[k]}`).join(', ');
    let scene: Scene;
    try {
      scene = validateScene(json, `sweep point ${point.index} (${setting})`);
    } catch (e) {
      if (e instanceof SceneError) throw new CliError(`${e.message}\n  (at the values set by --set ${setting})`);
      throw e;
    }
    if (replicas !== undefined) scene = { ...scene, run: { ...scene.run, replicas } };
    let model: RateModel;
    try {
      model = compileRateModel(scene);
    } catch (e) {
      if (e instanceof SceneError) throw new CliError(`sweep point ${point.index} (${setting}): ${e.message}`);
      throw e;
    }
    const samples = recordedSamples(scene);
    const checked = growTo !== null && growTo > scene.run.replicas ? { ...scene, run: { ...scene.run, replicas: growTo } } : scene;
    try {
      checkRunFits(checked, estimateRun(checked, model, samples), samples);
    } catch (e) {
      if (!(e instanceof SceneError)) throw e;
      const grown = checked === scene ? '' : `\n  (with --target-se a point may grow to --max-replicas ${growTo} replicas, and the memory check counts them: lower --max-replicas to fit)`;
      throw new CliError(`sweep point ${point.index} (${setting}) would be refused by ionhop run: ${e.message}${grown}`);
    }
    return { point, scene, model };
  });
}

export async function runSweep(sceneJson: unknown, axes: readonly SweepAxis[], options: SweepOptions): Promise<SweepResult> {
  const started = performance.now();
  const base = validateScene(sceneJson, 'scene');
  if (axes.some((a) => a.path === 'seed'))
    throw new CliError('--set seed: every point derives its own seed from the scene\'s seed and its index; to rerun a sweep on fresh random streams, change "seed" in the scene file');
  const grid = sweepGrid(axes, options.zip ?? false);
  const shard = options.shard ?? null;
  const mine = shard ? grid.filter((p) => p.index % shard.n === shard.k - 1) : grid;
  const maxReplicas = options.maxReplicas ?? DEFAULT_MAX_REPLICAS;
  const prepared = preparePoints(sceneJson, axes, mine, base.seed, options.replicas, options.targetSe !== undefined ? maxReplicas : null);
  const startReplicas = options.replicas ?? base.run.replicas;
  if (options.targetSe !== undefined && startReplicas > maxReplicas)
    throw new CliError(`--replicas ${startReplicas} exceeds --max-replicas ${maxReplicas}`);
  const speciesName = watchedSpecies(base, options.species);
  const observable = options.observable ?? 'dstar';
  if (!(SWEEP_OBSERVABLES as readonly string[]).includes(observable)) throw new CliError(`--observable ${observable}: must be one of ${SWEEP_OBSERVABLES.join(', ')}`);
  if (observable === 'turnover' && (base.reactions ?? []).every((r) => r.kind !== 'water-dissociation'))
    throw new CliError('--observable turnover: the scene has no water-dissociation reaction (reactions[]), so there is no turnover to watch; use --observable dstar');
  // One GPU device per process: GPU engines run their points one after another here.
  const jobs = options.engine === 'cpu' ? Math.max(1, options.jobs ?? defaultJobs()) : 1;

  const pool = jobs > 1 ? new Tinypool({ filename: fileURLToPath(new URL('./poolWorker.mjs', import.meta.url)), minThreads: jobs, maxThreads: jobs }) : null;
  const execute = (task: ReplicaTask): Promise<ReplicaTaskResult> => (pool ? pool.run(task) : runReplicaTask(task));
  let done = 0;
  let walkersBatch: SweepResult['walkersBatch'] = null;
  let batchedPoints: SweepPointResult[] | null = null;
  if (options.engine === 'gpu-walkers' && prepared.length > 0) {
    const { runWalkerBatches, walkerBatchRefusal } = await import('./walkerBatch');
    const reason = options.batch === 'off' ? 'point by point as asked (--batch off)' : observable !== 'dstar' ? `--observable ${observable} is watched point by point` : walkerBatchRefusal(prepared);
    if (reason !== null && options.batch === 'on') throw new CliError(`--batch on: this sweep cannot run as one grouped gpu-walkers run: ${reason}; use --batch auto to run it point by point`);
    if (reason === null) {
      const out = await runWalkerBatches(prepared, options.targetSe, maxReplicas, speciesName, options.walkersExecutor ?? 'gpu', (r) => options.onPoint?.(++done, prepared.length, r), options.walkersPerRun);
      batchedPoints = out.results;
      walkersBatch = { batched: true, ...out.report };
    } else walkersBatch = { batched: false, reason };
  }
  const runOne = async (p: PreparedPoint): Promise<SweepPointResult> => {
    const result = await runPoint(p, options.engine, execute, jobs, options.targetSe, maxReplicas, { species: speciesName, observable });
    options.onPoint?.(++done, prepared.length, result);
    return result;
  };
  let points: SweepPointResult[];
  try {
    if (batchedPoints) points = batchedPoints;
    else if (pool) points = await Promise.all(prepared.map(runOne));
    else {
      points = [];
      for (const p of prepared) points.push(await runOne(p));
    }
  } finally {
    await pool?.destroy();
  }
  const axisRecords = axes.map(({ path, from, to, n, log, values }) => ({ path, from, to, n, log, values }));
  return {
    kind: 'ionhop-sweep',
    ionhop: IONHOP_VERSION,
    scene: { name: base.name, sha256: sceneHash(sceneJson), json: sceneJson },
    axes: axisRecords,
    zip: options.zip ?? false,
    engine: options.engine,
    replicas: startReplicas,
    targetSe: options.targetSe ?? null,
    maxReplicas,
    species: speciesName,
    observable,
    totalPoints: grid.length,
    shard,
    points,
    fits: sweepFits(axisRecords, points, speciesName, base.temperature),
    walkersBatch,
    wallTimeS: (performance.now() - started) / 1000,
    jobs,
  };
}

function watchedSpecies(scene: Scene, requested: string | undefined): string {
  const present = [...new Set(scene.populations.map((p) => p.species))];
  if (requested !== undefined) {
    if (!present.includes(requested)) throw new CliError(`--species ${requested}: the scene has no ions of that species; it has ${present.join(', ')}`);
    return requested;
  }
  return present[0];
}

async function runPoint(
  p: PreparedPoint,
  engine: EngineKind,
  execute: (task: ReplicaTask) => Promise<ReplicaTaskResult>,
  jobs: number,
  targetSe: number | undefined,
  maxReplicas: number,
  watch: Watched,
): Promise<SweepPointResult> {
  const { scene } = p;
  const replicas: ReplicaObservables[] = [];
  let wallTimeS = 0;
  let want = scene.run.replicas;
  let observables: CheckedObservables;
  let chemistry: ChemistryObservables | null;
  let reachedTarget: boolean | null = null;
  for (;;) {
    // Split the new replicas into one chunk per worker; the split does not change the numbers.
    const have = replicas.length;
    const chunk = Math.max(1, Math.ceil((want - have) / jobs));
    const tasks: Promise<ReplicaTaskResult>[] = [];
    for (let from = have; from < want; from += chunk) tasks.push(execute({ scene, engine, from, to: Math.min(want, from + chunk) }));
    for (const t of await Promise.all(tasks)) {
      replicas.push(...t.replicas);
      wallTimeS += t.wallTimeS;
    }
    ({ observables, chemistry } = summariseReplicas(p, engine, replicas));
    const verdict = judgePoint(observables, want, targetSe, maxReplicas, watch.species, chemistry, watch.observable);
    reachedTarget = verdict.reachedTarget;
    if (verdict.next === null) break;
    want = verdict.next;
  }
  return pointResult(p, replicas.length, reachedTarget, wallTimeS, observables!, chemistry!);
}

interface Watched {
  species: string;
  observable: SweepObservable;
}

/**
 * A point's observables and chemistry from its replicas, as runScene (src/run/runScene.ts) derives
 * them for `ionhop run`: the checked estimators, the MSD-based ones blanked where the engine inserts
 * untracked ions, and the lubrication/water-dissociation report.
 */
function summariseReplicas(p: PreparedPoint, engine: EngineKind, replicas: readonly ReplicaObservables[]): { observables: CheckedObservables; chemistry: ChemistryObservables | null } {
  const { scene, model } = p;
  const fitFrom = scene.observe.fitFrom;
  const checked = checkEstimators(model, aggregateReplicas(model, [...replicas], fitFrom, profileAxisOf(scene), scene));
  const observables = replicas.some((r) => (r.untrackedIons ?? 0) > 0) ? omitTracerEstimators(checked, engine) : checked;
  const chemistry = chemistryObservables(model, replicas.flatMap((r) => (r.chemistry ? [r.chemistry] : [])), {
    series: replicas.flatMap((r) => (r.chemistrySeries ? [r.chemistrySeries] : [])),
    exchange: replicas.flatMap((r) => (r.exchange ? [r.exchange] : [])),
    fitFrom,
  });
  return { observables, chemistry };
}

export function pointResult(
  p: PreparedPoint,
  replicas: number,
  reachedTarget: boolean | null,
  wallTimeS: number,
  observables: CheckedObservables,
  chemistry: ChemistryObservables | null = null,
): SweepPointResult {
  const { scene, model, point } = p;
  const layered = observables.species.map((sp) => ({ species: sp.species as string, ...layeredPrediction(model, sp.index, sp.count) }));
  return { index: point.index, values: point.values, seed: scene.seed, replicas, reachedTarget, wallTimeS, observables, chemistry, layered };
}

/** The steady-state water turnover per surface site (over the fit window when the samples allow, else the whole run), 1/s; null without the reaction. */
export function turnoverOf(chemistry: ChemistryObservables | null): Estimate | null {
  const w = chemistry?.water;
  return w ? (w.turnoverWindowPerSiteHz ?? w.turnoverPerSiteHz) : null;
}

/**
 * After a round of replicas: without --target-se the point is done (reachedTarget null); else
 * done when the watched observable's relative SE reached the target (true) or cannot (false:
 * frozen, or at the cap), or `next` says how many replicas to have after the next round.
 * The observable is the species' D* or, with observable 'turnover', the water turnover (its
 * size: a net recombination counts as well as a net dissociation).
 */
export function judgePoint(
  observables: CheckedObservables,
  want: number,
  targetSe: number | undefined,
  maxReplicas: number,
  speciesName: string,
  chemistry: ChemistryObservables | null = null,
  observable: SweepObservable = 'dstar',
): { reachedTarget: boolean | null; next: number | null } {
  if (targetSe === undefined) return { reachedTarget: null, next: null };
  const watched = observable === 'turnover' ? turnoverOf(chemistry) : observables.species.find((s) => s.species === speciesName)?.tracer.cm2PerS;
  const size = watched ? Math.abs(watched.value) : NaN;
  const relative = size > 0 ? watched!.se / size : NaN;
  if (relative <= targetSe) return { reachedTarget: true, next: null };
  // A zero (a frozen point, no net turnover) or not defined (NaN: confined) has no relative error to reach; the cap bounds the rest.
  if (!(size > 0) || want >= maxReplicas) return { reachedTarget: false, next: null };
  // SE ∝ 1/√R: ask for the replicas the current estimate says are needed, 10 % more, at least one more;
  // at most 4× per step, because an SE from a handful of replicas can be far too large.
  const needed = Number.isFinite(relative) ? Math.ceil(want * (relative / targetSe) ** 2 * 1.1) : 2 * want;
  return { reachedTarget: false, next: Math.min(maxReplicas, 4 * want, Math.max(want + 1, needed)) };
}
