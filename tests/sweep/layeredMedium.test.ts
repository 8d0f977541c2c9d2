// The layered-medium prediction, computed from the compiled rates, against the
// closed forms written with energies: the chain formula a²ν/(⟨e^{−E/kT}⟩⟨e^{S/kT}⟩)
// across the layers (the `chain` validation case's theory) and the Boltzmann-weighted
// in-layer rate along them; and the cases where it must refuse.
import { describe, expect, it } from 'vitest';
import { compileRateModel } from '../../src/model/rateModel';
import { validateScene } from '../../src/model/scene/validate';
import { A2_PER_S_TO_CM2_PER_S } from '../../src/model/rateModel';
import { chainDiffusivity } from '../../src/validate/theory';
import { layeredPrediction } from '../../src/sweep/layeredMedium';

function scene(extra: Record<string, unknown> = {}) {
  return validateScene({
    ionhop: 1,
    name: 'three layers',
    lattice: { type: 'square', size: [4, 6], spacing: 2.5, boundary: ['periodic', 'periodic'] },
    temperature: 350,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 10 },
    regions: [
      { name: 'A', slab: { axis: 'y', from: 0, to: 1 }, species: { 'Zn2+': { siteEnergy: 0.05, barrier: 0.3 } } },
      { name: 'B', slab: { axis: 'y', from: 1, to: 3 }, species: { 'Zn2+': { siteEnergy: -0.02, barrier: 0.45 } } },
      { name: 'C', slab: { axis: 'y', from: 3, to: 6 }, species: { 'Zn2+': { siteEnergy: 0.0, barrier: 0.25 } } },
    ],
    interfaces: [{ between: ['A', 'C'], barrier: { 'Zn2+': 0.5 } }],
    populations: [{ species: 'Zn2+', count: 1 }],
    ...extra,
  });
}

describe('layered-medium formula', () => {
  it('equals the energy forms of the series and parallel means, site energies and interface saddles included', () => {
    const s = scene();
    const model = compileRateModel(s);
    const out = layeredPrediction(model, 0, 1);
    if (!out.applies) throw new Error(out.reason);
    const R = model.nRegions;
    const layerRegion = [0, 1, 1, 2, 2, 2];
    const E = layerRegion.map((r) => model.siteEnergy[r]);
    const bondSaddles = layerRegion.map((r, l) => model.saddle[r * R + layerRegion[(l + 1) % 6]]);
    const series = chainDiffusivity(E, bondSaddles, 1e13, 2.5, 350) * A2_PER_S_TO_CM2_PER_S;
    expect(out.prediction.layerAxis).toBe('y');
    expect(out.prediction.perAxisCm2PerS.y! / series - 1).toBeCloseTo(0, 12);
    const w = E.map((e) => Math.exp(-e / model.kT));
    const z = w.reduce((a, b) => a + b, 0);
    const parallel = layerRegion.reduce((sum, r, l) => sum + (w[l] / z) * 1e13 * Math.exp(-(model.saddle[r * R + r] - E[l]) / model.kT), 0) * 2.5 ** 2 * A2_PER_S_TO_CM2_PER_S;
    expect(out.prediction.perAxisCm2PerS.x! / parallel - 1).toBeCloseTo(0, 12);
    expect(out.prediction.tracerCm2PerS).toBeCloseTo((series + parallel) / 2, 25);
    // The slow layer B dominates across, the fast layer C along: series < parallel.
    expect(series).toBeLessThan(parallel);
  });

  it('says why it does not apply', () => {
    const reflecting = layeredPrediction(compileRateModel(scene({ lattice: { type: 'square', size: [4, 6], spacing: 2.5, boundary: ['periodic', 'reflecting'] } })), 0, 1);
    expect(reflecting).toMatchObject({ applies: false, reason: 'axis y is reflecting, not periodic' });
    const full = layeredPrediction(compileRateModel(scene({ populations: [{ species: 'Zn2+', count: 6 }] })), 0, 6);
    expect(full.applies).toBe(false);
    const interacting = layeredPrediction(compileRateModel(scene({ interactions: [{ species: ['Zn2+', 'Zn2+'], energy: 0.1 }] })), 0, 1);
    expect(interacting).toMatchObject({ applies: false, reason: 'the scene has interactions' });
  });
});
