// Regression tests for the defects of issue 7: each failed before its fix.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import { parseSceneText, validateScene } from '../../src/model/scene/validate';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { GpuWalkersEngine } from '../../src/engine/gpu/gpuWalkersEngine';
import { NonFiniteRateError } from '../../src/engine/engine';
import { progressChunkEvents, runScene } from '../../src/run/runScene';
import { aggregateReplicas } from '../../src/observe/aggregate';
import type { ReplicaObservables } from '../../src/observe/replicaRecorder';
import { MAX_SCENE_DATA_BYTES, packSceneText, unpackSceneText } from '../../src/app/urlState';
import { baseScene, ionhopHere, issuesOf, root } from './helpers';

describe('defect 1: every engine honours run.events and the sample grid, or refuses', () => {
  it('gpu-walkers refuses the event-sampled H2V3O8 | MXene preset with exit 2 instead of reporting D* = 0 ± 0', async () => {
    const r = await ionhopHere('run', 'scenes/h2v3o8-mxene.json', '--engine', 'gpu-walkers', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/engine gpu-walkers cannot run this scene: run\.events = 20000 .*give run\.time/);
    expect(r.stdout).toBe('');
  });

  it('gpu-lattice refuses an event cap on a time-sampled run', async () => {
    const s = baseScene();
    s.run = { time: 1e-6, events: 500, samples: 4, replicas: 1 };
    await expect(runScene(validateScene(s), { engine: 'gpu-lattice' })).rejects.toThrow(/run\.events = 500 caps the run/);
  });

  it('the CPU engine lands every sample on the event grid exactly', async () => {
    const s = baseScene();
    s.run = { events: 1000, samples: 7, replicas: 2 };
    const r = await runScene(validateScene(s));
    expect(r.observables.eventsPerReplica.value).toBe(1000);
    expect(r.observables.eventsPerReplica.se).toBe(0);
  });
});

describe('defect 2: rates and clocks stay finite', () => {
  const refused = (mutate: (s: ReturnType<typeof baseScene>) => void, path: RegExp, message: RegExp) => {
    const s = baseScene();
    mutate(s);
    const issues = issuesOf(s);
    expect(issues, 'accepted').not.toBeNull();
    expect(issues!.some((i) => path.test(i.path) && message.test(i.message)), JSON.stringify(issues)).toBe(true);
  };

  it('a field of 1 V/Å at 100 Å spacing is refused, naming field.strength', () =>
    refused((s) => ((s.lattice.spacing = 100), (s.field = { axis: 'x', strength: 1 })), /field\.strength/, /above the largest ionhop can clock/));
  it('pair energies of ±15 eV on a crowded lattice are refused, naming the interaction', () =>
    refused((s) => ((s.populations[0].count = 40), (s.interactions = [{ species: ['Zn2+', 'Zn2+'], energy: -15 }])), /interactions\[0\]\.energy/, /shift it by up to ±22\.5 eV/));
  it('T = 5e-324 K with barrier 0 is refused: kB·T underflows', () =>
    refused((s) => ((s.temperature = 5e-324), (s.regions[0].species['Zn2+'].barrier = 0)), /^temperature$/, /underflows/));
  it('a 19.1 eV barrier at 300 K is refused before its clock overflows', () =>
    refused((s) => (s.regions[0].species['Zn2+'].barrier = 19.1), /regions\[0\]\.species\.Zn2\+\.barrier/, /below the smallest ionhop can clock.*below 15\.66 eV/));
  it('the presets and ordinary barriers pass', () => {
    const s = baseScene();
    s.regions[0].species['Zn2+'].barrier = 15;
    expect(issuesOf(s)).toBeNull();
  });

  it('the CPU stepping loop stops with a clear error on an infinite rate instead of an internal error', async () => {
    const model = compileRateModel(validateScene(baseScene()));
    model.hopRate.fill(Infinity);
    expect(() => new CpuEngine(model, initialOccupancy(model, 1, 0), 'x').advanceSync({ events: 10 })).toThrow(NonFiniteRateError);
  });

  it('the GPU walkers loop refuses a clock that cannot advance instead of spinning', async () => {
    const s = baseScene();
    s.run = { time: 1, samples: 1, replicas: 1 };
    const model = compileRateModel(validateScene(s));
    const engine = await GpuWalkersEngine.create(model, initialOccupancy(model, 1, 0), { seed: 'x', executor: 'twin', ticksPerDispatch: 32 });
    // A clock so far on that a batch of dispatches (µs each) is below its rounding step.
    await engine.advance({ time: 1e-12 });
    Object.defineProperty(engine, '_time', { value: 1e30, writable: true });
    await expect(engine.advance({ time: 2e30 })).rejects.toThrow(/clock cannot advance/);
    engine.dispose();
  });
});

