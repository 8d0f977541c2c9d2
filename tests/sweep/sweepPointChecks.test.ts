// A sweep point is held to what `ionhop run` would do with the same scene:
// refused up front when its recorded samples or expected events cannot fit or
// finish (run/resourceLimits.ts), and its estimators reported "not defined",
// with the reason, where their assumptions fail (observe/estimatorChecks.ts).
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/sweep';
import { parseAxis, withValue } from '../../src/sweep/axes';
import { pointSeed } from '../../src/sweep/seeds';
import { formatSweepTable, sweepCsv } from '../../src/sweep/table';
import { validateScene } from '../../src/model/scene/validate';
import { runScene } from '../../src/run/runScene';

function smallScene(extra: object = {}) {
  return {
    ionhop: 1,
    name: 'point checks',
    lattice: { type: 'square', size: [8, 8], spacing: 3.0, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 5,
    run: { time: 1e-2, samples: 10, replicas: 2 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.6 } } }],
    populations: [{ species: 'Zn2+', count: 16 }],
    ...extra,
  };
}

describe('sweep points get the checks of ionhop run', () => {
  it('refuses, before anything runs, a point whose expected events ionhop run would refuse', async () => {
    // At 0.6 eV the 16 ions make ~1e4 Hz (≈1e2 events in 10 ms); at 0 eV ~6e14 Hz, ≈6e12 events: over the 1e12 cap.
    const axes = [parseAxis('regions[0].species.Zn2+.barrier=0.6:0:2')];
    await expect(runSweep(smallScene(), axes, { engine: 'cpu', jobs: 1 })).rejects.toThrow(
      /sweep point 1 \(regions\[0\]\.species\.Zn2\+\.barrier = 0\) would be refused by ionhop run:[\s\S]*run\.time = 0\.01 s means about [0-9.e+]+ events per replica/,
    );
    // ionhop run refuses that point's scene for the same reason.
    const point1 = validateScene({ ...(withValue(smallScene(), axes[0], 0) as object), seed: pointSeed(5, 1) });
    await expect(runScene(point1)).rejects.toThrow(/at most 1e\+12 can finish/);
  });

  it('with --target-se counts the replicas a point may grow to in the memory check, and names --max-replicas', async () => {
    // 1e5 samples of 10 series: 8 MB per replica; 600 replicas need 4.8 GB, over the 4 GiB cap, while the first 2 fit.
    const scene = smallScene({ run: { events: 2e5, samples: 100000, replicas: 2 } });
    const axes = [parseAxis('temperature=300:320:2')];
    await expect(runSweep(scene, axes, { engine: 'cpu', jobs: 1, targetSe: 0.05, maxReplicas: 600 })).rejects.toThrow(
      /sweep point 0 \(temperature = 300\) would be refused by ionhop run:[\s\S]*GB for the recorded samples[\s\S]*lower --max-replicas/,
    );
  });

  it('marks D*, D_σ and the Haven ratio "not defined" where ionhop run does, in the table, CSV and JSON', async () => {
    // One ion in a 2×2 reflecting box: its MSD saturates at once (issue 7 found D_σ = −36 Å²/s here before the checks).
    const scene = smallScene({
      lattice: { type: 'square', size: [2, 2], spacing: 3.0, boundary: ['reflecting', 'reflecting'] },
      run: { events: 400, samples: 10, replicas: 2 },
      regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
      populations: [{ species: 'Zn2+', count: 1 }],
    });
    const axes = [parseAxis('temperature=300:360:2')];
    const result = await runSweep(scene, axes, { engine: 'cpu', jobs: 1 });
    for (const p of result.points) {
      const sp = p.observables.species[0];
      expect(sp.notDefined.tracer).toMatch(/^confined: the MSD along x reaches/);
      expect(sp.tracer.cm2PerS.value).toBeNaN();
      expect(sp.havenRatio.value).toBeNaN();
      // The same point through ionhop run: the same estimators, not defined for the same reasons.
      const single = await runScene(validateScene({ ...(withValue(scene, axes[0], p.values[0]) as object), seed: p.seed }));
      expect(sp.notDefined).toEqual(single.observables.species[0].notDefined);
    }
    const table = formatSweepTable(result);
    expect(table).toMatch(/not defined {2,}not defined {2,}not defined/);
    expect(table).toMatch(/not defined at points 0, 1: Zn2\+: confined: the MSD along x/);
    const csv = sweepCsv(result).trim().split('\n');
    expect(csv[0]).toContain('Zn2+_not_defined');
    expect(csv[1]).toMatch(/,"?confined: the MSD along x/);
    // JSON: NaN becomes null, the reasons travel with the point.
    const json = JSON.parse(JSON.stringify(result));
    expect(json.points[0].observables.species[0].tracer.cm2PerS.value).toBeNull();
    expect(json.points[0].observables.species[0].notDefined.tracer).toMatch(/^confined/);
  });
});
