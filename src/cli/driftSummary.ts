// The drift part of the human-readable summary: shown when something drives
// the ions (a field or region potentials), and then it says which D is which,
// because the plain-MSD D* above absorbs the drift.
import type { RunResult } from '../run/runScene';
import { pm } from './format';

function driven(result: RunResult): boolean {
  return result.observables.drift.field !== null || result.scene.regions.some((r) => (r.potential ?? 0) !== 0);
}

/** Lines for species `index` (RateModel species index), empty when nothing drives the ions. */
export function formatSpeciesDrift(result: RunResult, index: number): string[] {
  if (!driven(result)) return [];
  const drift = result.observables.drift;
  const name = result.observables.species.find((s) => s.index === index)?.species;
  const sp = drift.species.find((s) => s.species === name);
  if (!sp) return [];
  const lines: string[] = [];
  lines.push(`  D (centred MSD)  ${pm(sp.centredTracer.cm2PerS, 'cm²/s')}   drift removed; the tracer D* above includes it`);
  const axes = Object.entries(sp.centredTracer.perAxisA2PerS).map(([ax, e]) => `${ax}: ${pm(e!)}`).join(', ');
  lines.push(`    per axis (Å²/s) ${axes}`);
  lines.push(`  D_σ (centred)    ${pm(sp.centredCollective.cm2PerS, 'cm²/s')}   drift removed`);
  const v = Object.entries(sp.velocityAPerS).map(([ax, e]) => `${ax}: ${pm(e!)}`).join(', ');
  lines.push(`  drift velocity   (Å/s) ${v}`);
  if (sp.mobilityCm2PerVs && sp.nernstEinsteinMobilityCm2PerVs) {
    lines.push(`  mobility v/F     ${pm(sp.mobilityCm2PerVs, 'cm²/(V·s)')}   (Nernst–Einstein z·D_σ/kBT: ${pm(sp.nernstEinsteinMobilityCm2PerVs, 'cm²/(V·s)')})`);
  }
  return lines;
}

/** The conductivity block, empty without a field. */
export function formatConductivity(result: RunResult): string[] {
  const { drift } = result.observables;
  if (!drift.conductivity || !drift.field) return [];
  const c = drift.conductivity;
  return [
    '',
    `ionic conductivity along ${drift.field.axis} (F = ${drift.field.strengthVPerA} V/Å; volume = sites·a³, a 2D lattice one layer thick):`,
    `  σ from the charge current          ${pm(c.measuredSPerCm, 'S/cm')}`,
    `  σ_NE from D_σ (Nernst–Einstein)    ${pm(c.nernstEinsteinSPerCm, 'S/cm')}`,
    `  σ/σ_NE                             ${pm(c.ratio)}   (1 in linear response)`,
  ];
}
