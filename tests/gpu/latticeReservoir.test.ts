// Reservoir faces on gpu-lattice: the WGSL kernel (Dawn, software Vulkan) and
// its TypeScript twin must end in the same state bit for bit, with ions
// entering and leaving at the faces; the insertion/removal counters must
// account for every change of the population (N(t) − N(0) = insertions −
// removals, per species); inserted ions have no tracer slot.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { GpuLatticeEngine } from '../../src/engine/gpu/gpuLatticeEngine';
import { EngineUnsupportedError, type IonState } from '../../src/engine/engine';

/** A slab open at both x faces to electrolytes of different activities, Zn2+ and H+, two regions with potentials. */
function slabScene(edit?: (s: SceneInput) => void): SceneInput {
  const s: SceneInput = {
    ionhop: 1,
    name: 'open slab',
    lattice: { type: 'square', size: [12, 6], spacing: 3, boundary: ['reflecting', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 5,
    run: { time: 1e-6 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: 6 }, potential: 0.01, species: { 'Zn2+': { siteEnergy: 0, barrier: 0.3 }, 'H+': { siteEnergy: 0.02, barrier: 0.26 } } },
      { name: 'B', species: { 'Zn2+': { siteEnergy: -0.03, barrier: 0.32 }, 'H+': { barrier: 0.28 } } },
    ],
    populations: [{ species: 'Zn2+', count: 20 }, { species: 'H+', count: 8 }],
    electrolyte: { potential: -0.01, pH: 1, activity: { 'Zn2+': 1 } },
    reservoirs: [
      { name: 'left', face: 'x-', desolvationBarrier: { 'Zn2+': 0.3, 'H+': 0.28 } },
      { name: 'right', face: 'x+', desolvationBarrier: { 'Zn2+': 0.31 }, activity: { 'Zn2+': 0.1 } },
    ],
  };
  edit?.(s);
  return s;
}

function model(scene: SceneInput): RateModel {
  return compileRateModel(validateScene(scene));
}

async function pair(m: RateModel, seedNumber: number, stepFraction?: number) {
  const occupancy = initialOccupancy(m, seedNumber);
  const opts = { seed: `test:${seedNumber}`, seedNumber, stepFraction };
  const gpu = await GpuLatticeEngine.create(m, occupancy, { ...opts, executor: 'gpu' });
  const twin = await GpuLatticeEngine.create(m, occupancy, { ...opts, executor: 'twin' });
  return { gpu, twin };
}

async function expectSameState(a: GpuLatticeEngine, b: GpuLatticeEngine) {
  const [ia, ib] = [await a.ions(), await b.ions()];
  expect(Array.from(ia.site)).toEqual(Array.from(ib.site));
  expect(Array.from(ia.alive!)).toEqual(Array.from(ib.alive!));
  expect(Array.from(ia.displacement)).toEqual(Array.from(ib.displacement));
  expect(Array.from(ia.untracked!.site)).toEqual(Array.from(ib.untracked!.site));
  expect(Array.from(await a.occupancy())).toEqual(Array.from(await b.occupancy()));
  expect(Array.from(await a.eventCounts())).toEqual(Array.from(await b.eventCounts()));
  expect(Array.from(await a.eventCountsByKind())).toEqual(Array.from(await b.eventCountsByKind()));
  expect(Array.from(await a.crossings())).toEqual(Array.from(await b.crossings()));
  const [ra, rb] = [(await a.reservoirCounts())!, (await b.reservoirCounts())!];
  expect(Array.from(ra.insertions)).toEqual(Array.from(rb.insertions));
  expect(Array.from(ra.removals)).toEqual(Array.from(rb.removals));
  expect(a.time).toBe(b.time);
  expect(a.events).toBe(b.events);
}

function population(ions: IonState, nSpecies: number): number[] {
  const n = new Array<number>(nSpecies).fill(0);
  ions.species.forEach((s, i) => (n[s] += ions.alive![i]));
  for (const s of ions.untracked!.species) n[s]++;
  return n;
}

/** N_s(t) − N_s(0) = Σ_faces (insertions − removals) of s, and the occupancy agrees with the ion lists. */
async function expectConservation(e: GpuLatticeEngine, start: number[]) {
  const ions = await e.ions();
  const counts = (await e.reservoirCounts())!;
  const S = e.model.nSpecies;
  const now = population(ions, S);
  for (let s = 0; s < S; s++) {
    let net = 0;
    for (let f = 0; f < counts.faceNames.length; f++) net += counts.insertions[f * S + s] - counts.removals[f * S + s];
    expect(now[s] - start[s], `species ${s}`).toBe(net);
  }
  const occ = await e.occupancy();
  expect(occ.reduce((n, o) => n + (o ? 1 : 0), 0)).toBe(now.reduce((a, b) => a + b, 0));
}

