// The ionhop command-line program. Every input error (bad scene, missing file,
// bad option, engine that cannot run a scene) ends with a readable message and
// exit code 2; a failed validation or an internal error with exit code 1.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ENGINE_KINDS } from '../engine/factory';
import type { EngineKind } from '../engine/engine';
import { IONHOP_VERSION } from '../run/version';
import { CliError, EXIT_USER_ERROR, userErrorMessage } from './errors';
import { printable } from '../model/scene/validate';
import { resumeCommand, runCommand } from './runCommand';
import { validateCommand } from './validateCommand';
import { registerSweepCommands } from './sweepCommands';

function wholeNumber(what: string, min: number, max: number) {
  return (value: string): number => {
    // Digits only: Number('') is 0 and Number('1e3') is 1000, neither what a user meant.
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number in [${min}, ${max}] (got ${JSON.stringify(value)})`);
    return n;
  };
}

function positiveSeconds(what: string, max: number) {
  return (value: string): number => {
    const n = /^\s*[0-9.eE+]+\s*$/.test(value) ? Number(value) : NaN;
    if (!(n > 0 && n <= max)) throw new InvalidArgumentError(`${what} must be a number of seconds in (0, ${max}] (got ${JSON.stringify(value)})`);
    return n;
  };
}

const engineOption = () =>
  new Option('--engine <kind>', 'engine that runs the scene').choices(ENGINE_KINDS as string[]).default('cpu');

/** The program; `setExit` receives each command's exit code. Commander errors throw CommanderError instead of exiting. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .exitOverride()
    .name('ionhop')
    .description('Kinetic Monte Carlo of Zn2+, H+ and OH- hopping across heterointerfaces')
    .version(IONHOP_VERSION)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('run')
    .description('run a scene and report tracer and collective diffusivity, Haven ratio, profiles and crossings')
    .argument('<scene>', 'scene file (.json), see docs/scene-format.md')
    .addOption(engineOption())
    .option('--json', 'print one JSON object with every observable, the scene, the seed and the version')
    .option('--csv <dir>', 'write msd.csv and profile.csv into this directory')
    .option('--replicas <n>', 'independent replicas (overrides run.replicas)', wholeNumber('--replicas', 1, 1024))
    .option('--seed <n>', 'random seed (overrides the scene seed)', wholeNumber('--seed', 0, 2 ** 32 - 1))
    .option('--quiet', 'no progress on stderr')
    .option('--checkpoint <file>', 'write the run state to this file at intervals and on SIGINT/SIGTERM; rerun the same command or `ionhop resume <file>` to continue')
    .option('--checkpoint-every <s>', 'wall time between checkpoint writes, s (default 60; written when a replica ends)', positiveSeconds('--checkpoint-every', 1e7))
    .action(async (scene: string, opts: { engine: EngineKind; json?: boolean; csv?: string; replicas?: number; seed?: number; quiet?: boolean; checkpoint?: string; checkpointEvery?: number }) => {
      if (opts.checkpointEvery !== undefined && opts.checkpoint === undefined) throw new CliError('--checkpoint-every needs --checkpoint <file>');
      setExit(await runCommand(scene, opts));
    });

  program
    .command('resume')
    .description('continue a run from its checkpoint (written by run --checkpoint); the result equals an uninterrupted run')
    .argument('<checkpoint>', 'checkpoint file')
    .option('--json', 'print one JSON object (default: as the interrupted run did)')
    .option('--csv <dir>', 'write msd.csv, profile.csv and drift.csv into this directory (default: as the interrupted run did)')
    .option('--quiet', 'no progress on stderr')
    .option('--checkpoint-every <s>', 'wall time between checkpoint writes, s', positiveSeconds('--checkpoint-every', 1e7))
    .action(async (file: string, opts: { json?: boolean; csv?: string; quiet?: boolean; checkpointEvery?: number }) => {
      setExit(await resumeCommand(file, opts));
    });

  program
    .command('validate')
    .description('run the physics validation suite against exact results; exit code 1 when a check fails')
    .addOption(engineOption())
    .option('--json', 'print the report as one JSON object')
    .option('--case <name...>', 'run only these cases')
    .option('--seed-offset <n>', 'shift every fixed seed (re-run on fresh streams)', wholeNumber('--seed-offset', 0, 2 ** 31))
    .option('--quiet', 'no progress on stderr')
    .action(async (opts: { engine: EngineKind; json?: boolean; case?: string[]; seedOffset?: number; quiet?: boolean }) => {
      setExit(await validateCommand(opts));
    });
  registerSweepCommands(program, setExit);
  return program;
}

/** Runs the command line and returns the exit code (0 ok, 1 failed validation or bug, 2 user error). */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (error) {
    // Commander already printed its message (unknown option, --help, --version).
    // A usage error is an input error like a bad scene: exit 2 (docs/cli.md).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USER_ERROR;
    const message = userErrorMessage(error);
    if (message !== null) {
      // Lines kept, control characters (from file names or keys) escaped.
      process.stderr.write(`ionhop: ${message.split('\n').map(printable).join('\n')}\n`);
      return EXIT_USER_ERROR;
    }
    // A bug rather than bad input: still no stack trace unless asked for.
    const e = error as Error;
    process.stderr.write(`ionhop: internal error: ${e?.message ?? String(error)}\n`);
    if (process.env.IONHOP_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    else process.stderr.write('(set IONHOP_DEBUG=1 to see where it happened)\n');
    return 1;
  }
}
