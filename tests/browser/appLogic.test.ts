// The app's pure logic, without a browser: parameter edits, URL state, the
// observable history and the CSV export.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScene, SceneError } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import type { Scene } from '../../src/model/scene/schema';
import { applyEdits, editableParams, placementChanged } from '../../src/app/sceneEdits';
import { readUrl, writeUrl, packSceneText, unpackSceneText } from '../../src/app/urlState';
import { ObservableHistory, MAX_POINTS } from '../../src/app/observableHistory';
import { exportStem, observablesCsv, sceneFileText } from '../../src/app/exports';

function preset(id: string): Scene {
  return validateScene(JSON.parse(readFileSync(new URL(`../../scenes/${id}.json`, import.meta.url), 'utf8')));
}

describe('scene edits', () => {
  const scene = preset('h2v3o8-mxene');
  const model = compileRateModel(scene);

  it('lists temperature, one barrier per species and region, and one count per population', () => {
    const keys = editableParams(scene, model).map((p) => p.key);
    expect(keys).toEqual(['T', 'barrier.H2V3O8.Zn2+', 'barrier.interface.Zn2+', 'count.0', 'count.1']);
    const bulk = editableParams(scene, model).find((p) => p.key === 'barrier.H2V3O8.Zn2+')!;
    expect(bulk.base).toBe(3.4);
    expect(bulk.max).toBeGreaterThanOrEqual(3.4);
    const count = editableParams(scene, model).find((p) => p.key === 'count.0')!;
    expect(count.max).toBe(64 * 15);
    expect(count.restartsPlacement).toBe(true);
  });

  it('applies an edit to a copy and rebuilds a model with the new barrier', () => {
    const edited = applyEdits(scene, new Map([['barrier.H2V3O8.Zn2+', 1.5], ['T', 350]]));
    expect(edited.regions[0].species['Zn2+'].barrier).toBe(1.5);
    expect(edited.temperature).toBe(350);
    expect(scene.regions[0].species['Zn2+'].barrier).toBe(3.4);
    const before = compileRateModel(scene).hopRate[0];
    const after = compileRateModel(edited).hopRate[0];
    expect(after).toBeGreaterThan(before);
  });

  it('rejects out-of-range values and unknown keys with the parameter named', () => {
    const bad = (key: string, v: number) => {
      try {
        applyEdits(scene, new Map([[key, v]]));
      } catch (e) {
        expect(e).toBeInstanceOf(SceneError);
        return (e as SceneError).message;
      }
      throw new Error(`${key}=${v} was accepted`);
    };
    expect(bad('T', -4)).toMatch(/temperature/);
    expect(bad('barrier.H2V3O8.Zn2+', 99)).toMatch(/\[0, 50\] eV/);
    expect(bad('barrier.nowhere.Zn2+', 1)).toMatch(/no region "nowhere"/);
    expect(bad('count.0', 5000)).toMatch(/free sites/);
    expect(bad('count.9', 1)).toMatch(/count\.9/);
    expect(bad('wobble', 1)).toMatch(/unknown parameter/);
  });

  it('a count edit replaces a fraction and marks a new placement', () => {
    const gas = preset('lattice-gas');
    const edited = applyEdits(gas, new Map([['count.0', 100]]));
    expect(edited.populations[0]).toEqual({ species: 'Zn2+', count: 100 });
    expect(placementChanged(new Map(), new Map([['count.0', 100]]))).toBe(true);
    expect(placementChanged(new Map([['T', 300]]), new Map([['T', 310]]))).toBe(false);
  });

  it('offers the proton-chemistry controls only where the scene has them, and they reach the compiled model', () => {
    const volcano = preset('vn-oh-volcano');
    const keys = editableParams(volcano, compileRateModel(volcano)).map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(['reaction.0.ohBinding', 'reaction.0.barrier', 'reaction.0.catalyst']));
    expect(keys.some((k) => k.startsWith('lubrication.'))).toBe(false);
    expect(editableParams(scene, model).some((p) => p.key.startsWith('reaction.') || p.key.startsWith('lubrication.'))).toBe(false);
    const lub = preset('mos2-h-lubrication');
    const lubParams = editableParams(lub, compileRateModel(lub));
    expect(lubParams.find((p) => p.key === 'lubrication.0.saddleShift')!.base).toBe(-0.56);
    // vo2-proton-budget's text asks for the barrier at 1.5 eV: the slider must reach it.
    const budget = preset('vo2-proton-budget');
    expect(editableParams(budget, compileRateModel(budget)).find((p) => p.key === 'reaction.0.barrier')!.max).toBeGreaterThanOrEqual(1.5);

    const edited = applyEdits(volcano, new Map([['reaction.0.ohBinding', -0.6], ['reaction.0.catalyst', 0], ['reaction.0.barrier', 0.7]]));
    expect(edited.regions[0].species['OH-'].siteEnergy).toBe(-0.6);
    expect(edited.reactions[0].catalyst!.barrierShift).toBe(0);
    expect(edited.reactions[0].barrier).toBe(0.7);
    expect(volcano.reactions[0].catalyst!.barrierShift).toBe(-0.15);
    expect(applyEdits(volcano, new Map([['reaction.0.catalyst', 1]])).reactions[0].catalyst!.barrierShift).toBe(-0.15);
    const before = compileRateModel(volcano).waterDissociation!;
    const after = compileRateModel(edited).waterDissociation!;
    expect(after).not.toEqual(before);
    expect(applyEdits(lub, new Map([['lubrication.0.saddleShift', 0]])).lubrication[0].saddleShift).toBe(0);

    const message = (s: Scene, key: string, v: number) => {
      try {
        applyEdits(s, new Map([[key, v]]));
      } catch (e) {
        expect(e).toBeInstanceOf(SceneError);
        return (e as SceneError).message;
      }
      throw new Error(`${key}=${v} was accepted`);
    };
    expect(message(volcano, 'reaction.0.barrier', -1)).toMatch(/barrier/);
    expect(message(volcano, 'reaction.0.catalyst', 0.5)).toMatch(/1 \(on\) or 0 \(off\)/);
    expect(message(volcano, 'reaction.3.barrier', 1)).toMatch(/reaction\.3\.barrier.*1 reaction/);
    expect(message(lub, 'lubrication.0.saddleShift', 9)).toMatch(/saddleShift must lie in \[-5, 5\] eV/);
  });

  it('the chemistry presets\' classroom texts name controls the app shows', () => {
    for (const id of ['vn-oh-volcano', 'vo2-proton-budget', 'mos2-h-lubrication']) {
      const s = preset(id);
      const labels = editableParams(s, compileRateModel(s)).map((p) => p.label);
      const named = [...(s.classroom ?? '').matchAll(/(?:slider|switch) "([^"]+)"/g)].map((m) => m[1]);
      expect(named.length, id).toBeGreaterThan(0);
      for (const name of named) expect(labels.some((l) => l.startsWith(name)), `${id}: "${name}" among ${labels.join(' | ')}`).toBe(true);
    }
  });
});

