// The WGSL lattice-gas kernel, run through Dawn on the software Vulkan driver,
// must end in exactly the state its TypeScript twin reaches.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSceneText, validateScene } from '../../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { GpuLatticeEngine } from '../../src/engine/gpu/gpuLatticeEngine';
import { EngineUnsupportedError } from '../../src/engine/engine';
import { latticeTypeScene, layeredFourSpecies } from './scenes';

function sceneModel(path: string): RateModel {
  return compileRateModel(parseSceneText(readFileSync(path, 'utf8')));
}

/** Two regions with two species, a field along x, reflecting walls (odd size along y). */
function mixedScene(dim: 2 | 3): SceneInput {
  return {
    ionhop: 1,
    name: 'crowded heterostructure',
    lattice: dim === 2
      ? { type: 'square', size: [20, 11], spacing: 3, boundary: ['reflecting', 'reflecting'] }
      : { type: 'cubic', size: [8, 6, 5], spacing: 3, boundary: ['periodic', 'periodic', 'reflecting'] },
    temperature: 320,
    attemptFrequency: 1e13,
    seed: 4,
    run: { time: 1e-6 },
    regions: [
      { name: 'A', slab: { axis: dim === 2 ? 'x' : 'z', from: 0, to: dim === 2 ? 9 : 2 }, species: { 'Zn2+': { siteEnergy: 0, barrier: 0.33 }, 'H+': { siteEnergy: 0.04, barrier: 0.28 } } },
      { name: 'B', species: { 'Zn2+': { siteEnergy: -0.06, barrier: 0.3 }, 'OH-': { siteEnergy: 0, barrier: 0.31 }, 'H+': { siteEnergy: 0, barrier: 0.3 } } },
    ],
    interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.36 } }],
    populations: [{ species: 'Zn2+', fraction: 0.35 }, { species: 'H+', count: 20 }, { species: 'OH-', region: 'B', count: 8 }],
    field: { axis: 'x', strength: -0.015 },
  };
}

async function pair(model: RateModel, seedNumber: number, stepFraction?: number) {
  const occupancy = initialOccupancy(model, seedNumber);
  const opts = { seed: `test:${seedNumber}`, seedNumber, stepFraction };
  const gpu = await GpuLatticeEngine.create(model, occupancy, { ...opts, executor: 'gpu' });
  const twin = await GpuLatticeEngine.create(model, occupancy, { ...opts, executor: 'twin' });
  return { gpu, twin };
}

async function expectSameState(a: GpuLatticeEngine, b: GpuLatticeEngine) {
  const [ia, ib] = [await a.ions(), await b.ions()];
  expect(Array.from(ia.site)).toEqual(Array.from(ib.site));
  expect(Array.from(ia.displacement)).toEqual(Array.from(ib.displacement));
  expect(Array.from(await a.occupancy())).toEqual(Array.from(await b.occupancy()));
  expect(Array.from(await a.eventCounts())).toEqual(Array.from(await b.eventCounts()));
  expect(Array.from(await a.crossings())).toEqual(Array.from(await b.crossings()));
  expect(a.time).toBe(b.time);
  expect(a.events).toBe(b.events);
}

/** Exclusion holds: every ion on its own site, occupancy and ion list agree. */
async function expectExclusion(e: GpuLatticeEngine) {
  const ions = await e.ions();
  const occ = await e.occupancy();
  expect(new Set(ions.site).size).toBe(ions.site.length);
  ions.site.forEach((s, k) => expect(occ[s]).toBe(ions.species[k] + 1));
  expect(occ.reduce((n, o) => n + (o ? 1 : 0), 0)).toBe(ions.site.length);
}

