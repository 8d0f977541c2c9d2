// The CPU engine's plain-hop group loop (one region, no environment terms, closed
// box; free-pair selection switched off) against its general loop on the same seeds: every trajectory must be
// the same bit for bit (clock, occupancy, displacements, generator state,
// counters), whatever the lattice, boundaries, field or species mix, across
// event- and time-limited advances, ion insertions and removals (which make
// the loop's free-neighbour masks stale) and setModel.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { buildPlainHopTables } from '../../src/engine/cpu/plainHopTables';

function scene(lattice: SceneInput['lattice'], extra: Partial<SceneInput> = {}): SceneInput {
  return {
    ionhop: 1,
    name: 'plain hops',
    lattice,
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 10 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.22 } } }],
    populations: [{ species: 'Zn2+', fraction: 0.35 }, { species: 'H+', fraction: 0.15 }],
    ...extra,
  };
}

const CASES: [string, SceneInput][] = [
  ['square, periodic', scene({ type: 'square', size: [16, 12], spacing: 3, boundary: ['periodic', 'periodic'] })],
  // A field makes the hop rates differ by direction: the direction tables take the ascending-order scan.
  ['square, reflecting x, strong field', scene({ type: 'square', size: [11, 9], spacing: 3, boundary: ['reflecting', 'periodic'] }, { field: { axis: 'x', strength: 0.05 } })],
  ['square 2×3, periodic (neighbours that coincide)', scene({ type: 'square', size: [2, 3], spacing: 3, boundary: ['periodic', 'periodic'] })],
  ['cubic, mixed boundaries', scene({ type: 'cubic', size: [7, 6, 5], spacing: 3, boundary: ['periodic', 'reflecting', 'periodic'] })],
  ['triangular', scene({ type: 'triangular', size: [10, 8], spacing: 3, boundary: ['periodic', 'reflecting'] })],
  ['honeycomb', scene({ type: 'honeycomb', size: [8, 6], spacing: 3, boundary: ['periodic', 'periodic'] })],
];

function fingerprint(engine: CpuEngine): string {
  const view = engine.ionStateView();
  return JSON.stringify([engine.time, engine.events, Array.from(engine.occupancySync()), Array.from(view.displacement), engine.rngState(), Array.from(engine.eventCountsSync())]);
}

/** The plain loop (kept free masks unless told otherwise) and the general loop on one seed. */
function pair(m: RateModel, keepMasks = true): [CpuEngine, CpuEngine] {
  const occupancy = initialOccupancy(m, 3);
  const plain = new CpuEngine(m, occupancy, 'plain-vs-general');
  plain.keepsFreeMasks = keepMasks;
  // Free-pair selection draws other events (tests/unit/cpuFreePairs.test.ts); the group loop is the one that matches.
  plain.useFreePairs(false);
  const general = new CpuEngine(m, occupancy, 'plain-vs-general');
  general.usePlainHopLoop(false);
  // After setModel the general engine takes the plain loop too (usePlainHopLoop applies until then): the group loop there as well.
  general.useFreePairs(false);
  return [plain, general];
}

describe('plain-hop loop', () => {
  // Small lattices keep per-site free masks, large ones read them from the bitset: both ways on every case.
  it.each(CASES.flatMap(([name, input]) => [[`${name}, kept masks`, input, true], [`${name}, bitset masks`, input, false]] as [string, SceneInput, boolean][]))('%s: the same trajectory as the general loop, bit for bit', (_name, input, keepMasks) => {
    const m = compileRateModel(validateScene(input));
    const [plain, general] = pair(m, keepMasks);
    expect(plain.plainHopLoop).toBe(true);
    expect(general.plainHopLoop).toBe(false);
    for (let round = 0; round < 6; round++) {
      const limit = round % 3 === 2 ? { time: plain.time + 2e-9 * (round + 1) } : { events: 300 + 450 * round };
      expect(plain.advanceSync(limit)).toEqual(general.advanceSync(limit));
      expect(fingerprint(plain)).toBe(fingerprint(general));
    }
    expect(plain.checkConsistency()).toBeNull();
    expect(general.checkConsistency()).toBeNull();
  });

  it('stays identical across insertIon, removeIon and setModel (stale free masks are rebuilt)', () => {
    const input = CASES[0][1];
    const m = compileRateModel(validateScene(input));
    const [plain, general] = pair(m);
    const hotter = compileRateModel(validateScene({ ...input, temperature: 360 }));
    for (let round = 0; round < 6; round++) {
      for (const engine of [plain, general]) {
        engine.advanceSync({ events: 1500 });
        const occupancy = engine.occupancySync();
        const empty = occupancy.indexOf(0, 7 * round);
        const full = occupancy.findIndex((o, i) => i >= 11 * round && o !== 0);
        engine.insertIon(empty, round % 2);
        engine.removeIon(full);
        if (round === 3) engine.setModelSync(hotter);
      }
      expect(fingerprint(plain)).toBe(fingerprint(general));
      expect(plain.checkConsistency()).toBeNull();
    }
    expect(plain.plainHopLoop).toBe(true);
  });

  it('is not used where the rates need more than species and free neighbours', () => {
    const lattice: SceneInput['lattice'] = { type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'periodic'] };
    const twoRegions = scene(lattice, {
      regions: [
        { name: 'A', slab: { axis: 'x', from: 0, to: 4 }, species: { 'Zn2+': { barrier: 0.3 }, 'H+': { barrier: 0.22 } } },
        { name: 'B', species: { 'Zn2+': { barrier: 0.35 }, 'H+': { barrier: 0.22 } } },
      ],
    });
    const interacting = scene(lattice, { interactions: [{ species: ['Zn2+', 'Zn2+'], energy: 0.05 }] });
    for (const input of [twoRegions, interacting]) {
      const m = compileRateModel(validateScene(input));
      expect(new CpuEngine(m, initialOccupancy(m, 1), 's').plainHopLoop).toBe(false);
    }
  });

  it('direction tables scan slots in pickSlot order: slot order within a factor 2, else ascending rate', () => {
    // Species 0: rates 1, 1, 3, 0.5 along slots 0..3 (spread 6 > 2): ascending with ties in slot order.
    const tables = buildPlainHopTables(Float64Array.from([1, 1, 3, 0.5]), 1, 4)!;
    const all = 0b1111;
    expect(tables.positive[all]).toBe(4);
    expect(Array.from(tables.slots.subarray(4 * all, 4 * all + 4))).toEqual([3, 0, 1, 2]);
    expect(Array.from(tables.thresholds.subarray(4 * all, 4 * all + 3))).toEqual([0.5, 1.5, 2.5]);
    expect(tables.rateSum[all]).toBe(1 + 1 + 3 + 0.5);
    // Slots 0 and 1 free only: within a factor 2, slot order.
    expect(Array.from(tables.slots.subarray(4 * 0b0011, 4 * 0b0011 + 2))).toEqual([0, 1]);
    expect(buildPlainHopTables(Float64Array.from([1e308, 1e308, 1, 1]), 1, 4)).toBeNull();
  });
});
