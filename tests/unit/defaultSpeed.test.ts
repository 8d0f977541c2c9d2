// The speed every preset opens at (src/app/timeSpeed.ts, sceneDefaultSpeed), checked by running the preset at it on
// the CPU engine one 60 Hz frame at a time: a scene whose lesson is uptake through open faces shows its whole
// run.time within UPTAKE_LESSON_SECONDS of real time; any other scene gives each ion enough hops for the D* rule
// within LESSON_HOPS_SECONDS; and no frame asks the engine for more than FRAME_EVENT_BUDGET events.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { compileRateModel } from '../../src/model/rateModel';
import { initialOccupancy, replicaSeed } from '../../src/model/initialState';
import { createEngine } from '../../src/engine/factory';
import { possibleSpecies, totalHopRate } from '../../src/worker/simulationSession';
import { MIN_HOPS_PER_ION } from '../../src/observe/convergence';
import { lessonTimeSpeed, sceneDefaultSpeed, MAX_EVENTS_PER_FRAME, TIME_SPEED_RANGE, UPTAKE_LESSON_SECONDS } from '../../src/app/timeSpeed';

const SCENES = readdirSync(new URL('../../scenes/', import.meta.url)).filter((f) => f.endsWith('.json'));
const FRAMES_PER_SECOND = 60;
/** A closed scene: each ion makes MIN_HOPS_PER_ION hops (the D* convergence rule's minimum) within this real time. */
const LESSON_HOPS_SECONDS = 20;
/**
 * Most events one frame may need: a hundredth of the app's hard cap MAX_EVENTS_PER_FRAME. The CPU engine ran these
 * presets at about 1.5e5 (vn-oh-volcano, water chemistry) to 1.5e6 events/s on this machine (whole runs, set-up included), so a frame of this many takes at most
 * ~65 ms, and the presets' measured peaks lie far below it.
 */
const FRAME_EVENT_BUDGET = MAX_EVENTS_PER_FRAME / 100;

describe('lesson speed', () => {
  it('shows run.time within UPTAKE_LESSON_SECONDS, on the slider’s steps, never slower', () => {
    expect(lessonTimeSpeed(8e-6)).toBe(-6.5); // 8 µs in 25 s
    expect(lessonTimeSpeed(10 ** -5.5 * UPTAKE_LESSON_SECONDS)).toBe(-5.5); // a run of exactly 30 s at a step stays on it
    for (const t of [2e-6, 4.4e-6, 4e-5, 5e-3, 0.02, 1e3]) {
      const wall = t / 10 ** lessonTimeSpeed(t);
      expect(wall).toBeLessThanOrEqual(UPTAKE_LESSON_SECONDS);
      expect(wall).toBeGreaterThan(UPTAKE_LESSON_SECONDS / 10 ** TIME_SPEED_RANGE.step);
    }
  });
});

describe('every preset opens at a speed that shows its lesson', () => {
  it.each(SCENES)('%s', async (file) => {
    const scene = validateScene(JSON.parse(readFileSync(new URL(`../../scenes/${file}`, import.meta.url), 'utf8')), file);
    const model = compileRateModel(scene);
    const occupancy = initialOccupancy(model, scene.seed, 0);
    const ionCounts = new Array<number>(model.nSpecies).fill(0);
    for (const o of occupancy) if (o > 0) ionCounts[o - 1]++;
    const ions = ionCounts.reduce((a, b) => a + b, 0);
    // The same inputs the page hands over once its engine has started (SimulationSession.create, App.defaultSpeed).
    const level = sceneDefaultSpeed({ model, runTimeS: scene.run.time, ionCounts, possibleSpecies: possibleSpecies(model, ionCounts), totalRateHz: totalHopRate(model, occupancy) });
    const uptake = model.channels.reservoir !== undefined && scene.run.time !== undefined;
    const wallSeconds = uptake ? scene.run.time! / 10 ** level : LESSON_HOPS_SECONDS;
    expect(wallSeconds, `${file}: real seconds to show the run`).toBeLessThanOrEqual(uptake ? UPTAKE_LESSON_SECONDS : LESSON_HOPS_SECONDS);

    const engine = await createEngine('cpu', model, occupancy, { seed: replicaSeed(scene.seed, 0, 'dynamics'), seedNumber: scene.seed, replica: 0 });
    const frameSeconds = 10 ** level / FRAMES_PER_SECOND;
    const frames = Math.ceil(wallSeconds * FRAMES_PER_SECOND);
    let peak = 0;
    for (let k = 1; k <= frames; k++) {
      const r = await engine.advance({ time: k * frameSeconds, events: FRAME_EVENT_BUDGET + 1 });
      peak = Math.max(peak, r.events);
      if (r.stoppedBy === 'frozen') break;
    }
    const hopsPerIon = engine.events / Math.max(1, ions);
    engine.dispose();
    expect(peak, `${file}: events in the busiest frame`).toBeLessThanOrEqual(FRAME_EVENT_BUDGET);
    if (uptake) expect(engine.time, `${file}: simulated time shown`).toBeGreaterThanOrEqual(scene.run.time!);
    else expect(hopsPerIon, `${file}: hops per ion in ${LESSON_HOPS_SECONDS} s`).toBeGreaterThanOrEqual(MIN_HOPS_PER_ION);
  });
});
