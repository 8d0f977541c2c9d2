// A varying population: the exact engine's insertIon/removeIon primitives
// (what site channels that insert or remove ions execute) keep every rate and
// group exact, ion slots are never reused, and the recorder takes the tracer
// MSD only over ions present since the fit window began while profiles and
// counts use every ion present.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { ReplicaRecorder } from '../../src/observe/replicaRecorder';
import { CHANNEL_KINDS } from '../../src/model/channels';

function scene(interacting: boolean): SceneInput {
  return {
    ionhop: 1,
    name: 'population',
    lattice: { type: 'triangular', size: [9, 6], spacing: 3, boundary: ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 3,
    run: { events: 10 },
    regions: [
      { name: 'left', slab: { axis: 'x', from: 0, to: 4 }, species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.2 } } },
      { name: 'right', species: { 'H+': { barrier: 0.25 } } },
    ],
    interactions: interacting ? [{ species: ['Zn2+', 'H+'], energy: 0.05 }] : [],
    populations: [{ species: 'Zn2+', count: 8 }, { species: 'H+', count: 10 }],
  };
}

describe('varying population on the exact engine', () => {
  for (const interacting of [false, true]) {
    it(`inserts and removes ions between events with every rate exact${interacting ? ' (interactions)' : ''}`, async () => {
      const m = compileRateModel(validateScene(scene(interacting)));
      const engine = new CpuEngine(m, initialOccupancy(m, 1), 'population');
      const start = engine.ionCapacity;
      engine.advanceSync({ events: 300 });
      const occ = engine.occupancySync();
      const free = occ.findIndex((o, i) => o === 0 && m.siteRegion[i] === 0);
      const slot = engine.insertIon(free, 0);
      expect(slot).toBe(start);
      expect(engine.checkConsistency()).toBeNull();
      // Grow past the initial arrays: every free left site gets an H+.
      for (let i = 0; i < m.nSites; i++) if (engine.occupancySync()[i] === 0) engine.insertIon(i, 1);
      expect(engine.checkConsistency()).toBeNull();
      engine.advanceSync({ events: 200 });
      const taken = engine.occupancySync().findIndex((o) => o !== 0);
      const removed = engine.removeIon(taken);
      expect(engine.checkConsistency()).toBeNull();
      engine.advanceSync({ events: 300 });
      expect(engine.checkConsistency()).toBeNull();
      const ions = await engine.ions();
      expect(ions.alive![removed]).toBe(0);
      expect(ions.species.length).toBe(engine.ionCapacity);
      expect(engine.ionCount).toBe(Array.from(ions.alive!).reduce((a, b) => a + b, 0));
      const byKind = await engine.eventCountsByKind();
      expect(byKind[CHANNEL_KINDS.indexOf('hop')]).toBe(engine.events);
    });
  }
  it('refuses an occupied or forbidden site and an empty one to remove, naming the site', () => {
    const m = compileRateModel(validateScene(scene(false)));
    const engine = new CpuEngine(m, initialOccupancy(m, 1), 'population');
    const occ = engine.occupancySync();
    expect(() => engine.insertIon(occ.findIndex((o) => o !== 0), 1)).toThrow(/is occupied/);
    expect(() => engine.insertIon(occ.findIndex((o, i) => o === 0 && m.siteRegion[i] === 1), 0)).toThrow(/Zn2\+ may not sit in region "right"/);
    expect(() => engine.removeIon(occ.findIndex((o) => o === 0))).toThrow(/is empty/);
    expect(() => engine.insertIon(-1, 0)).toThrow(/site must be a whole number in \[0, 53\]/);
  });
});

describe('the recorder with a varying population', () => {
  it('keeps the tracer MSD to ions present since the window began; profiles count everyone present', () => {
    const m = compileRateModel(validateScene(scene(false)));
    const rec = new ReplicaRecorder(m, { samples: 4, fitFrom: 0.5, profileAxis: 0 });
    const state = (alive: number[], dx: number[]) => ({
      species: new Uint8Array(alive.length),
      site: Int32Array.from(alive.map((_, k) => k)),
      displacement: Int32Array.from(dx.flatMap((d) => [d, 0, 0])),
      alive: Uint8Array.from(alive),
    });
    rec.record(0, 0, state([1, 1, 1], [0, 0, 0]));
    rec.record(1, 1, state([1, 1, 1], [1, 1, 1]));
    // Window starts at sample 2: ion 2 leaves at sample 3, ion 3 arrives at sample 3.
    rec.record(2, 2, state([1, 1, 1], [2, 2, 2]));
    rec.record(3, 3, state([1, 1, 0, 1], [3, 3, 9, 5]));
    rec.record(4, 4, state([1, 1, 0, 1], [4, 4, 9, 6]));
    const out = rec.finish(new Float64Array(4), new Float64Array(3), 0);
    const a2 = 9; // spacing 3 Å; x displacement n1 of a triangular lattice is n1·a along x
    expect(out.msd[0][0][2]).toBeCloseTo(4 * a2, 9);
    // Samples 3 and 4: ions 0 and 1 only (2 left, 3 was not there when the window began).
    expect(out.msd[0][0][3]).toBeCloseTo(9 * a2, 9);
    expect(out.msd[0][0][4]).toBeCloseTo(16 * a2, 9);
    // Profiles over samples 2..4: 3 + 3 + 3 ions present.
    const present = out.profile[0].reduce((a, b) => a + b, 0) * out.profileSamples * (m.nSites / m.size[0]);
    expect(present).toBeCloseTo(9, 9);
  });
});