describe('defect 3: species names are looked up as own keys', () => {
  for (const name of ['toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty']) {
    it(`"${name}" is refused in regions[].species and interactions[].species`, () => {
      const inRegion = baseScene();
      // Written as JSON text so that "__proto__" becomes an own key, as in a file.
      const text = JSON.stringify(inRegion).replace('"Zn2+":{', `"${name}":{"barrier":0.3},"Zn2+":{`);
      const regionIssues = issuesOf(JSON.parse(text));
      expect(regionIssues?.some((i) => i.path === `regions[0].species.${name}`), JSON.stringify(regionIssues)).toBe(true);
      const inInteraction = baseScene();
      inInteraction.interactions = [{ species: [name, 'H+'], energy: 1 }];
      const interactionIssues = issuesOf(inInteraction);
      expect(interactionIssues?.some((i) => i.path === 'interactions[0].species[0]'), JSON.stringify(interactionIssues)).toBe(true);
    });
  }
});

describe('defect 4: --csv is checked before the run, written atomically, and never costs the result', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'ionhop-trust-'));

  it('a file, a path under a file and an empty path are refused up front with exit 2', async () => {
    const dir = tmp();
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    for (const [dest, message] of [[file, /is a file, not a directory/], [join(file, 'sub'), /cannot (use this path|write there)/], ['', /--csv needs a directory path/]] as const) {
      const r = await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--csv', dest, '--quiet');
      expect(r.code, dest).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout, 'refused before running').toBe('');
    }
  });

  it('a read-only directory is refused up front (skipped as root, who may write anywhere)', async () => {
    if (process.getuid?.() === 0) return;
    const dir = tmp();
    chmodSync(dir, 0o500);
    const r = await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--csv', dir, '--quiet');
    chmodSync(dir, 0o700);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write there/);
  });

  it('a failed second write leaves both old files in place, and --json is printed anyway', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'msd.csv'), 'old msd\n');
    writeFileSync(join(dir, 'profile.csv'), 'old profile\n');
    // The temporary profile file cannot be created: a directory sits on its name.
    mkdirSync(join(dir, `profile.csv.tmp-${process.pid}`));
    const r = await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--csv', dir, '--json', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/writing the CSV files failed .*the result above is complete/);
    expect(JSON.parse(r.stdout).observables.species[0].species).toBe('Zn2+');
    expect(readFileSync(join(dir, 'msd.csv'), 'utf8')).toBe('old msd\n');
    expect(readFileSync(join(dir, 'profile.csv'), 'utf8')).toBe('old profile\n');
    expect(readdirSync(dir).sort()).toEqual(['msd.csv', 'profile.csv', `profile.csv.tmp-${process.pid}`]);
  });
});

