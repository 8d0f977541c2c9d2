// The proton-chemistry observables and the stiffness report through runScene:
// shares add up to 1, balance indices lie in [−1, 1], the ledger holds in the
// aggregated numbers, and the stiffness warning fires only when the event
// budget cannot reach run.time.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { runScene } from '../../src/run/runScene';
import { stiffnessWarning } from '../../src/observe/chemistry';
import { formatSummary } from '../../src/cli/summary';
import { chemistryCsv } from '../../src/cli/csv';
import type { SceneInput } from '../../src/model/scene/schema';

const input: SceneInput = {
  ionhop: 1,
  name: 'chemistry',
  lattice: { type: 'square', size: [10, 6], spacing: 3, boundary: ['periodic', 'reflecting'] },
  temperature: 300,
  attemptFrequency: 1e13,
  seed: 12,
  run: { events: 3000, time: 1, samples: 20, replicas: 3 },
  regions: [
    { name: 'surface', slab: { axis: 'y', from: 0, to: 1 }, species: { 'OH-': { siteEnergy: -0.9, barrier: 1 } } },
    { name: 'host', species: { 'H+': { barrier: 0.3 }, 'Zn2+': { barrier: 0.4 } } },
  ],
  reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: 0.3, catalyst: { species: 'Zn2+', barrierShift: -0.05 } }],
  lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: -0.1 }],
  populations: [{ species: 'Zn2+', count: 6 }, { species: 'H+', count: 3 }],
};

describe('chemistry observables', () => {
  it('reports shares, balance indices, turnover, coverage and H+ by origin consistently', async () => {
    const result = await runScene(validateScene(input));
    const c = result.chemistry!;
    expect(c.channels.reduce((a, ch) => a + ch.share, 0)).toBeCloseTo(1, 12);
    for (const ch of c.channels) expect(Math.abs(ch.balanceIndex)).toBeLessThanOrEqual(1);
    const water = c.water!;
    expect(water.surfaceSites).toBe(10);
    const h = c.storedByOrigin.find((s) => s.species === 'H+')!;
    const oh = c.storedByOrigin.find((s) => s.species === 'OH-')!;
    // Ledger in the means: H+ and OH- from water = dissociations − recombinations; the initial H+ stay 3 or fewer (recombination may take them).
    const net = water.dissociationsPerReplica.value - water.recombinationsPerReplica.value;
    expect(oh.water.value).toBeCloseTo(net, 9);
    expect(h.water.value + h.initial.value - 3).toBeCloseTo(net, 9);
    expect(water.hydroxideCoverage.value).toBeCloseTo(oh.water.value / 10, 9);
    expect(water.turnoverPerSiteHz.value).toBeGreaterThan(0);
    expect(c.lubricatedFraction[0].fraction.value).toBeGreaterThan(0);
    // run.time = 1 s is out of reach of 3000 events: the warning says so; the rates were not touched.
    expect(result.warnings?.[0]).toMatch(/run\.events = 3000; the run will stop early/);
    expect(formatSummary(result)).toMatch(/turnover .* per surface site/);
    expect(chemistryCsv(result)).toMatch(/^quantity,value,se\n"share hop Zn2\+ ±x",/);
  });

  it('warns only when the expected events exceed the budget', () => {
    expect(stiffnessWarning(1e6, 1e-3, 2000)).toBeNull();
    expect(stiffnessWarning(1e6, 1e-3, 999)).toMatch(/needs about 1\.00e\+3 events/);
    expect(stiffnessWarning(1e6, undefined, 10)).toBeNull();
  });
});
