// `ionhop sweep --engine gpu-walkers`: all points (and their replicas) of a
// sweep whose swept fields only change rates run as groups of one grouped
// walkers kernel run (src/engine/gpu/walkerGroups.ts), one run per round of
// replicas instead of one engine per replica. Each group reproduces its
// replica's lone gpu-walkers run bit for bit, so the numbers are those of the
// point-by-point sweep, and do not depend on --shard or on which points share
// a run.
import type { Engine } from '../engine/engine';
import { groupTablePairs, groupTicksPerDispatch, MAX_GROUP_TABLE_PAIRS, WalkerGroupRun, sameGeometry, type WalkerGroupSpec } from '../engine/gpu/walkerGroups';
import { initialOccupancy } from '../model/initialState';
import { aggregateReplicas } from '../observe/aggregate';
import { checkEstimators, type CheckedObservables } from '../observe/estimatorChecks';
import { profileAxisOf } from '../observe/profileAxis';
import type { ReplicaObservables } from '../observe/replicaRecorder';
import { runReplica } from '../run/runScene';
import { judgePoint, pointResult, type PreparedPoint, type SweepPointResult } from './sweep';

/** Most walkers of one kernel run (more replicas than that, or than MAX_GROUP_TABLE_PAIRS allows, run in several runs, one after another). */
export const MAX_BATCH_WALKERS = 1 << 22;

/**
 * Why the points cannot share one grouped run, or null when they can: every
 * point must sample on the time grid (each group's dispatches follow from its
 * own clock, not from counter reads) on one lattice with the same regions and species.
 */
export function walkerBatchRefusal(points: readonly PreparedPoint[]): string | null {
  const first = points[0];
  for (const p of points) {
    if (p.scene.run.time === undefined || p.scene.run.events !== undefined)
      return `point ${p.point.index} runs by an event budget (run.events); the grouped run advances every point on its own time grid, so it needs run.time and no run.events (an event budget ends each replica at a time only its own counter reads decide)`;
    if (!sameGeometry(first.model, p.model))
      return `point ${p.point.index} has another lattice, region layout or species list than point ${first.point.index}; the points of a grouped run share the lattice and region buffers, so sweep only rates (barriers, energies, temperature, field, attempt frequency) or populations`;
  }
  return null;
}

export interface WalkerBatchReport {
  /** Kernel runs (rounds × splits) and dispatches over all of them. */
  runs: number;
  dispatches: number;
}

/** Runs every point batched; per-point results in the order of `points`. */
export async function runWalkerBatches(
  points: readonly PreparedPoint[],
  targetSe: number | undefined,
  maxReplicas: number,
  speciesName: string,
  executor: 'gpu' | 'twin',
  onPoint: (result: SweepPointResult) => void,
  maxWalkers = MAX_BATCH_WALKERS,
): Promise<{ results: SweepPointResult[]; report: WalkerBatchReport }> {
  const state = points.map((p) => ({
    replicas: [] as ReplicaObservables[],
    want: p.scene.run.replicas,
    done: false,
    reachedTarget: null as boolean | null,
    wallTimeS: 0,
    observables: null as CheckedObservables | null,
  }));
  const report: WalkerBatchReport = { runs: 0, dispatches: 0 };
  while (state.some((s) => !s.done)) {
    // This round: replicas [have, want) of every point still short of its target.
    const jobs: Job[] = [];
    state.forEach((s, i) => {
      if (s.done) return;
      const { model, scene } = points[i];
      for (let r = s.replicas.length; r < s.want; r++) {
        const occupancy = initialOccupancy(model, scene.seed, r);
        const walkers = occupancy.reduce((n, o) => n + (o !== 0 ? 1 : 0), 0);
        jobs.push({ point: i, replica: r, spec: { model, occupancy, seedNumber: scene.seed, replica: r }, walkers });
      }
    });
    const results = new Map<string, ReplicaObservables>();
    for (const part of splitRuns(jobs, maxWalkers)) {
      const started = performance.now();
      const out = await runGroups(part, points, executor, report);
      const share = (performance.now() - started) / 1000 / part.length;
      part.forEach((j, k) => {
        results.set(`${j.point}:${j.replica}`, out[k]);
        state[j.point].wallTimeS += share;
      });
    }
    state.forEach((s, i) => {
      if (s.done) return;
      const p = points[i];
      for (let r = s.replicas.length; r < s.want; r++) s.replicas.push(results.get(`${i}:${r}`)!);
      s.observables = checkEstimators(p.model, aggregateReplicas(p.model, s.replicas, p.scene.observe.fitFrom, profileAxisOf(p.scene)));
      const verdict = judgePoint(s.observables, s.want, targetSe, maxReplicas, speciesName);
      s.reachedTarget = verdict.reachedTarget;
      if (verdict.next === null) {
        s.done = true;
        onPoint(pointResult(p, s.replicas.length, s.reachedTarget, s.wallTimeS, s.observables));
      } else s.want = verdict.next;
    });
  }
  const results = state.map((s, i) => pointResult(points[i], s.replicas.length, s.reachedTarget, s.wallTimeS, s.observables!));
  return { results, report };
}

type Job = { point: number; replica: number; spec: WalkerGroupSpec; walkers: number };

/**
 * Consecutive slices of the jobs (at least one each) within one run's limits: at most
 * MAX_BATCH_WALKERS walkers and MAX_GROUP_TABLE_PAIRS pairs of group tables.
 */
function splitRuns(jobs: readonly Job[], maxWalkers: number): Job[][] {
  const parts: Job[][] = [];
  let current: Job[] = [];
  let walkers = 0;
  let pairs = 0;
  let lambdas = new Set<number>();
  for (const j of jobs) {
    const tpd = groupTicksPerDispatch(j.spec, j.walkers);
    const cost = groupTablePairs(j.spec.model, tpd, lambdas.has(tpd));
    if (current.length > 0 && (walkers + j.walkers > maxWalkers || pairs + cost > MAX_GROUP_TABLE_PAIRS)) {
      parts.push(current);
      current = [];
      walkers = 0;
      lambdas = new Set();
      pairs = groupTablePairs(j.spec.model, tpd, false);
    } else pairs += cost;
    lambdas.add(tpd);
    current.push(j);
    walkers += j.walkers;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** One grouped kernel run: each job is one replica, driven by runReplica exactly as runReplicas would drive its engine. */
async function runGroups(jobs: readonly Job[], points: readonly PreparedPoint[], executor: 'gpu' | 'twin', report: WalkerBatchReport): Promise<ReplicaObservables[]> {
  const run = await WalkerGroupRun.create(jobs.map((j) => j.spec), { executor });
  try {
    const engines: Engine[] = run.groupEngines();
    const out = await Promise.all(
      engines.map(async (engine, k) => {
        const { scene } = points[jobs[k].point];
        try {
          return await runReplica(engine, scene, scene.run.samples, profileAxisOf(scene), scene.observe.fitFrom, () => {});
        } finally {
          engine.dispose();
        }
      }),
    );
    report.runs++;
    report.dispatches += run.dispatches;
    return out;
  } finally {
    run.dispose();
  }
}
