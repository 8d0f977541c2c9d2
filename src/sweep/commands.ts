// The actions of `ionhop sweep`, `ionhop merge` and `ionhop plot` (registered in
// src/cli/program.ts). CLI-only: pulls in worker threads, vega and resvg, which
// the browser app never imports.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineKind } from '../engine/engine';
import { CliError } from '../cli/errors';
import type { RunResult } from '../run/runScene';
import { parseAxis } from './axes';
import { runSweep, type SweepObservable, type SweepResult } from './sweep';
import { mergeSweeps } from './merge';
import { fitsCsv, formatSweepTable, sweepCsv } from './table';
import { companionPath, sweepFigureKinds, writeFigure, type FigureKind } from './plot';

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${path} is a directory; give the path of a ${what} (.json)`);
    throw new CliError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Parses `--shard k/n` (1 ≤ k ≤ n). */
export function parseShard(text: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1 && n <= 100000 && k >= 1 && k <= n)) throw new CliError(`--shard must be k/n with whole numbers 1 ≤ k ≤ n ≤ 100000, e.g. --shard 3/8 (got "${text}")`);
  return { k, n };
}

export interface SweepCommandOptions {
  set?: string[];
  zip?: boolean;
  replicas?: number;
  engine: EngineKind;
  targetSe?: number;
  maxReplicas?: number;
  jobs?: number;
  shard?: string;
  species?: string;
  observable?: SweepObservable;
  batch?: 'auto' | 'on' | 'off';
  json?: boolean;
  csv?: string;
  plot?: string;
  quiet?: boolean;
}

async function writeOutputs(result: SweepResult, options: { json?: boolean; csv?: string; plot?: string; quiet?: boolean }): Promise<void> {
  const wrote: string[] = [];
  if (options.csv !== undefined) {
    try {
      await mkdir(options.csv, { recursive: true });
      for (const [name, text] of [['sweep.csv', sweepCsv(result)], ['fits.csv', fitsCsv(result)]] as const) {
        await writeFile(join(options.csv, name), text);
        wrote.push(join(options.csv, name));
      }
    } catch (e) {
      throw new CliError(`cannot write --csv ${options.csv}: ${(e as Error).message}`);
    }
  }
  if (options.plot !== undefined) {
    const kinds = sweepFigureKinds(result);
    for (const kind of kinds) {
      const path = companionPath(options.plot, kind, kinds[0]);
      await writeFigure(path, result, kind);
      wrote.push(path);
    }
  }
  if (wrote.length > 0 && !options.quiet) process.stderr.write(`wrote ${wrote.join(', ')}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${formatSweepTable(result)}\n`);
}

export async function sweepCommand(file: string, options: SweepCommandOptions): Promise<number> {
  const axes = (options.set ?? []).map(parseAxis);
  if (axes.length === 0) throw new CliError('ionhop sweep needs at least one --set <json.path>=<from>:<to>:<n>[:log], e.g. --set temperature=250:800:8:log');
  if (options.targetSe !== undefined && !(options.targetSe > 0 && options.targetSe < 1)) throw new CliError(`--target-se must be a relative error in (0, 1), e.g. 0.02 (got ${options.targetSe})`);
  const sceneJson = await readJsonFile(file, 'scene file');
  const started = performance.now();
  const result = await runSweep(sceneJson, axes, {
    engine: options.engine,
    zip: options.zip,
    replicas: options.replicas,
    targetSe: options.targetSe,
    maxReplicas: options.maxReplicas,
    jobs: options.jobs,
    shard: options.shard !== undefined ? parseShard(options.shard) : undefined,
    species: options.species,
    observable: options.observable,
    batch: options.batch,
    onPoint: options.quiet
      ? undefined
      : (done, total, p) => process.stderr.write(`point ${p.index} done (${done}/${total}, ${p.replicas} replicas, ${((performance.now() - started) / 1000).toFixed(1)} s elapsed)\n`),
  });
  if (!options.quiet && result.walkersBatch) {
    const b = result.walkersBatch;
    process.stderr.write(b.batched ? `gpu-walkers: all points ran batched, ${b.runs} grouped kernel run(s), ${b.dispatches} dispatches\n` : `gpu-walkers: points ran one after another: ${b.reason}\n`);
  }
  await writeOutputs(result, options);
  return 0;
}

export async function mergeCommand(files: string[], options: { json?: boolean; csv?: string; plot?: string; quiet?: boolean }): Promise<number> {
  const parts = [];
  for (const file of files) parts.push({ file, result: (await readJsonFile(file, 'sweep result')) as SweepResult });
  await writeOutputs(mergeSweeps(parts), options);
  return 0;
}

export async function plotCommand(file: string, options: { out?: string; kind?: FigureKind }): Promise<number> {
  const result = (await readJsonFile(file, 'result file')) as SweepResult | RunResult;
  const isSweep = (result as SweepResult)?.kind === 'ionhop-sweep';
  const isRun = !isSweep && typeof (result as RunResult)?.observables === 'object';
  if (!isSweep && !isRun) throw new CliError(`${file} is neither the --json output of ionhop sweep nor of ionhop run`);
  const open = isRun && (result as RunResult).observables.exchange;
  const kinds: FigureKind[] = options.kind ? [options.kind] : isSweep ? sweepFigureKinds(result as SweepResult) : open ? ['msd', 'profile', 'charge'] : ['msd', 'profile'];
  const base = options.out ?? file.replace(/\.json$/i, '') + '.svg';
  const wrote: string[] = [];
  for (const kind of kinds) {
    // A single run has no D figure, so its first figure takes the plain name.
    const path = options.kind ? base : isSweep ? companionPath(base, kind, kinds[0]) : kind === 'msd' ? base : companionPath(base, kind, 'msd');
    await writeFigure(path, result, kind);
    wrote.push(path);
  }
  process.stderr.write(`wrote ${wrote.join(', ')}\n`);
  return 0;
}
