// `ionhop sweep --engine gpu-walkers` batched: all points in one grouped kernel
// run. Checks: the per-point answers agree with the exact CPU engine within
// their SE (4 combined SE + the filling as the stated exclusion bound, the rule
// of tests/gpu/statistics.test.ts); the batched numbers equal the
// point-by-point gpu-walkers numbers and the twin's bit for bit; reruns are
// identical; sweeps the grouped run cannot express fall back or are refused.
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepResult } from '../../src/sweep/sweep';
import { parseAxis } from '../../src/sweep/axes';
import { PASS_SIGMAS } from '../../src/validate/types';
import { timedWalkScene, randomWalkScene } from './scenes';

/** The numbers of a sweep (wall times and how it ran left out). */
function numbers(r: SweepResult): string {
  return JSON.stringify(r.points.map(({ wallTimeS: _w, ...p }) => p));
}

const TEMPERATURES = [parseAxis('temperature=300:400:3')];

describe('batched gpu-walkers sweep', () => {
  it('agrees point by point with the exact CPU engine within SE, and the Arrhenius fit returns the barrier', async () => {
    const scene = timedWalkScene();
    const batched = await runSweep(scene, TEMPERATURES, { engine: 'gpu-walkers', walkersExecutor: 'twin' });
    expect(batched.walkersBatch).toEqual({ batched: true, runs: 1, dispatches: expect.any(Number) });
    const cpu = await runSweep(scene, TEMPERATURES, { engine: 'cpu', jobs: 1 });
    const filling = 32 / (48 * 48);
    for (let i = 0; i < 3; i++) {
      const g = batched.points[i].observables.species[0].tracer.cm2PerS;
      const c = cpu.points[i].observables.species[0].tracer.cm2PerS;
      const detail = `T ${batched.points[i].values[0]} K: walkers ${g.value} ± ${g.se}, cpu ${c.value} ± ${c.se}`;
      expect(g.se / g.value, detail).toBeLessThan(0.08);
      expect(Math.abs(g.value - c.value), detail).toBeLessThan(PASS_SIGMAS * Math.hypot(g.se, c.se) + filling * c.value);
    }
    const fit = batched.fits.arrhenius!;
    expect(Math.abs(fit.eaEv.value - 0.3), `Ea ${fit.eaEv.value} ± ${fit.eaEv.se}`).toBeLessThan(PASS_SIGMAS * fit.eaEv.se);
    // Rerun: identical numbers.
    const again = await runSweep(scene, TEMPERATURES, { engine: 'gpu-walkers', walkersExecutor: 'twin' });
    expect(numbers(again)).toBe(numbers(batched));
  });

  it('WGSL batched = twin batched = point by point on gpu-walkers, bit for bit, also with --target-se and shards', async () => {
    const scene = timedWalkScene(43, 3);
    scene.populations[0].count = 8;
    const axes = [parseAxis('regions[0].species.Zn2+.barrier=0.30:0.36:2')];
    const opts = { engine: 'gpu-walkers' as const, targetSe: 0.05, maxReplicas: 6 };
    const gpu = await runSweep(scene, axes, opts);
    const twin = await runSweep(scene, axes, { ...opts, walkersExecutor: 'twin' });
    const alone = await runSweep(scene, axes, { ...opts, batch: 'off' });
    expect(alone.walkersBatch).toEqual({ batched: false, reason: 'point by point as asked (--batch off)' });
    expect(gpu.walkersBatch?.batched).toBe(true);
    // The cap was reached, so more than one round ran.
    expect(gpu.points.every((p) => p.replicas > 3)).toBe(true);
    expect(numbers(gpu)).toBe(numbers(twin));
    expect(numbers(gpu)).toBe(numbers(alone));
    // One replica per grouped run (8 walkers each): the same numbers, from many runs.
    const split = await runSweep(scene, axes, { ...opts, walkersExecutor: 'twin', walkersPerRun: 8 });
    expect(split.walkersBatch).toMatchObject({ batched: true, runs: gpu.points.reduce((n, p) => n + p.replicas, 0) });
    expect(numbers(split)).toBe(numbers(twin));
    const shard = await runSweep(scene, axes, { ...opts, walkersExecutor: 'twin', shard: { k: 2, n: 2 } });
    expect(JSON.stringify(shard.points.map(({ wallTimeS: _w, ...p }) => p))).toBe(JSON.stringify(twin.points.slice(1).map(({ wallTimeS: _w, ...p }) => p)));
  });

  it('falls back to point by point (or refuses with --batch on) when the points cannot share a run', async () => {
    const eventScene = randomWalkScene();
    eventScene.run.replicas = 1;
    eventScene.run.events = 40 * 5;
    const temps = [parseAxis('temperature=300:320:2')];
    const fallback = await runSweep(eventScene, temps, { engine: 'gpu-walkers', walkersExecutor: 'twin' });
    expect(fallback.walkersBatch).toEqual({ batched: false, reason: expect.stringMatching(/point 0 runs by an event budget \(run\.events\).*needs run\.time/) });
    await expect(runSweep(eventScene, temps, { engine: 'gpu-walkers', batch: 'on' })).rejects.toThrow(/--batch on: .*event budget.*--batch auto/);
    const sized = timedWalkScene(44, 1);
    await expect(runSweep(sized, [parseAxis('lattice.size[0]=24:26:2')], { engine: 'gpu-walkers', batch: 'on' })).rejects.toThrow(/point 1 has another lattice, region layout or species list/);
  });
});
