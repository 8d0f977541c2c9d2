// The exact CPU engine: rates agree with the reference hopRateAt after many
// events, runs are reproducible, limits are exact, and the dynamics has the
// right statistics (clock, rate ratio after setModel, detailed balance).
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, KB_EV_PER_K, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { AleaStream } from '../../src/engine/cpu/aleaStream';
import { SiteRecords, RateGroups } from '../../src/engine/cpu/rateGroups';

function model(input: SceneInput): RateModel {
  return compileRateModel(validateScene(input));
}

function baseScene(extra: Partial<SceneInput> = {}): SceneInput {
  return {
    ionhop: 1,
    name: 'engine test',
    lattice: { type: 'square', size: [12, 10], spacing: 3, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 10 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', fraction: 0.5 }],
    ...extra,
  };
}

/** Three regions, three species, reflecting y, a field, a region that forbids Zn2+. */
function mixedScene(extra: Partial<SceneInput> = {}): SceneInput {
  return baseScene({
    lattice: { type: 'square', size: [12, 10], spacing: 3, boundary: ['periodic', 'reflecting'] },
    regions: [
      { name: 'A', slab: { axis: 'y', from: 0, to: 4 }, species: { 'Zn2+': { siteEnergy: 0, barrier: 0.4 }, 'H+': { siteEnergy: 0.05, barrier: 0.3 } } },
      { name: 'B', slab: { axis: 'y', from: 4, to: 7 }, species: { 'Zn2+': { siteEnergy: 0.1, barrier: 0.35 }, 'H+': { barrier: 0.2 }, 'OH-': { barrier: 0.25 } } },
      { name: 'C', species: { 'H+': { barrier: 0.3 }, 'OH-': { barrier: 0.3 } } },
    ],
    interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.32 } }],
    field: { axis: 'x', strength: 0.01 },
    populations: [{ species: 'Zn2+', fraction: 0.4 }, { species: 'H+', count: 20 }, { species: 'OH-', region: 'C', count: 5 }],
    ...extra,
  });
}

function engineFor(m: RateModel, seed = 'test', initSeed = 1): CpuEngine {
  return new CpuEngine(m, initialOccupancy(m, initSeed), seed);
}

function runChecked(engine: CpuEngine, chunks: number, eventsPerChunk: number): void {
  expect(engine.checkConsistency()).toBeNull();
  for (let c = 0; c < chunks; c++) {
    engine.advanceSync({ events: eventsPerChunk });
    expect(engine.checkConsistency()).toBeNull();
  }
}

