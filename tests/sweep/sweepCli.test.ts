// `ionhop sweep`, `merge` and `plot` as a user types them: --set parsing, errors
// that name the path, the value and what is allowed (exit code 2), the table,
// CSV with provenance and figures with labelled axes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { axisValues, parseAxis, parsePath, sweepGrid, withValue } from '../../src/sweep/axes';
import { pointSeed } from '../../src/sweep/seeds';
import { weightedLine } from '../../src/sweep/fits';
import { randomWalkScene, twoLayerScene } from './scenes';
import { ionhopHere } from '../helpers/cliHere';


afterEach(() => vi.restoreAllMocks());

describe('--set axes', () => {
  it('parses paths with species names and indices', () => {
    expect(parsePath('regions[1].species.Zn2+.barrier')).toEqual(['regions', 1, 'species', 'Zn2+', 'barrier']);
    expect(parsePath('lattice.size[0]')).toEqual(['lattice', 'size', 0]);
    expect(() => parsePath('regions..barrier')).toThrow(/empty key/);
    expect(() => parsePath('regions[x]')).toThrow(/unexpected/);
  });

  it('spaces values linearly or in log with exact ends', () => {
    expect(axisValues(0.3, 0.6, 4, false)).toEqual([0, 1, 2, 3].map((k) => (k === 3 ? 0.6 : 0.3 + (k * (0.6 - 0.3)) / 3)));
    const log = parseAxis('temperature=100:10000:3:log').values;
    expect(log[0]).toBe(100);
    expect(log[1]).toBeCloseTo(1000, 9);
    expect(log[2]).toBe(10000);
    expect(() => parseAxis('temperature=0:300:3:log')).toThrow(/log range needs from > 0/);
    expect(() => parseAxis('temperature=250:300')).toThrow(/<from>:<to>:<n>/);
    expect(() => parseAxis('temperature=250:300:0')).toThrow(/n must be a whole number in \[1, 10000\]/);
  });

  it('takes the product in --set order or zips', () => {
    const a = parseAxis('temperature=300:400:2');
    const b = parseAxis('attemptFrequency=1e12:1e13:3:log');
    expect(sweepGrid([a, b], false).map((p) => p.values)).toEqual([
      [300, 1e12], [300, b.values[1]], [300, 1e13], [400, 1e12], [400, b.values[1]], [400, 1e13],
    ]);
    expect(() => sweepGrid([a, b], true)).toThrow(/--zip needs the same number of values/);
    expect(sweepGrid([a, parseAxis('seed=1:2:2')], true).map((p) => p.values)).toEqual([[300, 1], [400, 2]]);
  });

  it('writes into the generic JSON and names what is there when a path is wrong', () => {
    const scene = twoLayerScene();
    const out = withValue(scene, parseAxis('regions[1].species.Zn2+.barrier=0.5:0.5:1'), 0.5) as ReturnType<typeof twoLayerScene>;
    expect(out.regions[1].species['Zn2+'].barrier).toBe(0.5);
    expect(scene.regions[1].species['Zn2+'].barrier).toBe(0.3);
    // A field left at its default (siteEnergy) may be set.
    expect((withValue(scene, parseAxis('regions[0].species.Zn2+.siteEnergy=0.1:0.1:1'), 0.1) as typeof out).regions[0].species['Zn2+']).toEqual({ barrier: 0.3, siteEnergy: 0.1 });
    expect(() => withValue(scene, parseAxis('regions[5].species.Zn2+.barrier=1:1:1'), 1)).toThrow(/index \[5\] is out of range; "regions" holds 2 entries/);
    expect(() => withValue(scene, parseAxis('regions[0].specie.Zn2+.barrier=1:1:1'), 1)).toThrow(/has no key "specie"; it has "name", "slab", "species"/);
    expect(() => withValue(scene, parseAxis('lattice=1:1:1'), 1)).toThrow(/holds an object/);
  });

  it('derives distinct, reproducible seeds per point', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => pointSeed(7, i));
    expect(new Set(seeds).size).toBe(1000);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(pointSeed(7, 3)).toBe(seeds[3]);
    expect(pointSeed(8, 3)).not.toBe(seeds[3]);
  });

  it('fits a weighted line with formal errors and χ²', () => {
    // Exact line y = 2 − 3x with σ = 0.1: χ² = 0; slope SE = sqrt(Σw / Δ).
    const x = [0, 1, 2, 3];
    const fit = weightedLine(x, x.map((v) => 2 - 3 * v), [0.1, 0.1, 0.1, 0.1]);
    expect(fit.slope.value).toBeCloseTo(-3, 12);
    expect(fit.intercept.value).toBeCloseTo(2, 12);
    expect(fit.chi2).toBeCloseTo(0, 12);
    expect(fit.slope.se).toBeCloseTo(0.1 / Math.sqrt(5), 12);
    expect(fit.dof).toBe(2);
  });
});

