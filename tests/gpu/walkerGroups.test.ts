// Grouped walkers (many sweep points and replicas in one dispatch): every group
// must end in exactly the state of its replica run alone on gpu-walkers, and the
// WGSL must equal its twin bit for bit.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import type { Engine } from '../../src/engine/engine';
import { GpuWalkersEngine } from '../../src/engine/gpu/gpuWalkersEngine';
import { WalkerGroupRun, type WalkerGroupSpec } from '../../src/engine/gpu/walkerGroups';

/** Two regions with an interface, reflecting x walls, two species; barrier and temperature set per point. */
function pointScene(barrier: number, temperature: number): SceneInput {
  return {
    ionhop: 1,
    name: 'grouped point',
    lattice: { type: 'square', size: [20, 12], spacing: 3, boundary: ['reflecting', 'periodic'] },
    temperature,
    attemptFrequency: 1e13,
    seed: 3,
    run: { time: 1e-6 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: 10 }, species: { 'Zn2+': { barrier }, 'H+': { siteEnergy: 0.05, barrier: 0.25 } } },
      { name: 'B', species: { 'Zn2+': { siteEnergy: -0.05, barrier: 0.3 }, 'H+': { barrier: 0.3 } } },
    ],
    interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.38 } }],
    populations: [{ species: 'Zn2+', count: 9 }, { species: 'H+', count: 3 }],
    field: { axis: 'x', strength: 0.01 },
  };
}

/** Points with different barriers and temperatures (Γ differs by decades), two replicas of one point, a frozen-free mix. */
function specs(): WalkerGroupSpec[] {
  const points: [number, number, number][] = [[0.2, 300, 0], [0.35, 400, 0], [0.35, 400, 1], [0.5, 250, 0]];
  return points.map(([barrier, temperature, replica], k) => {
    const model = compileRateModel(validateScene(pointScene(barrier, temperature)));
    const seedNumber = 100 + k;
    return { model, occupancy: initialOccupancy(model, seedNumber, replica), seedNumber, replica, ticksPerDispatch: 24 };
  });
}

/** The same advance({time}) calls on each engine, all engines together (the grouped ones meet at a barrier). */
async function drive(engines: Engine[], times: number[]): Promise<void> {
  await Promise.all(engines.map(async (e) => {
    for (const t of times) await e.advance({ time: t });
  }));
}

async function stateOf(e: Engine) {
  const ions = await e.ions();
  return {
    site: Array.from(ions.site), displacement: Array.from(ions.displacement),
    events: e.events, time: e.time, counts: Array.from(await e.eventCounts()), crossings: Array.from(await e.crossings()),
  };
}

async function alone(spec: WalkerGroupSpec, executor: 'gpu' | 'twin'): Promise<GpuWalkersEngine> {
  return GpuWalkersEngine.create(spec.model, spec.occupancy, { seed: 'unused', seedNumber: spec.seedNumber, replica: spec.replica, ticksPerDispatch: spec.ticksPerDispatch, executor });
}

// Sample times: short ones end on partial dispatches; the last lasts ~1700 dispatches of λ = 24 for the
// fastest group (Δt ≈ 1.2 ns), so it also crosses WALKERS_MAX_BATCH within one advance.
const SAMPLE_TIMES = [3.3e-10, 1e-9, 2.5e-9, 2e-6];

describe('grouped walkers: many points in one dispatch', () => {
  it('every group equals its replica run alone on gpu-walkers (twin), bit for bit', async () => {
    const groupSpecs = specs();
    const run = await WalkerGroupRun.create(groupSpecs, { executor: 'twin' });
    const times = SAMPLE_TIMES;
    const engines = run.groupEngines();
    await drive(engines, times);
    for (let g = 0; g < groupSpecs.length; g++) {
      const single = await alone(groupSpecs[g], 'twin');
      await drive([single], times);
      expect(await stateOf(engines[g])).toEqual(await stateOf(single));
      single.dispose();
    }
    // The points differ: the fast one hops far more than the slow one.
    expect(engines[0].events).toBeGreaterThan(10 * engines[3].events);
    expect(engines[1].events).not.toBe(engines[2].events);
    // The last advance of the fastest group crossed WALKERS_MAX_BATCH full dispatches.
    expect(run.dispatches).toBeGreaterThan(1024);
    run.dispose();
  });

  it('WGSL grouped run equals the twin grouped run and the WGSL single runs, bit for bit', async () => {
    const groupSpecs = specs();
    const times = SAMPLE_TIMES;
    const gpu = await WalkerGroupRun.create(groupSpecs, { executor: 'gpu' });
    const twin = await WalkerGroupRun.create(groupSpecs, { executor: 'twin' });
    const [ge, te] = [gpu.groupEngines(), twin.groupEngines()];
    await drive(ge, times);
    await drive(te, times);
    for (let g = 0; g < groupSpecs.length; g++) expect(await stateOf(ge[g])).toEqual(await stateOf(te[g]));
    const single = await alone(groupSpecs[1], 'gpu');
    await drive([single], times);
    expect(await stateOf(ge[1])).toEqual(await stateOf(single));
    expect(ge[1].events).toBeGreaterThan(0);
    single.dispose();
    gpu.dispose();
    twin.dispose();
  });

  it('refuses groups on different lattices and event budgets, naming why', async () => {
    const [a] = specs();
    const other = pointScene(0.3, 300);
    other.lattice = { type: 'square', size: [20, 14], spacing: 3, boundary: ['reflecting', 'periodic'] };
    const model = compileRateModel(validateScene(other));
    await expect(WalkerGroupRun.create([a, { model, occupancy: initialOccupancy(model, 1), seedNumber: 1, replica: 0 }], { executor: 'twin' })).rejects.toThrow(/group 1: .*same lattice, regions and species/);
    const run = await WalkerGroupRun.create([a], { executor: 'twin' });
    await expect(run.groupEngines()[0].advance({ events: 10 })).rejects.toThrow(/advances by time only/);
    run.dispose();
  });
});
