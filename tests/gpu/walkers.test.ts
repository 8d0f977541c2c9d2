// The WGSL walkers kernel, run through Dawn on the software Vulkan driver,
// must end in exactly the state its TypeScript twin reaches.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSceneText, validateScene } from '../../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { GpuWalkersEngine } from '../../src/engine/gpu/gpuWalkersEngine';
import { EngineUnsupportedError } from '../../src/engine/engine';
import { acquireGpu } from '../../src/gpu/device';
import { latticeTypeScene, layeredFourSpecies } from './scenes';

function sceneModel(path: string): RateModel {
  return compileRateModel(parseSceneText(readFileSync(path, 'utf8')));
}

/** Two regions, a field along x, reflecting walls along x and y (3D when asked). */
function fieldScene(dim: 2 | 3): SceneInput {
  return {
    ionhop: 1,
    name: 'field and walls',
    lattice: dim === 2
      ? { type: 'square', size: [24, 10], spacing: 3, boundary: ['reflecting', 'reflecting'] }
      : { type: 'cubic', size: [10, 6, 4], spacing: 3, boundary: ['reflecting', 'periodic', 'reflecting'] },
    temperature: 330,
    attemptFrequency: 1e13,
    seed: 11,
    run: { time: 1e-6 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: dim === 2 ? 12 : 5 }, species: { 'Zn2+': { siteEnergy: 0, barrier: 0.35 }, 'H+': { siteEnergy: 0.05, barrier: 0.2 } } },
      { name: 'B', species: { 'Zn2+': { siteEnergy: -0.08, barrier: 0.3 }, 'H+': { siteEnergy: 0, barrier: 0.25 } } },
    ],
    interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.4 } }],
    populations: [{ species: 'Zn2+', count: dim === 2 ? 20 : 12 }, { species: 'H+', count: dim === 2 ? 4 : 3 }],
    field: { axis: 'x', strength: 0.02 },
  };
}

async function pair(model: RateModel, seedNumber: number, ticksPerDispatch = 24) {
  const occupancy = initialOccupancy(model, seedNumber);
  const opts = { seed: `test:${seedNumber}`, seedNumber, ticksPerDispatch };
  const gpu = await GpuWalkersEngine.create(model, occupancy, { ...opts, executor: 'gpu' });
  const twin = await GpuWalkersEngine.create(model, occupancy, { ...opts, executor: 'twin' });
  return { gpu, twin };
}

async function expectSameState(a: GpuWalkersEngine, b: GpuWalkersEngine) {
  const [ia, ib] = [await a.ions(), await b.ions()];
  expect(Array.from(ia.site)).toEqual(Array.from(ib.site));
  expect(Array.from(ia.displacement)).toEqual(Array.from(ib.displacement));
  expect(Array.from(await a.eventCounts())).toEqual(Array.from(await b.eventCounts()));
  expect(Array.from(await a.crossings())).toEqual(Array.from(await b.crossings()));
  expect(Array.from(await a.occupancy())).toEqual(Array.from(await b.occupancy()));
  expect(a.time).toBe(b.time);
  expect(a.events).toBe(b.events);
}

describe('walkers kernel vs TypeScript twin (bit for bit)', () => {
  it('finds a WebGPU adapter (fails loudly rather than skipping)', async () => {
    const ctx = await acquireGpu();
    expect(ctx.adapterName.length).toBeGreaterThan(0);
  });

  it('2D field, two regions with an interface override, reflecting walls', async () => {
    const model = compileRateModel(validateScene(fieldScene(2)));
    const { gpu, twin } = await pair(model, 5);
    const dt = gpu.walkerTiming.dt;
    for (const e of [gpu, twin]) {
      await e.advance({ time: 7.5 * dt }); // ends on a partial dispatch
      await e.advance({ time: 20 * dt });
    }
    await expectSameState(gpu, twin);
    expect(gpu.events).toBeGreaterThan(100); // Γ is set by the fast H+; Zn2+ hops rarely
    const crossings = await gpu.crossings();
    expect(crossings[1] + crossings[2]).toBeGreaterThan(0);
    gpu.dispose();
  });

  it('3D cubic lattice (8 slots, 6 directions)', async () => {
    const model = compileRateModel(validateScene(fieldScene(3)));
    const { gpu, twin } = await pair(model, 9, 40);
    for (const e of [gpu, twin]) await e.advance({ events: 3000 });
    await expectSameState(gpu, twin);
    expect(gpu.events).toBeGreaterThanOrEqual(3000);
    gpu.dispose();
  });

  it('layered lattice with four declared species and an interlayer barrier', async () => {
    const input = layeredFourSpecies();
    input.populations = [{ species: 'Zn2+', count: 6 }, { species: 'Zn(H2O)6 2+', count: 4 }, { species: 'NH4+', count: 4 }, { species: 'Mg2+', count: 4 }];
    const model = compileRateModel(validateScene(input));
    const { gpu, twin } = await pair(model, 13, 40);
    for (const e of [gpu, twin]) await e.advance({ events: 3000 });
    await expectSameState(gpu, twin);
    expect(Array.from(await gpu.eventCounts()).every((n) => n > 0)).toBe(true);
    gpu.dispose();
  });

  for (const type of ['triangular', 'honeycomb'] as const) {
    it(`${type} lattice: steps from the direction table`, async () => {
      const model = compileRateModel(validateScene(latticeTypeScene(type, [{ species: 'Zn2+', count: 6 }, { species: 'H+', count: 3 }])));
      const { gpu, twin } = await pair(model, 15, 40);
      for (const e of [gpu, twin]) await e.advance({ events: 3000 });
      await expectSameState(gpu, twin);
      gpu.dispose();
    });
  }

  it('H2V3O8 | MXene heterointerface preset, and a barrier change mid-run', async () => {
    const model = sceneModel('scenes/h2v3o8-mxene.json');
    const { gpu, twin } = await pair(model, 27);
    for (const e of [gpu, twin]) await e.advance({ events: 2000 });
    await expectSameState(gpu, twin);
    // Lower the H2V3O8 barrier (3.4 → 1.2 eV): tables rebuilt, run goes on, ions cross.
    const scene = parseSceneText(readFileSync('scenes/h2v3o8-mxene.json', 'utf8'));
    scene.regions[0].species['Zn2+']!.barrier = 1.2;
    const lowered = compileRateModel(scene);
    for (const e of [gpu, twin]) {
      await e.setModel(lowered);
      await e.advance({ time: e.time + 40 * e.walkerTiming.dt });
    }
    await expectSameState(gpu, twin);
    const crossings = await gpu.crossings();
    expect(crossings.some((c) => c > 0)).toBe(true);
    gpu.dispose();
  });

  it('refuses dense or interacting scenes with an actionable message', async () => {
    const model = sceneModel('scenes/lattice-gas.json');
    await expect(GpuWalkersEngine.create(model, initialOccupancy(model, 1), { seed: 'x', executor: 'twin' })).rejects.toThrow(EngineUnsupportedError);
    await expect(GpuWalkersEngine.create(model, initialOccupancy(model, 1), { seed: 'x', executor: 'twin' })).rejects.toThrow(/fill 49\.9 % of the 1024 sites.*gpu-lattice or cpu/);
  });
});
