// One unit of work of a sweep: replicas [from, to) of one point's scene. Runs the
// same in the main thread (--jobs 1) and in a pool worker, so both give the same
// numbers bit for bit.
import type { EngineKind } from '../engine/engine';
import type { Scene } from '../model/scene/schema';
import type { ReplicaObservables } from '../observe/replicaRecorder';
import { runReplicas } from '../run/runScene';

export interface ReplicaTask {
  scene: Scene;
  engine: EngineKind;
  from: number;
  to: number;
}

export interface ReplicaTaskResult {
  replicas: ReplicaObservables[];
  /** Wall time of this task, s. */
  wallTimeS: number;
}

export async function runReplicaTask(task: ReplicaTask): Promise<ReplicaTaskResult> {
  const started = performance.now();
  const replicas = await runReplicas(task.scene, task.engine, task.from, task.to);
  return { replicas, wallTimeS: (performance.now() - started) / 1000 };
}

export default runReplicaTask;
