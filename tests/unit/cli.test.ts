// The ionhop command as a user runs it: bad files give a readable message and
// a non-zero exit code with no stack trace; a preset gives parseable JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASS_SIGMAS } from '../../src/validate/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatValidationTable } from '../../src/cli/validateCommand';
import { ionhopHere } from '../helpers/cliHere';

const root = fileURLToPath(new URL('../../', import.meta.url));

function ionhop(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/ionhop.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}


afterEach(() => vi.restoreAllMocks());

/** A stack trace shows frames like "    at foo (file.ts:1:2)". */
const STACK_FRAME = /^\s+at\s/m;

describe('ionhop run with bad input', () => {
  const bad = readdirSync(join(root, 'tests/fixtures')).filter((f) => f.startsWith('bad-')).sort();
  for (const f of bad) {
    it(`${f}: exit code 2, names the file, no stack trace`, async () => {
      const r = await ionhopHere('run', join(root, 'tests/fixtures', f), '--quiet');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${f} is not a valid ionhop scene`);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stdout).toBe('');
    });
  }

  it('names the field path and the allowed range', () => {
    const r = ionhop('run', 'tests/fixtures/bad-negative-temperature.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('temperature: temperature must lie in (0, 5000] K (got -5)');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a missing file exits with code 2 and says so', () => {
    const r = ionhop('run', 'tests/fixtures/no-such-scene.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scene file not found: tests/fixtures/no-such-scene.json');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown option gets commander’s message and a non-zero exit', async () => {
    const r = await ionhopHere('run', 'scenes/classroom-random-walk.json', '--bogus');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('an engine that cannot run the scene exits with code 2 and says why', async () => {
    const r = await ionhopHere('run', 'scenes/lattice-gas.json', '--engine', 'gpu-walkers', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ionhop: engine gpu-walkers cannot run this scene: /);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown engine kind is refused with the list of choices', async () => {
    const r = await ionhopHere('run', 'scenes/classroom-random-walk.json', '--engine', 'quantum');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cpu, gpu-walkers, gpu-lattice/);
  });
});

describe('ionhop run on a preset', () => {
  it('--json prints one JSON object with a positive D*, the scene, the seed and the version', () => {
    const r = ionhop('run', 'scenes/classroom-random-walk.json', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(out.ionhop).toBe(pkg.version);
    expect(out.seed).toBe(2026);
    expect(out.scene.name).toMatch(/random walk/);
    expect(out.replicas).toBe(8);
    const zn = out.observables.species.find((s: { species: string }) => s.species === 'Zn2+');
    expect(zn.tracer.cm2PerS.value).toBeGreaterThan(0);
    expect(zn.tracer.cm2PerS.se).toBeGreaterThan(0);
    expect(zn.collective.cm2PerS.value).toBeGreaterThan(0);
    expect(zn.msd.total.mean.length).toBe(out.observables.samples.tS.length);
    expect(out.observables.errorMethod.tracer).toMatch(/replicas/);
  });

  it('the human summary and --csv files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionhop-csv-'));
    const r = await ionhopHere('run', 'scenes/classroom-random-walk.json', '--replicas', '2', '--seed', '5', '--csv', dir, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tracer D\*\s+\(\d\.\d+ ± \d\.\d+\)e-10 cm²\/s/);
    expect(r.stdout).toContain('seed 5');
    expect(r.stdout).toContain('standard error of the mean over 2 independent replicas');
    const msd = readFileSync(join(dir, 'msd.csv'), 'utf8').trim().split('\n');
    expect(msd[0]).toBe('t_s,t_se_s,Zn2+_msd_x_A2,Zn2+_msd_x_se_A2,Zn2+_msd_y_A2,Zn2+_msd_y_se_A2,Zn2+_msd_total_A2,Zn2+_msd_total_se_A2');
    expect(msd.length).toBe(101 + 1);
    const profile = readFileSync(join(dir, 'profile.csv'), 'utf8').trim().split('\n');
    expect(profile[0]).toBe('layer,position_x_A,Zn2+_occupancy,Zn2+_occupancy_se');
    expect(profile.length).toBe(32 + 1);
  });
});

describe('ionhop run under a field and region potentials', () => {
  it('reports drift, mobility, conductivity and the centred D in --json, the summary and drift.csv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionhop-drift-'));
    const json = await ionhopHere('run', 'tests/fixtures/good-drift.json', '--json', '--quiet');
    expect(json.code, json.stderr).toBe(0);
    const drift = JSON.parse(json.stdout).observables.drift;
    expect(drift.field).toEqual({ axis: 'x', strengthVPerA: 0.002 });
    expect(drift.species.map((s: { species: string }) => s.species)).toEqual(['Zn2+', 'H+']);
    for (const sp of drift.species) {
      // Cations drift along +x at 0.002 V/Å (q·F·a/kBT = 0.23 for Zn2+): many SE above zero.
      expect(sp.velocityAPerS.x.value).toBeGreaterThan(0);
      expect(sp.mobilityCm2PerVs.value).toBeGreaterThan(0);
      expect(sp.centredTracer.cm2PerS.value).toBeGreaterThan(0);
      expect(sp.centredTracer.cm2PerS.se).toBeGreaterThan(0);
    }
    expect(drift.conductivity.measuredSPerCm.value).toBeGreaterThan(0);
    expect(drift.conductivity.nernstEinsteinSPerCm.value).toBeGreaterThan(0);
    expect(drift.notes.diffusivities).toMatch(/includes the drift/);
    const text = await ionhopHere('run', 'tests/fixtures/good-drift.json', '--csv', dir, '--quiet');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/D \(centred MSD\)\s+\(\d\.\d+ ± \d\.\d+\)e-\d+ cm²\/s\s+drift removed; the tracer D\* above includes it/);
    expect(text.stdout).toMatch(/mobility v\/F\s+\(\d\.\d+ ± \d\.\d+\)e-\d+ cm²\/\(V·s\)/);
    expect(text.stdout).toMatch(/σ\/σ_NE\s+\d/);
    const csv = readFileSync(join(dir, 'drift.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('quantity,species,axis,value,se,unit');
    expect(csv.some((row) => /^drift_velocity,Zn2\+,x,\d/.test(row))).toBe(true);
    expect(csv.some((row) => /^conductivity,all,x,\d[^,]*,\d[^,]*,S\/cm$/.test(row))).toBe(true);
  });

  it('prints no drift block for an undriven scene', async () => {
    const r = await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('centred');
    expect(r.stdout).not.toContain('conductivity');
  });
});

describe('ionhop validate', () => {
  it('rejects an unknown case with the list of cases', async () => {
    const r = await ionhopHere('validate', '--case', 'no-such-case');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown validation case "no-such-case"');
    expect(r.stderr).toContain('random-walk');
  });

  it('runs one case as a JSON report', async () => {
    const r = await ionhopHere('validate', '--case', 'fermi-dirac', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.passed).toBe(true);
    expect(out.checks).toHaveLength(2);
    for (const c of out.checks) expect(Math.abs(c.measured - c.theory)).toBeLessThan(PASS_SIGMAS * c.se + c.systematic);
  });

  it('prints the table: case, theory, measured ± SE, deviation, systematic, pass/fail', () => {
    const mk = (pass: boolean, measured: number) => ({ case: 'demo', quantity: 'D*', unit: 'cm²/s', theory: 1e-8, measured, se: 1e-10, systematic: 0, deviationSe: (measured - 1e-8) / 1e-10, pass, note: '' });
    const table = formatValidationTable({ engine: 'cpu', checks: [mk(true, 1.01e-8), mk(false, 1.1e-8)], skipped: [], wallTimeS: {}, passed: false });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^case\s+quantity\s+theory\s+measured ± SE\s+dev\/SE\s+systematic\s+result/);
    expect(lines[2]).toMatch(/demo\s+D\* \(cm²\/s\)\s+1\.000e-8\s+1\.010e-8 ± 1\.0e-10\s+1\.00\s+0\s+pass/);
    expect(lines[3]).toMatch(/10\.00\s+0\s+FAIL$/);
    expect(table).toContain('1 of 2 checks FAIL');
  });
});