describe('URL state', () => {
  it('round-trips scene, seed, engine, speed, projector and edits', () => {
    const query = writeUrl({ scene: 'h2v3o8-mxene', seed: 99, engine: 'cpu', speed: 2.5, projector: true, edits: new Map([['barrier.H2V3O8.Zn2+', 2.5], ['T', 350]]) });
    const { state, problems } = readUrl(query);
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ scene: 'h2v3o8-mxene', seed: 99, engine: 'cpu', speed: 2.5, projector: true });
    expect([...state.edits]).toEqual([['barrier.H2V3O8.Zn2+', 2.5], ['T', 350]]);
  });

  it('turns every bad value into a message and drops it', () => {
    const { state, problems } = readUrl('?scene=../etc&seed=1.5&engine=warp&speed=-99&T=hot&barrier.x.Zn2%2B=');
    expect(state.scene).toBeUndefined();
    expect(state.seed).toBeUndefined();
    expect(state.engine).toBeUndefined();
    expect(state.speed).toBeUndefined();
    expect(state.edits.size).toBe(0);
    expect(problems).toHaveLength(6);
  });

  it('packs a scene file into the link and back', async () => {
    const text = readFileSync(new URL('../../scenes/lattice-gas.json', import.meta.url), 'utf8');
    const packed = await packSceneText(text);
    expect(packed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(packed.length).toBeLessThan(text.length);
    expect(await unpackSceneText(packed)).toBe(text);
  });
});

