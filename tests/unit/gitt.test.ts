// The GITT-like pulse protocol (src/run/protocolPlan.ts) and the apparent
// diffusivities (src/observe/apparentDiffusivity.ts): its scene validation, the
// sample grid that follows the protocol, the current source (ions counted at the
// face, conserved, arriving at rate I), open circuit during the relaxation, and
// the open-circuit potential as the exact inverse of the independent-site
// isotherm on several regions at once.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import type { SceneInput } from '../../src/model/scene/schema';
import { runScene } from '../../src/run/runScene';
import { occupancyChemicalPotential } from '../../src/observe/apparentDiffusivity';
import { PASS_SIGMAS } from '../../src/validate/types';

function pulseScene(edit?: (s: SceneInput) => void): SceneInput {
  const s: SceneInput = {
    ionhop: 1,
    name: 'pulse',
    lattice: { type: 'square', size: [12, 8], spacing: 3, boundary: ['reflecting', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 7,
    run: { time: 3e-6, samples: 40, replicas: 6 },
    species: [{ name: 'Zn2+', charge: 2 }],
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', fraction: 0.25 }],
    electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
    reservoirs: [{ name: 'face', face: 'x-', desolvationBarrier: { 'Zn2+': 0.35 } }],
    protocol: { pulse: { species: 'Zn2+', current: 2e7, duration: 5e-7, relaxation: 1e-6, cycles: 2 } },
  };
  edit?.(s);
  return s;
}

describe('GITT pulse protocol', () => {
  it('refuses a run.time other than cycles·(duration + relaxation), samples off the segments, an unknown reservoir, a species that does not cross, current and potential together', () => {
    expect(() => validateScene(pulseScene((s) => (s.run = { time: 2e-6, samples: 40 })))).toThrow(/run.time: must equal protocol.pulse cycles·\(duration \+ relaxation\) = 0.000003 s/);
    expect(() => validateScene(pulseScene((s) => (s.run = { time: 3e-6, samples: 42 })))).toThrow(/run.samples: must be a multiple of 4/);
    expect(() => validateScene(pulseScene((s) => (s.protocol!.pulse!.reservoir = 'back')))).toThrow(/protocol.pulse.reservoir: unknown reservoir; reservoirs are face/);
    expect(() => validateScene(pulseScene((s) => (s.protocol!.pulse!.species = 'H+')))).toThrow(/protocol.pulse.species: does not cross the reservoir "face"/);
    expect(() => validateScene(pulseScene((s) => (s.protocol!.pulse!.potential = 0.1)))).toThrow(/give exactly one of current \(ions\/s, galvanostatic\) or potential/);
    expect(() => validateScene(pulseScene((s) => (s.protocol = { potentials: [0], pulse: s.protocol!.pulse })))).toThrow(/give exactly one of potentials \(a staircase\) or pulse/);
    expect(() => validateScene(pulseScene((s) => (s.reservoirs = [])))).toThrow(/protocol: a pulse acts through the faces open to the electrolyte/);
  });

  it('galvanostatic: the sample grid follows the segments, the source inserts I·τ per pulse (4 SE) and nothing enters while relaxing', async () => {
    const result = await runScene(validateScene(pulseScene()));
    const t = result.observables.samples.tS;
    // 10 intervals per segment: pulse [0, 5e-7], relaxation [5e-7, 1.5e-6], ...
    expect(t[10]).toBeCloseTo(5e-7, 18);
    expect(t[20]).toBeCloseTo(1.5e-6, 18);
    expect(t[30]).toBeCloseTo(2e-6, 18);
    const x = result.observables.exchange!;
    const g = x.gitt!;
    expect(g.mode).toBe('current');
    // Poisson arrivals: I·τ = 10 per pulse, SE from the replicas (no arrival was blocked at this filling).
    expect(g.blockedArrivals!.value).toBe(0);
    for (const c of g.cycles) expect(Math.abs(c.inserted.value - 10)).toBeLessThan(PASS_SIGMAS * c.inserted.se);
    // Open circuit: the charge is flat over each relaxation, and the faces never remove an ion.
    expect(x.chargeE.mean[20]).toBe(x.chargeE.mean[10]);
    expect(x.chargeE.mean[40]).toBe(x.chargeE.mean[30]);
    expect(x.perFaceSpecies[0].removals.value).toBe(0);
    // Conservation is checked at every sample by the recorder; the stored ΔN is the inserted count.
    expect(x.stored[0].deltaN.value).toBe(x.perFaceSpecies[0].insertions.value);
    // The potential falls during a pulse (ions pile up at the face) and the relaxed host potential after it is lower.
    expect(g.cycles[0].slopeVPerSqrtS.value).toBeLessThan(0);
    expect(g.cycles[0].ocvAfterV.value).toBeLessThan(g.cycles[0].ocvBeforeV.value);
    expect(g.cycles[0].weppnerHuggins!.a2PerS.value).toBeGreaterThan(0);
  });

  it('potentiostatic: the faces open at the pulse potential and close for the relaxation; no Weppner–Huggins estimate, with the reason', async () => {
    const result = await runScene(validateScene(pulseScene((s) => (s.protocol = { pulse: { species: 'Zn2+', potential: -0.1, duration: 5e-7, relaxation: 1e-6, cycles: 2 } }))));
    const x = result.observables.exchange!;
    expect(x.gitt!.mode).toBe('potential');
    expect(x.gitt!.notDefined).toMatch(/needs a constant current/);
    expect(x.gitt!.cycles[0].weppnerHuggins).toBeNull();
    expect(x.chargeE.mean[10]).toBeGreaterThan(0);
    expect(x.chargeE.mean[20]).toBe(x.chargeE.mean[10]);
  });

  it('the open-circuit inversion is exact on several regions: μ from the count gives back the count', () => {
    const m = compileRateModel(validateScene(pulseScene((s) => {
      s.regions = [
        { name: 'deep', slab: { axis: 'y', from: 0, to: 3 }, species: { 'Zn2+': { barrier: 0.3, siteEnergy: -0.08 } } },
        { name: 'host', species: { 'Zn2+': { barrier: 0.35, siteEnergy: 0.02 } } },
      ];
    })));
    const n = Float64Array.from([3, 5]);
    for (const count of [0.1, 1, 2.5, 4, 7.9]) {
      const mu = occupancyChemicalPotential(m, 0, n, count);
      const held = 3 / (1 + Math.exp((-0.08 - mu) / m.kT)) + 5 / (1 + Math.exp((0.02 - mu) / m.kT));
      expect(Math.abs(held - count)).toBeLessThan(1e-10);
    }
    expect(occupancyChemicalPotential(m, 0, n, 0)).toBeNaN();
    expect(occupancyChemicalPotential(m, 0, n, 8)).toBeNaN();
  });
});

describe('diffusivities of a species whose population varies (open region)', () => {
  const kT = 8.617333262e-5 * 300;
  const w = 1e13 * Math.exp(-0.3 / kT);
  /** Zn2+ absent at the start, the whole periodic region open to a unit-activity electrolyte (θ → a/(1 + a) = 0.5). */
  const openGas = (desolvationBarrier: number, replicas: number, runHops: number) =>
    runScene(validateScene({
      ionhop: 1,
      name: 'open lattice gas',
      lattice: { type: 'square', size: [16, 16], spacing: 3, boundary: ['periodic', 'periodic'] },
      temperature: 300,
      attemptFrequency: 1e13,
      seed: 12,
      run: { time: runHops / w, samples: 60, replicas },
      species: [{ name: 'Zn2+', charge: 2 }],
      regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
      populations: [{ species: 'Zn2+', count: 0 }],
      electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
      reservoirs: [{ name: 'all', region: 'host', desolvationBarrier: { 'Zn2+': desolvationBarrier } }],
    }));
  it('D_σ from the hop current over the mean population equals D0·(1 − θ); D* says why it is not defined when no ion stays through the window', async () => {
    // Exchange as fast as hops: θ = 0.5 within a few 1/w, and every ion is replaced long before the window ends.
    const sp = (await openGas(0.3, 8, 300)).observables.species[0];
    expect(sp.count).toBe(0);
    // Non-interacting lattice gas: the jump (collective) diffusivity is D0·(1 − θ) at θ = 0.5; jackknife SE over 8 replicas.
    const dSigma = sp.collective.a2PerS;
    expect(sp.notDefined.collective).toBeUndefined();
    expect(Math.abs(dSigma.value - w * 9 * 0.5)).toBeLessThan(PASS_SIGMAS * dSigma.se);
    expect(dSigma.se / dSigma.value).toBeLessThan(0.15);
    expect(sp.tracerIons.value).toBe(0);
    expect(sp.notDefined.tracer).toMatch(/no ion of this species stayed through the whole fit window/);
  });
  it('a species absent at the start that enters before the fit window gets a D* from the ions that stay', async () => {
    // Residence ~1/k_out ≈ 300/w: about half of the ions inserted before the window stay through it.
    const sp = (await openGas(0.45, 2, 300)).observables.species[0];
    expect(sp.tracerIons.value).toBeGreaterThan(5);
    expect(sp.notDefined.tracer).toBeUndefined();
    expect(sp.tracer.a2PerS.value).toBeGreaterThan(0);
  });
});
