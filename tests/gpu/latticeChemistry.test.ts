// Lubrication and water dissociation on gpu-lattice: the WGSL kernel (Dawn,
// software Vulkan) and its TypeScript twin must end in the same state bit for
// bit; lubricated species hop in their own sub-steps (the lubricating ions stay
// frozen), reaction sub-steps create and annihilate OH-/H+ pairs, and the
// dissociation/recombination counters account for every change of the OH- and
// H+ populations.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { GpuLatticeEngine, scheduleMoves } from '../../src/engine/gpu/gpuLatticeEngine';
import { EngineUnsupportedError } from '../../src/engine/engine';
import { hopGroups } from '../../src/gpu/lattice/chemistry';
import { MOVE_HOP, MOVE_REACTION } from '../../src/gpu/layouts';

function model(scene: SceneInput): RateModel {
  return compileRateModel(validateScene(scene));
}

/** Zn2+ and H+ mobile in two regions, Zn2+ lubricated by H+ (mode any or sum). */
function lubricatedScene(type: 'square' | 'triangular', mode: 'any' | 'sum', shift = -0.06): SceneInput {
  return {
    ionhop: 1,
    name: 'lubricated Zn2+',
    lattice: type === 'square' ? { type, size: [12, 8], spacing: 3, boundary: ['periodic', 'periodic'] } : { type, size: [9, 6], spacing: 3, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 3,
    run: { time: 1e-6 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: 3 }, species: { 'Zn2+': { siteEnergy: 0.02, barrier: 0.3 }, 'H+': { barrier: 0.26 } } },
      { name: 'B', species: { 'Zn2+': { barrier: 0.31 }, 'H+': { siteEnergy: 0.01, barrier: 0.27 } } },
    ],
    populations: [{ species: 'Zn2+', count: 20 }, { species: 'H+', count: 20 }],
    lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: shift, mode }],
  };
}

/** A surface row, a host row with mobile H+, Zn2+ beside them as a catalyst; reflecting along y. */
function reactionScene(catalyst: boolean): SceneInput {
  return {
    ionhop: 1,
    name: 'water dissociation',
    lattice: { type: 'square', size: [16, 6], spacing: 3, boundary: ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 9,
    run: { time: 1e-6 },
    regions: [
      { name: 'surface', slab: { axis: 'y', from: 0, to: 1 }, species: { 'OH-': { siteEnergy: -0.9, barrier: 0.4 }, 'Zn2+': { barrier: 0.3 } } },
      { name: 'host', species: { 'H+': { siteEnergy: 0.05, barrier: 0.28 }, 'Zn2+': { barrier: 0.3 } } },
    ],
    reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: 0.35, bepSlope: 0.5, pKw: 14, ...(catalyst ? { catalyst: { species: 'Zn2+', barrierShift: -0.06 } } : {}) }],
    populations: [{ species: 'Zn2+', count: 12 }, { species: 'H+', region: 'host', count: 6 }],
  };
}

async function pair(m: RateModel, seedNumber: number, stepFraction?: number) {
  const occupancy = initialOccupancy(m, seedNumber);
  const opts = { seed: `test:${seedNumber}`, seedNumber, stepFraction };
  const gpu = await GpuLatticeEngine.create(m, occupancy, { ...opts, executor: 'gpu' });
  const twin = await GpuLatticeEngine.create(m, occupancy, { ...opts, executor: 'twin' });
  gpu.logDispatches = true;
  return { gpu, twin };
}

async function expectSameState(a: GpuLatticeEngine, b: GpuLatticeEngine) {
  const [ia, ib] = [await a.ions(), await b.ions()];
  expect(Array.from(ia.site)).toEqual(Array.from(ib.site));
  expect(Array.from(ia.displacement)).toEqual(Array.from(ib.displacement));
  expect(Array.from(await a.occupancy())).toEqual(Array.from(await b.occupancy()));
  expect(Array.from(await a.eventCountsByKind())).toEqual(Array.from(await b.eventCountsByKind()));
  expect(Array.from(await a.eventCounts())).toEqual(Array.from(await b.eventCounts()));
  expect(Array.from(await a.crossings())).toEqual(Array.from(await b.crossings()));
  expect(a.time).toBe(b.time);
  expect(a.events).toBe(b.events);
}

const countOf = (occ: Uint8Array, s: number) => occ.reduce((n, o) => n + (o === s + 1 ? 1 : 0), 0);

