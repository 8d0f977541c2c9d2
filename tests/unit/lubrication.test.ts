// Lubrication (src/model/lubrication.ts): the reference rate on hand-built
// neighbourhoods, detailed balance over random configurations (1e-12), the
// exact engine's local refresh against the reference after many events, and
// the scene checks that name the field, the value and the allowed range.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { hopRateAt, neighbour } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { AleaStream } from '../../src/engine/cpu/aleaStream';
import { configurationEnergy, model } from '../helpers/energy';

/** λ per mode: "sum" may count up to 10 neighbours (cubic), which must stay within the 0.35 eV barrier. */
const LAMBDA = { any: -0.15, sum: -0.03 } as const;

function scene(options: { type?: 'square' | 'triangular' | 'cubic' | 'honeycomb'; mode?: 'any' | 'sum'; interactions?: boolean; lambda?: number } = {}): SceneInput {
  const type = options.type ?? 'square';
  const three = type === 'cubic';
  return {
    ionhop: 1,
    name: 'lubrication',
    lattice: { type, size: three ? [5, 4, 4] : [8, 6], spacing: 3, boundary: three ? ['periodic', 'periodic', 'reflecting'] : ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 5,
    run: { events: 10 },
    regions: [
      { name: 'left', slab: { axis: 'x', from: 0, to: 3 }, species: { 'Zn2+': { barrier: 0.35, siteEnergy: 0.05 }, 'H+': { barrier: 0.33 } } },
      { name: 'right', species: { 'Zn2+': { barrier: 0.4 }, 'H+': { barrier: 0.36, siteEnergy: -0.03 } } },
    ],
    interactions: options.interactions ? [{ species: ['Zn2+', 'H+'], energy: 0.04 }, { species: ['Zn2+', 'Zn2+'], energy: 0.06 }] : [],
    lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: options.lambda ?? LAMBDA[options.mode ?? 'any'], mode: options.mode ?? 'any' }],
    populations: [{ species: 'Zn2+', fraction: 0.25 }, { species: 'H+', fraction: 0.3 }],
  };
}

