// drift.csv: one row per quantity (long format), so runs with different
// species, axes or no field share one layout.
import type { RunResult } from '../run/runScene';
import type { Estimate } from '../observe/stats';

const cell = (v: number) => (Number.isFinite(v) ? String(v) : '');

export function driftCsv(result: RunResult): string {
  const rows = ['quantity,species,axis,value,se,unit'];
  const add = (quantity: string, species: string, axis: string, e: Estimate | null | undefined, unit: string) => {
    if (e) rows.push([quantity, species, axis, cell(e.value), cell(e.se), unit].join(','));
  };
  const { drift } = result.observables;
  const fieldAxis = drift.field?.axis ?? '';
  for (const sp of drift.species) {
    for (const [ax, e] of Object.entries(sp.velocityAPerS)) add('drift_velocity', sp.species, ax, e, 'A/s');
    add('mobility', sp.species, fieldAxis, sp.mobilityCm2PerVs, 'cm2/(V s)');
    add('nernst_einstein_mobility', sp.species, fieldAxis, sp.nernstEinsteinMobilityCm2PerVs, 'cm2/(V s)');
    add('centred_tracer_D', sp.species, 'all', sp.centredTracer.cm2PerS, 'cm2/s');
    for (const [ax, e] of Object.entries(sp.centredTracer.perAxisA2PerS)) add('centred_tracer_D', sp.species, ax, e, 'A2/s');
    add('centred_collective_D', sp.species, 'all', sp.centredCollective.cm2PerS, 'cm2/s');
    for (const [ax, e] of Object.entries(sp.centredCollective.perAxisA2PerS)) add('centred_collective_D', sp.species, ax, e, 'A2/s');
  }
  const c = drift.conductivity;
  if (c) {
    add('conductivity', 'all', fieldAxis, c.measuredSPerCm, 'S/cm');
    add('nernst_einstein_conductivity', 'all', fieldAxis, c.nernstEinsteinSPerCm, 'S/cm');
    add('conductivity_ratio', 'all', fieldAxis, c.ratio, '');
  }
  return `${rows.join('\n')}\n`;
}
