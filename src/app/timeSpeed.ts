// Playback speed as simulated time per real second, so a lower barrier or a
// higher temperature makes the ions visibly hop faster: the number of events
// per frame follows from the rates and is only capped for smoothness.
// No DOM here: the app and the tests use the same arithmetic.
import { hopIndex, type RateModel } from '../model/rateModel';

/** Slider range: log10 of simulated seconds per real second. Rates in the presets span 1e-9 Hz to 1e13 Hz. */
export const TIME_SPEED_RANGE = { min: -15, max: 15, step: 0.25 } as const;
/** Most events one animation frame may ask for: beyond it the view is a blur and the clock lags (said on the page). */
export const MAX_EVENTS_PER_FRAME = 1_000_000;
/** Longest real interval one frame may account for (s): after a stall the run resumes instead of jumping ahead. */
export const MAX_FRAME_SECONDS = 0.1;
/** The default speed lets each ion hop about this often per real second: visible, not a blur. */
export const DEFAULT_HOPS_PER_ION_PER_SECOND = 3;

/** Speed level (log10 s/s) at which each ion hops about DEFAULT_HOPS_PER_ION_PER_SECOND times per real second. */
export function defaultTimeSpeed(totalRateHz: number, ions: number): number {
  if (!(totalRateHz > 0) || ions <= 0) return 0;
  const level = Math.log10((DEFAULT_HOPS_PER_ION_PER_SECOND * ions) / totalRateHz);
  return clampSpeed(Math.round(level / TIME_SPEED_RANGE.step) * TIME_SPEED_RANGE.step);
}

/**
 * A scene with open faces is about filling (or draining, or turning water over) in time: its default speed shows
 * the scene's whole `run.time` in at most this many real seconds (at least 30/10^0.25 ≈ 17 s, the slider's step),
 * so a class sees the uptake without first finding the Time speed control.
 */
export const UPTAKE_LESSON_SECONDS = 30;

/** Speed level (log10 s/s) at which `runTimeS` of simulated time takes at most UPTAKE_LESSON_SECONDS of real time. */
export function lessonTimeSpeed(runTimeS: number): number {
  if (!(runTimeS > 0)) return 0;
  const level = Math.log10(runTimeS / UPTAKE_LESSON_SECONDS);
  // Round up to the slider's step (never slower than the lesson); the 1e-6 keeps a level a rounding error above a step on it.
  return clampSpeed(Math.ceil(level / TIME_SPEED_RANGE.step - 1e-6) * TIME_SPEED_RANGE.step);
}

/** What the default speed is derived from: the scene's model and run length, and the first state of its run. */
export interface SpeedBasis {
  model: RateModel;
  /** The scene's `run.time` (s); undefined when it gives only `run.events`. */
  runTimeS: number | undefined;
  /** Ions per species at the start. */
  ionCounts: readonly number[];
  /** Species present or able to appear (open faces, reactions). */
  possibleSpecies: readonly boolean[];
  /** Total hop rate of the first state (Hz). */
  totalRateHz: number;
}

/**
 * The speed a scene opens at. A scene with open faces and a `run.time` (its lesson is uptake over time) shows that
 * run in UPTAKE_LESSON_SECONDS; the hop rule would take 40 minutes for v2o5-zn-h-costorage (fast H+ hops, slow
 * filling) and a simulated year per second for vn-oh-volcano (frozen Zn2+, busy water). Any other scene is about
 * watching ions hop: each hops about DEFAULT_HOPS_PER_ION_PER_SECOND times per real second; one that starts empty
 * takes a lone ion in its largest region.
 */
export function sceneDefaultSpeed(basis: SpeedBasis): number {
  const { model, runTimeS, ionCounts, possibleSpecies, totalRateHz } = basis;
  if (model.channels.reservoir && runTimeS !== undefined && runTimeS > 0) return lessonTimeSpeed(runTimeS);
  const ions = ionCounts.reduce((a, b) => a + b, 0);
  if (ions === 0) return defaultTimeSpeed(loneIonRate(model, possibleSpecies), 1);
  return defaultTimeSpeed(totalRateHz, ions);
}

/** Total hop rate (Hz) of one ion alone in the region with the most sites: the fastest of the species that can appear. */
export function loneIonRate(model: RateModel, possible: readonly boolean[]): number {
  const sites = new Array<number>(model.nRegions).fill(0);
  for (const r of model.siteRegion) sites[r]++;
  const r = sites.indexOf(Math.max(...sites));
  let best = 0;
  for (let s = 0; s < model.nSpecies; s++) {
    if (!possible[s]) continue;
    let total = 0;
    for (let d = 0; d < model.directions; d++) total += model.hopRate[hopIndex(model, s, r, r, d)];
    best = Math.max(best, total);
  }
  return best;
}

export function clampSpeed(level: number): number {
  return Math.min(TIME_SPEED_RANGE.max, Math.max(TIME_SPEED_RANGE.min, level));
}

const SMALL_UNITS: [number, string][] = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
  [1e-12, 'ps'],
  [1e-15, 'fs'],
  [1e-18, 'as'],
];
const LARGE_UNITS: [number, string][] = [
  [365.25 * 86400, 'years'],
  [86400, 'days'],
  [3600, 'h'],
  [60, 'min'],
  [1, 's'],
];

/** A duration in the unit a reader grasps: 10 µs, 2.5 min, 3 days, 4e9 years. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds === 0) return '0 s';
  const a = Math.abs(seconds);
  const units = a >= 1 ? LARGE_UNITS : SMALL_UNITS;
  for (const [scale, name] of units) {
    if (a >= scale * 0.9995 || scale === units[units.length - 1][0]) {
      const v = seconds / scale;
      const text = Math.abs(v) >= 1000 ? v.toExponential(1).replace('e+', 'e') : String(Number(v.toPrecision(v >= 100 ? 3 : 2)));
      return `${text} ${name}`;
    }
  }
  return `${seconds} s`;
}

/** "1 s = 10 µs": what one real second shows at this speed level. */
export function speedRatioText(level: number): string {
  return `1 s = ${formatDuration(10 ** level)}`;
}

/**
 * Rate of a counter per real second over a sliding window, from (real time,
 * count) readings: the on-screen hops per second and the achieved time speed.
 */
export class RateMeter {
  private readonly readings: { t: number; v: number }[] = [];
  constructor(private readonly windowMs = 2000) {}

  add(realMs: number, value: number): void {
    this.readings.push({ t: realMs, v: value });
    while (this.readings.length > 2 && realMs - this.readings[0].t > this.windowMs) this.readings.shift();
  }

  /** Change per real second over the window; NaN until two readings 200 ms apart exist. */
  perSecond(): number {
    const first = this.readings[0];
    const last = this.readings[this.readings.length - 1];
    if (!first || last.t - first.t < 200) return NaN;
    return ((last.v - first.v) * 1000) / (last.t - first.t);
  }

  clear(): void {
    this.readings.length = 0;
  }
}
