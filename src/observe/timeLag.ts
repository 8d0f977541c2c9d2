// The time lag of a slab (Daynes' permeation experiment): the interior starts
// empty, one face is held at a high activity, the other at a low one, and the
// ions that have left through the low face, Q_out(t), approach the asymptote
// J·(t − t_lag). For a homogeneous medium of thickness ℓ between fixed
// concentrations c_up and c_down (empty start),
//   t_lag = (ℓ²/D)·(c_up/(2·Δc) − 1/3),   Δc = c_up − c_down,
// which is Daynes' ℓ²/(6D) for a pure sink (c_down = 0). Inverted:
//   D_lag = ℓ²·(c_up/(2·Δc) − 1/3)/t_lag.
// The lattice version (latticeTimeLag below) is exact for the non-interacting
// lattice gas with exclusion, the face layers' own kinetics included.
import type { Estimate } from './stats';
import { fitLine } from './stats';

/**
 * Exact time lag (s) of one row of a lattice slab: `layers` sites in a line,
 * hop rate `hopRatePerS` per bond and direction, face sites exchanging with the
 * electrolyte at total rates g = k_in + k_out (1/s) toward equilibrium
 * occupancies ρ = k_in/g, empty start, ions counted leaving the downstream face.
 *
 * Why it is exact: without interactions the mean occupancies obey linear
 * equations (the exclusion terms of symmetric hops cancel), an RC ladder with
 * resistances 1/g_up, 1/w (×(L − 1)), 1/g_down. The deficit ψ = ρ_ss − ρ(t)
 * relaxes with both electrolytes clamped, and the part of ψ_i(0) that drains
 * through the downstream face is h_i = x_i/R (x_i the resistance from the
 * upstream electrolyte to site i, R the total): so J·t_lag = Σ_i h_i·ρ_ss,i,
 * J = Δρ/R, ρ_ss,i = ρ_up − Δρ·h_i. For fast faces this is (n² − 1)/(6w) with
 * ρ_down = 0 and n = L − 1 bonds: the continuum ℓ²/(6D), ℓ = n·a, D = w·a²,
 * less 1/(6w).
 */
export function latticeTimeLag(p: { layers: number; hopRatePerS: number; faceRateUpPerS: number; faceRateDownPerS: number; rhoUp: number; rhoDown: number }): number {
  const { layers, hopRatePerS: w, faceRateUpPerS: gUp, faceRateDownPerS: gDown, rhoUp, rhoDown } = p;
  const total = 1 / gUp + (layers - 1) / w + 1 / gDown;
  const drho = rhoUp - rhoDown;
  let sum = 0;
  for (let i = 0; i < layers; i++) {
    const h = (1 / gUp + i / w) / total;
    sum += h * (rhoUp - drho * h);
  }
  return (total / drho) * sum;
}

/**
 * The mean outflow Q_out(t) per row (ions) of the same ladder from an empty start, at
 * each of `timesS` (ascending), by RK4 on the linear mean equations: what the fit of
 * the asymptote sees on a finite window, so its bias from the decaying transient can be
 * computed instead of guessed.
 */
export function latticeMeanOutflow(
  p: { layers: number; hopRatePerS: number; faceRateUpPerS: number; faceRateDownPerS: number; rhoUp: number; rhoDown: number },
  timesS: readonly number[],
): number[] {
  const { layers: L, hopRatePerS: w, faceRateUpPerS: gUp, faceRateDownPerS: gDown, rhoUp, rhoDown } = p;
  // y[0 … L − 1]: occupancies; y[L]: the outflow. dt well inside RK4's stability (|λ| ≤ 2·(max rate) + 2w).
  const deriv = (y: Float64Array, d: Float64Array) => {
    for (let i = 0; i < L; i++) d[i] = (i > 0 ? w * (y[i - 1] - y[i]) : 0) + (i < L - 1 ? w * (y[i + 1] - y[i]) : 0);
    d[0] += gUp * (rhoUp - y[0]);
    d[L - 1] += gDown * (rhoDown - y[L - 1]);
    d[L] = gDown * (y[L - 1] - rhoDown);
  };
  const y = new Float64Array(L + 1);
  const k = Array.from({ length: 4 }, () => new Float64Array(L + 1));
  const tmp = new Float64Array(L + 1);
  const out: number[] = [];
  let t = 0;
  const maxDt = 0.1 / Math.max(w, gUp, gDown);
  for (const target of timesS) {
    while (t < target) {
      const dt = Math.min(maxDt, target - t);
      deriv(y, k[0]);
      for (let i = 0; i <= L; i++) tmp[i] = y[i] + 0.5 * dt * k[0][i];
      deriv(tmp, k[1]);
      for (let i = 0; i <= L; i++) tmp[i] = y[i] + 0.5 * dt * k[1][i];
      deriv(tmp, k[2]);
      for (let i = 0; i <= L; i++) tmp[i] = y[i] + dt * k[2][i];
      deriv(tmp, k[3]);
      for (let i = 0; i <= L; i++) y[i] += (dt / 6) * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
      t += dt;
    }
    out.push(y[L]);
  }
  return out;
}

/** c_up/(2·Δc) − 1/3: the geometric factor of the continuum time lag (1/6 for a pure sink). */
export function timeLagFactor(rhoUp: number, rhoDown: number): number {
  return rhoUp / (2 * (rhoUp - rhoDown)) - 1 / 3;
}

export interface TimeLagFit {
  /** −intercept/slope of the line through Q_out(t) (per downstream face site) over the window, s. */
  tLagS: number;
  /** Slope of that line: the steady outflow, ions/s per face site. */
  fluxPerSitePerS: number;
}

/** Line through the cumulative outflow (t_k, Q_k) over the window samples → t_lag = −intercept/slope. */
export function fitTimeLag(times: readonly number[], outflow: readonly number[], window: readonly number[]): TimeLagFit {
  const line = fitLine(window.map((k) => times[k]), window.map((k) => outflow[k]));
  return { tLagS: -line.intercept / line.slope, fluxPerSitePerS: line.slope };
}

export interface TimeLagDiffusivity {
  /** The face held at the higher equilibrium occupancy (ions enter) and the one they leave by. */
  upstream: string;
  downstream: string;
  /** t_lag ± jackknife SE over replicas, s; null when not defined. */
  tLagS: Estimate | null;
  /** D_lag = ℓ²·(ρ_up/(2Δρ) − 1/3)/t_lag with ℓ = (L − 1)·a between the face layers, Å²/s and cm²/s; null when not defined. */
  a2PerS: Estimate | null;
  cm2PerS: Estimate | null;
  /** ℓ, Å, and the factor ρ_up/(2Δρ) − 1/3 (1/6 for a pure sink) from the electrolytes' equilibrium occupancies. */
  thicknessA: number;
  factor: number;
  /** Why t_lag is missing, or null. */
  notDefined: string | null;
  assumption: string;
}

export const TIME_LAG_ASSUMPTION =
  'time lag: line through the ions that left by the downstream face (per face site) over the steady-state window, t_lag = −intercept/slope; ' +
  'D_lag = ℓ²·(ρ_up/(2Δρ) − 1/3)/t_lag (Daynes ℓ²/(6·t_lag) for a pure sink), ℓ = (L − 1)·a between the face layers, ρ the electrolytes\' equilibrium occupancies of the face sites; ' +
  'assumes a homogeneous slab with concentration-independent D and fixed face concentrations: desolvation resistance at the faces and the lattice (t_lag = (n² − 1)/(6w) for n bonds) lengthen t_lag, see docs/physics.md';
