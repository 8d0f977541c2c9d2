// runScene on the exact CPU engine: sampling modes, progress, overrides and
// reproducibility of the whole result.
import { describe, expect, it } from 'vitest';
import { runScene, type RunProgress } from '../../src/run/runScene';
import { validateScene } from '../../src/model/scene/validate';

const scene = (run: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  validateScene({
    ionhop: 1,
    name: 'two regions',
    lattice: { type: 'square', size: [12, 6], spacing: 2.5, boundary: ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e12,
    seed: 9,
    run,
    regions: [
      { name: 'left', slab: { axis: 'x', from: 0, to: 6 }, species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.2 } } },
      { name: 'right', species: { 'Zn2+': { siteEnergy: 0.02, barrier: 0.3 }, 'H+': { barrier: 0.25 } } },
    ],
    populations: [
      { species: 'Zn2+', count: 10 },
      { species: 'H+', region: 'right', count: 5 },
    ],
    ...extra,
  });

describe('runScene', () => {
  it('samples every events/samples events and records each sample time', async () => {
    const r = await runScene(scene({ events: 5000, samples: 10, replicas: 3 }));
    expect(r.sampling).toBe('events');
    const o = r.observables;
    expect(o.samples.tS).toHaveLength(11);
    for (let k = 1; k < 11; k++) expect(o.samples.tS[k]).toBeGreaterThan(o.samples.tS[k - 1]);
    expect(o.samples.tSeS[10]).toBeGreaterThan(0);
    expect(o.eventsPerReplica.value).toBe(5000);
    expect(o.species.map((s) => s.species)).toEqual(['Zn2+', 'H+']);
    const events = o.species.reduce((s, sp) => s + sp.eventsPerReplica.value, 0);
    expect(events).toBe(5000);
    // Crossings both ways between the two regions, reported by name.
    expect(o.crossings.map((c) => `${c.from}>${c.to}`).sort()).toEqual(['left>right', 'right>left']);
    expect(o.profile).toMatchObject({ axis: 'x', layers: 12 });
    expect(o.profile.positionA[11]).toBeCloseTo(27.5, 12);
    // H+ started in "right" only but may move into "left".
    const h = o.species[1];
    expect(h.profile.mean.reduce((s, v) => s + v, 0) * 6).toBeCloseTo(5, 9);
    expect(h.regionOccupancy.map((x) => x.region)).toEqual(['left', 'right']);
  });

  it('uses a uniform time grid with run.time and reports progress up to 1', async () => {
    const seen: RunProgress[] = [];
    const r = await runScene(scene({ time: 1e-6, samples: 8, replicas: 2 }), { onProgress: (p) => seen.push(p) });
    expect(r.sampling).toBe('time');
    expect(r.observables.samples.tS).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => (k * 1e-6) / 8));
    expect(r.observables.simulatedTimeS.value).toBe(1e-6);
    expect(seen).toHaveLength(16);
    for (let k = 1; k < seen.length; k++) expect(seen[k].fraction).toBeGreaterThan(seen[k - 1].fraction);
    expect(seen[seen.length - 1].fraction).toBeCloseTo(1, 12);
    expect(seen[seen.length - 1].replica).toBe(1);
  });

  it('an event cap ends a timed run early at the cap', async () => {
    const r = await runScene(scene({ time: 1, events: 300, samples: 10, replicas: 2 }));
    expect(r.observables.eventsPerReplica.value).toBe(300);
    expect(r.observables.simulatedTimeS.value).toBeLessThan(1);
  });

  it('the same scene and seed give the same result; overrides are recorded in the scene', async () => {
    const s = scene({ events: 2000, samples: 5, replicas: 2 });
    const a = await runScene(s);
    const b = await runScene(s);
    expect(b.observables).toEqual(a.observables);
    const c = await runScene(s, { seed: 10, replicas: 3 });
    expect(c.seed).toBe(10);
    expect(c.scene.seed).toBe(10);
    expect(c.scene.run.replicas).toBe(3);
    expect(c.replicas).toBe(3);
    // D along the periodic x axis (the 6-site reflecting y axis is saturated: D* is "not defined" there).
    expect(c.observables.species[0].tracer.perAxisA2PerS.x!.value).not.toBe(a.observables.species[0].tracer.perAxisA2PerS.x!.value);
    expect(JSON.parse(JSON.stringify(a)).engine).toBe('cpu');
  });

  it('one replica: values without error bars (null in JSON)', async () => {
    const r = await runScene(scene({ events: 2000, samples: 5, replicas: 1 }));
    const zn = r.observables.species[0];
    const dx = zn.tracer.perAxisA2PerS.x!;
    expect(dx.value).toBeGreaterThan(0);
    expect(dx.se).toBeNaN();
    expect(JSON.parse(JSON.stringify(dx)).se).toBeNull();
  });
});
