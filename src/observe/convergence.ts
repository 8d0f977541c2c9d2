// When a live D* may be shown with an error bar. The pair-of-blocks estimate
// (runningDiffusivity.ts) is unbiased only once every block spans several hops
// per ion, and its standard error is itself noisy while few pairs exist: the
// lattice gas after a few hundred hops per ion read 3.5e-8 ± 0.09e-8 against the
// exact 2.93e-8. So the app calls an estimate converged only when each ion has
// hopped often enough and enough disjoint block pairs back the error bar.

/** Mean hops per ion before an estimate counts (each of 16 blocks then holds ≥ 2 hops per ion on average). */
export const MIN_HOPS_PER_ION = 40;
/** Disjoint block pairs behind the standard error (fewer give an SE that is itself ±30 % or worse). */
export const MIN_BLOCK_PAIRS = 6;
/** Largest relative standard error still shown as a number with an error bar. */
export const MAX_RELATIVE_SE = 0.35;

export type ConvergenceState = 'no-hops' | 'converging' | 'converged';

export interface ConvergenceInput {
  /** Mean hops per ion of the species since the observables restarted. */
  hopsPerIon: number;
  /** Completed block pairs behind the estimate. */
  blockPairs: number;
  value: number;
  se: number;
}

export function convergenceOf(e: ConvergenceInput): ConvergenceState {
  if (!(e.hopsPerIon > 0)) return 'no-hops';
  if (e.hopsPerIon < MIN_HOPS_PER_ION || e.blockPairs < MIN_BLOCK_PAIRS) return 'converging';
  if (!Number.isFinite(e.value) || !Number.isFinite(e.se) || e.value <= 0) return 'converging';
  return e.se / e.value <= MAX_RELATIVE_SE ? 'converged' : 'converging';
}
