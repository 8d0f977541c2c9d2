// The uptake figure of an open electrode: Q(t) with its SE band from the
// exchange observables, and a clear refusal for a closed scene.
import { describe, expect, it } from 'vitest';
import { figureSpec } from '../../src/sweep/plot';
import { runScene } from '../../src/run/runScene';
import { validateScene } from '../../src/model/scene/validate';
import type { SceneInput } from '../../src/model/scene/schema';

const base: SceneInput = {
  ionhop: 1,
  name: 'uptake',
  lattice: { type: 'square', size: [8, 4], spacing: 3, boundary: ['reflecting', 'periodic'] },
  temperature: 300,
  attemptFrequency: 1e13,
  seed: 2,
  run: { time: 1e-7, samples: 10, replicas: 2 },
  regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
  populations: [{ species: 'Zn2+', count: 0 }],
  electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
  reservoirs: [{ name: 'front', face: 'x-', desolvationBarrier: { 'Zn2+': 0.3 } }],
};

describe('charge (uptake) figure', () => {
  it('plots Q(t) ± SE of every sample and refuses a closed scene', async () => {
    const open = await runScene(validateScene(base));
    const spec = figureSpec(open, 'charge') as unknown as { data: { values: { t: number; q: number; lo: number; hi: number }[] } };
    const rows = spec.data.values;
    expect(rows.length).toBe(open.observables.samples.tS.length);
    expect(rows[0].q).toBe(0);
    expect(rows.at(-1)!.q).toBe(open.observables.exchange!.chargeE.mean.at(-1));
    expect(rows.at(-1)!.q).toBeGreaterThan(0);
    const closed = await runScene(validateScene({ ...base, reservoirs: [], populations: [{ species: 'Zn2+', count: 4 }] }));
    expect(() => figureSpec(closed, 'charge')).toThrow(/needs a scene with reservoir faces/);
  });
});
