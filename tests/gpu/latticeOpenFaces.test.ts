// Open faces on gpu-lattice through runScene: the grand-canonical validation
// cases must pass (equilibrium is exact at any step, so they run at the largest
// step α = 1 to keep the software driver fast; at α = 1 and α = 0.1, seed offsets
// 0–3 gave deviations between −3.4σ and +2.9σ with 8 replicas, scattered on both
// sides: docs/gpu.md), the exchange recorder's conservation check passes at every
// sample, and the MSD-based estimators say why they are not defined.
import { describe, expect, it } from 'vitest';
import { grandCanonicalIsothermCase, speciesCompetitionCase } from '../../src/validate/cases/openFaces';
import { PASS_SIGMAS } from '../../src/validate/types';
import { runScene } from '../../src/run/runScene';
import { validateScene } from '../../src/model/scene/validate';
import { EngineUnsupportedError } from '../../src/engine/engine';

describe('gpu-lattice with reservoir faces (runScene)', () => {
  for (const c of [grandCanonicalIsothermCase, speciesCompetitionCase]) {
    it(`${c.name} passes at α = 1`, async () => {
      const checks = await c.run({ engine: 'gpu-lattice', seedOffset: 0, tuning: { stepFraction: 1 } });
      expect(checks.length).toBeGreaterThan(1);
      for (const k of checks) {
        const detail = `${k.quantity}: theory ${k.theory}, measured ${k.measured} ± ${k.se}`;
        if (process.env.IONHOP_TEST_VERBOSE) console.log(detail);
        expect(k.se / k.theory, detail).toBeLessThan(0.03);
        expect(Math.abs(k.measured - k.theory), detail).toBeLessThan(PASS_SIGMAS * k.se);
      }
    });
  }

  const openScene = (protocol: boolean) =>
    validateScene({
      ionhop: 1,
      name: 'open slab, gpu-lattice',
      lattice: { type: 'square', size: [8, 4], spacing: 3, boundary: ['reflecting', 'periodic'] },
      temperature: 300,
      attemptFrequency: 1e13,
      seed: 2,
      run: { time: 4e-7, samples: 8, replicas: 2 },
      regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
      populations: [{ species: 'Zn2+', count: 4 }],
      electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
      reservoirs: [{ name: 'left', face: 'x-', desolvationBarrier: { 'Zn2+': 0.3 } }],
      ...(protocol ? { protocol: { potentials: [0, -0.02] } } : {}),
    });

  it('reports the exchange and leaves D*, D_σ, the Haven ratio and the drift undefined, with the reason', async () => {
    const result = await runScene(openScene(false), { engine: 'gpu-lattice', tuning: { stepFraction: 1 } });
    const zn = result.observables.species[0];
    expect(Number.isNaN(zn.tracer.a2PerS.value)).toBe(true);
    expect(Number.isNaN(zn.collective.a2PerS.value)).toBe(true);
    expect(zn.notDefined.tracer).toMatch(/gpu-lattice creates ions \(at reservoir faces, by water dissociation\) without a tracer identity.*--engine cpu/);
    expect(result.observables.drift.notes.drift).toMatch(/not defined/);
    expect(result.observables.drift.species.every((sp) => Object.values(sp.velocityAPerS).every((v) => Number.isNaN(v!.value)))).toBe(true);
    const face = result.observables.exchange!.perFaceSpecies[0];
    expect(face.insertions.value).toBeGreaterThan(0);
    expect(face.removals.value).toBeGreaterThan(0);
    // Ions fill the slab towards θ = a/(1 + a) = 0.5: the occupancy counts the inserted ions too.
    expect(zn.regionOccupancy[0].occupancy.value).toBeGreaterThan(4 / 32);
  });

  it('refuses a protocol, naming it and the cpu engine', async () => {
    await expect(runScene(openScene(true), { engine: 'gpu-lattice' })).rejects.toThrow(EngineUnsupportedError);
    await expect(runScene(openScene(true), { engine: 'gpu-lattice' })).rejects.toThrow(/protocol.*--engine cpu/);
  });
});
