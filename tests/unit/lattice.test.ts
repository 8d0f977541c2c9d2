// The lattice as data (src/model/lattice.ts) and the CPU engine on every
// lattice type: neighbour tables are symmetric, colour classes are proper, the
// metric gives the right bond lengths, the engine's incremental rates match
// the reference hopRateAt on every type, and a scene may declare its species.
import { describe, expect, it } from 'vitest';
import { toAngstrom, buildLattice, colourOf, colouringProblem, interiorSteps, LATTICE_TYPES, needsCoordinatePath, neighbour, sameLattice, siteCoordinates, siteIndex, type LatticeSpec } from '../../src/model/lattice';
import { validateScene, SceneError } from '../../src/model/scene/validate';
import { compileRateModel, hopIndex, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { GpuWalkersEngine } from '../../src/engine/gpu/gpuWalkersEngine';
import { GpuLatticeEngine } from '../../src/engine/gpu/gpuLatticeEngine';
import { EngineUnsupportedError } from '../../src/engine/engine';
import { runScene } from '../../src/run/runScene';

const SPECS: LatticeSpec[] = [
  { type: 'square', size: [6, 4], spacing: 3, periodic: [true, false] },
  { type: 'cubic', size: [4, 4, 3], spacing: 2, periodic: [true, true, false] },
  { type: 'triangular', size: [6, 6], spacing: 3, periodic: [true, true] },
  { type: 'triangular', size: [5, 4], spacing: 3, periodic: [false, true] },
  { type: 'honeycomb', size: [4, 3], spacing: 1.5, periodic: [true, true] },
  { type: 'honeycomb', size: [3, 3], spacing: 1.5, periodic: [false, false] },
  { type: 'layered', size: [4, 4, 4], spacing: 3, interlayerSpacing: 6.5, periodic: [true, true, true] },
];

const NEIGHBOURS = { square: 4, cubic: 6, triangular: 6, honeycomb: 3, layered: 6 };

describe('lattice as data', () => {
  for (const spec of SPECS) {
    const l = buildLattice(spec);
    const label = `${spec.type} ${spec.size.join('×')} ${spec.periodic.map((p) => (p ? 'P' : 'R')).join('')}`;
    it(`${label}: bonds are symmetric, bond lengths match the metric, coordination holds inside`, () => {
      expect(l.coordination).toBe(NEIGHBOURS[spec.type]);
      const allPeriodic = spec.periodic.every(Boolean);
      for (let i = 0; i < l.nSites; i++) {
        let count = 0;
        const seen = new Set<number>();
        for (let d = 0; d < l.directions; d++) {
          const j = neighbour(l, i, d);
          if (j < 0) continue;
          count++;
          seen.add(j);
          expect(neighbour(l, j, l.opposite[d])).toBe(i);
          const v = l.directionVectors[d];
          const expected = l.bondClass[d] === 1 ? spec.interlayerSpacing! : spec.spacing;
          expect(Math.hypot(v[0], v[1], v[2])).toBeCloseTo(expected, 12);
        }
        if (allPeriodic) expect(count).toBe(l.coordination);
        else expect(count).toBeLessThanOrEqual(l.coordination);
        expect(seen.size).toBe(count);
        const c = siteCoordinates(l, i);
        expect(siteIndex(l, c[0], c[1], c[2], c[3])).toBe(i);
      }
    });
    it(`${label}: interior steps agree with neighbour() wherever the fast path is allowed`, () => {
      const step = interiorSteps(l);
      for (let i = 0; i < l.nSites; i++) {
        if (needsCoordinatePath(l, i)) continue;
        for (let d = 0; d < l.directions; d++) expect(i + step[d]).toBe(neighbour(l, i, d));
      }
    });
    it(`${label}: colour classes are proper unless colouringProblem says why`, () => {
      const problem = colouringProblem(l);
      let clash = false;
      for (let i = 0; i < l.nSites; i++)
        for (let d = 0; d < l.directions; d++) {
          const j = neighbour(l, i, d);
          if (j >= 0 && colourOf(l, i) === colourOf(l, j)) clash = true;
        }
      expect(clash).toBe(problem !== null);
      for (let i = 0; i < l.nSites; i++) expect(colourOf(l, i)).toBeLessThan(l.colours);
    });
  }
  it('names the periodic size a colouring needs', () => {
    expect(colouringProblem(buildLattice({ type: 'triangular', size: [4, 6], spacing: 1, periodic: [true, true] }))).toMatch(/multiple of 3 cells/);
    expect(colouringProblem(buildLattice({ type: 'square', size: [5, 6], spacing: 1, periodic: [true, true] }))).toMatch(/multiple of 2 cells/);
  });
  it('one rule for the same lattice: type, cells, boundaries and metric', () => {
    const a = buildLattice(SPECS[6]);
    expect(sameLattice(a, buildLattice(SPECS[6]))).toBe(true);
    expect(sameLattice(a, buildLattice({ ...SPECS[6], interlayerSpacing: 7 }))).toBe(false);
    expect(sameLattice(a, buildLattice({ ...SPECS[6], type: 'cubic' }))).toBe(false);
  });
  it('volume per site from the cell geometry (2D: one layer of thickness a)', () => {
    const a = 2;
    const volume = (type: LatticeSpec['type'], size: number[], c?: number) => buildLattice({ type, size, spacing: a, interlayerSpacing: c, periodic: size.map(() => true) }).siteVolume;
    expect(volume('square', [4, 4])).toBe(8);
    expect(volume('cubic', [4, 4, 4])).toBe(8);
    expect(volume('layered', [4, 4, 4], 6.5)).toBeCloseTo(a * a * 6.5, 12);
    expect(volume('triangular', [3, 3])).toBeCloseTo((Math.sqrt(3) / 2) * a ** 3, 12);
    // Honeycomb cell: |A1 × A2| = (3√3/2)·a² for bond length a, two sites.
    expect(volume('honeycomb', [4, 4])).toBeCloseTo(((3 * Math.sqrt(3)) / 4) * a ** 3, 12);
  });
  it('covers every lattice type the schema offers', () => {
    expect(new Set(SPECS.map((s) => s.type))).toEqual(new Set(LATTICE_TYPES));
  });
});

function scene(lattice: SceneInput['lattice'], extra: Partial<SceneInput> = {}): SceneInput {
  return {
    ionhop: 1,
    name: 'lattice types',
    lattice,
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 4,
    run: { events: 2000, samples: 10, replicas: 2 },
    regions: [
      { name: 'low', slab: { axis: 'x', from: 0, to: 3 }, species: { 'Zn2+': { barrier: 0.3, ...(lattice.type === 'layered' ? { interlayerBarrier: 0.45 } : {}) }, 'H+': { siteEnergy: 0.03, barrier: 0.2 } } },
      { name: 'high', species: { 'Zn2+': { siteEnergy: 0.05, barrier: 0.33 }, 'H+': { barrier: 0.22 } } },
    ],
    interfaces: [{ between: ['low', 'high'], barrier: { 'Zn2+': 0.4 } }],
    interactions: [{ species: ['Zn2+', 'H+'], energy: 0.04 }],
    populations: [{ species: 'Zn2+', fraction: 0.3 }, { species: 'H+', count: 6 }],
    field: { axis: 'x', strength: 0.01 },
    ...extra,
  };
}

const LATTICES: SceneInput['lattice'][] = [
  { type: 'triangular', size: [6, 5], spacing: 3, boundary: ['reflecting', 'periodic'] },
  { type: 'honeycomb', size: [5, 4], spacing: 1.6, boundary: ['periodic', 'reflecting'] },
  { type: 'layered', size: [5, 4, 4], spacing: 3, interlayerSpacing: 6.5, boundary: ['periodic', 'periodic', 'reflecting'] },
];

describe('the exact engine on every lattice type', () => {
  for (const lattice of LATTICES) {
    for (const interacting of [false, true]) {
      it(`${lattice.type}${interacting ? ' with interactions' : ''}: rates match hopRateAt after many events`, () => {
        const m = compileRateModel(validateScene(scene(lattice, interacting ? {} : { interactions: [] })));
        const engine = new CpuEngine(m, initialOccupancy(m, 2), 'lattice types');
        expect(engine.checkConsistency()).toBeNull();
        for (let k = 0; k < 5; k++) {
          engine.advanceSync({ events: 400 });
          expect(engine.checkConsistency()).toBeNull();
        }
        expect(engine.events).toBe(2000);
      });
    }
  }
  it('layered: the interlayer barrier sets the z hops, the in-plane barrier the x and y hops', () => {
    const m = compileRateModel(validateScene(scene(LATTICES[2], { interactions: [], field: undefined })));
    const zn = 0;
    const low = 0;
    const inPlane = m.hopRate[hopIndex(m, zn, low, low, 0)];
    const between = m.hopRate[hopIndex(m, zn, low, low, 4)];
    expect(between / inPlane).toBeCloseTo(Math.exp(-0.15 / m.kT), 12);
    expect(m.hopRate[hopIndex(m, zn, low, low, 2)]).toBe(inPlane);
    expect(m.hopRate[hopIndex(m, zn, low, low, 5)]).toBe(between);
  });
});

describe('species as data', () => {
  const fourSpecies: Partial<SceneInput> = {
    species: [
      { name: 'Zn(H2O)6 2+', charge: 2, label: 'hydrated Zn²⁺' },
      { name: 'Zn2+', charge: 2 },
      { name: 'NH4+', charge: 1, color: '#884400', shape: 'cube' },
      { name: 'Mg2+', charge: 2 },
    ],
    regions: [{ name: 'host', species: { 'Zn(H2O)6 2+': { barrier: 0.45 }, 'Zn2+': { barrier: 0.3 }, 'NH4+': { barrier: 0.25 }, 'Mg2+': { barrier: 0.35 } } }],
    interfaces: [],
    interactions: [{ species: ['NH4+', 'Mg2+'], energy: 0.02 }],
    populations: [{ species: 'Zn(H2O)6 2+', count: 5 }, { species: 'Zn2+', count: 5 }, { species: 'NH4+', count: 5 }, { species: 'Mg2+', count: 5 }],
    field: undefined,
  };
  it('runs four declared species on the exact engine, reported by name', async () => {
    const s = validateScene(scene({ type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'periodic'] }, fourSpecies));
    const m = compileRateModel(s);
    expect(m.speciesNames).toEqual(['Zn(H2O)6 2+', 'Zn2+', 'NH4+', 'Mg2+']);
    expect(Array.from(m.charge)).toEqual([2, 2, 1, 2]);
    expect(m.speciesLabels[0]).toBe('hydrated Zn²⁺');
    expect(m.speciesColors[2]).toBe('#884400');
    const engine = new CpuEngine(m, initialOccupancy(m, 1), 'species');
    engine.advanceSync({ events: 3000 });
    expect(engine.checkConsistency()).toBeNull();
    const counts = await engine.eventCounts();
    expect(counts.length).toBe(4);
    for (let s = 0; s < 4; s++) expect(counts[s]).toBeGreaterThan(0);
    const result = await runScene(s, { replicas: 1 });
    expect(result.observables.species.map((o) => o.species)).toEqual(['Zn(H2O)6 2+', 'Zn2+', 'NH4+', 'Mg2+']);
  });
  it('names the declared species when a region uses another', () => {
    const bad = scene({ type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'periodic'] }, { ...fourSpecies, regions: [{ name: 'host', species: { 'Na+': { barrier: 0.3 } } }], populations: [{ species: 'Zn2+', count: 1 }] });
    expect(() => validateScene(bad)).toThrow(/regions\[0\]\.species\.Na\+: unknown species; allowed: Zn\(H2O\)6 2\+, Zn2\+, NH4\+, Mg2\+/);
  });
  it('names the allowed lattice types and the layered-only fields', () => {
    const base = scene({ type: 'square', size: [8, 8], spacing: 3, boundary: ['periodic', 'periodic'] }, { interactions: [], field: undefined });
    expect(() => validateScene({ ...base, lattice: { ...base.lattice, type: 'kagome' } })).toThrow(/lattice\.type must be one of "square" \(2D\), "cubic" \(3D\), "triangular" \(2D\), "honeycomb" \(2D\), "layered" \(3D\)/);
    expect(() => validateScene({ ...base, lattice: { ...base.lattice, interlayerSpacing: 6 } })).toThrow(SceneError);
    expect(() => validateScene({ ...base, lattice: { ...base.lattice, interlayerSpacing: 6 } })).toThrow(/lattice\.interlayerSpacing: only a layered lattice/);
    const withInterlayer = { ...base, regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3, interlayerBarrier: 0.5 } } }], interfaces: [], populations: [{ species: 'Zn2+', count: 2 }] };
    expect(() => validateScene(withInterlayer)).toThrow(/regions\[0\]\.species\.Zn2\+\.interlayerBarrier: only a layered lattice/);
  });
});

