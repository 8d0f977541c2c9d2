// The electrolyte-exchange part of the summary and exchange.csv: shown only
// when the scene opens reservoir faces (observe/exchange.ts).
import type { RunResult } from '../run/runScene';
import type { Estimate } from '../observe/stats';
import { num, pm } from './format';

/** Summary lines, empty in a closed scene. */
export function formatExchange(result: RunResult): string[] {
  const x = result.observables.exchange;
  if (!x) return [];
  const e = result.scene.electrolyte;
  const lines = ['', `electrolyte exchange (U = ${e?.potential ?? 0} V${e?.pH !== undefined ? `, pH ${e.pH}` : ''}):`];
  for (const f of x.faces) {
    lines.push(`  face "${f.name}" (${f.sites} sites)`);
    for (const p of x.perFaceSpecies.filter((p) => p.face === f.name)) {
      lines.push(`    ${p.species}: insertions ${pm(p.insertions)}, removals ${pm(p.removals)} per replica`);
      lines.push(`      net flux ${pm(p.netFluxPerS, 'ions/s')} (${pm(p.netFluxPerSitePerS, '/s per face site')}); exchange rate ${pm(p.exchangeRatePerSitePerS, '/s per site')}`);
      lines.push(`      steady state ${p.steadyState.statement}`);
    }
  }
  lines.push(`  charge that entered: ${pm({ value: x.chargeE.mean.at(-1) ?? NaN, se: x.chargeE.se.at(-1) ?? NaN }, 'e')} per replica`);
  lines.push('  stored since the start (per replica):');
  for (const s of x.stored) {
    const fu = s.perFormulaUnit ? `, ${pm(s.perFormulaUnit)} per formula unit` : '';
    lines.push(`    ${s.species}: ΔN ${pm(s.deltaN)}${fu}, charge fraction ${num(s.chargeFraction)}`);
  }
  if (x.massPerChargeGPerMolE !== null) lines.push(`  mass per charge Δm/Δq·F ${num(x.massPerChargeGPerMolE)} g/mol per e (EQCM)`);
  if (x.protocol) {
    const p = x.protocol;
    lines.push('  potential protocol (values at the end of each step, per replica):');
    p.potentialsV.forEach((u, j) => {
      const theta = p.theta.map((t) => `θ(${t.species}) ${pm(t.values[j])}`).join(', ');
      const slope = j > 0 ? `, dQ/dU ${pm(p.dQdU[j - 1], 'e/V')}` : '';
      lines.push(`    U = ${u} V until ${num(p.stepEndS[j])} s: Q ${pm(p.chargeE[j], 'e')}, ${theta}${slope}`);
    });
  }
  lines.push(`  error bars: ${x.method}`);
  return lines;
}

const cell = (v: number) => (Number.isFinite(v) ? String(v) : '');

/** exchange.csv: Q(t) per sample, then one row per quantity (long format). */
export function exchangeCsv(result: RunResult): string | null {
  const x = result.observables.exchange;
  if (!x) return null;
  const rows = ['quantity,face,species,sample,t_s,value,se,unit'];
  const add = (quantity: string, face: string, species: string, e: Estimate | null, unit: string, sample = '', t = '') => {
    if (e) rows.push([quantity, face, species, sample, t, cell(e.value), cell(e.se), unit].join(','));
  };
  x.chargeE.mean.forEach((q, k) => add('charge_entered', 'all', 'all', { value: q, se: x.chargeE.se[k] }, 'e', String(k), cell(result.observables.samples.tS[k])));
  for (const p of x.perFaceSpecies) {
    add('insertions', p.face, p.species, p.insertions, 'ions');
    add('removals', p.face, p.species, p.removals, 'ions');
    add('net_flux', p.face, p.species, p.netFluxPerS, 'ions/s');
    add('net_flux_per_site', p.face, p.species, p.netFluxPerSitePerS, '1/s');
    add('exchange_rate_per_site', p.face, p.species, p.exchangeRatePerSitePerS, '1/s');
    add('steady_state_reached', p.face, p.species, { value: p.steadyState.reached === null ? NaN : Number(p.steadyState.reached), se: NaN }, '');
  }
  for (const s of x.stored) {
    add('stored_delta_n', 'all', s.species, s.deltaN, 'ions');
    add('charge_fraction', 'all', s.species, { value: s.chargeFraction, se: NaN }, '');
    add('stored_per_formula_unit', 'all', s.species, s.perFormulaUnit, 'ions/f.u.');
  }
  x.protocol?.potentialsV.forEach((u, j) => {
    const p = x.protocol!;
    add('step_charge', `U=${u}`, 'all', p.chargeE[j], 'e', String(j), cell(p.stepEndS[j]));
    for (const t of p.theta) add('step_theta', `U=${u}`, t.species, t.values[j], '', String(j), cell(p.stepEndS[j]));
    if (j > 0) add('dQ_dU', `U=${u}`, 'all', p.dQdU[j - 1], 'e/V', String(j), cell(p.stepEndS[j]));
  });
  if (x.massPerChargeGPerMolE !== null) add('mass_per_charge', 'all', 'all', { value: x.massPerChargeGPerMolE, se: NaN }, 'g/mol/e');
  return `${rows.join('\n')}\n`;
}