describe('AleaStream', () => {
  it('gives the same words as seedrandom.alea', () => {
    const ref = seedrandom.alea('abc');
    const mine = new AleaStream('abc');
    for (let k = 0; k < 1000; k++) expect(mine.nextU32()).toBe(ref() * 4294967296);
  });

  it('draws uniforms in (0, 1] with mean 1/2', () => {
    const s = new AleaStream('u');
    let sum = 0;
    const n = 20000;
    let outside = 0;
    for (let k = 0; k < n; k++) {
      const u = s.uniformOpenClosed();
      if (!(u > 0 && u <= 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    // σ of the mean: sqrt(1/12 / n)
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
  });
});

describe('RateGroups', () => {
  it('keeps a 1e-45 Hz rate next to 1e6 Hz rates exactly and can pick it', () => {
    const records = new SiteRecords(1001);
    const g = new RateGroups(records);
    const setRate = (k: number, rate: number) => {
      const oldLo = records.i32[4 * k];
      const oldHi = records.i32[4 * k + 1];
      records.f64[2 * k] = rate;
      g.update(k, oldHi, oldLo);
    };
    for (let i = 0; i < 1000; i++) setRate(i, 1e6 * (1 + i / 1000));
    setRate(1000, 1e-45);
    for (let i = 0; i < 1000; i += 2) setRate(i, 0);
    const slow = RateGroups.groupOfHigh(records.i32[4 * 1000 + 1]);
    expect(g.groupSum(slow)).toBe(1e-45);
    // Exact sums: the fast groups hold exactly the remaining odd-index rates.
    let expectedFast = 0;
    for (let i = 1; i < 1000; i += 2) expectedFast += 1e6 * (1 + i / 1000);
    const total = g.total();
    expect(Math.abs(total - expectedFast) / expectedFast).toBeLessThan(1e-14);
    // Ascending order: x below the slow group's sum selects it, even at a relative 1e-54.
    expect(g.groupOfSlot[g.pick(0.5e-45)]).toBe(slow);
    expect(g.groupOfSlot[g.pick(2e-45)]).not.toBe(slow);
    // Emptied groups are exactly zero.
    setRate(1000, 0);
    expect(g.exactSumOf(slow)).toEqual([0, 0]);
    expect(g.countOf(slow)).toBe(0);
    expect(records.i32[4 * 1000 + 2]).toBe(-1);
  });
});

describe('RateGroups slots', () => {
  it('hands out storage to groups on first use, past the initial 16 slots, and keeps every sum exact', () => {
    // 100 rates 2^(10k − 500) Hz: 100 distinct groups, so the per-slot arrays grow 16 → 128.
    const n = 100;
    const records = new SiteRecords(n);
    const g = new RateGroups(records);
    const setRate = (k: number, rate: number) => {
      const oldLo = records.i32[4 * k];
      const oldHi = records.i32[4 * k + 1];
      records.f64[2 * k] = rate;
      g.update(k, oldHi, oldLo);
    };
    const rate = (k: number) => 2 ** (10 * k - 500);
    for (let k = 0; k < n; k++) setRate(k, rate(k));
    expect(g.nSlots).toBe(n + 1);
    const groupOf = (k: number) => RateGroups.groupOfHigh(records.i32[4 * k + 1]);
    for (let k = 0; k < n; k++) {
      expect(g.countOf(groupOf(k))).toBe(1);
      expect(g.groupSum(groupOf(k))).toBe(rate(k));
      expect(g.membersOf(groupOf(k))[0]).toBe(k);
    }
    // Empty the odd ones: their groups leave the active list (ascending), their slots stay assigned.
    const oddGroups = Array.from({ length: n / 2 }, (_, j) => groupOf(2 * j + 1));
    for (let k = 1; k < n; k += 2) setRate(k, 0);
    expect(g.activeGroups()).toEqual(Array.from({ length: n / 2 }, (_, j) => groupOf(2 * j)));
    for (const odd of oddGroups) {
      expect(g.exactSumOf(odd)).toEqual([0, 0]);
      expect(g.countOf(odd)).toBe(0);
    }
    // Refill one odd rate: it reuses its slot, and the smallest group is picked for x below its sum.
    setRate(1, rate(1));
    expect(g.nSlots).toBe(n + 1);
    g.total();
    expect(g.groupOfSlot[g.pick(0.5 * rate(0))]).toBe(groupOf(0));
    expect(g.groupOfSlot[g.pick(1.5 * rate(0))]).toBe(groupOf(1));
  });
});

describe('CpuEngine rates', () => {
  it('match hopRateAt after many events without interactions (periodic)', () => {
    runChecked(engineFor(model(baseScene())), 20, 200);
  });

  it('match hopRateAt with regions, reflecting walls, a field and a forbidden region', () => {
    runChecked(engineFor(model(mixedScene())), 20, 200);
  });

  it('match hopRateAt with nearest-neighbour interactions', () => {
    const m = model(mixedScene({ interactions: [{ species: ['Zn2+', 'Zn2+'], energy: 0.05 }, { species: ['Zn2+', 'H+'], energy: -0.03 }, { species: ['H+', 'OH-'], energy: -0.1 }] }));
    expect(m.hasInteractions).toBe(true);
    runChecked(engineFor(m), 20, 200);
  });

  it('match hopRateAt on a cubic lattice with interactions and a reflecting axis', () => {
    const m = model(baseScene({
      lattice: { type: 'cubic', size: [5, 4, 6], spacing: 3, boundary: ['periodic', 'periodic', 'reflecting'] },
      regions: [
        { name: 'low', slab: { axis: 'z', from: 0, to: 3 }, species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.2 } } },
        { name: 'high', species: { 'Zn2+': { siteEnergy: 0.05, barrier: 0.35 }, 'H+': { barrier: 0.25 } } },
      ],
      interactions: [{ species: ['Zn2+', 'Zn2+'], energy: 0.04 }],
      field: { axis: 'z', strength: -0.02 },
      populations: [{ species: 'Zn2+', fraction: 0.3 }, { species: 'H+', fraction: 0.2 }],
    }));
    runChecked(engineFor(m), 15, 200);
  });

  it('handles lattices two sites wide, where both directions of an axis reach the same site', () => {
    const m = model(baseScene({
      lattice: { type: 'square', size: [2, 5], spacing: 3, boundary: ['periodic', 'periodic'] },
      interactions: [{ species: ['Zn2+', 'Zn2+'], energy: 0.05 }],
    }));
    runChecked(engineFor(m), 10, 100);
  });
});

describe('CpuEngine reproducibility and limits', () => {
  it('repeats a trajectory bit for bit with the same seed and differs with another', async () => {
    const m = model(mixedScene());
    const a = engineFor(m, 's1');
    const b = engineFor(m, 's1');
    const c = engineFor(m, 's2');
    for (const e of [a, b, c]) e.advanceSync({ events: 3000 });
    const [ia, ib, ic] = await Promise.all([a.ions(), b.ions(), c.ions()]);
    expect(a.time).toBe(b.time);
    expect(Array.from(ia.site)).toEqual(Array.from(ib.site));
    expect(Array.from(ia.displacement)).toEqual(Array.from(ib.displacement));
    expect(a.time).not.toBe(c.time);
    expect(Array.from(ia.site)).not.toEqual(Array.from(ic.site));
  });

  it('numbers ions in site order of the initial occupancy', async () => {
    const m = model(mixedScene());
    const occ = initialOccupancy(m, 1);
    const e = new CpuEngine(m, occ, 'x');
    const ions = await e.ions();
    let k = 0;
    for (let i = 0; i < occ.length; i++) {
      if (occ[i] === 0) continue;
      expect(ions.site[k]).toBe(i);
      expect(ions.species[k]).toBe(occ[i] - 1);
      k++;
    }
    expect(k).toBe(ions.site.length);
  });

  it('ends a time-limited advance exactly on the limit', async () => {
    const e = engineFor(model(baseScene()));
    const r1 = await e.advance({ events: 100 });
    const limit = r1.time * 3.7;
    const r2 = await e.advance({ time: limit });
    expect(r2.stoppedBy).toBe('time');
    expect(r2.time).toBe(limit);
    expect(e.time).toBe(limit);
    expect(r2.events).toBeGreaterThan(0);
    // Events first when both are given and the event limit comes first.
    const r3 = await e.advance({ events: 5, time: limit * 1000 });
    expect(r3.stoppedBy).toBe('events');
    expect(r3.events).toBe(5);
    expect(e.events).toBe(r1.events + r2.events + 5);
  });

  it('reports frozen when no hop is possible and jumps the clock to the time limit', async () => {
    // A full lattice: every hop is blocked.
    const full = engineFor(model(baseScene({ populations: [{ species: 'Zn2+', fraction: 1 }] })));
    expect(full.totalRate()).toBe(0);
    const r = await full.advance({ events: 10, time: 2.5 });
    expect(r).toEqual({ events: 0, time: 2.5, stoppedBy: 'frozen' });
    const r2 = await full.advance({ events: 10 });
    expect(r2.stoppedBy).toBe('frozen');
    expect(r2.time).toBe(2.5);
  });

  it('never puts an ion in a forbidden region nor across a reflecting wall', () => {
    const m = model(mixedScene());
    const e = engineFor(m);
    const [nx, ny] = m.size;
    const start = Int32Array.from(e.ionStateView().site);
    let view = e.ionStateView();
    for (let k = 0; k < 40; k++) {
      e.advanceSync({ events: 100 });
      view = e.ionStateView();
      for (let ion = 0; ion < view.site.length; ion++) {
        const s = view.species[ion];
        const site = view.site[ion];
        expect(m.allowed[s * m.nRegions + m.siteRegion[site]]).toBe(1);
        // Unwrapped y stays inside the box: nothing went through the reflecting y walls.
        const y = Math.floor(start[ion] / nx) + view.displacement[3 * ion + 1];
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThan(ny);
        expect(y).toBe(Math.floor(site / nx));
      }
    }
    // Periodic x is crossed freely.
    expect(view.displacement.some((v, k) => k % 3 === 0 && Math.abs(v) >= nx)).toBe(true);
  });

  it('rejects a model with another lattice or one that forbids a present ion', async () => {
    const m = model(mixedScene());
    const e = engineFor(m);
    await expect(e.setModel(model(baseScene({ lattice: { type: 'square', size: [10, 12], spacing: 3, boundary: ['periodic', 'reflecting'] } })))).rejects.toThrow(/same lattice/);
    const noZn = model(mixedScene({ regions: [
      { name: 'A', slab: { axis: 'y', from: 0, to: 4 }, species: { 'H+': { barrier: 0.3 } } },
      { name: 'B', slab: { axis: 'y', from: 4, to: 7 }, species: { 'Zn2+': { barrier: 0.35 }, 'H+': { barrier: 0.2 }, 'OH-': { barrier: 0.25 } } },
      { name: 'C', species: { 'H+': { barrier: 0.3 }, 'OH-': { barrier: 0.3 } } },
    ], interfaces: [] }));
    await expect(e.setModel(noZn)).rejects.toThrow(/Zn2\+.*region "A"/);
  });

  it('stays within 32 bytes per site at half filling on 1000×1000', () => {
    const m = model(baseScene({ lattice: { type: 'square', size: [1000, 1000], spacing: 3, boundary: ['periodic', 'periodic'] } }));
    const e = engineFor(m);
    e.advanceSync({ events: 200000 });
    e.ionStateView();
    expect(e.memoryBytes() / m.nSites).toBeLessThanOrEqual(32);
  });
});

describe('CpuEngine dynamics', () => {
  it('selects among subnormal rates (below 2.2e-308 Hz) without hanging', () => {
    // ν = 1 Hz, 19.16 and 19.12 eV at 300 K: rates ~1e-322 Hz, deep in the subnormal floats, where a
    // group's rejection step would accept ~1e-13 of its draws; a 0.3 eV region keeps the clock finite.
    const m = model(baseScene({
      attemptFrequency: 1,
      lattice: { type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'reflecting'] },
      regions: [
        { name: 'deep', slab: { axis: 'y', from: 0, to: 4 }, species: { 'Zn2+': { barrier: 19.16 }, 'H+': { barrier: 19.12 } } },
        { name: 'host', species: { 'Zn2+': { barrier: 0.3 } } },
      ],
      populations: [{ species: 'Zn2+', region: 'deep', count: 5 }, { species: 'H+', region: 'deep', count: 5 }, { species: 'Zn2+', region: 'host', count: 3 }],
    }));
    const e = engineFor(m);
    e.advanceSync({ events: 500 });
    expect(e.checkConsistency()).toBeNull();
    // The deep ions' rates are subnormal and kept exactly in their groups.
    const rate = m.hopRate[((0 * m.nRegions + 0) * m.nRegions + 0) * m.coordination];
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1e-320);
    // Only subnormal hops left: the engine still picks them (exact scan) instead of spinning.
    const deepOnly = model(baseScene({
      attemptFrequency: 1,
      lattice: { type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'reflecting'] },
      regions: [{ name: 'deep', species: { 'Zn2+': { barrier: 19.16 }, 'H+': { barrier: 19.12 } } }],
      populations: [{ species: 'Zn2+', count: 5 }, { species: 'H+', count: 5 }],
    }));
    const d = engineFor(deepOnly);
    const r = d.advanceSync({ events: 50 });
    expect(r.events).toBe(50);
    expect(d.checkConsistency()).toBeNull();
  });

  it('freezes 3.4 eV ions while 0.4 eV ions move, with clock steps of mean 1/R', () => {
    const m = model(baseScene({
      lattice: { type: 'square', size: [16, 16], spacing: 3, boundary: ['periodic', 'periodic'] },
      regions: [
        { name: 'slow', slab: { axis: 'y', from: 0, to: 8 }, species: { 'Zn2+': { barrier: 3.4 } } },
        { name: 'fast', species: { 'Zn2+': { barrier: 0.4 } } },
      ],
      // Ions stay in their region: the bond saddle is the higher one (3.4 eV), so crossings are frozen too.
      populations: [{ species: 'Zn2+', region: 'slow', fraction: 0.5 }, { species: 'Zn2+', region: 'fast', fraction: 0.5 }],
    }));
    const e = engineFor(m);
    let view = e.ionStateView();
    const slowIons: number[] = [];
    for (let ion = 0; ion < view.site.length; ion++) if (m.siteRegion[view.site[ion]] === 0) slowIons.push(ion);
    const slowStart = slowIons.map((ion) => view.site[ion]);
    const n = 20000;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const total = e.totalRate();
      const before = e.time;
      e.advanceSync({ events: 1 });
      sum += (e.time - before) * total;
    }
    // Δt·R is Exp(1): mean 1, σ of the mean 1/sqrt(n); plus float rounding of the clock (< 1e-9).
    expect(Math.abs(sum / n - 1)).toBeLessThan(4 / Math.sqrt(n) + 1e-9);
    view = e.ionStateView();
    expect(slowIons.map((ion) => view.site[ion])).toEqual(slowStart);
    const moved = Array.from(view.site).filter((s, ion) => m.siteRegion[s] === 1 && view.displacement[3 * ion] !== 0).length;
    expect(moved).toBeGreaterThan(0);
    expect(e.checkConsistency()).toBeNull();
  });

  it('changes the hop rate by exp(−ΔEa/kT) after setModel in mid-run', () => {
    const walk = (barrier: number) =>
      model(baseScene({ regions: [{ name: 'host', species: { 'Zn2+': { barrier } } }], populations: [{ species: 'Zn2+', count: 1 }] }));
    const e = engineFor(walk(0.3));
    const n = 20000;
    const t0 = e.time;
    e.advanceSync({ events: n });
    const rate1 = n / (e.time - t0);
    e.setModelSync(walk(0.35));
    const t1 = e.time;
    e.advanceSync({ events: n });
    const rate2 = n / (e.time - t1);
    const expected = Math.exp(-0.05 / (KB_EV_PER_K * 300));
    // Each estimate: n events of a Poisson clock, relative σ = 1/sqrt(n).
    const sigma = expected * Math.sqrt(2 / n);
    expect(Math.abs(rate2 / rate1 - expected)).toBeLessThan(4 * sigma);
    expect(rate1 / (4 * 1e13 * Math.exp(-0.3 / (KB_EV_PER_K * 300)))).toBeCloseTo(1, 1);
    expect(e.events).toBe(2 * n);
  });

  it('occupies two regions in the ratio exp(−ΔE/kT) (detailed balance)', () => {
    // 2×2 sites: x periodic and two wide, so ±x both cross between the regions
    // (column x=0 "low", x=1 "high"); the y hops stay inside a region.
    const dE = 0.02;
    const m = model(baseScene({
      lattice: { type: 'square', size: [2, 2], spacing: 3, boundary: ['periodic', 'reflecting'] },
      regions: [
        { name: 'low', slab: { axis: 'x', from: 0, to: 1 }, species: { 'Zn2+': { siteEnergy: 0, barrier: 0.3 } } },
        { name: 'high', species: { 'Zn2+': { siteEnergy: dE, barrier: 0.3 } } },
      ],
      interfaces: [{ between: ['low', 'high'], barrier: { 'Zn2+': 0.25 } }],
      populations: [{ species: 'Zn2+', region: 'low', count: 1 }],
    }));
    const e = engineFor(m);
    const timeIn = [0, 0];
    const sojourns = [0, 0];
    const n = 40000;
    let where = m.siteRegion[e.ionStateView().site[0]];
    for (let k = 0; k < n; k++) {
      const before = e.time;
      e.advanceSync({ events: 1 });
      timeIn[where] += e.time - before;
      const now = m.siteRegion[e.ionStateView().site[0]];
      if (now !== where) sojourns[where]++;
      where = now;
    }
    const expected = Math.exp(-dE / (KB_EV_PER_K * 300));
    // The time spent in a region before leaving it is exponential (the leaving rate
    // does not depend on y), so the ratio of the summed times has relative σ
    // sqrt(1/n_low + 1/n_high) over the completed sojourns.
    const sigma = expected * Math.sqrt(1 / sojourns[0] + 1 / sojourns[1]);
    expect(sojourns[0]).toBeGreaterThan(10000);
    expect(Math.abs(timeIn[1] / timeIn[0] - expected)).toBeLessThan(4 * sigma);
  });
});