describe('observable history and CSV', () => {
  it('keeps species with ions, bounds its length and writes tidy CSV', () => {
    const h = new ObservableHistory();
    h.reset([8, 0, 2], 1, { names: ['Zn2+', 'H+', 'OH-'], labels: ['Zn²⁺', 'H⁺', 'OH⁻'] });
    expect(h.species.map((s) => s.name)).toEqual(['Zn2+', 'OH-']);
    for (let k = 1; k <= MAX_POINTS + 10; k++) h.add({ time: k, msd: [k, NaN, 2 * k], dStar: [1e-9, NaN, 2e-9], dStarError: [1e-10, NaN, NaN], msdAxes: [[k, 0, 0], [NaN, NaN, NaN], [2 * k, 0, 0]], hopsPerIon: [k, 0, k], convergence: ['converged', 'no-hops', 'converging'], notConverged: ['', '', 'error bar 50 % of the value; needs ≤ 35 %'], msdByStartRegion: [[k], [NaN], [2 * k]], dAxes: [], dByStartRegion: [] });
    expect(h.times.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(h.times[h.times.length - 1]).toBe(MAX_POINTS + 10);
    h.setProfile([new Float64Array([0.1, 0.2]), new Float64Array(2), new Float64Array([0, 0.5])]);
    const scene = preset('h2v3o8-mxene');
    const run = { scene, model: compileRateModel(scene), seed: 1, engine: 'cpu' };
    const csv = observablesCsv(h, run).split('\n');
    // The header carries every parameter, so a file alone says what made it.
    for (const row of ['# temperature,300,K', '# potential[H2V3O8],0,V', '# barrier[H2V3O8][Zn2+],3.4,eV', '# barrier[interface][Zn2+],1.3,eV', '# field,0,V/A', '# count[0: Zn2+ in H2V3O8],48,ions', '# seed,1,', '# engine,cpu,']) {
      expect(csv).toContain(row);
    }
    expect(csv).toContain('observable,species,x,x_unit,value,unit,error');
    // File names: scene plus a hash that changes with any parameter.
    expect(exportStem(run)).toMatch(/^h2v3o8-mxene-heterointerface-[0-9a-f]{8}$/);
    expect(exportStem({ ...run, seed: 2 })).not.toBe(exportStem(run));
    const warmer = applyEdits(scene, new Map([['T', 310]]));
    expect(exportStem({ ...run, scene: warmer, model: compileRateModel(warmer) })).not.toBe(exportStem(run));
    expect(csv).toContain(`msd,Zn2+,${MAX_POINTS + 10},s,${MAX_POINTS + 10},A^2,`);
    expect(csv).toContain(`dstar,OH-,${MAX_POINTS + 10},s,2e-9,cm^2/s,`);
    expect(csv).toContain('occupancy_profile,OH-,1,layer along y,0.5,fraction of sites,');
  });

  it('exports a scene that validates and carries the run seed', () => {
    const scene = applyEdits(preset('classroom-random-walk'), new Map([['T', 320]]));
    const again = validateScene(JSON.parse(sceneFileText(scene, 77)));
    expect(again.seed).toBe(77);
    expect(again.temperature).toBe(320);
  });
});
