// Observables on synthetic trajectories with known answers (no engine needed).
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { fitLine, fitWindow, jackknife, meanWithError } from '../../src/observe/stats';
import { ReplicaRecorder } from '../../src/observe/replicaRecorder';
import { aggregateReplicas } from '../../src/observe/aggregate';
import { RunningDiffusivity } from '../../src/observe/runningDiffusivity';
import { profileAxisOf } from '../../src/observe/profileAxis';
import { compileRateModel } from '../../src/model/rateModel';
import { validateScene } from '../../src/model/scene/validate';
import type { IonState } from '../../src/engine/engine';

function sceneWith(extra: Record<string, unknown> = {}) {
  return validateScene({
    ionhop: 1,
    name: 'synthetic',
    lattice: { type: 'square', size: [8, 4], spacing: 2, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { time: 1, samples: 10, replicas: 2 },
    regions: [
      { name: 'left', slab: { axis: 'x', from: 0, to: 4 }, species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.2 } } },
      { name: 'right', species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.2 } } },
    ],
    populations: [{ species: 'Zn2+', count: 2 }],
    ...extra,
  });
}

/** Independent discrete-time lattice walkers: each sample every ion takes one ±1 step along a random axis. */
function* walk(nIons: number, dim: 2 | 3, steps: number, seed: string, species: (i: number) => number = () => 0) {
  const rng = seedrandom.alea(seed);
  const state: IonState = { species: new Uint8Array(nIons).map((_, i) => species(i)), site: new Int32Array(nIons), displacement: new Int32Array(3 * nIons) };
  yield state;
  for (let k = 1; k <= steps; k++) {
    for (let i = 0; i < nIons; i++) {
      const axis = Math.floor(rng() * dim);
      state.displacement[3 * i + axis] += rng() < 0.5 ? 1 : -1;
    }
    yield state;
  }
}