describe('gpu-lattice lubrication: kernel vs twin (bit for bit)', () => {
  it('Zn2+ and H+ hop in separate sub-steps (two hop groups)', () => {
    const m = model(lubricatedScene('square', 'any'));
    const groups = hopGroups(m);
    const zn = m.speciesNames.indexOf('Zn2+');
    const h = m.speciesNames.indexOf('H+');
    expect(groups.group[zn]).not.toBe(groups.group[h]);
    expect(scheduleMoves(m)).toBe(4 * 2 * groups.count);
  });

  // "sum" shifts by λ·Λ with Λ up to 8 on the triangular lattice: λ = −0.02 eV keeps every saddle above its sites.
  for (const [type, mode, shift] of [['square', 'any', -0.06], ['triangular', 'sum', -0.02]] as const) {
    it(`${type} lattice, mode "${mode}": same state, and lubrication speeds Zn2+ up`, async () => {
      const m = model(lubricatedScene(type, mode, shift));
      const { gpu, twin } = await pair(m, 5, 0.5);
      for (const e of [gpu, twin]) await e.advance({ time: 600.5 * e.substepTime });
      await expectSameState(gpu, twin);
      // Every hop sub-step moved one group only.
      for (const d of gpu.dispatchLog) if (d.move === MOVE_HOP) expect([1, 2, 4]).toContain(d.speciesMask & 3);
      // Without lubrication (same seed, same schedule length) Zn2+ hops less often.
      const plain = model(lubricatedScene(type, mode, 0));
      const ref = await GpuLatticeEngine.create(plain, initialOccupancy(plain, 5), { seed: 'test:5', seedNumber: 5, executor: 'twin', stepFraction: 0.5 });
      await ref.advance({ time: gpu.time });
      const zn = m.speciesNames.indexOf('Zn2+');
      expect((await gpu.eventCounts())[zn]).toBeGreaterThan((await ref.eventCounts())[zn]);
      gpu.dispose();
    });
  }

  it('refuses self-lubrication and two rules for one species, naming the feature and the cpu engine', async () => {
    const self = model({ ...lubricatedScene('square', 'any'), lubrication: [{ species: 'Zn2+', by: 'Zn2+', saddleShift: -0.05, mode: 'any' }] });
    await expect(GpuLatticeEngine.create(self, initialOccupancy(self, 1), { seed: 'x', executor: 'twin' })).rejects.toThrow(/lubrication of Zn2\+ by itself.*--engine cpu/);
    const two = model({ ...lubricatedScene('square', 'any'), lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: -0.05, mode: 'any' }, { species: 'Zn2+', by: 'OH-', saddleShift: -0.02, mode: 'any' }] });
    await expect(GpuLatticeEngine.create(two, initialOccupancy(two, 1), { seed: 'x', executor: 'twin' })).rejects.toThrow(EngineUnsupportedError);
  });
});

describe('gpu-lattice water dissociation: kernel vs twin (bit for bit)', () => {
  it('an empty lattice dissociates water (no ion placed at the start)', async () => {
    const m = model({ ...reactionScene(false), populations: [{ species: 'Zn2+', count: 0 }] });
    const { gpu, twin } = await pair(m, 3, 1);
    for (const e of [gpu, twin]) await e.advance({ time: 200 * e.substepTime });
    await expectSameState(gpu, twin);
    expect((await gpu.reactionCounts()).dissociations).toBeGreaterThan(0);
    gpu.dispose();
  });

  for (const catalyst of [false, true]) {
    it(`pairs form and recombine${catalyst ? ' next to a Zn2+ catalyst' : ''}; OH- and H+ counts follow the reaction counters`, async () => {
      const m = model(reactionScene(catalyst));
      const oh = m.speciesNames.indexOf('OH-');
      const h = m.speciesNames.indexOf('H+');
      const { gpu, twin } = await pair(m, 7, 0.5);
      const start = await gpu.occupancy();
      for (const e of [gpu, twin]) await e.advance({ time: 800.5 * e.substepTime });
      await expectSameState(gpu, twin);
      expect(gpu.dispatchLog.some((d) => d.move === MOVE_REACTION)).toBe(true);
      const { dissociations, recombinations } = await gpu.reactionCounts();
      expect(dissociations).toBeGreaterThan(0);
      expect(recombinations).toBeGreaterThan(0);
      const now = await gpu.occupancy();
      expect(countOf(now, oh) - countOf(start, oh)).toBe(dissociations - recombinations);
      expect(countOf(now, h) - countOf(start, h)).toBe(dissociations - recombinations);
      const kinds = await gpu.eventCountsByKind();
      expect(kinds[2]).toBe(dissociations + recombinations);
      // Every OH- made sits on the surface row (y = 0).
      for (let i = 0; i < now.length; i++) if (now[i] === oh + 1) expect(Math.floor(i / 16)).toBe(0);
      gpu.dispose();
    });
  }
});

