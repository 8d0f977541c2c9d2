// Fuzz: a few hundred scenes mutated from the presets (fixed seed). Each one is
// either refused with exit code 2, a field named and no stack trace, or
// accepted and then runs a few events to a finite result.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { SceneError, validateScene } from '../../src/model/scene/validate';
import { runScene } from '../../src/run/runScene';
import { ionhopHere, root, STACK_FRAME } from './helpers';

const SCENES = 400;
/** Values a careless or hostile file might hold, edge cases of every kind. */
const VALUES: unknown[] = [
  0, -1, 1, 2, 3, 0.5, -0.5, 1.5, 7, 64, 100, 101, 1e-9, 5e-324, 1e-300, 1e12, 1e13, 1e308, -1e308, 65536, 4294967296, 2 ** 53,
  '', 'x', '8', 'Zn2+', 'H+', 'OH-', 'host', 'toString', '__proto__', 'constructor', 'a\u001b[2Jb', 'red; x:url(y)', '#fff',
  null, true, false, [], [0], [8, 8], [8, 8, 8], {}, { barrier: 0.3 },
];

type Json = unknown;

function paths(node: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(node)) node.forEach((v, i) => paths(v, [...at, i], out));
  else if (node && typeof node === 'object') for (const k of Object.keys(node)) paths((node as Record<string, Json>)[k], [...at, k], out);
  return out;
}

/** One to three random edits: scale a number a little (often still valid), replace a value, delete a key, add an unknown key, empty a list, or scale a number a lot. */
function mutate(scene: Json, rng: () => number): Json {
  const copy = structuredClone(scene) as Record<string, Json>;
  const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)];
  const edits = 1 + Math.floor(rng() * 3);
  for (let e = 0; e < edits; e++) {
    const path = pick(paths(copy).filter((p) => p.length > 0));
    const parent = path.slice(0, -1).reduce<Json>((n, k) => (n as Record<string | number, Json>)[k], copy) as Record<string | number, Json>;
    const key = path[path.length - 1];
    const op = rng();
    if (typeof parent[key] === 'number' && rng() < 0.5) parent[key] = (parent[key] as number) * pick([0.5, 0.9, 1.1, 2, 3]);
    else if (op < 0.55) parent[key] = structuredClone(pick(VALUES));
    else if (op < 0.7 && !Array.isArray(parent)) delete parent[key];
    else if (op < 0.8 && !Array.isArray(parent)) parent[pick(['temprature', 'extra', 'species', 'color'])] = pick(VALUES);
    else if (op < 0.9 && Array.isArray(parent[key])) (parent[key] as Json[]).length = 0;
    else if (typeof parent[key] === 'number') parent[key] = (parent[key] as number) * pick([-1, 0, 10, 1000, 1e100]);
    else parent[key] = structuredClone(pick(VALUES));
  }
  return copy;
}

describe('fuzz: mutated presets are refused cleanly or run to a finite result', () => {
  it(`${SCENES} scenes, seed 7`, async () => {
    const rng = seedrandom.alea('ionhop-fuzz-7');
    const presets = readdirSync(join(root, 'scenes')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(root, 'scenes', f), 'utf8')));
    const dir = mkdtempSync(join(tmpdir(), 'ionhop-fuzz-'));
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < SCENES; n++) {
      const scene = mutate(presets[n % presets.length], rng);
      const text = JSON.stringify(scene);
      let valid = true;
      try {
        validateScene(JSON.parse(text));
      } catch (e) {
        expect(e, `scene ${n}: ${text.slice(0, 300)}`).toBeInstanceOf(SceneError);
        valid = false;
      }
      if (!valid) {
        const file = join(dir, `scene-${n}.json`);
        writeFileSync(file, text);
        const r = await ionhopHere('run', file, '--quiet');
        expect(r.code, `scene ${n}: ${r.stderr}`).toBe(2);
        expect(r.stderr, `scene ${n}`).toMatch(/^ionhop: .*is not a valid ionhop scene:\n {2}\S/);
        expect(r.stderr, `scene ${n}`).not.toMatch(STACK_FRAME);
        expect(r.stderr, `scene ${n}: raw control character`).not.toMatch(/\u001b/);
        refused++;
        continue;
      }
      // A few events, one replica, whatever budget the mutation left in run. A protocol (validated above)
      // needs run.time alone, so the short event-capped run goes without it.
      const { protocol: _protocol, ...withoutProtocol } = JSON.parse(text) as Record<string, Json>;
      const parsed = validateScene({ ...withoutProtocol, run: { events: 20, samples: 4, replicas: 1 } });
      const result = await runScene(parsed);
      expect(Number.isFinite(result.observables.simulatedTimeS.value), `scene ${n}: ${text.slice(0, 300)}`).toBe(true);
      expect(result.observables.eventsPerReplica.value).toBeLessThanOrEqual(20);
      accepted++;
    }
    // Both branches are exercised: at least 5 % of the scenes each way. The exact
    // counts follow from the seed and the set of presets, which grows.
    if (process.env.IONHOP_TEST_VERBOSE) console.log(`fuzz: ${accepted} accepted, ${refused} refused`);
    expect(accepted).toBeGreaterThan(SCENES / 20);
    expect(refused).toBeGreaterThan(SCENES / 20);
  });
});
