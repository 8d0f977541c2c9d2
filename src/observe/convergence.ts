// When a live D* may be shown with an error bar. The pair-of-blocks estimate
// (runningDiffusivity.ts) is unbiased only once every block spans many hops per
// ion, and its standard error is itself noisy while few pairs exist: the
// half-filled lattice gas after 10 s in the app read 3.5e-8 ± 0.09e-8 cm²/s
// against the exact 2.93e-8. So the app calls an estimate converged only when
// each ion has hopped often enough, enough disjoint block pairs back the error
// bar, and the bias from correlated hops is below half the error bar. On a
// crowded lattice an ion often hops back into the site it left; the pair
// estimate then reads high by about BIAS_PER_HOP·(1 − f)/N, with N hops per ion
// and f = MSD/(N·a²) the share of the hops that survive as displacement.
// Measured on the half-filled lattice gas (f ≈ 0.69) over 12 seeds at the app's
// default speed: +7.9 % at N = 40, +5.1 % at 80, +2.9 % at 160, +1.6 % at 320,
// +0.2 % at 640. An uncorrelated walk (f = 1) has no such bias.

/** Mean hops per ion before an estimate counts (each of 16 blocks then holds ≥ 2 hops per ion on average). */
export const MIN_HOPS_PER_ION = 40;
/** Disjoint block pairs behind the standard error (fewer give an SE that is itself ±30 % or worse). */
export const MIN_BLOCK_PAIRS = 6;
/** Largest relative standard error still shown as a number with an error bar. */
export const MAX_RELATIVE_SE = 0.35;
/** Relative bias of the pair estimate times N/(1 − f), fitted to the lattice-gas figures above (0.079·40/0.31 ≈ 10). */
export const BIAS_PER_HOP = 10;

export type ConvergenceState = 'no-hops' | 'converging' | 'converged';

export interface ConvergenceInput {
  /** Mean hops per ion of the species since the observables restarted. */
  hopsPerIon: number;
  /** Completed block pairs behind the estimate. */
  blockPairs: number;
  value: number;
  se: number;
  /** MSD per hop in units of a² (f above): 1 for an uncorrelated walk, less when hops are undone. */
  msdPerHop: number;
}

/** Expected relative bias of the pair estimate from correlated back-hops. */
export function correlationBias(hopsPerIon: number, msdPerHop: number): number {
  return (BIAS_PER_HOP * Math.max(0, 1 - msdPerHop)) / Math.max(1, hopsPerIon);
}

/** Which rule of convergenceOf holds a 'converging' estimate back; null when it is not held back. */
export type NotConvergedReason = 'few-hops' | 'few-pairs' | 'no-estimate' | 'error-bar' | 'back-hop-bias';

export function notConvergedReason(e: ConvergenceInput): NotConvergedReason | null {
  if (!(e.hopsPerIon > 0)) return null;
  if (e.hopsPerIon < MIN_HOPS_PER_ION) return 'few-hops';
  if (e.blockPairs < MIN_BLOCK_PAIRS) return 'few-pairs';
  if (!Number.isFinite(e.value) || !Number.isFinite(e.se) || e.value <= 0) return 'no-estimate';
  const relativeSe = e.se / e.value;
  if (relativeSe > MAX_RELATIVE_SE) return 'error-bar';
  return correlationBias(e.hopsPerIon, e.msdPerHop) <= 0.5 * relativeSe ? null : 'back-hop-bias';
}

/** The page's words for why an estimate is not converged yet ('' when it is, or has no hops). */
export function notConvergedText(e: ConvergenceInput): string {
  const pct = (v: number) => `${Math.round(100 * v)} %`;
  switch (notConvergedReason(e)) {
    case 'few-hops': return `${formatHops(e.hopsPerIon)} hops per ion so far; needs ≥ ${MIN_HOPS_PER_ION}`;
    case 'few-pairs': return `${e.blockPairs} block pairs so far; needs ≥ ${MIN_BLOCK_PAIRS}`;
    case 'no-estimate':
      if (!Number.isFinite(e.value)) return 'no ion stayed through a whole block pair yet';
      if (!Number.isFinite(e.se)) return 'only one block pair held the same ions throughout';
      return 'the estimate is not positive yet';
    case 'error-bar': return `error bar ${pct(e.se / e.value)} of the value; needs ≤ ${pct(MAX_RELATIVE_SE)}`;
    case 'back-hop-bias': return `back-hop bias ≈ ${pct(correlationBias(e.hopsPerIon, e.msdPerHop))} exceeds half the error bar (${pct(e.se / e.value)}); needs more hops per ion`;
    default: return '';
  }
}

function formatHops(n: number): string {
  return n >= 10 ? String(Math.round(n)) : String(Number(n.toPrecision(2)));
}

export function convergenceOf(e: ConvergenceInput): ConvergenceState {
  if (!(e.hopsPerIon > 0)) return 'no-hops';
  if (e.hopsPerIon < MIN_HOPS_PER_ION || e.blockPairs < MIN_BLOCK_PAIRS) return 'converging';
  if (!Number.isFinite(e.value) || !Number.isFinite(e.se) || e.value <= 0) return 'converging';
  const relativeSe = e.se / e.value;
  if (relativeSe > MAX_RELATIVE_SE) return 'converging';
  return correlationBias(e.hopsPerIon, e.msdPerHop) <= 0.5 * relativeSe ? 'converged' : 'converging';
}
