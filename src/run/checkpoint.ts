// Checkpoints of a run (Node only): the scene as run, engine, seed, every
// replica finished so far with its recorded samples, bit for bit (typed
// arrays as base64 of their bytes), and on the CPU engine the replica in
// progress: the engine's whole internal state (ions, rate groups, clock, random
// stream, counters) and its recorder's, at a sample or progress-chunk boundary
// (stateSnapshot.ts). A replica depends only on (scene, seed, engine, replica
// index) and the CPU engine's chunked advances are exact, so a run resumed
// from its checkpoint gives the same result as one never interrupted. On the
// GPU engines (state on the device) the replica in progress starts again.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { EngineKind } from '../engine/engine';
import type { Scene } from '../model/scene/schema';
import { validateScene } from '../model/scene/validate';
import type { ReplicaObservables } from '../observe/replicaRecorder';
import type { PartialReplica, RunState } from './runScene';
import { writeFileAtomic } from './atomicWrite';
import { fromSnapshot, snapshotState, type Snapshot } from './stateSnapshot';
import { CliError } from '../cli/errors';
import { IONHOP_VERSION } from './version';

export const CHECKPOINT_FORMAT = 'ionhop-checkpoint';

/** How the interrupted command printed its result, so `ionhop resume` prints it the same way. */
export interface CheckpointOutput {
  json?: boolean;
  csv?: string;
  quiet?: boolean;
  checkpointEveryS?: number;
}

export interface Checkpoint {
  scene: Scene;
  engine: EngineKind;
  state: RunState;
  output: CheckpointOutput;
}

interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT;
  ionhop: string;
  engine: EngineKind;
  /** SHA-256 of the scene as run (seed and replicas applied): identifies the run. */
  sceneDigest: string;
  scene: Scene;
  replicasDone: number;
  completed: unknown[];
  /** The replica in progress (cpu only), or null. */
  partial: PartialReplica | null;
  output: CheckpointOutput;
  writtenAt: string;
}

/** Identifies a run: the scene as run (seed and replica count applied) and the engine. */
export function runDigest(scene: Scene, engine: EngineKind): string {
  return createHash('sha256').update(JSON.stringify({ scene, engine })).digest('hex');
}

// Finished replicas go through the same generic snapshot as the engines, so a
// field added to ReplicaObservables is kept without a change here.
const encodeReplica = (r: ReplicaObservables): Snapshot => snapshotState(r, new Set());
const decodeReplica = (raw: unknown): ReplicaObservables => fromSnapshot<ReplicaObservables>(raw as Snapshot);

/** Writes the checkpoint atomically (temporary file, then rename): a kill mid-write leaves the previous one intact. */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const file: CheckpointFile = {
    format: CHECKPOINT_FORMAT,
    ionhop: IONHOP_VERSION,
    engine: checkpoint.engine,
    sceneDigest: runDigest(checkpoint.scene, checkpoint.engine),
    scene: checkpoint.scene,
    replicasDone: checkpoint.state.completed.length,
    completed: checkpoint.state.completed.map(encodeReplica),
    partial: checkpoint.state.partial ?? null,
    output: checkpoint.output,
    writtenAt: new Date().toISOString(),
  };
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`);
}

/** Reads a checkpoint; refuses one from another ionhop version, a damaged one, or (with `expect`) one of another run. */
export async function readCheckpoint(path: string, expect?: { scene: Scene; engine: EngineKind }): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `checkpoint file not found: ${path}` : `cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  let file: CheckpointFile;
  try {
    file = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not an ionhop checkpoint (not valid JSON; was it cut short?)`);
  }
  if (file?.format !== CHECKPOINT_FORMAT) throw new CliError(`${path} is not an ionhop checkpoint (no "format": "${CHECKPOINT_FORMAT}")`);
  if (file.ionhop !== IONHOP_VERSION) {
    throw new CliError(`${path} was written by ionhop ${file.ionhop}; this is ionhop ${IONHOP_VERSION}, whose engines may not continue it bit for bit: run the scene again from the start`);
  }
  const scene = validateScene(file.scene, `the scene in checkpoint ${path}`);
  if (runDigest(scene, file.engine) !== file.sceneDigest) throw new CliError(`${path}: the scene stored in the checkpoint does not match its digest (edited or damaged); run the scene again from the start`);
  if (expect && runDigest(expect.scene, expect.engine) !== file.sceneDigest) {
    const what = expect.engine !== file.engine ? `engine ${file.engine}, not ${expect.engine}` : `a different scene, seed or replica count ("${file.scene.name}", seed ${file.scene.seed}, ${file.scene.run.replicas} replicas)`;
    throw new CliError(`checkpoint ${path} belongs to another run (${what}); delete it or choose another --checkpoint path`);
  }
  let completed: ReplicaObservables[];
  try {
    completed = file.completed.map(decodeReplica);
  } catch (e) {
    throw new CliError(`${path}: damaged checkpoint (${(e as Error).message}); run the scene again from the start`);
  }
  if (completed.length !== file.replicasDone || completed.length > scene.run.replicas) throw new CliError(`${path}: damaged checkpoint (replica count does not add up)`);
  const partial = file.partial ?? undefined;
  if (partial && (partial.replica !== completed.length || !(partial.nextSample >= 1))) throw new CliError(`${path}: damaged checkpoint (the replica in progress does not follow the finished ones)`);
  return { scene, engine: file.engine, state: { completed, partial }, output: file.output ?? {} };
}