describe('gpu-lattice reservoir faces: kernel vs twin (bit for bit)', () => {
  it('two faces, two species, region potentials: ions enter and leave, counters conserve, time ends on a partial sub-step', async () => {
    const m = model(slabScene());
    const { gpu, twin } = await pair(m, 11);
    const start = population(await gpu.ions(), m.nSpecies);
    for (const e of [gpu, twin]) await e.advance({ time: 1500.5 * e.substepTime });
    await expectSameState(gpu, twin);
    await expectConservation(gpu, start);
    const counts = (await gpu.reservoirCounts())!;
    const S = m.nSpecies;
    const zn = m.speciesNames.indexOf('Zn2+');
    const h = m.speciesNames.indexOf('H+');
    // Both faces exchange Zn2+; H+ crosses only the left face (the right one has no H+ barrier).
    for (const f of [0, 1]) expect(counts.insertions[f * S + zn] + counts.removals[f * S + zn]).toBeGreaterThan(0);
    expect(counts.insertions[S + h] + counts.removals[S + h]).toBe(0);
    expect(counts.insertions[h]).toBeGreaterThan(0);
    const ions = await gpu.ions();
    expect(ions.untracked!.site.length).toBeGreaterThan(0);
    // Some inserted ions moved inside (their hops count; they keep no displacement).
    const kinds = await gpu.eventCountsByKind();
    expect(kinds[0]).toBeGreaterThan(0);
    expect(kinds[1]).toBe(counts.insertions.reduce((a, b) => a + b, 0) + counts.removals.reduce((a, b) => a + b, 0));
    expect(gpu.events).toBe(kinds[0] + kinds[1]);
    gpu.dispose();
  });

  it('an open region on a honeycomb lattice (site-list colours) and a potential change mid-run (setModel)', async () => {
    const scene = (potential: number) =>
      model({
        ionhop: 1,
        name: 'open honeycomb region',
        lattice: { type: 'honeycomb', size: [6, 6], spacing: 1.8, boundary: ['reflecting', 'periodic'] },
        temperature: 320,
        attemptFrequency: 1e13,
        seed: 3,
        run: { time: 1e-6 },
        regions: [
          { name: 'edge', slab: { axis: 'x', from: 0, to: 2 }, species: { 'Zn2+': { siteEnergy: 0.01, barrier: 0.3 } } },
          { name: 'bulk', species: { 'Zn2+': { barrier: 0.29 } } },
        ],
        populations: [{ species: 'Zn2+', count: 15 }],
        electrolyte: { potential, activity: { 'Zn2+': 0.5 } },
        reservoirs: [{ name: 'edge', region: 'edge', desolvationBarrier: { 'Zn2+': 0.31 } }],
      });
    const m = scene(0);
    const { gpu, twin } = await pair(m, 4, 0.5);
    const start = population(await gpu.ions(), m.nSpecies);
    for (const e of [gpu, twin]) await e.advance({ time: 400 * e.substepTime });
    const tauBefore = gpu.substepTime;
    for (const e of [gpu, twin]) await e.setModel(scene(-0.05));
    // A more negative potential speeds Zn2+ insertion: τ must shrink with it.
    expect(gpu.substepTime).toBeLessThan(tauBefore);
    for (const e of [gpu, twin]) await e.advance({ time: e.time + 300.25 * e.substepTime });
    await expectSameState(gpu, twin);
    await expectConservation(gpu, start);
    const counts = (await gpu.reservoirCounts())!;
    expect(counts.insertions[0]).toBeGreaterThan(0);
    expect(counts.removals[0]).toBeGreaterThan(0);
    gpu.dispose();
  });

  it('an empty lattice fills through its faces (no ion placed at the start)', async () => {
    const m = model(slabScene((s) => (s.populations = [{ species: 'Zn2+', count: 0 }])));
    const { gpu, twin } = await pair(m, 2);
    for (const e of [gpu, twin]) await e.advance({ time: 500 * e.substepTime });
    await expectSameState(gpu, twin);
    await expectConservation(gpu, [0, 0, 0]);
    expect((await gpu.ions()).untracked!.site.length).toBeGreaterThan(0);
    gpu.dispose();
  });

  it('refuses a model swap that moves the faces, naming the engine to use', async () => {
    const m = model(slabScene());
    const twin = await GpuLatticeEngine.create(m, initialOccupancy(m, 1), { seed: 'x', seedNumber: 1, executor: 'twin' });
    const moved = model(slabScene((s) => (s.reservoirs = [s.reservoirs![0]])));
    await expect(twin.setModel(moved)).rejects.toThrow(EngineUnsupportedError);
    await expect(twin.setModel(moved)).rejects.toThrow(/different reservoir faces.*--engine cpu/);
  });
});