describe('GPU engines on every lattice type (TypeScript twins)', () => {
  it('gpu-lattice refuses a periodic triangular size that breaks its colour classes, naming the rule', async () => {
    const m = compileRateModel(validateScene(scene({ type: 'triangular', size: [6, 5], spacing: 3, boundary: ['periodic', 'periodic'] }, { interactions: [], populations: [{ species: 'Zn2+', count: 4 }] })));
    const error = await GpuLatticeEngine.create(m, initialOccupancy(m, 1), { seed: 'x', executor: 'twin' }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnsupportedError);
    expect((error as Error).message).toMatch(/periodic y axis of a triangular lattice needs a multiple of 3 cells/);
  });
  it('both GPU twins move ions along bonds: the site reached matches the displacement through the metric', async () => {
    for (const type of ['triangular', 'honeycomb'] as const) {
      const lattice = { ...LATTICES.find((l) => l.type === type)!, boundary: ['reflecting', 'reflecting'] as ('reflecting' | 'periodic')[] };
      const m = compileRateModel(validateScene(scene(lattice, { interactions: [], populations: [{ species: 'Zn2+', count: 2 }] })));
      const position = sitePositions(m);
      const occupancy = initialOccupancy(m, 1);
      const engines = [
        await GpuWalkersEngine.create(m, occupancy, { seed: 'w', seedNumber: 3, executor: 'twin', ticksPerDispatch: 8 }),
        await GpuLatticeEngine.create(m, occupancy, { seed: 'l', seedNumber: 3, executor: 'twin' }),
      ];
      for (const engine of engines) {
        const start = await engine.ions();
        await engine.advance({ events: 300 });
        const end = await engine.ions();
        for (let ion = 0; ion < end.site.length; ion++) {
          const n = end.displacement.slice(3 * ion, 3 * ion + 3);
          const r = toAngstrom(m.lattice.metric, n[0], n[1], n[2]);
          for (let a = 0; a < 2; a++) expect(r[a]).toBeCloseTo(position[end.site[ion]][a] - position[start.site[ion]][a], 9);
        }
        expect(engine.events).toBeGreaterThanOrEqual(300);
        engine.dispose();
      }
    }
  });
});

/** Cartesian position (Å) of every site of a connected lattice, by walking its bonds from site 0. */
function sitePositions(m: RateModel): number[][] {
  const l = m.lattice;
  const pos: number[][] = new Array(l.nSites);
  pos[0] = [0, 0, 0];
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.shift()!;
    for (let d = 0; d < l.directions; d++) {
      const j = neighbour(l, i, d);
      if (j < 0 || pos[j]) continue;
      pos[j] = pos[i].map((v, a) => v + l.directionVectors[d][a]);
      queue.push(j);
    }
  }
  return pos;
}
