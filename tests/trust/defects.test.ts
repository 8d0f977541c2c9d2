// Regression tests for the defects of issue 7: each failed before its fix.
import { describe, expect, it } from 'vitest';
import { compileRateModel } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import { validateScene } from '../../src/model/scene/validate';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { GpuWalkersEngine } from '../../src/engine/gpu/gpuWalkersEngine';
import { NonFiniteRateError } from '../../src/engine/engine';
import { runScene } from '../../src/run/runScene';
import { baseScene, ionhopHere, issuesOf } from './helpers';

describe('defect 1: every engine honours run.events and the sample grid, or refuses', () => {
  it('gpu-walkers refuses the event-sampled H2V3O8 | MXene preset with exit 2 instead of reporting D* = 0 ± 0', async () => {
    const r = await ionhopHere('run', 'scenes/h2v3o8-mxene.json', '--engine', 'gpu-walkers', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/engine gpu-walkers cannot run this scene: run\.events = 20000 .*give run\.time/);
    expect(r.stdout).toBe('');
  });

  it('gpu-lattice refuses an event cap on a time-sampled run', async () => {
    const s = baseScene();
    s.run = { time: 1e-6, events: 500, samples: 4, replicas: 1 };
    await expect(runScene(validateScene(s), { engine: 'gpu-lattice' })).rejects.toThrow(/run\.events = 500 caps the run/);
  });

  it('the CPU engine lands every sample on the event grid exactly', async () => {
    const s = baseScene();
    s.run = { events: 1000, samples: 7, replicas: 2 };
    const r = await runScene(validateScene(s));
    expect(r.observables.eventsPerReplica.value).toBe(1000);
    expect(r.observables.eventsPerReplica.se).toBe(0);
  });
});

describe('defect 2: rates and clocks stay finite', () => {
  const refused = (mutate: (s: ReturnType<typeof baseScene>) => void, path: RegExp, message: RegExp) => {
    const s = baseScene();
    mutate(s);
    const issues = issuesOf(s);
    expect(issues, 'accepted').not.toBeNull();
    expect(issues!.some((i) => path.test(i.path) && message.test(i.message)), JSON.stringify(issues)).toBe(true);
  };

  it('a field of 1 V/Å at 100 Å spacing is refused, naming field.strength', () =>
    refused((s) => ((s.lattice.spacing = 100), (s.field = { axis: 'x', strength: 1 })), /field\.strength/, /above the largest ionhop can clock/));
  it('pair energies of ±15 eV on a crowded lattice are refused, naming the interaction', () =>
    refused((s) => ((s.populations[0].count = 40), (s.interactions = [{ species: ['Zn2+', 'Zn2+'], energy: -15 }])), /interactions\[0\]\.energy/, /shift it by up to ±22\.5 eV/));
  it('T = 5e-324 K with barrier 0 is refused: kB·T underflows', () =>
    refused((s) => ((s.temperature = 5e-324), (s.regions[0].species['Zn2+'].barrier = 0)), /^temperature$/, /underflows/));
  it('a 19.1 eV barrier at 300 K is refused before its clock overflows', () =>
    refused((s) => (s.regions[0].species['Zn2+'].barrier = 19.1), /regions\[0\]\.species\.Zn2\+\.barrier/, /below the smallest ionhop can clock.*below 15\.66 eV/));
  it('the presets and ordinary barriers pass', () => {
    const s = baseScene();
    s.regions[0].species['Zn2+'].barrier = 15;
    expect(issuesOf(s)).toBeNull();
  });

  it('the CPU stepping loop stops with a clear error on an infinite rate instead of an internal error', async () => {
    const model = compileRateModel(validateScene(baseScene()));
    model.hopRate.fill(Infinity);
    expect(() => new CpuEngine(model, initialOccupancy(model, 1, 0), 'x').advanceSync({ events: 10 })).toThrow(NonFiniteRateError);
  });

  it('the GPU walkers loop refuses a clock that cannot advance instead of spinning', async () => {
    const s = baseScene();
    s.run = { time: 1, samples: 1, replicas: 1 };
    const model = compileRateModel(validateScene(s));
    const engine = await GpuWalkersEngine.create(model, initialOccupancy(model, 1, 0), { seed: 'x', executor: 'twin', ticksPerDispatch: 32 });
    // A clock so far on that a batch of dispatches (µs each) is below its rounding step.
    await engine.advance({ time: 1e-12 });
    Object.defineProperty(engine, '_time', { value: 1e30, writable: true });
    await expect(engine.advance({ time: 2e30 })).rejects.toThrow(/clock cannot advance/);
    engine.dispose();
  });
});

describe('defect 3: species names are looked up as own keys', () => {
  for (const name of ['toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty']) {
    it(`"${name}" is refused in regions[].species and interactions[].species`, () => {
      const inRegion = baseScene();
      // Written as JSON text so that "__proto__" becomes an own key, as in a file.
      const text = JSON.stringify(inRegion).replace('"Zn2+":{', `"${name}":{"barrier":0.3},"Zn2+":{`);
      const regionIssues = issuesOf(JSON.parse(text));
      expect(regionIssues?.some((i) => i.path === `regions[0].species.${name}`), JSON.stringify(regionIssues)).toBe(true);
      const inInteraction = baseScene();
      inInteraction.interactions = [{ species: [name, 'H+'], energy: 1 }];
      const interactionIssues = issuesOf(inInteraction);
      expect(interactionIssues?.some((i) => i.path === 'interactions[0].species[0]'), JSON.stringify(interactionIssues)).toBe(true);
    });
  }
});
