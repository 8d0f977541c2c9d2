// `npm run bench:sweep`: time to answer a 16-point barrier sweep of the
// lattice-gas preset to 2 % relative SE on D* (--target-se 0.02, starting from
// 4 replicas per point; --target-se=F for another precision), serial (--jobs 1) against --jobs N worker threads. The
// runs alternate in one process (serial, parallel, serial, parallel, …) so that
// load from other processes hits both alike; the ratio of medians is the figure,
// and the two must agree bit for bit.
//
// `--walkers`: the dilute gpu-walkers variant: a 16-point temperature sweep of a
// dilute time-sampled walk (scene below), all points batched into one grouped
// kernel run per round (--batch auto) against point by point (--batch off), one
// engine per replica, alternating in one process; results must agree bit for bit.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { parseAxis } from '../src/sweep/axes';
import { runSweep, type SweepResult } from '../src/sweep/sweep';

const SCENE = new URL('../scenes/lattice-gas.json', import.meta.url);
const SET = 'regions[0].species.Zn2+.barrier=0.2:0.5:16';

function numbers(r: SweepResult): string {
  return JSON.stringify(r.points.map(({ wallTimeS: _w, ...p }) => p));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Dilute walk on the time grid: 32 Zn2+ on 48×48 (1.4 %), 0.3 eV, ~200 hops per ion at 300 K, ~3600 at 400 K. */
function dilutedWalkScene(replicas: number) {
  return {
    ionhop: 1,
    name: 'dilute timed walk (bench)',
    lattice: { type: 'square', size: [48, 48], spacing: 3.0, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 7,
    run: { time: 5.5e-7, samples: 20, replicas },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', count: 32 }],
  };
}

async function walkersMain(args: string[]): Promise<void> {
  const roundsArg = args.find((a) => a.startsWith('--rounds='));
  const pointsArg = args.find((a) => a.startsWith('--points='));
  const replicasArg = args.find((a) => a.startsWith('--replicas='));
  const rounds = roundsArg ? Number(roundsArg.slice(9)) : 2;
  const points = pointsArg ? Number(pointsArg.slice(9)) : 16;
  const replicas = replicasArg ? Number(replicasArg.slice(11)) : 4;
  const { acquireGpu } = await import('../src/gpu/device');
  const adapter = (await acquireGpu()).adapterName;
  const scene = dilutedWalkScene(replicas);
  const axes = [parseAxis(`temperature=300:400:${points}`)];
  const times: Record<'batched' | 'pointByPoint', number[]> = { batched: [], pointByPoint: [] };
  let reference: string | null = null;
  let last: SweepResult | null = null;
  const loadBefore = os.loadavg()[0];
  for (let round = 0; round < rounds; round++) {
    for (const mode of ['batched', 'pointByPoint'] as const) {
      const t0 = performance.now();
      const result = await runSweep(scene, axes, { engine: 'gpu-walkers', batch: mode === 'batched' ? 'on' : 'off' });
      const s = (performance.now() - t0) / 1000;
      times[mode].push(s);
      const n = numbers(result);
      if (reference === null) reference = n;
      else if (n !== reference) throw new Error(`${mode} run ${round} differs from the first run: batched and point-by-point must agree bit for bit`);
      if (mode === 'batched') last = result;
      process.stderr.write(`round ${round + 1}/${rounds} ${mode}: ${s.toFixed(1)} s\n`);
    }
  }
  const batch = last!.walkersBatch;
  process.stdout.write(`${points}-point temperature sweep (300–400 K) of a dilute walk (32 Zn2+ on 48×48, run.time 0.55 µs, ${replicas} replicas per point) on gpu-walkers, adapter ${adapter} (node ${process.version}, ${os.cpus().length} cores)\n`);
  process.stdout.write(`batched: ${JSON.stringify(batch)}\n`);
  process.stdout.write(`batched: ${times.batched.map((t) => t.toFixed(2)).join(', ')} s; point by point: ${times.pointByPoint.map((t) => t.toFixed(2)).join(', ')} s (alternating, one process)\n`);
  process.stdout.write(`speed-up point by point / batched (ratio of medians): ${(median(times.pointByPoint) / median(times.batched)).toFixed(2)}; results identical: yes\n`);
  process.stdout.write(`load average (1 min) ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after\n`);
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  if (args.includes('--walkers')) return walkersMain(args);
  const jobsArg = args.find((a) => a.startsWith('--jobs='));
  const roundsArg = args.find((a) => a.startsWith('--rounds='));
  const jobs = jobsArg ? Number(jobsArg.slice(7)) : 2;
  const rounds = roundsArg ? Number(roundsArg.slice(9)) : 2;
  // --target-se=0.01: four times the replicas, so the worker start-up (1–2 s) weighs less.
  const targetArg = args.find((a) => a.startsWith('--target-se='));
  const targetSe = targetArg ? Number(targetArg.slice(12)) : 0.02;
  if (!(targetSe > 0 && targetSe < 1)) throw new Error(`--target-se=${targetArg?.slice(12)}: must be a relative SE in (0, 1), e.g. 0.02`);
  const scene = JSON.parse(readFileSync(SCENE, 'utf8'));
  const axes = [parseAxis(SET)];
  const options = { engine: 'cpu' as const, replicas: 4, targetSe };
  const times: Record<'serial' | 'parallel', number[]> = { serial: [], parallel: [] };
  // Seconds spent inside replica tasks, summed over threads: twice the serial figure means each thread ran at half speed (cores shared with other processes).
  const taskSeconds: Record<'serial' | 'parallel', number[]> = { serial: [], parallel: [] };
  let reference: string | null = null;
  let last: SweepResult | null = null;
  const loadBefore = os.loadavg()[0];
  for (let round = 0; round < rounds; round++) {
    for (const mode of ['serial', 'parallel'] as const) {
      const t0 = performance.now();
      const result = await runSweep(scene, axes, { ...options, jobs: mode === 'serial' ? 1 : jobs });
      const s = (performance.now() - t0) / 1000;
      times[mode].push(s);
      taskSeconds[mode].push(result.points.reduce((sum, p) => sum + p.wallTimeS, 0));
      const n = numbers(result);
      if (reference === null) reference = n;
      else if (n !== reference) throw new Error(`${mode} run ${round} differs from the first run: results must not depend on --jobs`);
      last = result;
      process.stderr.write(`round ${round + 1}/${rounds} ${mode}: ${s.toFixed(1)} s\n`);
    }
  }
  const replicas = last!.points.map((p) => p.replicas);
  const worst = Math.max(...last!.points.map((p) => p.observables.species[0].tracer.cm2PerS.se / p.observables.species[0].tracer.cm2PerS.value));
  process.stdout.write(`16-point barrier sweep of scenes/lattice-gas.json (${SET}) to ${(100 * targetSe).toFixed(1)} % relative SE on D* (node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores)\n`);
  process.stdout.write(`replicas per point ${Math.min(...replicas)}–${Math.max(...replicas)} (total ${replicas.reduce((a, b) => a + b, 0)}); worst relative SE ${(100 * worst).toFixed(2)} %\n`);
  process.stdout.write(`serial (--jobs 1): ${times.serial.map((t) => t.toFixed(1)).join(', ')} s; --jobs ${jobs}: ${times.parallel.map((t) => t.toFixed(1)).join(', ')} s (alternating, one process)\n`);
  process.stdout.write(`speed-up serial / --jobs ${jobs} (ratio of medians): ${(median(times.serial) / median(times.parallel)).toFixed(2)}; results identical: yes\n`);
  process.stdout.write(`seconds inside replica tasks summed over threads: serial ${taskSeconds.serial.map((t) => t.toFixed(1)).join(', ')}; --jobs ${jobs} ${taskSeconds.parallel.map((t) => t.toFixed(1)).join(', ')} (equal on idle cores)\n`);
  process.stdout.write(`load average (1 min) ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after\n`);
}
