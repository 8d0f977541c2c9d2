// The numbers of a sweep depend only on the scene and the grid: --jobs 4 equals
// --jobs 1 and merged shards equal the unsharded run, bit for bit (the wall times,
// the thread count and the shard field are provenance and are left out).
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepResult } from '../../src/sweep/sweep';
import { parseAxis } from '../../src/sweep/axes';
import { mergeSweeps } from '../../src/sweep/merge';
import { smallVolcanoScene, twoLayerScene } from './scenes';

/** The result without its provenance timings, as canonical JSON. */
function numbers(result: SweepResult): string {
  const { wallTimeS: _w, jobs: _j, shard: _s, points, ...rest } = result;
  return JSON.stringify({ ...rest, points: points.map(({ wallTimeS: _p, ...p }) => p) });
}

// 2×3 grid, adaptive replicas (a point grows from 2 replicas until D* has 15 % relative SE, cap 12).
const axes = () => [parseAxis('regions[0].species.Zn2+.barrier=0.30:0.34:2'), parseAxis('temperature=300:400:3')];
const options = { engine: 'cpu' as const, replicas: 2, targetSe: 0.15, maxReplicas: 12 };
const scene = () => ({ ...twoLayerScene(5, 2), run: { events: 8 * 200, samples: 10, replicas: 2 } });

describe('ionhop sweep reproducibility', () => {
  it('--jobs 4 gives exactly the numbers of --jobs 1, and merged shards those of the whole sweep', async () => {
    const serial = await runSweep(scene(), axes(), { ...options, jobs: 1 });
    // The adaptive loop did something: some point needed more than the first 2 replicas.
    expect(Math.max(...serial.points.map((p) => p.replicas))).toBeGreaterThan(2);
    expect(serial.points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);

    const parallel = await runSweep(scene(), axes(), { ...options, jobs: 4 });
    expect(parallel.jobs).toBe(4);
    expect(numbers(parallel)).toBe(numbers(serial));

    const shards: { file: string; result: SweepResult }[] = [];
    for (const k of [2, 1, 3]) shards.push({ file: `shard-${k}.json`, result: await runSweep(scene(), axes(), { ...options, jobs: 1, shard: { k, n: 3 } }) });
    expect(shards.map((s) => s.result.points.length)).toEqual([2, 2, 2]);
    // Through JSON, as the files travel between machines.
    const merged = mergeSweeps(shards.map((s) => ({ file: s.file, result: JSON.parse(JSON.stringify(s.result)) })));
    expect(numbers(merged)).toBe(numbers(JSON.parse(JSON.stringify(serial))));

    // A missing shard is named, not silently dropped.
    expect(() => mergeSweeps(shards.slice(0, 2))).toThrow(/2 of 6 points are missing/);
  });

  it('a reaction scene with open faces: --jobs 2 equals --jobs 1 and merged shards the whole sweep, with --target-se on the turnover', async () => {
    // 3 points of E_OH, each growing from 2 replicas until the turnover has 15 % relative SE (cap 8).
    const volcanoAxes = () => [parseAxis('regions[0].species.OH-.siteEnergy=-0.5:-0.3:3')];
    const volcanoOptions = { engine: 'cpu' as const, replicas: 2, targetSe: 0.15, maxReplicas: 8, observable: 'turnover' as const };
    const scene = () => smallVolcanoScene(31, 2);
    const serial = await runSweep(scene(), volcanoAxes(), { ...volcanoOptions, jobs: 1 });
    expect(Math.max(...serial.points.map((p) => p.replicas))).toBeGreaterThan(2);
    expect(serial.points.every((p) => p.chemistry?.water?.turnoverWindowPerSiteHz && p.observables.exchange)).toBe(true);
    const parallel = await runSweep(scene(), volcanoAxes(), { ...volcanoOptions, jobs: 2 });
    expect(numbers(parallel)).toBe(numbers(serial));
    const shards = [];
    for (const k of [2, 1]) shards.push({ file: `shard-${k}.json`, result: JSON.parse(JSON.stringify(await runSweep(scene(), volcanoAxes(), { ...volcanoOptions, jobs: 1, shard: { k, n: 2 } }))) });
    expect(numbers(mergeSweeps(shards))).toBe(numbers(JSON.parse(JSON.stringify(serial))));
  });
});
