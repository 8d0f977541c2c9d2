// Pure parts of the browser app's view: colour contrast, time speed, the
// convergence rule, crossings between touching regions. No DOM needed.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import { SPECIES_STYLES, DEFAULT_REGION_COLORS, regionColor, cssToRgb } from '../../src/view/palette';
import { contrastRatio, mutedTint, withContrast, NON_TEXT_CONTRAST } from '../../src/view/contrast';
import { LIGHT_THEME, PROJECTOR_THEME } from '../../src/view/latticeView';
import { defaultTimeSpeed, formatDuration, speedRatioText, RateMeter, TIME_SPEED_RANGE } from '../../src/app/timeSpeed';
import { convergenceOf, MIN_HOPS_PER_ION, MIN_BLOCK_PAIRS } from '../../src/observe/convergence';
import { touchingRegions } from '../../src/app/crossings';
import { totalHopRate } from '../../src/worker/simulationSession';
import { initialOccupancy } from '../../src/model/initialState';

const SCENES = readdirSync(new URL('../../scenes/', import.meta.url)).filter((f) => f.endsWith('.json'));
function scene(file: string) {
  return validateScene(JSON.parse(readFileSync(new URL(`../../scenes/${file}`, import.meta.url), 'utf8')), file);
}

describe('contrast of ions on regions (WCAG 2.1 non-text contrast, 3:1)', () => {
  const regionColours = new Set<string>(DEFAULT_REGION_COLORS);
  for (const f of SCENES) scene(f).regions.forEach((r, i) => regionColours.add(regionColor(r.color, i)));

  for (const theme of [LIGHT_THEME, PROJECTOR_THEME]) {
    it(`every species marker stands out on every region tint (${theme.background} background)`, () => {
      const failures: string[] = [];
      for (const region of regionColours) {
        const tint = cssToRgb(mutedTint(region, theme.background));
        // The interface band's edge line is a graphical object too.
        if (contrastRatio(cssToRgb(theme.boundary), tint) < NON_TEXT_CONTRAST) failures.push(`boundary on ${region}`);
        SPECIES_STYLES.forEach((style, s) => {
          // A marker is its fill inside an outline: it is visible when either edge reaches 3:1 against the tint.
          const best = Math.max(contrastRatio(cssToRgb(style.color), tint), contrastRatio(cssToRgb(theme.outline), tint));
          if (best < NON_TEXT_CONTRAST) failures.push(`species ${s} on ${region}: ${best.toFixed(2)}`);
        });
      }
      expect(failures).toEqual([]);
    });
  }

  it('computes WCAG ratios and brightens plot lines on black', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([119, 119, 119], [255, 255, 255])).toBeCloseTo(4.48, 2);
    for (const style of SPECIES_STYLES) {
      expect(contrastRatio(cssToRgb(withContrast(style.color, '#000000', 7)), [0, 0, 0])).toBeGreaterThanOrEqual(7);
      expect(contrastRatio(cssToRgb(withContrast(style.color, '#ffffff', 3)), [255, 255, 255])).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('time speed', () => {
  it('says what one real second shows, in a unit a reader grasps', () => {
    expect(speedRatioText(-5)).toBe('1 s = 10 µs');
    expect(formatDuration(5.6e-7)).toBe('560 ns');
    expect(formatDuration(1)).toBe('1 s');
    expect(formatDuration(90)).toBe('1.5 min');
    expect(formatDuration(3.15576e9)).toBe('100 years');
    expect(formatDuration(3.15576e13)).toBe('1.0e6 years');
    expect(formatDuration(1e-16)).toBe('100 as');
  });

  it('picks a default at which each ion hops a few times per real second', () => {
    // 8 ions, total rate 9e6 Hz: 3 hops per ion per second need 24/9e6 s of simulated time per second.
    expect(defaultTimeSpeed(9e6, 8)).toBe(-5.5);
    expect(defaultTimeSpeed(0, 8)).toBe(0);
    expect(defaultTimeSpeed(1e-40, 1)).toBe(TIME_SPEED_RANGE.max);
  });

  it('measures a rate per real second over a sliding window', () => {
    const m = new RateMeter(1000);
    expect(m.perSecond()).toBeNaN();
    for (let t = 0; t <= 3000; t += 100) m.add(t, 5 * t);
    expect(m.perSecond()).toBeCloseTo(5000, 6);
  });

  it('computes the total hop rate the default speed is based on', () => {
    const s = scene('classroom-random-walk.json');
    const model = compileRateModel(s);
    const occ = initialOccupancy(model, s.seed, 0);
    const w = s.attemptFrequency * Math.exp(-0.45 / model.kT);
    // 8 dilute ions, 4 directions each; a blocked neighbour would lower it, the placement has none here.
    expect(totalHopRate(model, occ)).toBeCloseTo(8 * 4 * w, -2);
  });
});

describe('D* convergence flag', () => {
  it('is not converged until enough hops per ion and block pairs back a tight error bar', () => {
    const ok = { hopsPerIon: MIN_HOPS_PER_ION, blockPairs: MIN_BLOCK_PAIRS, value: 1e-8, se: 1e-9, msdPerHop: 1 };
    expect(convergenceOf(ok)).toBe('converged');
    expect(convergenceOf({ ...ok, hopsPerIon: 0 })).toBe('no-hops');
    expect(convergenceOf({ ...ok, hopsPerIon: MIN_HOPS_PER_ION - 1 })).toBe('converging');
    expect(convergenceOf({ ...ok, blockPairs: MIN_BLOCK_PAIRS - 1 })).toBe('converging');
    expect(convergenceOf({ ...ok, se: 0.5e-8 })).toBe('converging');
    expect(convergenceOf({ ...ok, se: NaN })).toBe('converging');
    // A crowded lattice (f = 0.69): at 40 hops per ion the back-hop bias (~8 %) exceeds half a 10 % error bar;
    // at 640 hops per ion (~0.5 %) it does not.
    expect(convergenceOf({ ...ok, msdPerHop: 0.69 })).toBe('converging');
    expect(convergenceOf({ ...ok, msdPerHop: 0.69, hopsPerIon: 640 })).toBe('converged');
  });
});

describe('crossing counter', () => {
  it('lists the pairs of regions that share a bond', () => {
    expect(touchingRegions(compileRateModel(scene('h2v3o8-mxene.json')))).toEqual([{ a: 0, b: 1 }, { a: 1, b: 2 }]);
    expect(touchingRegions(compileRateModel(scene('heterointerface-crossing.json')))).toEqual([{ a: 0, b: 1 }]);
    expect(touchingRegions(compileRateModel(scene('lattice-gas.json')))).toEqual([]);
  });
});

describe('sweep table (Record button)', () => {
  it('fits the activation energy from converged temperatures and writes every parameter to CSV', async () => {
    const { SweepTable } = await import('../../src/app/sweep');
    const { KB_EV_PER_K } = await import('../../src/model/rateModel');
    const t = new SweepTable();
    const ea = 0.45;
    for (const T of [280, 300, 330, 360]) {
      const d = 1e-3 * Math.exp(-ea / (KB_EV_PER_K * T));
      t.add({ params: { T, 'barrier.host.Zn2+': 0.45 }, seed: 1, engine: 'cpu', timeS: 1, species: [{ name: 'Zn2+', dStar: d, se: 0.05 * d, convergence: 'converged', hopsPerIon: 100 }] });
    }
    // An unconverged point is plotted but left out of the fit.
    t.add({ params: { T: 400, 'barrier.host.Zn2+': 0.45 }, seed: 1, engine: 'cpu', timeS: 1, species: [{ name: 'Zn2+', dStar: 1, se: 0.1, convergence: 'converging', hopsPerIon: 5 }] });
    expect(t.varied()).toEqual(['T']);
    expect(t.points('T', 'Zn2+')).toHaveLength(5);
    const fit = t.arrhenius('Zn2+')!;
    expect(fit.points).toBe(4);
    expect(fit.eaEv).toBeCloseTo(ea, 10);
    expect(fit.seEv).toBeGreaterThan(0);
    const csv = t.csv().split('\n');
    expect(csv[1]).toBe('T,barrier.host.Zn2+,seed,engine,time_s,dstar_cm2_per_s[Zn2+],se_cm2_per_s[Zn2+],converged[Zn2+],hops_per_ion[Zn2+]');
    expect(csv).toHaveLength(2 + 5 + 1);
    expect(csv[6]).toContain(',false,5');
  });
});

describe('live session: D* by the region each ion started in', () => {
  it('H2V3O8 | MXene: the bulk ions stay put while the interface ions move', async () => {
    const { SimulationSession } = await import('../../src/worker/simulationSession');
    const s = scene('h2v3o8-mxene.json');
    const session = await SimulationSession.create('cpu', s, s.seed);
    // 1.4e-9 Hz per interface hop: 1e11 s gives each interface ion ~500 hops; the bulk (3.4 eV) none.
    await session.advance({ simSeconds: 1e11, events: 1e6 }, 1e9);
    const frame = await session.frame();
    const byRegion = frame.sample!.msdByStartRegion[0];
    expect(byRegion[0]).toBe(0); // H2V3O8
    expect(byRegion[1]).toBeGreaterThan(100); // interface, Å²
    expect(byRegion[2]).toBeNaN(); // MXene holds no Zn2+
    session.dispose();
  });
});
