// `ionhop run <scene.json>`: validate, run, report.
import type { EngineKind } from '../engine/engine';
import { runScene } from '../run/runScene';
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
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const scene = await loadSceneFile(file);
  if (options.csv !== undefined) await preflightCsvDir(options.csv);
  const progress = options.quiet ? null : progressPrinter(process.stderr);
  const result = await runScene(scene, {
    engine: options.engine,
    replicas: options.replicas,
    seed: options.seed,
    onProgress: progress ? (p) => progress.update(p) : undefined,
  });
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
