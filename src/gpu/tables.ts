// Rate model → integer tables of the two kernels, computed in float64 on the CPU.
import type { RateModel } from '../model/rateModel';
import { poissonTable, writeThreshold } from './thresholds';

/** Pairs in a hop-threshold table: one per (species, region a, region b, direction slot), laid out as model.hopLayout. */
export function hopTablePairs(model: RateModel): number {
  return model.hopLayout.length;
}

/** Walker slot bits: 2^(32 − shift) slots per tick, at least one per direction slot. */
export function walkerSlotShift(model: RateModel): number {
  return 32 - Math.ceil(Math.log2(Math.max(4, model.directions)));
}

/**
 * Hop thresholds with acceptance probability rate·scale (clamped to 1) at
 * ((s·R + a)·R + b)·Z + d. scale = slots/Γ for the walkers, Z·τ for the lattice.
 */
export function hopThresholds(model: RateModel, scale: number): Uint32Array {
  const out = new Uint32Array(2 * hopTablePairs(model));
  for (let k = 0; k < model.hopRate.length; k++) writeThreshold(out, k, model.hopRate[k] * scale);
  return out;
}

export interface WalkerTiming {
  /** Uniformization rate Γ (ticks per second per walker). */
  readonly gamma: number;
  /** Slots per tick: 2^(32 − slotShift) ≥ direction slots. */
  readonly slots: number;
  readonly slotShift: number;
  /** Mean ticks per full dispatch, λ = Γ·Δt. */
  readonly ticksPerDispatch: number;
  /** Full dispatch interval Δt (s); Infinity when nothing can move. */
  readonly dt: number;
}

/** Γ = slots·k_max, so each slot's acceptance k_d·slots/Γ is ≤ 1. */
export function walkerTiming(model: RateModel, maxRate: number, ticksPerDispatch: number): WalkerTiming {
  const slotShift = walkerSlotShift(model);
  const slots = 2 ** (32 - slotShift);
  const gamma = slots * maxRate;
  return { gamma, slots, slotShift, ticksPerDispatch, dt: gamma > 0 ? ticksPerDispatch / gamma : Infinity };
}

export { poissonTable };
