// The app's live proton-chemistry readouts: turnover and OH* coverage ± SE in
// the worker session, the MSD of a species whose ions come and go (no NaN on
// the page), and the words for why a D* is not converged yet.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import type { Scene } from '../../src/model/scene/schema';
import { RunningDiffusivity } from '../../src/observe/runningDiffusivity';
import { notConvergedReason, notConvergedText, MIN_HOPS_PER_ION } from '../../src/observe/convergence';
import { msdReadout, plotPoint } from '../../src/app/observableHistory';

function preset(id: string): Scene {
  return validateScene(JSON.parse(readFileSync(new URL(`../../scenes/${id}.json`, import.meta.url), 'utf8')));
}

describe('not-converged reasons', () => {
  const ok = { hopsPerIon: 1000, blockPairs: 10, value: 1, se: 0.1, msdPerHop: 1 };
  it('names the rule that holds the estimate back, not always the hop count', () => {
    expect(notConvergedReason(ok)).toBeNull();
    expect(notConvergedText(ok)).toBe('');
    expect(notConvergedReason({ ...ok, hopsPerIon: 0 })).toBeNull();
    expect(notConvergedText({ ...ok, hopsPerIon: 12 })).toBe(`12 hops per ion so far; needs ≥ ${MIN_HOPS_PER_ION}`);
    expect(notConvergedText({ ...ok, blockPairs: 3 })).toMatch(/^3 block pairs so far; needs ≥ 6$/);
    expect(notConvergedText({ ...ok, se: 0.5 })).toBe('error bar 50 % of the value; needs ≤ 35 %');
    // f = 0.2 at 50 hops per ion: bias 10·0.8/50 = 16 % > half of a 10 % error bar.
    expect(notConvergedReason({ ...ok, hopsPerIon: 50, msdPerHop: 0.2 })).toBe('back-hop-bias');
    expect(notConvergedText({ ...ok, hopsPerIon: 50, msdPerHop: 0.2 })).toMatch(/back-hop bias ≈ 16 %/);
    expect(notConvergedText({ ...ok, value: NaN, se: NaN })).toBe('no ion stayed through a whole block pair yet');
  });
});

describe('MSD of a species whose ions come and go', () => {
  it('has no ion to follow once those present at the origin left: the page says no data, the plot gets a gap', () => {
    // Slot 0: a Zn2+ that stays; slot 1: an H+ present at the origin that leaves; slot 2: an H+ that arrives later.
    const rd = new RunningDiffusivity({ dim: 2, metric: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), nSpecies: 2 });
    const species = Uint8Array.from([0, 1, 1]);
    const site = new Int32Array(3);
    rd.add(0, { species, site, displacement: Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0]), alive: Uint8Array.from([1, 1, 0]) });
    rd.add(1, { species, site, displacement: Int32Array.from([1, 0, 0, 2, 0, 0, 0, 0, 0]), alive: Uint8Array.from([1, 1, 0]) });
    expect(rd.estimate().species[1].count).toBe(1);
    rd.add(2, { species, site, displacement: Int32Array.from([1, 1, 0, 2, 0, 0, 0, 1, 0]), alive: Uint8Array.from([1, 0, 1]) });
    const h = rd.estimate().species[1];
    expect(h.count).toBe(0); // the one H+ now present was not there at the origin
    expect(rd.estimate().species[0].msdA2).toBe(2);
    expect(msdReadout(NaN)).toBe('no data');
    expect(msdReadout(2)).toBe('2 Å²');
    expect(plotPoint(NaN)).toBeNull();
    expect(plotPoint(0)).toBe(0);
  });
});

describe('live water-dissociation turnover in the worker session', () => {
  it('vn-oh-volcano: turnover per surface site ± SE and OH* coverage are finite; H+ MSD is NaN only as "no ion to follow"', async () => {
    const { SimulationSession } = await import('../../src/worker/simulationSession');
    const session = await SimulationSession.create('cpu', preset('vn-oh-volcano'), 3);
    let frame = await session.frame();
    expect(Number.isNaN(frame.chemistry!.turnoverPerSiteHz.value)).toBe(true); // one sample: no span yet
    for (let k = 0; k < 16; k++) {
      await session.advance({ events: 2000 }, 60_000); // a budget this long never cuts a request short: exactly 2000 events
      frame = await session.frame();
    }
    const { turnoverPerSiteHz: t, hydroxideCoverage: cov, surfaceSites } = frame.chemistry!;
    expect(surfaceSites).toBe(32);
    expect(Number.isFinite(t.value) && Number.isFinite(t.se) && t.se >= 0).toBe(true);
    // Net water split can only come from dissociations that happened in the span.
    expect(t.value).toBeGreaterThan(0);
    expect(cov.value).toBeGreaterThanOrEqual(0);
    expect(cov.value).toBeLessThanOrEqual(1);
    const hIndex = 1; // species order of the scene: Zn2+, H+, OH-
    const msd = frame.sample!.msd[hIndex];
    // The bug this pins: H+ lives far shorter than a frame here, so none present at the curve's origin is
    // still present and the MSD is NaN; the page must say why instead of printing NaN.
    expect(Number.isNaN(msd)).toBe(true);
    expect(msdReadout(msd)).toBe('no data');
    expect(frame.sample!.notConverged[hIndex]).toBe('no ion stayed through a whole block pair yet');
    session.dispose();
  });
});
