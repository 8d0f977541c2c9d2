// The drift estimators on synthetic replicas whose answer is known exactly:
// ions that all move at one constant velocity have that drift velocity, zero
// centred D and D_σ (the plain MSD slope is all drift), and the conductivity
// σ = e·z·N·v/(V·F); a run with a single sample gives NaN, not an exception.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';

/** Species of a scene that declares none (Zn2+, H+, OH-). */
const N_SPECIES = 3;
import { driftObservables, ELEMENTARY_CHARGE_C } from '../../src/observe/drift';
import type { ReplicaObservables } from '../../src/observe/replicaRecorder';

const sceneWithField = (strength: number) =>
  validateScene({
    ionhop: 1,
    name: 'synthetic',
    lattice: { type: 'square', size: [10, 10], spacing: 2, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { time: 1 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', count: 5 }],
    field: { axis: 'x', strength },
  });
const model = compileRateModel(sceneWithField(0.01));

/** N Zn2+ ions, each displaced by (vx·t, vy·t) Å at the sample times (plus a per-replica offset along y). */
function uniformReplica(times: number[], n: number, vx: number, vy: number, yOffset: number): ReplicaObservables {
  const K = times.length;
  const zeros = () => [0, 1, 2].map(() => new Float64Array(K));
  const msd = Array.from({ length: N_SPECIES }, zeros);
  const com = Array.from({ length: N_SPECIES }, zeros);
  times.forEach((t, k) => {
    const x = vx * t;
    const y = vy * t + (k > 0 ? yOffset : 0);
    msd[0][0][k] = x * x;
    msd[0][1][k] = y * y;
    com[0][0][k] = n * x;
    com[0][1][k] = n * y;
  });
  const count = new Int32Array(N_SPECIES);
  count[0] = n;
  return {
    times: Float64Array.from(times),
    count,
    msd,
    com2: Array.from({ length: N_SPECIES }, zeros),
    com,
    profile: [],
    regionOccupancy: [],
    profileSamples: 0,
    crossings: new Float64Array(1),
    events: new Float64Array(N_SPECIES),
    totalEvents: 0,
  };
}

describe('driftObservables', () => {
  const times = Array.from({ length: 21 }, (_, k) => k * 0.5);
  const v = 3.5; // Å/s along x

  it('gives the exact velocity, mobility and conductivity and zero centred D for a uniform drift', () => {
    const replicas = [0, 1, 2, 3].map(() => uniformReplica(times, 5, v, 0, 0));
    const d = driftObservables(model, replicas, 0.2);
    const zn = d.species[0];
    expect(zn.velocityAPerS.x!.value).toBeCloseTo(v, 12);
    expect(zn.velocityAPerS.x!.se).toBe(0);
    expect(zn.mobilityCm2PerVs!.value).toBeCloseTo((v / 0.01) * 1e-16, 25);
    expect(Math.abs(zn.centredTracer.a2PerS.value)).toBeLessThan(1e-9);
    expect(Math.abs(zn.centredCollective.a2PerS.value)).toBeLessThan(1e-9);
    const volumeA3 = 100 * 2 ** 3;
    expect(d.volumeCm3).toBeCloseTo(volumeA3 * 1e-24, 30);
    const sigma = (ELEMENTARY_CHARGE_C * 2 * 5 * v) / (volumeA3 * 0.01) * 1e8;
    expect(d.conductivity!.measuredSPerCm.value / sigma).toBeCloseTo(1, 12);
    expect(d.field).toEqual({ axis: 'x', strengthVPerA: 0.01 });
    expect(d.notes.diffusivities).toMatch(/includes the drift/);
  });

  it('spreads the replica-to-replica scatter into the centred D but not a common drift', () => {
    // Replicas displaced by ±1 Å along y after t = 0: the variance about the mean is 1 Å² at every t > 0,
    // flat in time, so the centred D_y (a slope) is 0 while the drift stays exact.
    const replicas = [1, -1, 1, -1].map((o) => uniformReplica(times, 5, v, 0, o));
    const zn = driftObservables(model, replicas, 0.2).species[0];
    expect(zn.velocityAPerS.x!.value).toBeCloseTo(v, 12);
    expect(Math.abs(zn.centredTracer.perAxisA2PerS.y!.value)).toBeLessThan(1e-9);
  });

  it('reports no mobility and no conductivity at F = 0, but the drift velocity', () => {
    const replicas = [0, 1].map(() => uniformReplica(times, 5, v, 0, 0));
    const d = driftObservables(compileRateModel(sceneWithField(0)), replicas, 0.2);
    expect(d.species[0].mobilityCm2PerVs).toBeNull();
    expect(d.conductivity).toBeNull();
    expect(d.species[0].velocityAPerS.x!.value).toBeCloseTo(v, 12);
  });

  it('returns NaN rather than throwing for a run with one sample', () => {
    const replicas = [0, 1].map(() => uniformReplica([0], 5, v, 0, 0));
    const d = driftObservables(model, replicas, 0.2);
    expect(Number.isNaN(d.species[0].velocityAPerS.x!.value)).toBe(true);
    expect(Number.isNaN(d.conductivity!.measuredSPerCm.value)).toBe(true);
  });
});