describe('ionhop sweep on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ionhop-sweep-'));
  const sceneFile = join(dir, 'walk.json');
  writeFileSync(sceneFile, JSON.stringify({ ...randomWalkScene(3), run: { events: 40 * 100, samples: 10, replicas: 4 } }));

  it('rejects a value the scene does not allow, naming the --set path, the value and the range (exit 2)', async () => {
    const r = await ionhopHere('sweep', sceneFile, '--set', 'regions[0].species.Zn2+.barrier=-0.2:0.3:3', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/regions\[0\]\.species\.Zn2\+\.barrier/);
    expect(r.stderr).toMatch(/\[0, 50\] eV/);
    expect(r.stderr).toMatch(/-0\.2/);
    expect(r.stderr).not.toMatch(/^\s+at\s/m);
    const bad = await ionhopHere('sweep', sceneFile, '--set', 'regions[0].barrier=0.1:0.2:2', '--quiet');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/regions\[0\]\.barrier: unknown key/);
    expect((await ionhopHere('sweep', sceneFile, '--quiet')).code).toBe(2);
    const seed = await ionhopHere('sweep', sceneFile, '--set', 'seed=1:4:4', '--quiet');
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/--set seed: every point derives its own seed/);
    expect((await ionhopHere('sweep', sceneFile, '--set', 'temperature=300:400:3', '--shard', '4/3', '--quiet')).code).toBe(2);
  });

  it('prints the table with the Arrhenius fit, writes CSV with provenance and figures, and plot redraws them', async () => {
    const csv = join(dir, 'csv');
    const svg = join(dir, 'arrhenius.svg');
    const table = await ionhopHere('sweep', sceneFile, '--set', 'temperature=300:600:3', '--jobs', '1', '--csv', csv, '--plot', svg, '--quiet');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Arrhenius fit of Zn2\+ D\* \(weighted, 3 points\): Ea = /);
    expect(table.stdout.split('\n').filter((l) => /^\d+\s+\d/.test(l))).toHaveLength(3);
    const rows = readFileSync(join(csv, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^index,temperature,ionhop_version,scene_sha256,engine,seed,replicas,reached_target,wall_time_s,Zn2\+_dstar_cm2_s/);
    expect(rows).toHaveLength(4);
    expect(readFileSync(join(csv, 'fits.csv'), 'utf8')).toMatch(/^arrhenius,Zn2\+,Ea,/m);
    const figure = readFileSync(svg, 'utf8');
    expect(figure).toMatch(/^<svg/);
    expect(figure).toContain('1000 / T (1/K)');
    expect(figure).toContain('tracer D* (cm²/s)');
    expect(readFileSync(join(dir, 'arrhenius.msd.svg'), 'utf8')).toContain('time t (s)');
    expect(readFileSync(join(dir, 'arrhenius.profile.svg'), 'utf8')).toContain('position along');

    const json = await ionhopHere('sweep', sceneFile, '--set', 'temperature=300:600:3', '--jobs', '1', '--json', '--quiet');
    const result = JSON.parse(json.stdout);
    expect(result.kind).toBe('ionhop-sweep');
    expect(result.points.map((p: { seed: number }) => p.seed)).toEqual([0, 1, 2].map((i) => pointSeed(3, i)));
    // Shards run as separate commands and joined by ionhop merge give the same points and fits.
    const shardFiles = [];
    for (const k of [1, 2]) {
      const shard = await ionhopHere('sweep', sceneFile, '--set', 'temperature=300:600:3', '--jobs', '1', '--shard', `${k}/2`, '--json', '--quiet');
      expect(shard.code).toBe(0);
      shardFiles.push(join(dir, `shard-${k}.json`));
      writeFileSync(shardFiles[k - 1], shard.stdout);
    }
    const merged = await ionhopHere('merge', ...shardFiles, '--json', '--quiet');
    expect(merged.code).toBe(0);
    const joined = JSON.parse(merged.stdout);
    const strip = (r: { points: { wallTimeS?: number }[]; fits: unknown }) => ({ points: r.points.map(({ wallTimeS: _w, ...p }) => p), fits: r.fits });
    expect(strip(joined)).toEqual(strip(result));
    const missing = await ionhopHere('merge', shardFiles[0], '--quiet');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/1 of 3 points are missing \(indices 1\); shards given: 1\/2/);

    const saved = join(dir, 'sweep.json');
    writeFileSync(saved, json.stdout);
    const png = join(dir, 'redrawn.png');
    const plot = await ionhopHere('plot', saved, '--kind', 'd', '-o', png);
    expect(plot.code).toBe(0);
    expect([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });
});
