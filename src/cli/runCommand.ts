// `ionhop run <scene.json>` and `ionhop resume <checkpoint>`: validate, run
// (optionally with checkpoints), report.
import { access, constants } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineKind } from '../engine/engine';
import type { Scene } from '../model/scene/schema';
import { RunInterrupted, runScene, type RunResult, type RunState } from '../run/runScene';
import { readCheckpoint, writeCheckpoint, type CheckpointOutput } from '../run/checkpoint';
import { CliError } from './errors';
import { loadSceneFile } from './loadScene';
import { progressPrinter } from './progress';
import { formatSummary } from './summary';
import { preflightCsvDir, writeCsvFiles } from './csv';

export interface RunCommandOptions {
  engine: EngineKind;
  json?: boolean;
  csv?: string;
  replicas?: number;
  seed?: number;
  quiet?: boolean;
  /** Checkpoint file: written every checkpointEvery seconds (at replica ends) and on SIGINT/SIGTERM. */
  checkpoint?: string;
  checkpointEvery?: number;
}

/** Default wall time between checkpoint writes, s. */
export const DEFAULT_CHECKPOINT_EVERY_S = 60;
/** Exit codes of a run stopped by a signal (128 + signal number, as shells report them). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const loaded = await loadSceneFile(file);
  const scene: Scene = {
    ...loaded,
    seed: options.seed ?? loaded.seed,
    run: { ...loaded.run, replicas: options.replicas ?? loaded.run.replicas },
  };
  let resume: RunState = { completed: [] };
  if (options.checkpoint !== undefined) {
    await preflightCheckpoint(options.checkpoint);
    // Rerunning the same command after an interruption continues from the checkpoint.
    const existing = await readCheckpoint(options.checkpoint, { scene, engine: options.engine }).catch((e: Error) => {
      if (/checkpoint file not found/.test(e.message)) return null;
      throw e;
    });
    if (existing) {
      resume = existing.state;
      if (!options.quiet) process.stderr.write(`continuing from checkpoint ${options.checkpoint}: ${describeState(resume, scene)}\n`);
    }
  }
  return execute(scene, resume, options);
}

export interface ResumeOptions {
  json?: boolean;
  csv?: string;
  quiet?: boolean;
  checkpointEvery?: number;
}

/** `ionhop resume <file>`: the scene, engine and output options come from the checkpoint; flags given here override the output options. */
export async function resumeCommand(file: string, options: ResumeOptions): Promise<number> {
  const cp = await readCheckpoint(file);
  const out = cp.output;
  if (!(options.quiet ?? out.quiet)) process.stderr.write(`resuming from checkpoint ${file}: ${describeState(cp.state, cp.scene)}\n`);
  return execute(cp.scene, cp.state, {
    engine: cp.engine,
    json: options.json ?? out.json,
    csv: options.csv ?? out.csv,
    quiet: options.quiet ?? out.quiet,
    checkpoint: file,
    checkpointEvery: options.checkpointEvery ?? out.checkpointEveryS,
  });
}

function describeState(state: RunState, scene: Scene): string {
  const inProgress = state.partial ? ` and replica ${state.partial.replica + 1} up to sample ${state.partial.nextSample - 1} of ${scene.run.samples}` : '';
  return `${state.completed.length} of ${scene.run.replicas} replicas done${inProgress}`;
}

async function execute(scene: Scene, resume: RunState, options: RunCommandOptions): Promise<number> {
  if (options.csv !== undefined) await preflightCsvDir(options.csv);
  const progress = options.quiet ? null : progressPrinter(process.stderr);
  const checkpointPath = options.checkpoint;
  const output: CheckpointOutput = { json: options.json, csv: options.csv, quiet: options.quiet, checkpointEveryS: options.checkpointEvery };
  const everyMs = 1000 * (options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY_S);
  let lastWrite = performance.now();
  let signal: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => {
    // A second signal while the checkpoint is being written: stop at once.
    if (signal) process.exit(SIGNAL_EXIT[name]);
    signal = name;
  };
  const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };
  if (checkpointPath) for (const [name, h] of Object.entries(handlers)) process.on(name, h);
  const save = (state: RunState) => writeCheckpoint(checkpointPath!, { scene, engine: options.engine, state, output });
  let result: RunResult;
  try {
    result = await runScene(scene, {
      engine: options.engine,
      resume,
      onProgress: progress ? (p) => progress.update(p) : undefined,
      interrupted: () => signal !== null,
      checkpointDue: checkpointPath ? () => performance.now() - lastWrite >= everyMs : undefined,
      onCheckpoint: checkpointPath
        ? async (state) => {
            await save(state);
            lastWrite = performance.now();
          }
        : undefined,
    });
  } catch (e) {
    if (!(e instanceof RunInterrupted) || !checkpointPath || !signal) throw e;
    progress?.done();
    await save(e.state);
    const where = e.state.partial
      ? `${e.state.completed.length} of ${scene.run.replicas} replicas complete, replica ${e.state.partial.replica + 1} saved midway`
      : `${e.state.completed.length} of ${scene.run.replicas} replicas complete; the replica in progress restarts from its beginning`;
    process.stderr.write(`ionhop: ${signal}: checkpoint written to ${checkpointPath} (${where}); continue with: ionhop resume ${checkpointPath}\n`);
    return SIGNAL_EXIT[signal];
  } finally {
    if (checkpointPath) for (const [name, h] of Object.entries(handlers)) process.off(name, h);
  }
  progress?.done();
  // The result goes out first: a CSV write that fails after a long run must not lose it.
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${formatSummary(result)}\n`);
  if (options.csv !== undefined) {
    const paths = await writeCsvFiles(result, options.csv);
    if (!options.quiet) process.stderr.write(`wrote ${paths.join(' and ')}\n`);
  }
  return 0;
}

/** The checkpoint's directory must exist and be writable before hours of work depend on it. */
async function preflightCheckpoint(path: string): Promise<void> {
  if (path.trim() === '') throw new CliError('--checkpoint needs a file path (got an empty string)');
  try {
    await access(dirname(path), constants.W_OK);
  } catch (e) {
    throw new CliError(`--checkpoint ${path}: cannot write into ${dirname(path)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a path in a writable directory`);
  }
}
