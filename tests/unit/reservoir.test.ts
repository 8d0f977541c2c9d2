// Reservoir faces on the exact engine: the rates obey detailed balance with the
// electrolyte's grand-canonical weight, the engine's rates and groups match the
// reference reservoirRateAt after every kind of event, the population changes
// exactly by insertions − removals, and bad scenes are refused by name.
import { PASS_SIGMAS } from '../../src/validate/types';
import { describe, expect, it } from 'vitest';
import { validateScene, SceneError } from '../../src/model/scene/validate';
import { compileRateModel, localPairEnergy, reservoirRateAt, type RateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import type { SceneInput } from '../../src/model/scene/schema';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { CHANNEL_KINDS } from '../../src/model/channels';
import { checkKernelModel } from '../../src/engine/gpu/ionList';
import { EngineUnsupportedError } from '../../src/engine/engine';
import { runScene } from '../../src/run/runScene';

function openScene(type: 'square' | 'triangular', interacting: boolean): SceneInput {
  return {
    ionhop: 1,
    name: 'open faces',
    lattice: { type, size: [8, 6], spacing: 3, boundary: ['reflecting', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 5,
    run: { events: 10 },
    regions: [
      { name: 'layer', slab: { axis: 'x', from: 0, to: 2 }, potential: 0.05, species: { 'Zn2+': { barrier: 0.3, siteEnergy: -0.1 }, 'H+': { barrier: 0.2 } } },
      { name: 'host', species: { 'Zn2+': { barrier: 0.35, siteEnergy: 0.05 }, 'H+': { barrier: 0.25, siteEnergy: -0.05 } } },
    ],
    interactions: interacting ? [{ species: ['Zn2+', 'H+'], energy: 0.04 }, { species: ['Zn2+', 'Zn2+'], energy: 0.06 }] : [],
    populations: [{ species: 'Zn2+', count: 6 }, { species: 'H+', count: 6 }],
    electrolyte: { potential: 0.02, activity: { 'Zn2+': 0.5 }, pH: 1 },
    reservoirs: [
      { name: 'front', face: 'x-', desolvationBarrier: { 'Zn2+': 0.4, 'H+': 0.3 } },
      { name: 'back', face: 'x+', desolvationBarrier: { 'Zn2+': 0.45 }, activity: { 'Zn2+': 0.01 } },
    ],
  };
}

const compile = (input: SceneInput) => compileRateModel(validateScene(input));

/** Species counts of the ions present (IonState.alive). */
function aliveBySpecies(engine: CpuEngine, S: number): number[] {
  const v = engine.ionStateView();
  const n = new Array<number>(S).fill(0);
  for (let k = 0; k < v.species.length; k++) if (v.alive![k]) n[v.species[k]]++;
  return n;
}

describe('reservoir channels on the exact engine', () => {
  for (const type of ['square', 'triangular'] as const)
    for (const interacting of [false, true]) {
      it(`keeps every rate exact and conserves ions per species (${type}${interacting ? ', interactions' : ''})`, async () => {
        const m = compile(openScene(type, interacting));
        const engine = new CpuEngine(m, initialOccupancy(m, 0), 'open');
        expect(engine.checkConsistency()).toBeNull();
        const start = aliveBySpecies(engine, m.nSpecies);
        for (let k = 0; k < 20; k++) {
          engine.advanceSync({ events: 150 });
          expect(engine.checkConsistency()).toBeNull();
        }
        const counts = engine.reservoirCountsSync()!;
        const now = aliveBySpecies(engine, m.nSpecies);
        let exchanges = 0;
        for (let s = 0; s < m.nSpecies; s++) {
          let net = 0;
          for (let f = 0; f < 2; f++) net += counts.insertions[f * m.nSpecies + s] - counts.removals[f * m.nSpecies + s];
          expect(now[s] - start[s]).toBe(net);
          for (let f = 0; f < 2; f++) exchanges += counts.insertions[f * m.nSpecies + s] + counts.removals[f * m.nSpecies + s];
        }
        // Both faces exchange, and H+ crosses only "front".
        expect(counts.insertions[0] + counts.insertions[1]).toBeGreaterThan(0);
        expect(counts.insertions[1 * m.nSpecies + 1]).toBe(0);
        const byKind = await engine.eventCountsByKind();
        expect(byKind[CHANNEL_KINDS.indexOf('reservoir')]).toBe(exchanges);
        expect(byKind[CHANNEL_KINDS.indexOf('hop')] + exchanges).toBe(engine.events);
      });
    }

  it('setModel to a new electrode potential keeps the counters and rebuilds the insertion rates', () => {
    const m = compile(openScene('square', false));
    const engine = new CpuEngine(m, initialOccupancy(m, 0), 'step');
    engine.advanceSync({ events: 500 });
    const before = engine.reservoirCountsSync()!;
    const stepped = openScene('square', false);
    stepped.electrolyte = { ...stepped.electrolyte!, potential: -0.1 };
    engine.setModelSync(compile(stepped));
    expect(engine.checkConsistency()).toBeNull();
    expect(Array.from(engine.reservoirCountsSync()!.insertions)).toEqual(Array.from(before.insertions));
    engine.advanceSync({ events: 500 });
    expect(engine.checkConsistency()).toBeNull();
  });
});

/**
 * k_in(i, s)·π(empty) = k_out(i, s)·π(s at i), with π(s at i)/π(empty) =
 * exp((μ_s − E_s,r − V_i)/kBT) and μ_s = kBT·ln a_s − z_s·U: checked for
 * every face site and species over random configurations.
 */
function checkDetailedBalance(m: RateModel, seed: number): number {
  const res = m.channels.reservoir!;
  let rng = seed;
  const next = () => ((rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0) / 4294967296);
  let checked = 0;
  let worst = 0;
  for (let trial = 0; trial < 30; trial++) {
    const occ = new Uint8Array(m.nSites);
    for (let i = 0; i < m.nSites; i++) {
      const s = Math.floor(next() * (m.nSpecies + 1));
      if (s > 0 && m.allowed[(s - 1) * m.nRegions + m.siteRegion[i]]) occ[i] = s;
    }
    for (let i = 0; i < m.nSites; i++) {
      const f = res.siteFace[i];
      if (f === 0) continue;
      for (let s = 0; s < m.nSpecies; s++) {
        const a = res.activity[(f - 1) * m.nSpecies + s];
        if (a === 0 || !m.allowed[s * m.nRegions + m.siteRegion[i]]) continue;
        const empty = occ.slice();
        empty[i] = 0;
        const full = occ.slice();
        full[i] = s + 1;
        const kIn = reservoirRateAt(m, empty, i, s);
        const kOut = reservoirRateAt(m, full, i, s);
        const mu = m.kT * Math.log(a) - m.charge[s] * res.potential;
        const energy = m.siteEnergy[s * m.nRegions + m.siteRegion[i]] + localPairEnergy(m, empty, s, i, -1);
        const ratio = kIn / kOut / Math.exp((mu - energy) / m.kT);
        worst = Math.max(worst, Math.abs(ratio - 1));
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(100);
  return worst;
}

describe('reservoir detailed balance', () => {
  it('k_in·π_empty = k_out·π_occupied to 1e-12 over random configurations, with interactions and region potentials', () => {
    expect(checkDetailedBalance(compile(openScene('square', true)), 7)).toBeLessThan(1e-12);
    expect(checkDetailedBalance(compile(openScene('triangular', true)), 11)).toBeLessThan(1e-12);
  });
});

describe('reservoir scene validation', () => {
  const refused = (edit: (s: SceneInput) => void): string => {
    const s = openScene('square', false);
    edit(s);
    try {
      compile(s);
    } catch (e) {
      expect(e).toBeInstanceOf(SceneError);
      return (e as Error).message;
    }
    throw new Error('scene was accepted');
  };
  it('refuses a face on a periodic axis', () => {
    expect(refused((s) => (s.reservoirs![0].face = 'y-'))).toMatch(/reservoirs\[0\]\.face: lies on the periodic axis y/);
  });
  it('refuses a species the face region does not allow', () => {
    const msg = refused((s) => {
      s.regions[0].species = { 'Zn2+': { barrier: 0.3 } };
    });
    expect(msg).toMatch(/reservoirs\[0\]\.desolvationBarrier\.H\+: H\+ is not allowed in region "layer"/);
  });
  it('refuses a desolvation barrier below max(0, E_s,r)', () => {
    expect(refused((s) => (s.reservoirs![1].desolvationBarrier = { 'Zn2+': 0.03 }))).toMatch(/reservoirs\[1\]\.desolvationBarrier\.Zn2\+: must be ≥ max\(0, E\) = 0\.0500 eV.*\(got 0\.03\)/);
  });
  it('refuses a missing activity, overlapping reservoirs and pH without H+ charge +1', () => {
    expect(refused((s) => (s.electrolyte = { potential: 0, pH: 1 }))).toMatch(/desolvationBarrier\.Zn2\+: Zn2\+ crosses this face but has no activity/);
    expect(refused((s) => (s.reservoirs![1] = { name: 'again', region: 'layer', desolvationBarrier: { 'Zn2+': 0.4 } }))).toMatch(/reservoirs\[1\]: shares site/);
    expect(refused((s) => (s.species = [{ name: 'Zn2+', charge: 2 }, { name: 'H+', charge: 2 }]))).toMatch(/electrolyte\.pH: .*charge \+1/);
  });
  it('refuses face and region together, and an unknown face name, in the schema', () => {
    expect(() => validateScene({ ...openScene('square', false), reservoirs: [{ name: 'x', face: 'x-', region: 'layer', desolvationBarrier: {} }] })).toThrow(/give exactly one of face or region/);
    expect(() => validateScene({ ...openScene('square', false), reservoirs: [{ name: 'x', face: 'w-', desolvationBarrier: {} }] })).toThrow(/reservoir face must be one of x-, x\+/);
  });
  it('gpu-walkers refuses open faces, naming the feature and the engines that run them; gpu-lattice takes them', () => {
    const m = compile(openScene('square', false));
    expect(() => checkKernelModel('gpu-walkers', m)).toThrow(EngineUnsupportedError);
    expect(() => checkKernelModel('gpu-walkers', m)).toThrow(/reservoir faces.*use --engine gpu-lattice or --engine cpu/);
    expect(() => checkKernelModel('gpu-lattice', m)).not.toThrow();
  });
});

describe('potential staircase protocol', () => {
  const staircase = (edit?: (s: SceneInput) => void): SceneInput => {
    const s: SceneInput = {
      ionhop: 1,
      name: 'staircase',
      lattice: { type: 'square', size: [16, 16], spacing: 3, boundary: ['periodic', 'periodic'] },
      temperature: 300,
      attemptFrequency: 1e13,
      seed: 4,
      run: { time: 4e-6, samples: 40, replicas: 6 },
      species: [{ name: 'Zn2+', charge: 2 }],
      regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
      populations: [{ species: 'Zn2+', count: 0 }],
      electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
      reservoirs: [{ name: 'all', region: 'host', desolvationBarrier: { 'Zn2+': 0.3 } }],
      protocol: { potentials: [0.04, 0.02, 0, -0.02] },
    };
    edit?.(s);
    return s;
  };
  it('holds each potential for its share of the run: θ at each step end is the isotherm 1/(1 + exp(2U/kBT)) of that U', async () => {
    const result = await runScene(validateScene(staircase()));
    const p = result.observables.exchange!.protocol!;
    const kT = compile(staircase()).kT;
    p.potentialsV.forEach((u, j) => {
      const theta = p.theta[0].values[j];
      // Each step lasts ~40 removal times (k_out = ν·exp(−(0.3 − U)/kBT) ≥ 4e7 Hz over 1 µs): relaxed; 4 SE over 6 replicas.
      expect(Math.abs(theta.value - 1 / (1 + Math.exp((2 * u) / kT)))).toBeLessThan(PASS_SIGMAS * theta.se);
    });
    expect(p.dQdU.length).toBe(3);
    expect(p.dQdU.every((d) => d.value < 0)).toBe(true);
  });
  it('refuses a protocol without reservoirs, with run.events, or with samples not a multiple of the steps', () => {
    expect(() => validateScene(staircase((s) => (s.reservoirs = []))) ).toThrow(/protocol: a potential protocol acts on the electrolyte/);
    expect(() => validateScene(staircase((s) => (s.run = { events: 100, samples: 40 })))).toThrow(/run: with a protocol give run.time only/);
    expect(() => validateScene(staircase((s) => (s.run = { time: 4e-6, samples: 42 })))).toThrow(/run.samples: must be a multiple of the 4 protocol steps/);
  });
});
