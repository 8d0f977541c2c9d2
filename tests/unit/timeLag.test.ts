// The time lag of a slab (src/observe/timeLag.ts): the exact lattice formula
// against closed forms and against a direct integration of the mean equations,
// the asymptote fit (on RK4 of the mean equations), and the refusal when the slab does not start empty.
import { describe, expect, it } from 'vitest';
import { fitTimeLag, latticeMeanOutflow, latticeTimeLag, timeLagFactor } from '../../src/observe/timeLag';
import { runScene } from '../../src/run/runScene';
import { caseScene } from '../../src/validate/sceneBuilder';

describe('lattice time lag', () => {
  it('reduces to (n² − 1)/(6w) with fast faces and a pure sink, and to the ρ_down form of the continuum', () => {
    const w = 3;
    for (const L of [5, 11, 21]) {
      const n = L - 1;
      const fast = { layers: L, hopRatePerS: w, faceRateUpPerS: 1e12, faceRateDownPerS: 1e12 };
      expect(latticeTimeLag({ ...fast, rhoUp: 0.7, rhoDown: 0 })).toBeCloseTo((n * n - 1) / (6 * w), 8);
      // Σ_j (ρ_up − Δρ·j/n)·j/n · n/(w·Δρ) in closed form.
      const up = 0.8;
      const down = 0.3;
      const closed = ((up * n * (n + 1)) / (2 * (up - down)) - ((n + 1) * (2 * n + 1)) / 6) / w;
      expect(latticeTimeLag({ ...fast, rhoUp: up, rhoDown: down })).toBeCloseTo(closed, 8);
      // Continuum limit: t_lag·D/ℓ² → c_up/(2Δc) − 1/3.
      expect(latticeTimeLag({ ...fast, rhoUp: up, rhoDown: down }) * w / (n * n)).toBeCloseTo(timeLagFactor(up, down), n > 15 ? 1 : 0);
    }
  });

  it('matches the asymptote of the integrated mean equations with slow faces', () => {
    const L = 8;
    const w = 1;
    const gUp = 1.5;
    const gDown = 0.7;
    const rhoUp = 0.6;
    const rhoDown = 0.1;
    const ladder = { layers: L, hopRatePerS: w, faceRateUpPerS: gUp, faceRateDownPerS: gDown, rhoUp, rhoDown };
    const exact = latticeTimeLag(ladder);
    const times = Array.from({ length: 251 }, (_, k) => (k / 10) * exact);
    const out = latticeMeanOutflow(ladder, times);
    const window = times.map((_, k) => k).filter((k) => times[k] > 15 * exact);
    const fit = fitTimeLag(times, out, window);
    expect(fit.tLagS / exact).toBeCloseTo(1, 5);
    const resistance = 1 / gUp + (L - 1) / w + 1 / gDown;
    expect(fit.fluxPerSitePerS).toBeCloseTo((rhoUp - rhoDown) / resistance, 8);
  });

  it('refuses the time lag when the slab does not start empty, and says why', async () => {
    const scene = caseScene({
      name: 'slab not empty',
      lattice: { type: 'square', size: [6, 4], spacing: 3, boundary: ['reflecting', 'periodic'] },
      temperature: 300,
      attemptFrequency: 1e13,
      seed: 5,
      run: { time: 2e-7, samples: 40, replicas: 2 },
      regions: [{ name: 'slab', species: { 'Zn2+': { barrier: 0.3 } } }],
      populations: [{ species: 'Zn2+', count: 3 }],
      electrolyte: { potential: 0, activity: {} },
      reservoirs: [
        { name: 'up', face: 'x-', desolvationBarrier: { 'Zn2+': 0.3 }, activity: { 'Zn2+': 2 } },
        { name: 'down', face: 'x+', desolvationBarrier: { 'Zn2+': 0.3 }, activity: { 'Zn2+': 0 } },
      ],
      observe: { fitFrom: 0.5 },
    });
    const result = await runScene(scene, { engine: 'cpu' });
    const lag = result.observables.exchange!.steadyFluxD[0].timeLag;
    expect(lag.tLagS).toBeNull();
    expect(lag.cm2PerS).toBeNull();
    expect(lag.notDefined).toMatch(/did not start empty \(3 ions at t = 0/);
    expect([lag.upstream, lag.downstream]).toEqual(['up', 'down']);
  });
});
