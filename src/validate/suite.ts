// The physics validation suite: every case, run on any engine kind.
import { EngineUnsupportedError, type EngineKind } from '../engine/engine';
import type { EngineTuning } from '../engine/factory';
import { randomWalkCase } from './cases/randomWalk';
import { latticeGasCase } from './cases/latticeGas';
import { correlationFactorCase } from './cases/correlationFactor';
import { heterogeneousChainCase } from './cases/heterogeneousChain';
import { fermiDiracCase } from './cases/fermiDirac';
import { arrheniusCase } from './cases/arrhenius';
import { latticeRandomWalkCase, latticeCorrelationFactorCase } from './cases/latticeTypes';
import { builtInPotentialCase } from './cases/builtInPotential';
import { driftMobilityCase } from './cases/driftMobility';
import { nernstEinsteinCase } from './cases/nernstEinstein';
import { grandCanonicalIsothermCase, slabFluxCase, speciesCompetitionCase } from './cases/openFaces';
import { lubricatedChainCase, lubricationEquilibriumCase } from './cases/lubrication';
import { waterPairsCase } from './cases/waterPairs';
import { finiteInventoryCase, openWaterPairCase } from './cases/protonBudget';
import { gittCase } from './cases/gitt';
import { timeLagCase } from './cases/timeLag';
import type { ValidationCase, ValidationCheck } from './types';

export const VALIDATION_CASES: readonly ValidationCase[] = [
  randomWalkCase,
  latticeGasCase,
  correlationFactorCase,
  heterogeneousChainCase,
  fermiDiracCase,
  arrheniusCase,
  latticeRandomWalkCase,
  latticeCorrelationFactorCase,
  builtInPotentialCase,
  driftMobilityCase,
  nernstEinsteinCase,
  grandCanonicalIsothermCase,
  speciesCompetitionCase,
  slabFluxCase,
  timeLagCase,
  gittCase,
  lubricatedChainCase,
  lubricationEquilibriumCase,
  waterPairsCase,
  finiteInventoryCase,
  openWaterPairCase,
];

export interface ValidationReport {
  engine: EngineKind;
  checks: ValidationCheck[];
  /** Cases the engine cannot run (e.g. site exclusion on gpu-walkers), with its reason: neither pass nor fail. */
  skipped: { case: string; reason: string }[];
  /** Wall time per case, s. */
  wallTimeS: Record<string, number>;
  passed: boolean;
}

export function findCase(name: string): ValidationCase | undefined {
  return VALIDATION_CASES.find((c) => c.name === name);
}

export async function runValidation(options: { engine?: EngineKind; cases?: readonly string[]; seedOffset?: number; tuning?: EngineTuning; onCase?: (c: ValidationCase) => void } = {}): Promise<ValidationReport> {
  const engine = options.engine ?? 'cpu';
  const selected = options.cases && options.cases.length > 0 ? VALIDATION_CASES.filter((c) => options.cases!.includes(c.name)) : VALIDATION_CASES;
  const checks: ValidationCheck[] = [];
  const skipped: ValidationReport['skipped'] = [];
  const wallTimeS: Record<string, number> = {};
  for (const c of selected) {
    options.onCase?.(c);
    const t0 = performance.now();
    try {
      checks.push(...(await c.run({ engine, seedOffset: options.seedOffset ?? 0, tuning: options.tuning })));
    } catch (error) {
      if (!(error instanceof EngineUnsupportedError)) throw error;
      skipped.push({ case: c.name, reason: error.message });
    }
    wallTimeS[c.name] = (performance.now() - t0) / 1000;
  }
  return { engine, checks, skipped, wallTimeS, passed: checks.length > 0 && checks.every((c) => c.pass) };
}
