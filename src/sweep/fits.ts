// Fits over the points of a sweep (docs/physics.md, "Sweeps and fits"):
// - Arrhenius, when temperature is the one swept field: weighted least squares of
//   ln D* against 1/kBT, weights 1/σ² with σ = SE(D*)/D*; Ea = −slope, prefactor
//   D0 = exp(intercept), formal SEs, and χ² with n − 2 degrees of freedom to show
//   whether the scatter matches the error bars (χ²/dof ≫ 1: the line or the bars are wrong);
// - the slope of ln D* against a swept barrier, same weights; in the single-path
//   limit (every hop crosses that barrier) it equals −1/kBT;
// - the analytic layered-medium D* (layeredMedium.ts) beside each measured value,
//   with z = (measured − predicted)/SE and their χ².
import { KB_EV_PER_K } from '../model/rateModel';
import type { Estimate } from '../observe/stats';
import type { SweepAxisRecord, SweepPointResult } from './sweep';

export interface WeightedLine {
  slope: Estimate;
  intercept: Estimate;
  chi2: number;
  dof: number;
  /** Points used (D* > 0 with a finite SE) and points left out. */
  used: number;
  skipped: number;
}

export interface ArrheniusFit {
  species: string;
  /** Activation energy, eV. */
  eaEv: Estimate;
  /** D0 in D* = D0·exp(−Ea/kBT), cm²/s. */
  prefactorCm2PerS: Estimate;
  line: WeightedLine;
}

export interface BarrierSlopeFit {
  species: string;
  path: string;
  /** Slope of ln D* against the barrier, 1/eV. */
  slopePerEv: Estimate;
  /** −1/kBT at the scene temperature, 1/eV: the single-path expectation. */
  singlePathPerEv: number;
  temperatureK: number;
  line: WeightedLine;
}

export interface LayeredComparison {
  species: string;
  points: { index: number; predictedCm2PerS: number; measuredCm2PerS: Estimate; z: number; filling: number }[];
  /** Σ z² over the points, and their number. */
  chi2: number;
  n: number;
}

export interface SweepFits {
  arrhenius: ArrheniusFit | null;
  barrierSlope: BarrierSlopeFit | null;
  layered: LayeredComparison | null;
  /** Why a fit is absent, in words. */
  notes: string[];
}

/** Weighted least-squares line with formal SEs (weights 1/σ²). */
export function weightedLine(x: number[], y: number[], sigma: number[]): WeightedLine {
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  x.forEach((xi, i) => {
    const w = 1 / sigma[i] ** 2;
    sw += w;
    sx += w * xi;
    sy += w * y[i];
    sxx += w * xi * xi;
    sxy += w * xi * y[i];
  });
  const delta = sw * sxx - sx * sx;
  const slope = (sw * sxy - sx * sy) / delta;
  const intercept = (sxx * sy - sx * sxy) / delta;
  let chi2 = 0;
  x.forEach((xi, i) => (chi2 += ((y[i] - intercept - slope * xi) / sigma[i]) ** 2));
  return {
    slope: { value: slope, se: Math.sqrt(sw / delta) },
    intercept: { value: intercept, se: Math.sqrt(sxx / delta) },
    chi2,
    dof: x.length - 2,
    used: x.length,
    skipped: 0,
  };
}

/** (x, ln D*, σ of ln D*) of the points with D* > 0 and a finite SE. */
function logPoints(points: SweepPointResult[], axis: number, species: string, x: (v: number) => number) {
  const xs: number[] = [];
  const ys: number[] = [];
  const sig: number[] = [];
  for (const p of points) {
    const d = p.observables.species.find((s) => s.species === species)?.tracer.cm2PerS;
    if (!d || !(d.value > 0) || !(d.se > 0)) continue;
    xs.push(x(p.values[axis]));
    ys.push(Math.log(d.value));
    sig.push(d.se / d.value);
  }
  return { xs, ys, sig, skipped: points.length - xs.length };
}

function isBarrierPath(path: string): boolean {
  return /(^|\.)barrier(\.[^.[\]]+)?$/.test(path);
}

export function sweepFits(axes: SweepAxisRecord[], points: SweepPointResult[], species: string, sceneTemperatureK: number): SweepFits {
  const notes: string[] = [];
  const varying = axes.map((a, k) => (a.n > 1 ? k : -1)).filter((k) => k >= 0);
  const sorted = [...points].sort((a, b) => a.index - b.index);
  let arrhenius: ArrheniusFit | null = null;
  let barrierSlope: BarrierSlopeFit | null = null;
  const single = varying.length === 1 ? varying[0] : -1;
  const fitOver = (x: (v: number) => number) => {
    const { xs, ys, sig, skipped } = logPoints(sorted, single, species, x);
    if (xs.length < 3) return null;
    return { ...weightedLine(xs, ys, sig), skipped };
  };
  if (single >= 0 && axes[single].path === 'temperature') {
    const line = fitOver((t) => 1 / (KB_EV_PER_K * t));
    if (line) {
      const d0 = Math.exp(line.intercept.value);
      arrhenius = { species, eaEv: { value: -line.slope.value, se: line.slope.se }, prefactorCm2PerS: { value: d0, se: d0 * line.intercept.se }, line };
    } else notes.push('Arrhenius fit: needs at least 3 temperatures with D* > 0 and an error bar (2 or more replicas)');
  } else if (single >= 0 && isBarrierPath(axes[single].path)) {
    const line = fitOver((b) => b);
    if (line)
      barrierSlope = { species, path: axes[single].path, slopePerEv: line.slope, singlePathPerEv: -1 / (KB_EV_PER_K * sceneTemperatureK), temperatureK: sceneTemperatureK, line };
    else notes.push('barrier slope: needs at least 3 points with D* > 0 and an error bar (2 or more replicas)');
  } else if (varying.length !== 1) {
    notes.push('Arrhenius and barrier-slope fits need exactly one swept field (temperature or a barrier)');
  }

  let layered: LayeredComparison | null = null;
  const rows: LayeredComparison['points'] = [];
  for (const p of sorted) {
    const pred = p.layered.find((l) => l.species === species);
    const measured = p.observables.species.find((s) => s.species === species)?.tracer.cm2PerS;
    if (!pred || !measured) continue;
    if (!pred.applies) {
      notes.push(`layered-medium formula does not apply at point ${p.index}: ${pred.reason}`);
      continue;
    }
    const predicted = pred.prediction.tracerCm2PerS;
    rows.push({ index: p.index, predictedCm2PerS: predicted, measuredCm2PerS: measured, z: measured.se > 0 ? (measured.value - predicted) / measured.se : NaN, filling: pred.prediction.filling });
  }
  if (rows.length > 0) layered = { species, points: rows, chi2: rows.reduce((s, r) => s + (Number.isFinite(r.z) ? r.z * r.z : 0), 0), n: rows.length };
  return { arrhenius, barrierSlope, layered, notes };
}
