// Built-in region potentials: the convention (z·φ on sites, z·(φ_a + φ_b)/2 on
// saddles), detailed balance configuration by configuration with interactions
// and a field, and the errors for a potential out of range or one whose rates overflow.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel, hopRateAt, neighbour, KB_EV_PER_K } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import { DEFAULT_SPECIES, type SceneInput } from '../../src/model/scene/schema';

const SPECIES_NAMES = DEFAULT_SPECIES.map((sp) => sp.name);

const T = 320;
const kT = KB_EV_PER_K * T;

/** Three slabs along x (reflecting) at different potentials, all three species allowed everywhere. */
function threeRegionScene(extra: Partial<SceneInput> = {}, potentials = [0, 0.05, -0.03]): SceneInput {
  const species = (e: number) => ({ 'Zn2+': { siteEnergy: e, barrier: 0.4 }, 'H+': { siteEnergy: -e, barrier: 0.2 }, 'OH-': { siteEnergy: 0.01, barrier: 0.3 } });
  return {
    ionhop: 1,
    name: 'three regions at three potentials',
    lattice: { type: 'square', size: [9, 4], spacing: 2.8, boundary: ['reflecting', 'periodic'] },
    temperature: T,
    attemptFrequency: 3e12,
    seed: 17,
    run: { events: 10 },
    regions: [
      { name: 'A', slab: { axis: 'x', from: 0, to: 3 }, species: species(0), potential: potentials[0] },
      { name: 'B', slab: { axis: 'x', from: 3, to: 6 }, species: species(0.04), potential: potentials[1] },
      { name: 'C', species: species(-0.02), potential: potentials[2] },
    ],
    interfaces: [{ between: ['A', 'B'], barrier: { 'Zn2+': 0.3 } }],
    populations: [{ species: 'Zn2+', count: 5 }, { species: 'H+', count: 7 }, { species: 'OH-', count: 4 }],
    ...extra,
  };
}

describe('region potentials in the rate model', () => {
  it('shift site energies by z·φ and saddles by z·(φ_a + φ_b)/2 for every species', () => {
    const phi = [0, 0.05, -0.03];
    const plain = compileRateModel(validateScene(threeRegionScene({}, [0, 0, 0])));
    const m = compileRateModel(validateScene(threeRegionScene({}, phi)));
    const R = m.nRegions;
    expect(Array.from(m.regionPotential)).toEqual(phi);
    DEFAULT_SPECIES.forEach(({ charge: z }, s) => {
      for (let a = 0; a < R; a++) {
        expect(m.siteEnergy[s * R + a] - plain.siteEnergy[s * R + a]).toBeCloseTo(z * phi[a], 14);
        for (let b = 0; b < R; b++) {
          expect(m.saddle[(s * R + a) * R + b] - plain.saddle[(s * R + a) * R + b]).toBeCloseTo((z * (phi[a] + phi[b])) / 2, 14);
          // The barrier a → b moves by z·(φ_b − φ_a)/2, the same tilt a field gives.
          const ratio = m.hopRate[((s * R + a) * R + b) * m.coordination] / plain.hopRate[((s * R + a) * R + b) * m.coordination];
          expect(ratio).toBeCloseTo(Math.exp(-(z * (phi[b] - phi[a])) / 2 / kT), 12);
        }
      }
    });
  });

  it('keeps the interface override measured from the chemical site energies', () => {
    const m = compileRateModel(validateScene(threeRegionScene()));
    const R = m.nRegions;
    // Zn2+ (z = 2) between A (E 0, φ 0) and B (E 0.04, φ 0.05): S = min(0, 0.04) + 0.3 + 2·(0 + 0.05)/2
    expect(m.saddle[(0 * R + 0) * R + 1]).toBeCloseTo(0.3 + 0.05, 14);
  });

  it('obeys detailed balance k_ij·π_i = k_ji·π_j to 1e-12 over random configurations, with interactions and a field', () => {
    const scene = validateScene(
      threeRegionScene({
        interactions: [
          { species: ['Zn2+', 'Zn2+'], energy: 0.07 },
          { species: ['Zn2+', 'H+'], energy: 0.02 },
          { species: ['H+', 'OH-'], energy: -0.05 },
        ],
        // Along the reflecting axis the field has a potential energy −q·F·x, so the equilibrium π is defined.
        field: { axis: 'x', strength: 0.006 },
      }),
    );
    const m = compileRateModel(scene);
    // The energy from the scene's own numbers (not the compiled tables): chemical E + z·φ − z·F·x + pair energies.
    const chemical = (s: number, r: number) => scene.regions[r].species[SPECIES_NAMES[s]]!.siteEnergy;
    const energy = (o: Uint8Array) => {
      let e = 0;
      for (let i = 0; i < m.nSites; i++) {
        if (!o[i]) continue;
        const s = o[i] - 1;
        const r = m.siteRegion[i];
        const z = m.charge[s];
        e += chemical(s, r) + z * (scene.regions[r].potential ?? 0) - z * 0.006 * (i % m.size[0]) * m.spacing;
        for (let d = 0; d < m.coordination; d += 2) {
          const j = neighbour(m, i, d);
          if (j >= 0 && o[j]) e += m.pairEnergy[s * m.nSpecies + (o[j] - 1)];
        }
      }
      return e;
    };
    let checked = 0;
    let worst = 0;
    for (let replica = 0; replica < 40; replica++) {
      const occ = initialOccupancy(m, scene.seed, replica);
      const e0 = energy(occ);
      for (let i = 0; i < m.nSites; i++)
        for (let d = 0; d < m.coordination; d++) {
          const forward = hopRateAt(m, occ, i, d);
          if (forward === 0) continue;
          const j = neighbour(m, i, d);
          const after = occ.slice();
          after[j] = after[i];
          after[i] = 0;
          const back = hopRateAt(m, after, j, d ^ 1);
          // k_ij·π_i / (k_ji·π_j) with π ∝ exp(−E/kT)
          const balance = (forward / back) * Math.exp(-(e0 - energy(after)) / kT);
          worst = Math.max(worst, Math.abs(balance - 1));
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(500);
    expect(worst).toBeLessThan(1e-12);
  });
});

describe('region potential validation', () => {
  it('names the field, the value and the allowed range', () => {
    const bad = threeRegionScene({}, [0, 12, 0]);
    expect(() => validateScene(bad)).toThrow(/regions\[1\]\.potential: region potential must lie in \[-10, 10\] V \(got 12\)/);
    const nan = threeRegionScene({}, [0, NaN, 0]);
    expect(() => validateScene(nan)).toThrow(/regions\[1\]\.potential/);
  });

  it('refuses a potential step whose hop rate overflows, naming the regions', () => {
    // 10 V against −10 V at 5 K: Zn2+ barrier shift −20 eV, ν·exp(20/kT) is not finite.
    // validateScene compiles the model too (rate bounds, issue 7), so the scene is refused there.
    expect(() => validateScene({ ...threeRegionScene({}, [10, -10, 0]), temperature: 5 })).toThrow(/regions\[1\]\.potential: the hop of Zn2\+ from "A" \(φ = 10 V\) into "B" \(φ = -10 V\) gets a barrier shift of -20\.00 eV/);
  });
});