describe('gpu-lattice lubrication leaves equilibrium exact', () => {
  // 16 Zn2+ and 16 H+ on two 4×8 stripes, Zn2+ 0.04 eV higher in B, no interactions: the H+ fill
  // the sites the Zn2+ leave in C(48, 16) ways whatever the Zn2+ do, so exactly
  // P(n_A) ∝ C(32, n_A)·C(32, 16 − n_A)·e^{−0.04·(16 − n_A)/kT}. Lubrication (λ = −0.02 eV, "any") is a symmetric
  // saddle shift, so the Zn2+ occupancy of each stripe must equal it at any step (here α = 1, where a wrong,
  // asymmetric shift would show most; λ = −0.02 eV keeps the lubricated hops within e^{0.06/kT} of the slowest, so
  // the run stays short on the software driver). SE over 16 replicas; systematic 0.
  it('stripe occupancies of Zn2+ and H+ equal the exact canonical values at α = 1', async () => {
    const { runScene } = await import('../../src/run/runScene');
    const { KB_EV_PER_K } = await import('../../src/model/rateModel');
    const kT = KB_EV_PER_K * 300;
    const binom = (n: number, k: number) => { let c = 1; for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1); return c; };
    let norm = 0;
    let meanA = 0;
    for (let n = 0; n <= 16; n++) {
      const w = binom(32, n) * binom(32, 16 - n) * Math.exp((-0.04 * (16 - n)) / kT);
      norm += w;
      meanA += w * n;
    }
    meanA /= norm;
    const theory = { znA: meanA / 32, znB: (16 - meanA) / 32, hA: (16 * (32 - meanA)) / 48 / 32 };
    const hopRate = (barrier: number) => 1e13 * Math.exp(-barrier / kT);
    const result = await runScene(validateScene({
      ionhop: 1,
      name: 'lubricated stripes',
      lattice: { type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'periodic'] },
      temperature: 300,
      attemptFrequency: 1e13,
      seed: 77,
      // ~30 Zn2+ hops per ion at the slow (unlubricated, uphill) rate.
      run: { time: 30 / (4 * hopRate(0.34)), samples: 50, replicas: 16 },
      regions: [
        { name: 'A', slab: { axis: 'x', from: 0, to: 4 }, species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.3 } } },
        { name: 'B', species: { 'Zn2+': { siteEnergy: 0.04, barrier: 0.3 }, 'H+': { barrier: 0.3 } } },
      ],
      lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: -0.02, mode: 'any' }],
      // Placed near the exact split (n_A ≈ 12.3 Zn2+, 6.6 H+ in A), so the short run has no transient to wash out.
      populations: [{ species: 'Zn2+', region: 'A', count: 12 }, { species: 'Zn2+', region: 'B', count: 4 }, { species: 'H+', region: 'A', count: 7 }, { species: 'H+', region: 'B', count: 9 }],
      observe: { fitFrom: 0.2 },
    }), { engine: 'gpu-lattice', tuning: { stepFraction: 1 } });
    const occ = (name: string, r: number) => result.observables.species.find((s) => s.species === name)!.regionOccupancy[r].occupancy;
    for (const [label, measured, exact] of [['Zn2+ A', occ('Zn2+', 0), theory.znA], ['Zn2+ B', occ('Zn2+', 1), theory.znB], ['H+ A', occ('H+', 0), theory.hA]] as const) {
      const detail = `${label}: exact ${exact}, measured ${measured.value} ± ${measured.se}`;
      if (process.env.IONHOP_TEST_VERBOSE) console.log(detail);
      expect(measured.se / exact, detail).toBeLessThan(0.08);
      expect(Math.abs(measured.value - exact), detail).toBeLessThan(4 * measured.se);
    }
  });
});