describe('defect 6: messages and exit codes', () => {
  it('a UTF-8 byte-order mark does not make a valid scene invalid', () => {
    const text = readFileSync(`${root}tests/fixtures/good-minimal.json`, 'utf8');
    expect(parseSceneText(`\uFEFF${text}`).name).toBe('fixture base');
  });

  it('control characters in names are refused and never reach the terminal raw', async () => {
    const s = baseScene();
    s.name = 'evil\u001b[2Jname';
    s.regions[0].species['Zn2+\u001b[31m'] = { barrier: 0.3 };
    const dir = mkdtempSync(join(tmpdir(), 'ionhop-trust-'));
    writeFileSync(join(dir, 'scene.json'), JSON.stringify(s));
    const r = await ionhopHere('run', join(dir, 'scene.json'), '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name: name must not contain control characters/);
    expect(r.stderr).toContain('\\u001b');
    expect(r.stderr).not.toContain('\u001b');
  });

  it('--seed "" is refused instead of taken as 0; usage errors exit 2', async () => {
    const empty = await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--seed', '', '--quiet');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--seed must be a whole number in \[0, 4294967295\] \(got ""\)/);
    expect((await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--bogus')).code).toBe(2);
    expect((await ionhopHere('run')).code).toBe(2);
    expect((await ionhopHere('run', 'tests/fixtures/good-minimal.json', '--replicas', '1e3')).code).toBe(2);
  });

  it('a population that fits for some seeds only is refused by validation, not at run time', () => {
    const s = baseScene();
    s.lattice.size = [4, 4];
    s.regions = [
      { name: 'A', slab: { axis: 'y', from: 0, to: 2 }, species: { 'Zn2+': { barrier: 0.3 } } },
      { name: 'B', species: { 'Zn2+': { barrier: 0.3 } } },
    ];
    // The first 8 ions land anywhere in A ∪ B (16 sites); then B's 8 sites are all free only by luck.
    s.populations = [{ species: 'Zn2+', count: 8 }, { species: 'Zn2+', region: 'B', count: 8 }];
    const issues = issuesOf(s);
    expect(issues?.find((i) => i.path === 'populations[1].count')?.message, JSON.stringify(issues)).toMatch(/only 0 free sites remain .* for every seed/);
    // One fewer ion in the first population still fails for some seed, so it is refused too; none at all fits.
    s.populations[0].count = 0;
    expect(issuesOf(s)).toBeNull();
  });

  it('field errors name the field, the value given and what is allowed', () => {
    const s = baseScene();
    s.lattice.size = ['8', 8];
    s.regions.push({ name: 'b', slab: { axis: 'x', from: 'a', to: 2 }, species: {} });
    s.seed = '1';
    s.observe = { profileAxis: 'w' };
    const issues = issuesOf(s)!;
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['lattice.size[0]'].message).toMatch(/whole number in \[1, 65536\]/);
    expect(byPath['regions[1].slab.from'].message).toMatch(/whole site index ≥ 0/);
    expect(byPath.seed.message).toMatch(/\[0, 4294967295\]/);
    expect(byPath['observe.profileAxis'].message).toMatch(/one of "x", "y", "z"/);
    for (const i of issues) expect((i as { value?: unknown }).value, i.path).toBeDefined();
  });
});

describe('defect 7: degenerate estimators say "not defined" with the reason; frozen runs say frozen', () => {
  it('one ion on a 2×2 reflecting lattice: no negative D_σ or Haven ratio, a confinement reason instead', async () => {
    const s = baseScene();
    s.lattice = { type: 'square', size: [2, 2], spacing: 3, boundary: ['reflecting', 'reflecting'] };
    s.populations = [{ species: 'Zn2+', count: 1 }];
    s.run = { time: 1e-6, samples: 50, replicas: 4 };
    const r = await runScene(validateScene(s));
    const zn = r.observables.species[0];
    expect(zn.collective.a2PerS.value).toBeNaN();
    expect(zn.havenRatio.value).toBeNaN();
    expect(zn.tracer.a2PerS.value).toBeNaN();
    expect(zn.notDefined.collective).toMatch(/^confined: the MSD along [xy] reaches .* of its limit L²\/6/);
    expect(JSON.parse(JSON.stringify(r)).observables.species[0].havenRatio.value).toBeNull();
    const out = await ionhopHere('run', writeScene(s), '--quiet');
    expect(out.stdout).toMatch(/collective D_σ\s+not defined/);
    expect(out.stdout).toMatch(/not defined: confined/);
  });

  it('a run where nothing can hop says frozen in the summary and the JSON', async () => {
    const s = baseScene();
    s.regions = [
      { name: 'cage', box: { from: [3, 3], to: [4, 4] }, species: { 'Zn2+': { barrier: 0.3 } } },
      { name: 'wall', species: {} },
    ];
    s.populations = [{ species: 'Zn2+', region: 'cage', count: 1 }];
    s.run = { time: 1e-6, samples: 10, replicas: 2 };
    const file = writeScene(s);
    const json = JSON.parse((await ionhopHere('run', file, '--json', '--quiet')).stdout);
    expect(json.observables.frozen).toBe(true);
    expect(json.observables.species[0].frozen).toBe(true);
    expect(json.observables.species[0].tracer.a2PerS).toEqual({ value: 0, se: 0 });
    expect(json.observables.species[0].notDefined.havenRatio).toMatch(/^frozen/);
    expect((await ionhopHere('run', file, '--quiet')).stdout).toMatch(/FROZEN: no ion hopped/);
  });
});

function writeScene(scene: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ionhop-trust-')), 'scene.json');
  writeFileSync(file, JSON.stringify(scene));
  return file;
}

describe('defect 8: shared links cannot inject CSS or exhaust memory', () => {
  it('a region color accepts CSS colour syntax only', () => {
    const withColour = (color: string) => {
      const s = baseScene();
      s.regions[0].color = color;
      return issuesOf(s);
    };
    for (const ok of ['#e69f00', '#abc', '#aabbccdd', 'rgb(10, 20, 30)', 'rgba(10 20 30 / 50%)', 'hsl(200deg 50% 40%)', 'teal']) expect(withColour(ok), ok).toBeNull();
    for (const bad of ['red; position:fixed; inset:0', 'url(https://example.invalid/x.png)', 'red}body{display:none', '#12345', 'rgb(1,2,3);x:y', 'expression(alert(1))']) {
      expect(withColour(bad)?.[0].message, bad).toMatch(/region color must be a CSS colour/);
    }
  });

  it('sceneData is decompressed with a size cap', async () => {
    const huge = ' '.repeat(MAX_SCENE_DATA_BYTES + 1);
    const packed = await packSceneText(huge);
    expect(packed.length).toBeLessThan(20_000); // a short link...
    await expect(unpackSceneText(packed)).rejects.toThrow(/decompresses to more than 1048576 bytes/); // ...that would expand a thousandfold
    expect(await unpackSceneText(await packSceneText('{"a":1}'))).toBe('{"a":1}');
  });
});

describe('defect 5: memory and expected events are estimated up front; progress keeps coming', () => {
  it('1e5 samples × 1024 replicas are refused with the estimate and the setting that fits', async () => {
    const s = baseScene();
    s.run = { time: 1e-9, samples: 100000, replicas: 1024 };
    const r = await ionhopHere('run', writeScene(s), '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.samples, run\.replicas: 100000 samples × 1024 replicas need about 2\d\.\d GB .*\(2\d\.\d MB per replica\).*use run\.samples ≤ \d+ or run\.replicas \(--replicas\) ≤ \d+/);
  });

  it('run.time = 1e308 is refused with the expected events and the run.time that can finish', async () => {
    const s = baseScene();
    s.run = { time: 1e308, samples: 10, replicas: 1 };
    await expect(runScene(validateScene(s))).rejects.toThrow(/run\.time = 1e\+308 s means about .* events per replica; at most 1e\+12 can finish: give run\.time ≤ /);
  });

  it('progress arrives between samples, however long a sample interval is', async () => {
    const s = baseScene();
    const chunk = progressChunkEvents({ nSites: 64 });
    s.run = { events: 3 * chunk, samples: 1, replicas: 1 };
    const fractions: number[] = [];
    await runScene(validateScene(s), { onProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.filter((f) => f > 0 && f < 1).length).toBeGreaterThanOrEqual(2);
  });

  it('aggregating 2 replicas × 1e5 samples takes seconds, not a minute (linear in the samples)', () => {
    const s = baseScene();
    s.populations = [{ species: 'Zn2+', count: 1 }];
    const model = compileRateModel(validateScene(s));
    const K = 100_001;
    const N_SPECIES = model.nSpecies;
    const series = () => Array.from({ length: N_SPECIES }, () => [0, 1, 2].map(() => Float64Array.from({ length: K }, (_, k) => k * 0.5)));
    const replica = (): ReplicaObservables => ({
      times: Float64Array.from({ length: K }, (_, k) => k * 1e-9),
      count: Int32Array.from({ length: N_SPECIES }, (_, s) => (s === 0 ? 1 : 0)),
      msd: series(),
      com2: series(),
      com: series(),
      profile: Array.from({ length: N_SPECIES }, () => new Float64Array(8)),
      regionOccupancy: Array.from({ length: N_SPECIES }, () => new Float64Array(1)),
      profileSamples: K,
      crossings: new Float64Array(1),
      events: Float64Array.from({ length: N_SPECIES }, (_, s) => (s === 0 ? K : 0)),
      totalEvents: K,
    });
    const started = performance.now();
    const o = aggregateReplicas(model, [replica(), replica()], 0.2, 0);
    // Quadratic lags took ~60 s here; linear ones take well under a second. 15 s leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(o.species[0].tracer.a2PerS.value).toBeGreaterThan(0);
  });
});

describe('defect 6: a file name with control characters is escaped too', () => {
  it('a missing file named with an escape sequence', async () => {
    const r = await ionhopHere('run', 'no-such-\u001b[2J.json', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scene file not found: no-such-\\u001b[2J.json');
    expect(r.stderr).not.toContain('\u001b');
  });
});
