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
  if (x.stored.length > 1 && x.stored.some((s) => s.chargeE.value !== 0) && !x.stored[0].fractionIsShare) {
    lines.push('    (species moved charge against the net, so no shares of it are given; exchange.csv keeps z·ΔN/Q as charge_fraction)');
  }
  for (const s of x.stored) {
    const fu = s.perFormulaUnit ? `, ${pm(s.perFormulaUnit)} per formula unit` : '';
    // A share of Q only where every species moved charge the way Q points; else z·ΔN/Q falls outside 0–1 and says nothing.
    const share = s.fractionIsShare ? `, share of the stored charge ${num(s.chargeFraction)}` : '';
    lines.push(`    ${s.species}: ΔN ${pm(s.deltaN)}${fu}, charge z·ΔN ${pm(s.chargeE, 'e')}${share}`);
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
  lines.push(...formatApparentDiffusivities(result));
  lines.push(`  error bars: ${x.method}`);
  return lines;
}

/**
 * The apparent diffusivities an experiment would report, each next to the true
 * ones of the same run, with a word on which D is which.
 */
function formatApparentDiffusivities(result: RunResult): string[] {
  const x = result.observables.exchange!;
  if (x.steadyFluxD.length === 0 && !x.gitt) return [];
  const lines = ['  diffusion coefficients, apparent (what an experiment would extract) and true (this run), cm²/s:'];
  const species = new Set([...x.steadyFluxD.map((d) => d.species), ...(x.gitt ? [x.gitt.species] : [])]);
  for (const name of species) {
    const sp = result.observables.species.find((s) => s.species === name);
    lines.push(`    ${name}:`);
    if (sp) {
      lines.push(`      D* (tracer, from the MSD of the ions present)        ${sp.notDefined.tracer ? `not defined (${sp.notDefined.tracer})` : pm(sp.tracer.cm2PerS)}`);
      lines.push(`      D_σ (collective, centre-of-mass MSD)                  ${sp.notDefined.collective ? `not defined (${sp.notDefined.collective})` : pm(sp.collective.cm2PerS)}`);
    }
    const chem = x.chemicalD.find((c) => c.species === name);
    if (chem) lines.push(`      D_chem (chemical, Fick's law for a gradient)          ${chem.value ? pm(chem.value.cm2PerS) : 'n/a'}: ${chem.statement}`);
    for (const d of x.steadyFluxD.filter((d) => d.species === name)) {
      lines.push(`      D_app steady flux "${d.faces[0]}" → "${d.faces[1]}" along ${d.axis} (J = ${pm(d.fluxPerSitePerS, '/s per face site')}):`);
      lines.push(`        from the face layers' θ ${pm(d.faceOccupancy[0])} → ${pm(d.faceOccupancy[1])}: ${pm(d.fromFaceLayers.cm2PerS)} (the bulk alone)`);
      lines.push(`        from the electrolytes' θ_eq ${num(d.equilibriumOccupancy[0])} → ${num(d.equilibriumOccupancy[1])}: ${pm(d.fromElectrolytes.cm2PerS)} (desolvation at both faces included)`);
      const lag = d.timeLag;
      lines.push(
        lag.tLagS && lag.cm2PerS
          ? `      D_lag time lag of the outflow at "${lag.downstream}" from an empty start: t_lag ${pm(lag.tLagS, 's')}, D_lag = ℓ²·${num(lag.factor)}/t_lag ${pm(lag.cm2PerS)} (ℓ = ${num(lag.thicknessA)} Å; faces' desolvation and the lattice lengthen t_lag)`
          : `      D_lag time lag of the outflow at "${lag.downstream}": not defined (${lag.notDefined})`,
      );
    }
    const g = x.gitt;
    if (g && g.species === name) {
      const drive = g.mode === 'current' ? 'galvanostatic' : 'potentiostatic';
      lines.push(`      GITT (${drive} pulse ${num(g.pulseS)} s, relaxation ${num(g.relaxationS)} s at "${g.reservoir}"${g.thicknessA !== null ? `, ℓ = V/S = ${num(g.thicknessA)} Å` : ''}):`);
      for (const c of g.cycles) {
        const wh = c.weppnerHuggins ? `D_WH ${pm(c.weppnerHuggins.cm2PerS)} (τ·D/ℓ² = ${num(c.pulseOverDiffusionTime)}${c.pulseOverDiffusionTime > 0.1 ? ': NOT short, the formula underestimates the transient' : ''})` : `D_WH n/a`;
        lines.push(`        cycle ${c.cycle}: inserted ${pm(c.inserted)}, OCV ${pm(c.ocvBeforeV, 'V')} → ${pm(c.ocvAfterV, 'V')} (face after relaxing ${pm(c.ocvFaceRelaxedV, 'V')}), dE/d√t ${pm(c.slopeVPerSqrtS, 'V/s^½')}; ${wh}`);
      }
      if (g.notDefined) lines.push(`        D_WH not defined: ${g.notDefined}`);
      if (g.blockedArrivals && g.blockedArrivals.value > 0) lines.push(`        the face was full for ${pm(g.blockedArrivals)} current-source arrivals per replica (dropped: the cell would have hit its cut-off)`);
      lines.push(`        ${g.assumption}`);
    }
  }
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
    add('stored_charge', 'all', s.species, s.chargeE, 'e');
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
  for (const c of x.chemicalD) add('D_chemical_exact', 'all', c.species, c.value?.cm2PerS ?? null, 'cm2/s');
  for (const d of x.steadyFluxD) {
    const faces = `${d.faces[0]}->${d.faces[1]}`;
    add('D_app_steady_face_layers', faces, d.species, d.fromFaceLayers.cm2PerS, 'cm2/s');
    add('D_app_steady_electrolytes', faces, d.species, d.fromElectrolytes.cm2PerS, 'cm2/s');
    add('time_lag', faces, d.species, d.timeLag.tLagS, 's');
    add('D_time_lag', faces, d.species, d.timeLag.cm2PerS, 'cm2/s');
  }
  const g = x.gitt;
  if (g) {
    g.ocvV.mean.forEach((u, k) => add('gitt_ocv', g.reservoir, g.species, { value: u, se: g.ocvV.se[k] }, 'V', String(k), cell(result.observables.samples.tS[k])));
    for (const c of g.cycles) {
      add('gitt_inserted', g.reservoir, g.species, c.inserted, 'ions', String(c.cycle));
      add('gitt_ocv_after', g.reservoir, g.species, c.ocvAfterV, 'V', String(c.cycle));
      add('gitt_dE_dsqrt_t', g.reservoir, g.species, c.slopeVPerSqrtS, 'V/s^0.5', String(c.cycle));
      add('D_weppner_huggins', g.reservoir, g.species, c.weppnerHuggins?.cm2PerS ?? null, 'cm2/s', String(c.cycle));
    }
  }
  return `${rows.join('\n')}\n`;
}
