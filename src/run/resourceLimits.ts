// Before a run starts: will it fit in memory, and can it finish? A run that
// needs 24 GB or 6e10 events per replica must be refused with the estimate and
// the setting that would make it fit, not started to die or hang silently.
import { hopRateAt, type RateModel } from '../model/rateModel';
import { initialOccupancy } from '../model/initialState';
import type { Scene } from '../model/scene/schema';
import { SceneError } from '../model/scene/validate';

/** Memory the recorded samples of all replicas may take (bytes). */
export const MAX_RECORDED_BYTES = 4 * 1024 ** 3;
/** Most events one replica may be expected to need (the largest run.events). */
export const MAX_EXPECTED_EVENTS = 1e12;

export interface RunEstimate {
  /** Float64 values recorded per sample and replica. */
  seriesPerSample: number;
  /** Bytes the recorder keeps per replica until aggregation. */
  bytesPerReplica: number;
  bytesTotal: number;
  /** Total hop rate of replica 0's initial state (Hz). */
  initialTotalRateHz: number;
  /** Events per replica: run.events, or total rate × run.time (capped by run.events). */
  expectedEventsPerReplica: number;
}

/** Samples a replica records: run.samples, and with only an event budget no more than run.events. */
export function recordedSamples(scene: Scene): number {
  const { run } = scene;
  return run.time !== undefined ? run.samples : Math.min(run.samples, run.events!);
}

/** Float64 series the recorder keeps per sample: msd, com² and com per species and axis, plus the time. */
const seriesPerSample = (model: RateModel) => 3 * 3 * model.nSpecies + 1;

export function estimateRun(scene: Scene, model: RateModel, samples: number): RunEstimate {
  const layers = Math.max(...model.size);
  const bytesPerReplica = 8 * ((samples + 1) * seriesPerSample(model) + model.nSpecies * (layers + model.nRegions) + model.nRegions ** 2);
  const occupancy = initialOccupancy(model, scene.seed, 0);
  let rate = 0;
  for (let i = 0; i < model.nSites; i++) {
    if (occupancy[i] === 0) continue;
    for (let d = 0; d < model.coordination; d++) rate += hopRateAt(model, occupancy, i, d);
  }
  const { time, events } = scene.run;
  const byTime = time !== undefined ? rate * time : Infinity;
  return {
    seriesPerSample: seriesPerSample(model),
    bytesPerReplica,
    bytesTotal: bytesPerReplica * scene.run.replicas,
    initialTotalRateHz: rate,
    expectedEventsPerReplica: Math.min(byTime, events ?? Infinity),
  };
}

/** Throws a SceneError (exit 2) naming the setting to change when the run cannot fit or finish. */
export function checkRunFits(scene: Scene, estimate: RunEstimate, samples: number): void {
  const issues = [];
  if (estimate.bytesTotal > MAX_RECORDED_BYTES) {
    const perReplicaMB = estimate.bytesPerReplica / 1e6;
    const maxSamples = Math.floor(MAX_RECORDED_BYTES / scene.run.replicas / 8 / estimate.seriesPerSample) - 1;
    const maxReplicas = Math.floor(MAX_RECORDED_BYTES / estimate.bytesPerReplica);
    issues.push({
      path: 'run.samples, run.replicas',
      message:
        `${samples} samples × ${scene.run.replicas} replicas need about ${(estimate.bytesTotal / 1e9).toFixed(1)} GB for the recorded samples (${perReplicaMB.toFixed(1)} MB per replica); ` +
        `at most ${MAX_RECORDED_BYTES / 1024 ** 3} GiB is allowed: use run.samples ≤ ${Math.max(1, maxSamples)} or run.replicas (--replicas) ≤ ${Math.max(1, maxReplicas)}`,
      value: { samples, replicas: scene.run.replicas },
    });
  }
  if (estimate.expectedEventsPerReplica > MAX_EXPECTED_EVENTS) {
    const fitTime = MAX_EXPECTED_EVENTS / estimate.initialTotalRateHz;
    issues.push({
      path: 'run.time',
      message:
        `at the initial total hop rate of ${estimate.initialTotalRateHz.toPrecision(3)} Hz, run.time = ${scene.run.time} s means about ${estimate.expectedEventsPerReplica.toPrecision(3)} events per replica; ` +
        `at most ${MAX_EXPECTED_EVENTS.toExponential(0)} can finish: give run.time ≤ ${fitTime.toPrecision(3)} s, or cap the run with run.events`,
      value: scene.run.time,
    });
  }
  if (issues.length > 0) throw new SceneError(issues, `scene "${scene.name}"`);
}
