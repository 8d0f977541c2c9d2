// What a validation case reports: one or more checks of a measured quantity
// against its theory value.
import type { EngineKind } from '../engine/engine';
import type { EngineTuning } from '../engine/factory';

export interface ValidationCheck {
  /** Case name (as given to --case). */
  case: string;
  /** What is compared, e.g. "D* square lattice". */
  quantity: string;
  unit: string;
  theory: number;
  measured: number;
  /** Standard error of `measured` (from replicas, blocks or a fit). */
  se: number;
  /** Stated bound on the systematic (non-statistical) difference from theory, same unit. */
  systematic: number;
  /** (measured − theory) / se. */
  deviationSe: number;
  /** |measured − theory| < 4·se + systematic. */
  pass: boolean;
  /** Where the error and the systematic bound come from. */
  note: string;
}

export interface ValidationContext {
  engine: EngineKind;
  /** Added to every case's fixed seeds: 0 for the suite; other values re-run it on fresh streams to check the spread of deviations. */
  seedOffset: number;
  /** Engine tuning passed to every run (measurement scripts vary gpu-lattice's step fraction). */
  tuning?: EngineTuning;
}

export interface ValidationCase {
  name: string;
  /** One line: what is simulated and which exact result it is checked against. */
  title: string;
  run(context: ValidationContext): Promise<ValidationCheck[]>;
}

/** The pass rule of every case: |measured − theory| < 4·SE + systematic. */
export const PASS_SIGMAS = 4;

export function check(
  caseName: string,
  quantity: string,
  unit: string,
  theory: number,
  measured: number,
  se: number,
  systematic: number,
  note: string,
): ValidationCheck {
  const dev = measured - theory;
  const pass = Number.isFinite(measured) && Number.isFinite(se) && Math.abs(dev) < PASS_SIGMAS * se + systematic;
  return { case: caseName, quantity, unit, theory, measured, se, systematic, deviationSe: dev / se, pass, note };
}
