// What the app's live plots draw (src/app/plotContent.ts): axes over the data, and words instead of axes where a
// plot has nothing to draw, checked on the rule itself and on the first frames of every preset.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import { SimulationSession } from '../../src/worker/simulationSession';
import { ObservableHistory } from '../../src/app/observableHistory';
import { dataExtent, plotContents, timeRange, unionExtent, WAITING_TEXT, type PlotContent } from '../../src/app/plotContent';

describe('plot extents', () => {
  it('a curve of zeros or of undefined values is no data; zeros count once a curve rises from them', () => {
    const t = [1, 2, 3, 4];
    expect(dataExtent(t, [[0, 0, 0, 0]])).toBeNull();
    expect(dataExtent(t, [[0, 0, 0, 0], [NaN, null, NaN, null]])).toBeNull();
    expect(dataExtent(t, [])).toBeNull();
    expect(dataExtent(t, [[null, 0, 2, 5], [NaN, NaN, 1, null]])).toEqual({ x: [2, 4], y: [0, 5] });
    // Negative D* estimates early in a run are data too.
    expect(dataExtent(t, [[null, -1, 3, null]])).toEqual({ x: [2, 3], y: [-1, 3] });
    expect(unionExtent({ x: [0, 1], y: [2, 3] }, { x: [0.5, 4], y: [-1, 2] })).toEqual({ x: [0, 4], y: [-1, 3] });
    expect(unionExtent(null, { x: [0, 1], y: [2, 3] })).toEqual({ x: [0, 1], y: [2, 3] });
  });

  it('a time axis spans the data: from the first to the last point', () => {
    expect(timeRange([2e-6, 8e-6])).toEqual([2e-6, 8e-6]);
    expect(timeRange([3, 3])).toEqual([0, 6]);
  });

  it('says "waiting for data" before two samples, and why nothing is drawn after', () => {
    const h = new ObservableHistory();
    h.reset([1, 1], 0, { names: ['Zn2+', 'H+'], labels: ['Zn²⁺', 'H⁺'] });
    expect(plotContents(h).msd).toEqual({ kind: 'empty', text: WAITING_TEXT });
    const sample = (time: number, msd: number[], dStar: number[], convergence: ('no-hops' | 'converging')[]) =>
      ({ time, msd, dStar, dStarError: [NaN, NaN], convergence, notConverged: ['', ''], hopsPerIon: [0, 0], msdAxes: [], msdByStartRegion: [], dAxes: [], dByStartRegion: [] });
    h.add(sample(1, [0, NaN], [NaN, NaN], ['no-hops', 'no-hops']));
    h.add(sample(2, [0, NaN], [0, NaN], ['no-hops', 'converging']));
    h.setProfile([new Float64Array(4), new Float64Array(4)]);
    const c = plotContents(h);
    expect(c.msd).toEqual({ kind: 'empty', text: 'no hops yet (Zn²⁺) · no ion has stayed since the curve began (H⁺)' });
    expect(c.dStar).toEqual({ kind: 'empty', text: 'D* not defined: no hops yet (Zn²⁺) · no ion stayed through a whole block pair yet (H⁺)' });
    expect(c.profile).toEqual({ kind: 'empty', text: 'no ions on the lattice yet' });
    // A parameter change: the run before stays drawn (faded), so the plot has data although the new run has none yet.
    h.add(sample(3, [4, NaN], [2e-9, NaN], ['converging', 'no-hops']));
    h.restart();
    expect(plotContents(h).msd).toEqual({ kind: 'data', extent: { x: [1, 3], y: [0, 4] } });
  });
});

const SCENES = readdirSync(new URL('../../scenes/', import.meta.url)).filter((f) => f.endsWith('.json'));

/** Every finite value the plot draws lies on its axes. */
function covers(c: PlotContent, x: number[], ys: number[][]): boolean {
  if (c.kind !== 'data') return false;
  return ys.every((y) => y.every((v, k) => !Number.isFinite(v) || (v >= c.extent.y[0] && v <= c.extent.y[1] && x[k] >= c.extent.x[0] && x[k] <= c.extent.x[1])));
}

describe('every plot on every preset', () => {
  it.each(SCENES)('%s: a plot draws axes over non-zero data, or says why it has none', async (file) => {
    const scene = validateScene(JSON.parse(readFileSync(new URL(`../../scenes/${file}`, import.meta.url), 'utf8')), file);
    const model = compileRateModel(scene);
    const session = await SimulationSession.create('cpu', scene, scene.seed);
    const h = new ObservableHistory();
    h.reset(session.info.possibleSpecies.map((p) => (p ? 1 : 0)), session.info.profileAxis, { names: model.speciesNames, labels: model.speciesLabels });
    const first = await session.frame();
    h.setProfile(first.profile);
    if (first.sample) h.add(first.sample);
    const startedEmpty = first.population.every((n) => n === 0);
    expect(plotContents(h).profile.kind, `${file}: profile at the start`).toBe(startedEmpty ? 'empty' : 'data');
    for (let k = 0; k < 6; k++) {
      // 1500 events a frame, with a wall budget that never cuts it short, so the outcome does not hang on engine speed.
      await session.advance({ events: 1500 }, 60_000);
      const frame = await session.frame();
      if (frame.sample) h.add(frame.sample);
      h.setProfile(frame.profile);
    }
    session.dispose();
    const c = plotContents(h);
    const text = (p: PlotContent) => (p.kind === 'empty' ? p.text : '');
    for (const [name, content, series] of [
      ['msd', c.msd, h.species.map((sp) => sp.msd)],
      ['dStar', c.dStar, h.species.map((sp) => sp.dStar)],
    ] as const) {
      const anyNonZero = series.some((y) => y.some((v) => Number.isFinite(v) && v !== 0));
      // Data where some value is finite and not zero, and then the axes hold every point; otherwise a reason.
      if (anyNonZero) expect(covers(content, h.times, series as number[][]), `${file} ${name}`).toBe(true);
      else expect(text(content), `${file} ${name}`).toMatch(/no hops yet|no ion|not defined/);
    }
    const layers = Array.from({ length: h.profile[0].values.length }, (_, k) => k);
    if (h.profile.some((p) => p.values.some((v) => v > 0))) expect(covers(c.profile, layers, h.profile.map((p) => Array.from(p.values)))).toBe(true);
    else expect(text(c.profile)).toBe('no ions on the lattice yet');
    if (file === 'vn-oh-volcano.json') {
      // Its Zn²⁺ sit under a 1.2 eV barrier and its H⁺ drain within a frame: nothing to plot, and the plots say why.
      expect(text(c.msd)).toContain('no hops yet (Zn²⁺)');
      expect(text(c.dStar)).toMatch(/^D\* not defined: no hops yet \(Zn²⁺/);
    }
  });
});
