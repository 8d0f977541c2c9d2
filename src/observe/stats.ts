// Small statistics helpers shared by the observables and the validation suite.
// Every estimate carries its standard error; NaN marks "not defined" (e.g. an
// error bar from a single replica) and becomes null in JSON.

/** A value with its standard error (NaN when it cannot be estimated). */
export interface Estimate {
  value: number;
  se: number;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Mean and standard error of the mean of independent values. */
export function meanWithError(values: ArrayLike<number>): Estimate {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { value: m, se: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2;
  return { value: m, se: Math.sqrt(ss / (n - 1) / n) };
}

/**
 * Jackknife over n independent units: `leaveOneOut[r]` is the statistic
 * computed without unit r, `full` with all of them. Returns the full-sample
 * value and the jackknife standard error sqrt((n−1)/n · Σ(θ_r − θ̄)²).
 */
export function jackknife(full: number, leaveOneOut: ArrayLike<number>): Estimate {
  const n = leaveOneOut.length;
  if (n < 2) return { value: full, se: NaN };
  const m = mean(leaveOneOut);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (leaveOneOut[i] - m) ** 2;
  return { value: full, se: Math.sqrt(((n - 1) / n) * ss) };
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope from the residuals (NaN with fewer than 3 points). */
  slopeSe: number;
  points: number;
}

/**
 * Least-squares line through (x, y), optionally weighted (w = 1/σ²). With
 * weights the slope error is the formal one, sqrt(1/Σw·Var_w(x)); without, it
 * comes from the residual scatter. Fewer than two distinct x give NaN.
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): LineFit {
  const n = x.length;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    sw += w;
    sx += w * x[i];
    sy += w * y[i];
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    sxx += w * (x[i] - mx) ** 2;
    sxy += w * (x[i] - mx) * (y[i] - my);
  }
  if (n < 2 || !(sxx > 0)) return { slope: NaN, intercept: NaN, slopeSe: NaN, points: n };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let slopeSe: number;
  if (weights) {
    slopeSe = Math.sqrt(1 / sxx);
  } else if (n > 2) {
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
    slopeSe = Math.sqrt(rss / (n - 2) / sxx);
  } else {
    slopeSe = NaN;
  }
  return { slope, intercept, slopeSe, points: n };
}

/**
 * Indices of the samples inside the fit window [fitFrom·tEnd, tEnd]. Falls
 * back to every sample when the window holds fewer than two, so that a short
 * run still gives a (less clean) slope instead of nothing.
 */
export function fitWindow(times: ArrayLike<number>, fitFrom: number): number[] {
  const n = times.length;
  if (n === 0) return [];
  const tEnd = times[n - 1];
  const from = fitFrom * tEnd;
  const inside: number[] = [];
  for (let k = 0; k < n; k++) if (times[k] >= from) inside.push(k);
  if (inside.length >= 2) return inside;
  return Array.from({ length: n }, (_, k) => k);
}

/** Slope of y over x restricted to the given sample indices. */
export function slopeOver(x: ArrayLike<number>, y: ArrayLike<number>, indices: readonly number[]): number {
  const xs = indices.map((k) => x[k]);
  const ys = indices.map((k) => y[k]);
  return fitLine(xs, ys).slope;
}

/**
 * Most lags evaluated per multiple-time-origin curve (centre-of-mass MSD, drift
 * lag statistics): beyond 2·MAX_COM_LAGS + 1 samples the lags are thinned to
 * this many evenly spaced ones, so aggregation stays linear in the number of
 * samples (1e5 samples once took a minute for two replicas).
 */
export const MAX_COM_LAGS = 512;