describe('statistics helpers', () => {
  it('fitLine recovers an exact line and a weighted slope', () => {
    const x = [0, 1, 2, 3, 4];
    const fit = fitLine(x, x.map((v) => 3 * v - 2));
    expect(fit.slope).toBeCloseTo(3, 12);
    expect(fit.intercept).toBeCloseTo(-2, 12);
    expect(fit.slopeSe).toBeCloseTo(0, 12);
    const w = fitLine([1, 2, 3], [2, 4, 7], [1, 1, 1e-12]);
    expect(w.slope).toBeCloseTo(2, 6);
    expect(fitLine([1, 1], [2, 3]).slope).toBeNaN();
  });

  it('meanWithError and the jackknife of the mean agree', () => {
    const v = [1, 4, 2, 8, 5];
    const e = meanWithError(v);
    expect(e.value).toBe(4);
    expect(e.se).toBeCloseTo(Math.sqrt(((9 + 0 + 4 + 16 + 1) / 4) / 5), 12);
    const loo = v.map((_, r) => (20 - v[r]) / 4);
    expect(jackknife(4, loo).se).toBeCloseTo(e.se, 12);
    expect(meanWithError([3]).se).toBeNaN();
  });

  it('fitWindow excludes the early part and falls back when too short', () => {
    expect(fitWindow([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(fitWindow([0, 10], 0.5)).toEqual([0, 1]);
  });
});

describe('profile axis', () => {
  it('follows the scene, then the field, then the first slab, then x', () => {
    expect(profileAxisOf(sceneWith({ observe: { profileAxis: 'y' } }))).toBe(1);
    expect(profileAxisOf(sceneWith({ field: { axis: 'y', strength: 0.01 } }))).toBe(1);
    expect(profileAxisOf(sceneWith())).toBe(0);
  });
});

describe('replica recorder and aggregation', () => {
  it('MSD, centre of mass, profile and region occupancy of a hand-made trajectory', () => {
    const model = compileRateModel(sceneWith());
    const rec = new ReplicaRecorder(model, { samples: 2, fitFrom: 0, profileAxis: 0 });
    // Two Zn2+ ions: sites 0 (x=0, left) and 13 (x=5, right); one H+ at site 6 (x=6, right).
    const ions = (d: number[]): IonState => ({ species: Uint8Array.from([0, 0, 1]), site: Int32Array.from([0, 13, 6]), displacement: Int32Array.from(d) });
    rec.record(0, 0, ions([0, 0, 0, 0, 0, 0, 0, 0, 0]));
    rec.record(1, 1, ions([1, 0, 0, -1, 2, 0, 0, 0, 0]));
    rec.record(2, 2, ions([2, 0, 0, 0, 2, 0, 3, 0, 0]));
    const r = rec.finish(new Float64Array(4), Float64Array.from([5, 1, 0]), 6);
    const a2 = 4;
    expect(Array.from(r.msd[0][0])).toEqual([0, ((1 + 1) / 2) * a2, (4 / 2) * a2]);
    expect(Array.from(r.msd[0][1])).toEqual([0, (4 / 2) * a2, (4 / 2) * a2]);
    expect(Array.from(r.com2[0][0])).toEqual([0, 0, 4 * a2]);
    expect(Array.from(r.com2[0][1])).toEqual([0, 4 * a2, 4 * a2]);
    expect(Array.from(r.msd[1][0])).toEqual([0, 0, 9 * a2]);
    // Profile along x: 4 sites per layer, 3 samples averaged.
    expect(r.profile[0][0]).toBeCloseTo(1 / 4, 12);
    expect(r.profile[0][5]).toBeCloseTo(1 / 4, 12);
    expect(r.profile[1][6]).toBeCloseTo(1 / 4, 12);
    expect(r.profile[0][1]).toBe(0);
    // Region occupancy: left and right have 16 sites each.
    expect(r.regionOccupancy[0][0]).toBeCloseTo(1 / 16, 12);
    expect(r.regionOccupancy[0][1]).toBeCloseTo(1 / 16, 12);
    expect(r.regionOccupancy[1][1]).toBeCloseTo(1 / 16, 12);
  });

  it('samples must come in order', () => {
    const model = compileRateModel(sceneWith());
    const rec = new ReplicaRecorder(model, { samples: 2, fitFrom: 0, profileAxis: 0 });
    const s: IonState = { species: new Uint8Array(1), site: new Int32Array(1), displacement: new Int32Array(3) };
    expect(() => rec.record(1, 0, s)).toThrow(/in order/);
  });

  it('independent walkers: D* and D_σ = a²/(2·dim·Δt) within 4 SE, Haven ratio 1', () => {
    const model = compileRateModel(sceneWith());
    const samples = 40;
    const replicas = [];
    for (let r = 0; r < 32; r++) {
      const rec = new ReplicaRecorder(model, { samples, fitFrom: 0.2, profileAxis: 0 });
      let k = 0;
      for (const s of walk(64, 2, samples, `replica ${r}`)) rec.record(k, k++ * 0.5, s);
      replicas.push(rec.finish(new Float64Array(4), new Float64Array(3), 0));
    }
    const o = aggregateReplicas(model, replicas, 0.2, 0);
    const expected = 4 / (2 * 2 * 0.5); // a² = 4 Å², one step per 0.5 s
    const zn = o.species[0];
    expect(zn.count).toBe(64);
    expect(Math.abs(zn.tracer.a2PerS.value - expected)).toBeLessThan(4 * zn.tracer.a2PerS.se);
    expect(zn.tracer.a2PerS.se / expected).toBeLessThan(0.05);
    expect(zn.tracer.cm2PerS.value).toBeCloseTo(zn.tracer.a2PerS.value * 1e-16, 30);
    expect(Math.abs(zn.collective.a2PerS.value - expected)).toBeLessThan(4 * zn.collective.a2PerS.se);
    expect(Math.abs(zn.havenRatio.value - 1)).toBeLessThan(4 * zn.havenRatio.se);
    for (const ax of ['x', 'y'] as const) expect(Math.abs(zn.tracer.perAxisA2PerS[ax]!.value - expected)).toBeLessThan(4 * zn.tracer.perAxisA2PerS[ax]!.se);
    expect(o.fitWindowS).toEqual([4, 20]);
    expect(o.samples.tS).toHaveLength(samples + 1);
    expect(zn.msd.total.mean[samples]).toBeCloseTo(zn.msd.x.mean[samples] + zn.msd.y.mean[samples], 9);
  });
});

describe('running diffusivity (single trajectory, block averaging)', () => {
  it('recovers D of independent walkers within 4 SE with bounded blocks and history', () => {
    const est = new RunningDiffusivity({ dim: 3, metric: cubicMetric(1.5), nSpecies: 3, maxBlocks: 8, maxHistory: 64 });
    let k = 0;
    for (const s of walk(4000, 3, 800, 'live', (i) => (i % 4 === 0 ? 1 : 0))) est.add(k++ * 2e-3, s);
    const e = est.estimate();
    const expected = (1.5 * 1.5) / (2 * 3 * 2e-3);
    for (const s of [0, 1]) {
      const d = e.species[s].tracerA2PerS;
      expect(Math.abs(d.value - expected)).toBeLessThan(4 * d.se);
      expect(d.se / expected).toBeLessThan(0.05);
    }
    expect(e.species[0].count).toBe(3000);
    expect(e.species[1].count).toBe(1000);
    expect(e.species[2].tracerA2PerS.value).toBeNaN();
    expect(e.blocks).toBeGreaterThanOrEqual(4);
    expect(e.blocks).toBeLessThanOrEqual(8);
    expect(e.elapsedS).toBeCloseTo(1.6, 9);
    const h = est.history();
    expect(h.tS.length).toBeLessThanOrEqual(64);
    expect(h.tS[h.tS.length - 1]).toBeCloseTo(1.6, 9);
    // The MSD after 800 steps is about 800·a².
    expect(e.species[0].msdA2 / (800 * 2.25)).toBeGreaterThan(0.9);
    expect(e.species[0].msdA2 / (800 * 2.25)).toBeLessThan(1.1);
  });

  it('cancels the short-time offset of a correlated walk (no bias from blocks of a few hops)', () => {
    // Each ion is a free walk plus a rattle of ±2 steps along x, redrawn every sample and
    // never accumulating: MSD(τ) = 2·dim·D·τ + C with C = 2·⟨rattle²⟩ = 8 steps². Blocks of one
    // sample would overestimate D by C/(2·dim·τ) = 2 D here; the pair estimator must not.
    const est = new RunningDiffusivity({ dim: 2, metric: cubicMetric(1), nSpecies: 3, maxBlocks: 16 });
    const rng = seedrandom.alea('rattle');
    const n = 4000;
    const rattle = new Int32Array(n);
    let k = 0;
    for (const s of walk(n, 2, 400, 'rattle walk')) {
      for (let i = 0; i < n; i++) {
        s.displacement[3 * i] -= rattle[i];
        rattle[i] = rng() < 0.5 ? 2 : -2;
        s.displacement[3 * i] += rattle[i];
      }
      est.add(k++ * 1e-3, s);
    }
    const d = est.estimate().species[0].tracerA2PerS;
    const expected = 1 / (2 * 2 * 1e-3);
    expect(Math.abs(d.value - expected)).toBeLessThan(4 * d.se);
    expect(d.se / expected).toBeLessThan(0.1);
  });

  it('refuses time going backwards and starts over when slots disappear', () => {
    const est = new RunningDiffusivity({ dim: 2, metric: cubicMetric(1), nSpecies: 3 });
    const a: IonState = { species: new Uint8Array(3), site: new Int32Array(3), displacement: new Int32Array(9) };
    est.add(0, a);
    est.add(1, a);
    expect(() => est.add(0.5, a)).toThrow(/must not decrease/);
    const b: IonState = { species: new Uint8Array(2), site: new Int32Array(2), displacement: new Int32Array(6) };
    est.add(5, b);
    expect(est.estimate().species[0].count).toBe(2);
    expect(est.estimate().elapsedS).toBe(0);
  });

  it('a varying population (ions removed and inserted) leaves D, D per axis and D per group unbiased', () => {
    // 2000 walkers on a square lattice, one unit step per sample (dt = 1 ms): D = a²/(2·dim·dt) = 250 Å²/s, and
    // D along x and along y = 250 each. Every sample 1 % of the ions leave (alive = 0, displacement frozen) and 20
    // new ones arrive in appended slots with zero displacement, as at an open face. Frozen ions counted as tracers
    // would pull D down by the share of the removed (about 2/3 by the end); new slots read against old snapshots
    // would add jumps. Tolerance: 4 SE of the pair estimate.
    const rng = seedrandom.alea('open faces');
    const est = new RunningDiffusivity({ dim: 2, metric: cubicMetric(1), nSpecies: 2, nGroups: 2 });
    let n = 2000;
    let species = new Uint8Array(n);
    let displacement = new Int32Array(3 * n);
    let alive = new Uint8Array(n).fill(1);
    const groups = new Uint8Array(1 << 14);
    for (let i = 0; i < groups.length; i++) groups[i] = i % 2;
    const dt = 1e-3;
    for (let k = 0; k <= 400; k++) {
      if (k > 0) {
        for (let i = 0; i < n; i++) {
          if (!alive[i]) continue;
          if (rng() < 0.01) {
            alive[i] = 0;
            continue;
          }
          displacement[3 * i + (rng() < 0.5 ? 0 : 1)] += rng() < 0.5 ? 1 : -1;
        }
        const grown = n + 20;
        const sp = new Uint8Array(grown);
        sp.set(species);
        const dis = new Int32Array(3 * grown);
        dis.set(displacement);
        const al = new Uint8Array(grown).fill(1);
        al.set(alive);
        [n, species, displacement, alive] = [grown, sp, dis, al];
      }
      est.add(k * dt, { species, site: new Int32Array(n), displacement, alive }, groups);
    }
    const e = est.estimate().species[0];
    const expected = 1 / (2 * 2 * dt);
    for (const d of [e.tracerA2PerS, ...e.groupsA2PerS, e.axesA2PerS[0], e.axesA2PerS[1]]) {
      expect(Math.abs(d.value - expected)).toBeLessThan(4 * d.se);
      expect(d.se / expected).toBeLessThan(0.1);
    }
    expect(e.axesA2PerS[2].value).toBeNaN();
    // The MSD curve follows the ions present at the start and still present: 0.99^400 of 2000 ≈ 36.
    expect(e.count).toBe([...alive.subarray(0, 2000)].filter((v) => v === 1).length);
    expect(e.msdA2 / 400).toBeGreaterThan(0.6);
    expect(e.msdA2 / 400).toBeLessThan(1.4);
    expect(est.estimate().species[1].tracerA2PerS.value).toBeNaN();
  });
});

/** Lattice units → Å of a square or cubic lattice of spacing a. */
function cubicMetric(a: number): Float64Array {
  return Float64Array.of(a, 0, 0, 0, a, 0, 0, 0, a);
}