describe('lattice kernel vs TypeScript twin (bit for bit)', () => {
  it('lattice-gas preset at half filling, time limit ending on a partial sub-step', async () => {
    const model = sceneModel('scenes/lattice-gas.json');
    const { gpu, twin } = await pair(model, 7);
    for (const e of [gpu, twin]) await e.advance({ time: 300.5 * e.substepTime });
    await expectSameState(gpu, twin);
    await expectExclusion(gpu);
    expect(gpu.events).toBeGreaterThan(5000);
    gpu.dispose();
  });

  it('2D two species, two regions, field, reflecting walls (odd size along y)', async () => {
    const model = compileRateModel(validateScene(mixedScene(2)));
    const { gpu, twin } = await pair(model, 3, 0.6);
    for (const e of [gpu, twin]) await e.advance({ events: 4000 });
    await expectSameState(gpu, twin);
    await expectExclusion(gpu);
    const c = await gpu.crossings();
    expect(c[1] + c[2]).toBeGreaterThan(0);
    gpu.dispose();
  });

  it('3D cubic lattice with three species', async () => {
    const model = compileRateModel(validateScene(mixedScene(3)));
    const { gpu, twin } = await pair(model, 8);
    for (const e of [gpu, twin]) await e.advance({ events: 3000 });
    await expectSameState(gpu, twin);
    await expectExclusion(gpu);
    gpu.dispose();
  });

  it('layered lattice with four declared species and an interlayer barrier', async () => {
    const model = compileRateModel(validateScene(layeredFourSpecies()));
    const { gpu, twin } = await pair(model, 12);
    for (const e of [gpu, twin]) await e.advance({ events: 3000 });
    await expectSameState(gpu, twin);
    await expectExclusion(gpu);
    expect(Array.from(await gpu.eventCounts()).every((n) => n > 0)).toBe(true);
    gpu.dispose();
  });

  for (const type of ['triangular', 'honeycomb'] as const) {
    it(`${type} lattice: pairs scheduled from its colour classes`, async () => {
      const model = compileRateModel(validateScene(latticeTypeScene(type, [{ species: 'Zn2+', fraction: 0.4 }, { species: 'H+', count: 10 }])));
      const { gpu, twin } = await pair(model, 14);
      for (const e of [gpu, twin]) await e.advance({ events: 3000 });
      await expectSameState(gpu, twin);
      await expectExclusion(gpu);
      gpu.dispose();
    });
  }

  it('H2V3O8 | MXene preset with a temperature change mid-run', async () => {
    const model = sceneModel('scenes/h2v3o8-mxene.json');
    const { gpu, twin } = await pair(model, 27);
    for (const e of [gpu, twin]) await e.advance({ events: 500 });
    await expectSameState(gpu, twin);
    const scene = parseSceneText(readFileSync('scenes/h2v3o8-mxene.json', 'utf8'));
    scene.temperature = 400;
    const hot = compileRateModel(scene);
    for (const e of [gpu, twin]) {
      await e.setModel(hot);
      await e.advance({ time: e.time + 2000 * e.substepTime });
    }
    await expectSameState(gpu, twin);
    await expectExclusion(gpu);
    gpu.dispose();
  });

  it('refuses interactions and odd periodic sizes with actionable messages', async () => {
    const withInteraction = { ...mixedScene(2), interactions: [{ species: ['Zn2+', 'Zn2+'] as [string, string], energy: 0.05 }] };
    const m1 = compileRateModel(validateScene(withInteraction));
    await expect(GpuLatticeEngine.create(m1, initialOccupancy(m1, 1), { seed: 'x', executor: 'twin' })).rejects.toThrow(/interactions.*--engine cpu/);
    const odd = { ...mixedScene(2), lattice: { type: 'square' as const, size: [20, 11], spacing: 3, boundary: ['reflecting', 'periodic'] as ('reflecting' | 'periodic')[] } };
    const m2 = compileRateModel(validateScene(odd));
    await expect(GpuLatticeEngine.create(m2, initialOccupancy(m2, 1), { seed: 'x', executor: 'twin' })).rejects.toThrow(EngineUnsupportedError);
  });
});

