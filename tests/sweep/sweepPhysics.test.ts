// Validation of `ionhop sweep` against exact results (fixed seeds; a check passes
// when |measured − theory| < 4·SE + a stated systematic bound, as in the physics
// suite). The error bars are the sweep's own (SE over replicas); over seeds
// 11/21/31 (random walk) and 12/22/32 (two layers) the deviations scattered with
// |z| ≤ 2.6, so 4·SE is a test that passes honest runs and fails a wrong formula:
// a 10 % error in the layered prediction alone moves z by about 2.
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/sweep';
import { parseAxis } from '../../src/sweep/axes';
import { A2_PER_S_TO_CM2_PER_S, KB_EV_PER_K } from '../../src/model/rateModel';
import { PASS_SIGMAS } from '../../src/validate/types';
import { randomWalkScene, twoLayerScene } from './scenes';

describe('ionhop sweep physics', () => {
  it('a temperature sweep of the dilute random walk returns the input barrier (0.35 eV) within its SE', async () => {
    const result = await runSweep(randomWalkScene(), [parseAxis('temperature=250:800:5:log')], { engine: 'cpu', jobs: 1 });
    const fit = result.fits.arrhenius!;
    expect(fit).not.toBeNull();
    expect(fit.line.used).toBe(5);
    const detail = `Ea ${fit.eaEv.value} ± ${fit.eaEv.se}, χ² ${fit.line.chi2}`;
    expect(Math.abs(fit.eaEv.value - 0.35), detail).toBeLessThan(PASS_SIGMAS * fit.eaEv.se);
    // Precise enough to mean something: ~0.002 eV measured.
    expect(fit.eaEv.se, detail).toBeLessThan(0.006);
    // Prefactor D0 = ν·a² (per-direction rate times a², in cm²/s) up to the exclusion factor ≈ 1 − 1.4·filling.
    const d0 = 1e13 * 9 * A2_PER_S_TO_CM2_PER_S;
    expect(Math.abs(fit.prefactorCm2PerS.value - d0 * (1 - 1.4 * 0.01)), detail).toBeLessThan(PASS_SIGMAS * fit.prefactorCm2PerS.se + 0.014 * d0);
  });

  it('a barrier sweep of a two-layer medium agrees point by point with the layered-medium formula', async () => {
    const result = await runSweep(twoLayerScene(12, 96), [parseAxis('regions[0].species.Zn2+.barrier=0.30:0.38:4')], { engine: 'cpu', jobs: 1 });
    const layered = result.fits.layered!;
    expect(layered.points).toHaveLength(4);
    // The formula ignores exclusion: D* is lower by about 1.4·filling (1.6 % here), taken as the systematic bound.
    const systematic = 1.4 * layered.points[0].filling;
    for (const p of layered.points) {
      const point = result.points[p.index];
      const detail = `point ${p.index}: measured ${p.measuredCm2PerS.value} ± ${p.measuredCm2PerS.se}, formula ${p.predictedCm2PerS}`;
      expect(p.measuredCm2PerS.se / p.measuredCm2PerS.value, detail).toBeLessThan(0.08);
      expect(Math.abs(p.measuredCm2PerS.value - p.predictedCm2PerS), detail).toBeLessThan(PASS_SIGMAS * p.measuredCm2PerS.se + systematic * p.predictedCm2PerS);
      // Across the layers (y) the series formula alone.
      const pred = point.layered[0];
      if (!pred.applies) throw new Error(pred.reason);
      const dy = point.observables.species[0].tracer.perAxisA2PerS.y!;
      const dyCm2 = { value: dy.value * A2_PER_S_TO_CM2_PER_S, se: dy.se * A2_PER_S_TO_CM2_PER_S };
      const series = pred.prediction.perAxisCm2PerS.y!;
      expect(Math.abs(dyCm2.value - series), `${detail}; y: ${dyCm2.value} ± ${dyCm2.se} vs ${series}`).toBeLessThan(PASS_SIGMAS * dyCm2.se + systematic * series);
    }
    // The formula is not flat: D* falls by more than 4 SE over the sweep.
    const first = layered.points[0];
    const last = layered.points[3];
    expect(first.predictedCm2PerS - last.predictedCm2PerS).toBeGreaterThan(4 * first.measuredCm2PerS.se);
    // Only part of the path crosses the swept barrier: the slope is shallower than −1/kBT.
    const slope = result.fits.barrierSlope!;
    expect(slope.singlePathPerEv).toBeCloseTo(-1 / (KB_EV_PER_K * 300), 10);
    expect(slope.slopePerEv.value).toBeGreaterThan(slope.singlePathPerEv + 4 * slope.slopePerEv.se);
  });
});
