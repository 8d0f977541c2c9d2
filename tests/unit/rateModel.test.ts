// The rate model is the one place rates come from: check its convention
// (symmetric saddles, interface overrides, field, interactions) and detailed balance.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, hopRateAt, neighbour, KB_EV_PER_K } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';

function twoRegionScene(extra: Partial<SceneInput> = {}): SceneInput {
  return {
    ionhop: 1,
    name: 'two regions',
    lattice: { type: 'square', size: [8, 4], spacing: 2.5, boundary: ['periodic', 'reflecting'] },
    temperature: 350,
    attemptFrequency: 5e12,
    seed: 3,
    run: { events: 10 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: 4 }, species: { 'Zn2+': { siteEnergy: 0.1, barrier: 0.5 }, 'H+': { siteEnergy: 0, barrier: 0.2 } } },
      { name: 'B', species: { 'Zn2+': { siteEnergy: -0.05, barrier: 0.3 }, 'H+': { siteEnergy: 0.02, barrier: 0.25 } } },
    ],
    populations: [{ species: 'Zn2+', count: 3 }, { species: 'H+', count: 2 }],
    ...extra,
  };
}

const kT = KB_EV_PER_K * 350;

describe('compileRateModel', () => {
  it('puts the saddle of an in-region bond at E + Ea', () => {
    const m = compileRateModel(validateScene(twoRegionScene()));
    const R = m.nRegions;
    // Zn2+ (species 0) in A: Ea = 0.5 eV
    expect(m.saddle[(0 * R + 0) * R + 0]).toBeCloseTo(0.6, 12);
    expect(m.hopRate[((0 * R + 0) * R + 0) * m.coordination]).toBeCloseTo(5e12 * Math.exp(-0.5 / kT), 0);
  });

  it('joins two regions at the higher saddle unless an interface overrides it', () => {
    const plain = compileRateModel(validateScene(twoRegionScene()));
    const R = plain.nRegions;
    expect(plain.saddle[(0 * R + 0) * R + 1]).toBeCloseTo(Math.max(0.6, 0.25), 12);
    const over = compileRateModel(validateScene(twoRegionScene({ interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.2 } }] })));
    // measured from the lower site energy (B, −0.05 eV)
    expect(over.saddle[(0 * R + 0) * R + 1]).toBeCloseTo(-0.05 + 0.2, 12);
    expect(over.saddle[(0 * R + 1) * R + 0]).toBeCloseTo(-0.05 + 0.2, 12);
    // H+ has no override: unchanged
    expect(over.saddle[(1 * R + 0) * R + 1]).toBeCloseTo(plain.saddle[(1 * R + 0) * R + 1], 12);
  });

  it('obeys detailed balance for every bond, species and direction without a field', () => {
    const m = compileRateModel(validateScene(twoRegionScene({ interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.2 } }] })));
    const R = m.nRegions;
    for (let s = 0; s < 2; s++)
      for (let a = 0; a < R; a++)
        for (let b = 0; b < R; b++)
          for (let d = 0; d < m.coordination; d++) {
            const fwd = m.hopRate[((s * R + a) * R + b) * m.coordination + d];
            const back = m.hopRate[((s * R + b) * R + a) * m.coordination + (d ^ 1)];
            const dE = m.siteEnergy[s * R + b] - m.siteEnergy[s * R + a];
            expect(fwd / back).toBeCloseTo(Math.exp(-dE / kT), 10);
          }
  });

  it('tilts barriers by −qFΔr/2 so a field drives positive ions along it', () => {
    const m = compileRateModel(validateScene(twoRegionScene({ field: { axis: 'x', strength: 0.01 } })));
    const R = m.nRegions;
    const along = m.hopRate[((0 * R + 1) * R + 1) * m.coordination + 0]; // Zn2+ in B, +x
    const against = m.hopRate[((0 * R + 1) * R + 1) * m.coordination + 1]; // −x
    // q = 2, F = 0.01 V/Å, Δr = 2.5 Å: barrier difference q·F·a = 0.05 eV
    expect(along / against).toBeCloseTo(Math.exp(0.05 / kT), 10);
  });

  it('refuses an interface barrier below the site-energy step', () => {
    expect(() => validateScene(twoRegionScene({ interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.1 } }] }))).toThrow(/interfaces\[0\]\.barrier\.Zn2\+/);
  });
});

describe('hopRateAt with interactions', () => {
  it('obeys detailed balance configuration by configuration', () => {
    const scene = validateScene(
      twoRegionScene({
        interactions: [
          { species: ['Zn2+', 'Zn2+'], energy: 0.08 },
          { species: ['Zn2+', 'H+'], energy: -0.03 },
        ],
        populations: [{ species: 'Zn2+', count: 9 }, { species: 'H+', count: 6 }],
      }),
    );
    const m = compileRateModel(scene);
    const occ = initialOccupancy(m, scene.seed, 0);
    const energy = (o: Uint8Array) => {
      let e = 0;
      const R = m.nRegions;
      for (let i = 0; i < m.nSites; i++) {
        if (!o[i]) continue;
        e += m.siteEnergy[(o[i] - 1) * R + m.siteRegion[i]];
        for (let d = 0; d < m.coordination; d += 2) {
          const j = neighbour(m, i, d);
          if (j >= 0 && o[j]) e += m.pairEnergy[(o[i] - 1) * m.nSpecies + (o[j] - 1)];
        }
      }
      return e;
    };
    let checked = 0;
    for (let i = 0; i < m.nSites; i++) {
      for (let d = 0; d < m.coordination; d++) {
        const fwd = hopRateAt(m, occ, i, d);
        if (fwd === 0) continue;
        const j = neighbour(m, i, d);
        const after = occ.slice();
        after[j] = after[i];
        after[i] = 0;
        const back = hopRateAt(m, after, j, d ^ 1);
        expect(fwd / back).toBeCloseTo(Math.exp(-(energy(after) - energy(occ)) / kT), 9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('is zero into an occupied site, across a reflecting wall and into a forbidden region', () => {
    const scene = validateScene(
      twoRegionScene({
        regions: [
          { name: 'A', slab: { axis: 'x', from: 0, to: 4 }, species: { 'Zn2+': { barrier: 0.3 } } },
          { name: 'B', species: {} },
        ],
        populations: [{ species: 'Zn2+', count: 2 }],
      }),
    );
    const m = compileRateModel(scene);
    const occ = new Uint8Array(m.nSites);
    occ[3] = 1; // x = 3, y = 0: +x leads into forbidden B, −y is a reflecting wall
    occ[2] = 1;
    expect(hopRateAt(m, occ, 3, 0)).toBe(0);
    expect(hopRateAt(m, occ, 3, 3)).toBe(0);
    expect(hopRateAt(m, occ, 3, 1)).toBe(0); // x = 2 occupied
    expect(hopRateAt(m, occ, 3, 2)).toBeGreaterThan(0); // +y free, same region
  });
});
