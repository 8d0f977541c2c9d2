// Every preset on the exact CPU engine gives, bit for bit, the observables
// recorded before the lattice/species/channel refactor (issue 8). The fixtures
// hold `ionhop run <preset> --json` output without the wall-clock and version
// fields. A field added to the observables later is allowed; every recorded
// field must come out identical (JSON keeps doubles exactly; NaN is null).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScene } from '../../src/run/runScene';
import { parseSceneText } from '../../src/model/scene/validate';

const fixtureDir = new URL('../fixtures/cpu-observables/', import.meta.url);
const sceneDirs = [new URL('../../scenes/', import.meta.url), new URL('../fixtures/refactor-scenes/', import.meta.url)];

/** Paths (a.b[3].c) where `actual` differs from `expected`, ignoring keys only `actual` has. */
function differences(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (out.length >= 5) return;
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      out.push(`${path}: expected an object/array, got ${JSON.stringify(actual)}`);
      return;
    }
    if (Array.isArray(expected) && (!Array.isArray(actual) || actual.length !== expected.length)) {
      out.push(`${path}: expected ${expected.length} entries, got ${Array.isArray(actual) ? actual.length : 'no array'}`);
      return;
    }
    for (const [key, value] of Object.entries(expected)) differences(value, (actual as Record<string, unknown>)[key], `${path}.${key}`, out);
    return;
  }
  if (!Object.is(expected, actual)) out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// The presets plus two scenes that reach what they do not: cubic, interactions, a field, reflecting faces, a timed run.
describe('preset observables on the CPU engine match the recorded fixture bit for bit', () => {
  const scenes = sceneDirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((file) => ({ dir, file })));
  it('has a fixture for every scene', () => {
    expect(readdirSync(fixtureDir).sort()).toEqual(scenes.map((s) => s.file).sort());
  });
  for (const { dir, file } of scenes) {
    it(file, async () => {
      const scene = parseSceneText(readFileSync(new URL(file, dir), 'utf8'), file);
      const result = JSON.parse(JSON.stringify(await runScene(scene, { engine: 'cpu' })));
      const expected = JSON.parse(readFileSync(new URL(file, fixtureDir), 'utf8'));
      const diff: string[] = [];
      differences(expected, result, 'result', diff);
      expect(diff).toEqual([]);
    });
  }
});
