// The CPU engine's free-pair selection (src/engine/cpu/freePairs.ts) for
// plain-hop models: the next event from a fixed state must be hop (i, d) with
// probability k_id/R and come after a mean time 1/R, on every side of the
// proposals (ion side when ions are fewer than empty sites, empty-site side
// when they are more), with two species, a field and reflecting faces; the
// kept counts must match a recount at any time; the switches to the group loop
// and back must keep every count and record right; and a run must replay bit
// for bit, split into advances or resumed from a state snapshot.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, hopRateAt, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { reachable, restoreState, snapshotState } from '../../src/run/stateSnapshot';

function scene(lattice: SceneInput['lattice'], populations: SceneInput['populations'], extra: Partial<SceneInput> = {}): SceneInput {
  return {
    ionhop: 1,
    name: 'free pairs',
    lattice,
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 10 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.25 } } }],
    populations,
    ...extra,
  };
}

/** χ² quantile for p = 0.001 (Wilson–Hilferty; within 1 % of the exact value from 3 degrees of freedom up). */
function chi2Critical(dof: number): number {
  const z = 3.0902;
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

function fingerprint(engine: CpuEngine): string {
  const view = engine.ionStateView();
  return JSON.stringify([engine.time, engine.events, Array.from(engine.occupancySync()), Array.from(view.displacement), engine.rngState(), Array.from(engine.eventCountsSync())]);
}

const sparse = scene({ type: 'square', size: [6, 5], spacing: 3, boundary: ['reflecting', 'periodic'] }, [{ species: 'Zn2+', fraction: 0.2 }, { species: 'H+', fraction: 0.1 }], { field: { axis: 'x', strength: 0.02 } });
const dense = scene({ type: 'square', size: [6, 5], spacing: 3, boundary: ['reflecting', 'periodic'] }, [{ species: 'Zn2+', fraction: 0.5 }, { species: 'H+', fraction: 0.25 }], { field: { axis: 'x', strength: 0.02 } });
const triangular = scene({ type: 'triangular', size: [5, 4], spacing: 3, boundary: ['periodic', 'reflecting'] }, [{ species: 'Zn2+', fraction: 0.65 }]);
const denseNoField = scene({ type: 'square', size: [8, 6], spacing: 3, boundary: ['periodic', 'periodic'] }, [{ species: 'Zn2+', fraction: 0.5 }, { species: 'H+', fraction: 0.25 }]);
// Honeycomb slots start from one sublattice each, so half the proposals miss: only sparse or dense states take few enough.
const honeycombSparse = scene({ type: 'honeycomb', size: [5, 4], spacing: 3, boundary: ['periodic', 'reflecting'] }, [{ species: 'Zn2+', fraction: 0.1 }, { species: 'H+', fraction: 0.06 }]);
const honeycombDense = scene({ type: 'honeycomb', size: [5, 4], spacing: 3, boundary: ['periodic', 'periodic'] }, [{ species: 'Zn2+', fraction: 0.85 }]);

describe('free-pair selection', () => {
  // 6000 single events per case from one state, each from its own seed: the hops' frequencies
  // against k/R by χ² (p = 0.001 cut), the mean waiting time against 1/R (4 SE cut, SE = 1/(R·√n)).
  it.each([
    ['square, few ions (ion side), two species, field, reflecting x', sparse],
    ['square, many ions (empty-site side), two species, field, reflecting x', dense],
    ['triangular, many ions (empty-site side)', triangular],
    ['honeycomb, few ions of two species (ion side), reflecting y', honeycombSparse],
    ['honeycomb, many ions (empty-site side)', honeycombDense],
  ] as [string, SceneInput][])('%s: the next hop has probability k/R and the waiting time mean 1/R', (_name, input) => {
    const model: RateModel = compileRateModel(validateScene(input));
    const occupancy = initialOccupancy(model, 5);
    // Exact probabilities of each (from, to) move.
    const exact = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < model.nSites; i++) {
      for (let d = 0; d < model.directions; d++) {
        const k = hopRateAt(model, occupancy, i, d);
        if (k === 0) continue;
        total += k;
      }
    }
    const trials = 6000;
    const seen = new Map<string, number>();
    let waitSum = 0;
    for (let t = 0; t < trials; t++) {
      const engine = new CpuEngine(model, occupancy, `next-event-${t}`);
      engine.advanceSync({ events: 1 });
      expect(engine.freePairsActive).toBe(true);
      const after = engine.occupancySync();
      let from = -1;
      let to = -1;
      for (let i = 0; i < model.nSites; i++) {
        if (occupancy[i] !== 0 && after[i] === 0) from = i;
        if (occupancy[i] === 0 && after[i] !== 0) to = i;
      }
      const key = `${from}>${to}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      waitSum += engine.time;
    }
    for (let i = 0; i < model.nSites; i++) {
      for (let d = 0; d < model.directions; d++) {
        const k = hopRateAt(model, occupancy, i, d);
        if (k === 0) continue;
        let to = -1;
        for (let j = 0; j < model.nSites; j++) if (occupancy[j] === 0 && isNeighbour(model, i, d, j)) to = j;
        const key = `${i}>${to}`;
        exact.set(key, (exact.get(key) ?? 0) + k / total);
      }
    }
    for (const key of seen.keys()) expect(exact.has(key), `hop ${key} is impossible from this state`).toBe(true);
    let chi2 = 0;
    for (const [key, p] of exact) chi2 += ((seen.get(key) ?? 0) - trials * p) ** 2 / (trials * p);
    expect(chi2).toBeLessThan(chi2Critical(exact.size - 1));
    const meanWaitTimesR = (waitSum / trials) * total;
    expect(Math.abs(meanWaitTimesR - 1)).toBeLessThan(4 / Math.sqrt(trials));
  });

  it('keeps its counts through runs, switches to the group loop when pairs get scarce and back when they return', () => {
    // Left third full, the rest empty: few free pairs for many ions, so the group loop runs first;
    // as the ions spread, an event takes fewer proposals and free pairs take over. A strong field
    // against a reflecting face then piles the ions up again (few pairs along the field): back.
    const input = scene({ type: 'square', size: [24, 12], spacing: 3, boundary: ['reflecting', 'periodic'] }, [{ species: 'Zn2+', fraction: 0.3 }, { species: 'H+', fraction: 0.05 }]);
    const model = compileRateModel(validateScene(input));
    const occupancy = new Uint8Array(model.nSites);
    for (let i = 0; i < model.nSites; i++) if (i % 24 < 8) occupancy[i] = i % 5 === 0 ? 2 : 1;
    const engine = new CpuEngine(model, occupancy, 'switches');
    engine.advanceSync({ events: 10 });
    expect(engine.freePairsActive).toBe(false);
    let entered = false;
    for (let round = 0; round < 40 && !entered; round++) {
      engine.advanceSync({ events: 2000 });
      expect(engine.checkConsistency()).toBeNull();
      entered = engine.freePairsActive;
    }
    expect(entered).toBe(true);
    const pushed = compileRateModel(validateScene({ ...input, field: { axis: 'x', strength: 0.2 } }));
    engine.setModelSync(pushed);
    let left = false;
    for (let round = 0; round < 40 && !left; round++) {
      engine.advanceSync({ events: 2000 });
      expect(engine.checkConsistency()).toBeNull();
      left = !engine.freePairsActive && engine.freePairStats().switches >= 2;
    }
    expect(left).toBe(true);
    expect(engine.freePairStats().events).toBeGreaterThan(0);
  });

  it('replays bit for bit: one advance or many, and resumed from a snapshot', () => {
    const model = compileRateModel(validateScene(denseNoField));
    const occupancy = initialOccupancy(model, 2);
    const whole = new CpuEngine(model, occupancy, 'replay');
    whole.advanceSync({ events: 20000 });
    const split = new CpuEngine(model, occupancy, 'replay');
    for (let k = 0; k < 20; k++) split.advanceSync({ events: 1000 });
    expect(fingerprint(split)).toBe(fingerprint(whole));
    const first = new CpuEngine(model, occupancy, 'replay');
    first.advanceSync({ events: 7000 });
    expect(first.freePairsActive).toBe(true);
    const state = snapshotState(first, reachable(model));
    const resumed = new CpuEngine(model, occupancy, 'replay');
    restoreState(resumed, state);
    resumed.advanceSync({ events: 13000 });
    expect(fingerprint(resumed)).toBe(fingerprint(whole));
    expect(resumed.checkConsistency()).toBeNull();
    // A time limit stops exactly at it (the pending event is discarded) and leaves every count right.
    const tEnd = whole.time + 3e-9;
    const report = whole.advanceSync({ time: tEnd });
    expect(report).toEqual({ events: report.events, time: tEnd, stoppedBy: 'time' });
    expect(report.events).toBeGreaterThan(0);
    expect(whole.time).toBe(tEnd);
    expect(whole.freePairsActive).toBe(true);
    expect(whole.checkConsistency()).toBeNull();
  });

  it('leaves free pairs for insertions, removals and a group-loop request, with every rate rebuilt', () => {
    const model = compileRateModel(validateScene(denseNoField));
    const engine = new CpuEngine(model, initialOccupancy(model, 4), 'edits');
    engine.advanceSync({ events: 3000 });
    expect(engine.freePairsActive).toBe(true);
    const occupancy = engine.occupancySync();
    engine.insertIon(occupancy.indexOf(0), 1);
    expect(engine.freePairsActive).toBe(false);
    expect(engine.checkConsistency()).toBeNull();
    engine.advanceSync({ events: 9000 });
    expect(engine.freePairsActive).toBe(true);
    expect(engine.totalRate()).toBeGreaterThan(0);
    engine.removeIon(engine.occupancySync().findIndex((o) => o !== 0));
    expect(engine.checkConsistency()).toBeNull();
    engine.useFreePairs(false);
    engine.advanceSync({ events: 9000 });
    expect(engine.freePairsActive).toBe(false);
    expect(engine.checkConsistency()).toBeNull();
  });
});

/** Whether site j is site i's neighbour along slot d (i and j given, the model's geometry). */
function isNeighbour(model: RateModel, i: number, d: number, j: number): boolean {
  // A hop i → j along d is possible from an occupancy with only i occupied exactly when j is i's d-neighbour.
  const probe = new Uint8Array(model.nSites);
  probe[i] = 1;
  if (hopRateAt(model, probe, i, d) === 0) return false;
  probe[j] = 1;
  return hopRateAt(model, probe, i, d) === 0;
}
