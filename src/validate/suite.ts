// The physics validation suite: every case, run on any engine kind.
import type { EngineKind } from '../engine/engine';
import { randomWalkCase } from './cases/randomWalk';
import { latticeGasCase } from './cases/latticeGas';
import { correlationFactorCase } from './cases/correlationFactor';
import { heterogeneousChainCase } from './cases/heterogeneousChain';
import { fermiDiracCase } from './cases/fermiDirac';
import { arrheniusCase } from './cases/arrhenius';
import type { ValidationCase, ValidationCheck } from './types';

export const VALIDATION_CASES: readonly ValidationCase[] = [
  randomWalkCase,
  latticeGasCase,
  correlationFactorCase,
  heterogeneousChainCase,
  fermiDiracCase,
  arrheniusCase,
];

export interface ValidationReport {
  engine: EngineKind;
  checks: ValidationCheck[];
  /** Wall time per case, s. */
  wallTimeS: Record<string, number>;
  passed: boolean;
}

export function findCase(name: string): ValidationCase | undefined {
  return VALIDATION_CASES.find((c) => c.name === name);
}

export async function runValidation(options: { engine?: EngineKind; cases?: readonly string[]; seedOffset?: number; onCase?: (c: ValidationCase) => void } = {}): Promise<ValidationReport> {
  const engine = options.engine ?? 'cpu';
  const selected = options.cases && options.cases.length > 0 ? VALIDATION_CASES.filter((c) => options.cases!.includes(c.name)) : VALIDATION_CASES;
  const checks: ValidationCheck[] = [];
  const wallTimeS: Record<string, number> = {};
  for (const c of selected) {
    options.onCase?.(c);
    const t0 = performance.now();
    checks.push(...(await c.run({ engine, seedOffset: options.seedOffset ?? 0 })));
    wallTimeS[c.name] = (performance.now() - t0) / 1000;
  }
  return { engine, checks, wallTimeS, passed: checks.length > 0 && checks.every((c) => c.pass) };
}