describe('lubrication: reference rates', () => {
  it('shifts a Zn2+ saddle by λ·min(1, Λ) or λ·Λ, with Λ the H+ around either end, and leaves H+ hops alone', () => {
    for (const mode of ['any', 'sum'] as const) {
      const m = model(scene({ mode }));
      const occ = new Uint8Array(m.nSites);
      const at = (x: number, y: number) => x + 8 * y;
      // Zn2+ at (4,2) hopping +x to (5,2); H+ above i and below j, and one far away.
      occ[at(4, 2)] = 1;
      occ[at(4, 3)] = 2;
      occ[at(5, 1)] = 2;
      occ[at(0, 5)] = 2;
      const dPlusX = [...Array(m.directions).keys()].find((d) => neighbour(m, at(4, 2), d) === at(5, 2))!;
      const plain = m.hopRate[0 * m.hopLayout.speciesStride + 1 * m.hopLayout.fromStride + 1 * m.hopLayout.toStride + dPlusX];
      const lambdaCount = mode === 'any' ? 1 : 2;
      expect(hopRateAt(m, occ, at(4, 2), dPlusX) / plain).toBeCloseTo(Math.exp(-(LAMBDA[mode] * lambdaCount) / m.kT), 10);
      // The H+ ion itself is not lubricated.
      const hDir = [...Array(m.directions).keys()].find((d) => neighbour(m, at(4, 3), d) === at(3, 3))!;
      expect(hopRateAt(m, occ, at(4, 3), hDir)).toBe(m.hopRate[1 * m.hopLayout.speciesStride + 1 * m.hopLayout.fromStride + 1 * m.hopLayout.toStride + hDir]);
    }
  });

  for (const type of ['square', 'triangular', 'cubic', 'honeycomb'] as const) {
    it(`keeps detailed balance to 1e-12 over random configurations (${type}, interactions, both modes)`, () => {
      for (const mode of ['any', 'sum'] as const) {
        const m = model(scene({ type, mode, interactions: true }));
        const rng = new AleaStream(`db-${type}-${mode}`);
        let checked = 0;
        for (let trial = 0; trial < 8; trial++) {
          const occ = initialOccupancy(m, trial + 1);
          const e0 = configurationEnergy(m, occ);
          for (let i = 0; i < m.nSites; i++) {
            if (occ[i] === 0 || rng.uniformOpenClosed() > 0.3) continue;
            for (let d = 0; d < m.directions; d++) {
              const forward = hopRateAt(m, occ, i, d);
              if (forward === 0) continue;
              const j = neighbour(m, i, d);
              const after = occ.slice();
              after[j] = occ[i];
              after[i] = 0;
              const back = hopRateAt(m, after, j, m.lattice.opposite[d]);
              const ratio = forward / back;
              const expected = Math.exp(-(configurationEnergy(m, after) - e0) / m.kT);
              expect(Math.abs(ratio / expected - 1)).toBeLessThan(1e-12);
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThan(50);
      }
    });
  }
});

describe('lubrication on the exact engine', () => {
  for (const [type, interactions] of [['square', false], ['triangular', true], ['cubic', false], ['honeycomb', true]] as const) {
    it(`keeps every rate equal to the reference after each batch of events (${type}${interactions ? ', interactions' : ''})`, () => {
      for (const mode of ['any', 'sum'] as const) {
        // A weak λ, so that hops without H+ around still happen often enough to count.
        const m = model(scene({ type, mode, interactions, lambda: mode === 'any' ? -0.03 : -0.01 }));
        const engine = new CpuEngine(m, initialOccupancy(m, 2), `lub-${type}`);
        expect(engine.checkConsistency()).toBeNull();
        for (let batch = 0; batch < 20; batch++) {
          engine.advanceSync({ events: 37 });
          expect(engine.checkConsistency()).toBeNull();
        }
        // Some Zn2+ hops were lubricated and some were not.
        const lubricated = engine.lubricatedHopCountsSync()[0];
        expect(lubricated).toBeGreaterThan(0);
        expect(lubricated).toBeLessThan(engine.eventCountsSync()[0]);
        expect(engine.lubricatedHopCountsSync()[1]).toBe(0);
      }
    });
  }
});

describe('lubrication scene checks', () => {
  const withRule = (rule: Record<string, unknown>) => ({ ...scene(), lubrication: [rule] });
  it('names the field, the value and the range', () => {
    expect(() => validateScene(withRule({ species: 'Zn2+', by: 'H+', saddleShift: -7 }))).toThrow(/lubrication\[0\]\.saddleShift: lubrication\.saddleShift must lie in \[-5, 5\] eV \(got -7\)/);
    expect(() => validateScene(withRule({ species: 'Zn2+', by: 'Li+', saddleShift: -0.1 }))).toThrow(/lubrication\[0\]\.by: unknown species/);
    expect(() => validateScene(withRule({ species: 'Zn2+', by: 'H+', saddleShift: -0.1, mode: 'all' }))).toThrow(/lubrication\[0\]\.mode: lubrication\.mode must be one of "any", "sum"/);
    expect(() => validateScene({ ...scene(), lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: -0.1 }, { species: 'Zn2+', by: 'H+', saddleShift: -0.2 }] })).toThrow(/lubrication\[1\]: a second rule/);
  });
  it('refuses a shift that would put the saddle below a site (Zn2+ barrier 0.35 eV, "sum" up to 6 neighbours)', () => {
    expect(() => model(scene({ lambda: -0.4 }))).toThrow(/lubrication\[0\]\.saddleShift: lowers the Zn2\+ saddle .* by up to 0\.4000 eV/);
    expect(() => model(scene({ lambda: -0.1, mode: 'sum' }))).toThrow(/at most 6 neighbours/);
    expect(() => model(scene({ lambda: -0.05, mode: 'sum' }))).not.toThrow();
  });
});

describe('gpu-walkers refuses lubrication and water dissociation, naming the feature and cpu; gpu-lattice runs them', () => {
  it('gpu-walkers refuses, gpu-lattice accepts (species-group and reaction sub-steps, tests/gpu/latticeChemistry.test.ts)', async () => {
    const { checkLatticeScene } = await import('../../src/engine/gpu/gpuLatticeEngine');
    const { checkWalkersScene } = await import('../../src/engine/gpu/gpuWalkersEngine');
    const lubricated = model(scene());
    expect(() => checkLatticeScene(lubricated)).not.toThrow();
    expect(() => checkWalkersScene(lubricated, new Uint8Array(lubricated.nSites))).toThrow(/gpu-walkers cannot run this scene: the scene has lubrication.*--engine cpu/);
    const water = model({
      ...scene(),
      lubrication: [],
      regions: [
        { name: 'surface', slab: { axis: 'y', from: 0, to: 1 }, species: { 'OH-': { barrier: 1 } } },
        { name: 'host', species: { 'H+': { barrier: 0.3 }, 'Zn2+': { barrier: 0.4 } } },
      ],
      reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: 0.3 }],
      populations: [{ species: 'Zn2+', count: 1 }],
    });
    expect(() => checkLatticeScene(water)).not.toThrow();
    expect(() => checkWalkersScene(water, new Uint8Array(water.nSites))).toThrow(/gpu-walkers cannot run this scene: the scene has a water-dissociation reaction.*--engine cpu/);
  });
});
