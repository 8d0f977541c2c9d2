// Registers `ionhop sweep`, `ionhop merge` and `ionhop plot` (src/sweep/). The
// sweep modules load on first use, so `ionhop run` does not pay for vega.
import { Command, InvalidArgumentError, Option } from 'commander';
import { ENGINE_KINDS } from '../engine/factory';
import type { EngineKind } from '../engine/engine';

function wholeNumber(what: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number in [${min}, ${max}]`);
    return n;
  };
}

function positiveFraction(what: string) {
  return (value: string): number => {
    const v = Number(value);
    if (!(v > 0 && v < 1)) throw new InvalidArgumentError(`${what} must be a relative error in (0, 1), e.g. 0.02`);
    return v;
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerSweepCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('sweep')
    .description('run a scene over a grid of parameter values; table of D*, D_σ, Haven ratio, crossings, with Arrhenius/barrier fits and figures')
    .argument('<scene>', 'scene file (.json), see docs/scene-format.md')
    .option('--set <path=from:to:n[:log]>', 'sweep a numeric scene field, e.g. temperature=250:800:8 or regions[1].species.Zn2+.barrier=0.3:0.6:4 (repeat for a grid)', collect, [])
    .option('--zip', 'pair the k-th values of all --set axes instead of taking every combination')
    .option('--replicas <n>', 'replicas per point (with --target-se: to start with)', wholeNumber('--replicas', 1, 1024))
    .addOption(new Option('--engine <kind>', 'engine that runs the scene').choices(ENGINE_KINDS as string[]).default('cpu'))
    .option('--target-se <fraction>', 'add replicas per point until the watched observable (--observable) has this relative standard error', positiveFraction('--target-se'))
    .addOption(new Option('--observable <name>', 'what --target-se watches: dstar (D* of --species) or turnover (water turnover per surface site, scenes with a water-dissociation reaction)').choices(['dstar', 'turnover']).default('dstar'))
    .option('--max-replicas <n>', 'cap of --target-se (default 256)', wholeNumber('--max-replicas', 2, 1024))
    .option('--species <name>', 'species whose D* --target-se and the fits use (default: the first in the scene)')
    .option('--jobs <n>', 'worker threads (default: the number of cores); results do not depend on it', wholeNumber('--jobs', 1, 1024))
    .addOption(new Option('--batch <mode>', 'gpu-walkers: run all points in one grouped GPU run (auto: when the swept fields only change rates, else point by point; on: refuse otherwise; off: point by point); same numbers either way').choices(['auto', 'on', 'off']).default('auto'))
    .option('--shard <k/n>', 'run only every n-th point starting at the k-th (1 ≤ k ≤ n); join the shards with ionhop merge')
    .option('--json', 'print one JSON object (points, fits, provenance) instead of the table')
    .option('--csv <dir>', 'write sweep.csv and fits.csv into this directory')
    .option('--plot <file>', 'write D against the parameter to file (.svg or .png), and MSD(t) and profiles beside it (file.msd.svg, file.profile.svg); with water dissociation the turnover (log axis) is file and D* file.d.svg')
    .option('--quiet', 'no progress on stderr')
    .action(async (scene: string, opts: Parameters<typeof import('../sweep/commands').sweepCommand>[1]) => {
      const { sweepCommand } = await import('../sweep/commands');
      setExit(await sweepCommand(scene, { ...opts, engine: opts.engine as EngineKind }));
    });

  program
    .command('merge')
    .description('join the --json outputs of ionhop sweep --shard k/n into the table, fits and figures of the whole sweep')
    .argument('<files...>', 'shard results (.json)')
    .option('--json', 'print the merged result as one JSON object')
    .option('--csv <dir>', 'write sweep.csv and fits.csv into this directory')
    .option('--plot <file>', 'write the figures (.svg or .png)')
    .option('--quiet', 'no messages on stderr')
    .action(async (files: string[], opts: { json?: boolean; csv?: string; plot?: string; quiet?: boolean }) => {
      const { mergeCommand } = await import('../sweep/commands');
      setExit(await mergeCommand(files, opts));
    });

  program
    .command('plot')
    .description('draw figures from saved output of ionhop sweep --json or ionhop run --json')
    .argument('<result>', 'result file (.json)')
    .option('-o, --out <file>', 'figure file, .svg or .png (default: the result name with .svg)')
    .addOption(new Option('--kind <kind>', 'only this figure: D against the parameter, MSD(t), profile, charge (uptake Q(t) of an open electrode), or turnover (water turnover against the parameter)').choices(['d', 'msd', 'profile', 'charge', 'turnover']))
    .action(async (file: string, opts: { out?: string; kind?: 'd' | 'msd' | 'profile' }) => {
      const { plotCommand } = await import('../sweep/commands');
      setExit(await plotCommand(file, opts));
    });
}
