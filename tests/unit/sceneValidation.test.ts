// Bad scene files give a SceneError naming the field path and what is allowed;
// the presets validate.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSceneText, SceneError } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

function issuesOf(name: string) {
  try {
    parseSceneText(fixture(name), name);
  } catch (e) {
    expect(e).toBeInstanceOf(SceneError);
    return { issues: (e as SceneError).issues, message: (e as SceneError).message };
  }
  throw new Error(`${name} was accepted`);
}

const cases: { file: string; path: string; allowed: RegExp }[] = [
  { file: 'bad-negative-temperature.json', path: 'temperature', allowed: /\(0, 5000\] K/ },
  { file: 'bad-missing-barrier.json', path: 'regions[0].species.Zn2+.barrier', allowed: /required/ },
  { file: 'bad-nan-barrier.json', path: 'regions[0].species.Zn2+.barrier', allowed: /must be a number/ },
  { file: 'bad-unknown-species.json', path: 'regions[0].species.Li+', allowed: /allowed: Zn2\+, H\+, OH-/ },
  { file: 'bad-overlapping-regions.json', path: 'regions[1]', allowed: /must not overlap/ },
  { file: 'bad-region-outside-box.json', path: 'regions[1].slab', allowed: /0 ≤ from < to ≤ 8/ },
  { file: 'bad-too-many-ions.json', path: 'populations[0].count', allowed: /only 64 free sites/ },
  { file: 'bad-unknown-key.json', path: 'temprature', allowed: /unknown key/ },
  { file: 'bad-invalid-json.json', path: '', allowed: /not valid JSON/ },
];

describe('scene validation of bad files', () => {
  for (const c of cases) {
    it(`${c.file}: names ${c.path || '(top level)'} and what is allowed`, () => {
      const { issues, message } = issuesOf(c.file);
      const hit = issues.find((i) => i.path === c.path);
      expect(hit, JSON.stringify(issues)).toBeDefined();
      expect(hit!.message).toMatch(c.allowed);
      // The formatted message names the file and the path for the user.
      expect(message).toContain(c.file);
      if (c.path) expect(message).toContain(c.path);
    });
  }

  it('every bad fixture is covered above', () => {
    const bad = readdirSync(new URL('../fixtures/', import.meta.url)).filter((f) => f.startsWith('bad-'));
    expect(bad.sort()).toEqual(cases.map((c) => c.file).sort());
  });

  it('shows the offending value', () => {
    const { message } = issuesOf('bad-negative-temperature.json');
    expect(message).toContain('got -5');
  });
});

describe('presets and good fixtures', () => {
  const presets = readdirSync(new URL('../../scenes/', import.meta.url)).filter((f) => f.endsWith('.json'));
  it('ships the three presets', () => {
    expect(presets.length).toBeGreaterThanOrEqual(3);
  });
  for (const f of [...presets.map((p) => `../../scenes/${p}`), '../fixtures/good-minimal.json']) {
    it(`${f} validates and compiles`, () => {
      const scene = parseSceneText(readFileSync(new URL(f, import.meta.url), 'utf8'), f);
      const model = compileRateModel(scene);
      expect(model.nSites).toBeGreaterThan(0);
      // Ions at the start, or a reservoir face that lets them in (an electrode that starts empty).
      const ions = model.populations.reduce((s, p) => s + p.count, 0);
      expect(ions > 0 || (model.channels.reservoir?.activity.some((a) => a > 0) ?? false)).toBe(true);
    });
  }
});
