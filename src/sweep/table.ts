// Human-readable and CSV output of a sweep.
import { num, pm } from '../cli/format';
import { turnoverOf, type SweepPointResult, type SweepResult } from './sweep';

/** A fitted value with as many decimals as its SE's two leading digits need, e.g. "1.2995 ± 0.0021 eV". */
export function pmFit(e: { value: number; se: number }, unit = ''): string {
  const abs = Math.abs(e.value);
  if (!Number.isFinite(e.se) || !(e.se > 0) || abs >= 1e5 || abs < 1e-3) return pm(e, unit);
  const decimals = Math.min(12, Math.max(0, 1 - Math.floor(Math.log10(e.se))));
  return `${e.value.toFixed(decimals)} ± ${e.se.toFixed(decimals)}${unit ? ` ${unit}` : ''}`;
}

function crossingsPerReplica(p: SweepPointResult): number {
  return p.observables.crossings.reduce((s, c) => s + c.perReplica.value, 0);
}

/** The (face, species) pairs with an open face, in the order of the first open point; empty in a closed scene. */
function faceSpeciesPairs(result: SweepResult): { face: string; species: string }[] {
  const x = result.points.find((p) => p.observables.exchange)?.observables.exchange;
  return x ? x.perFaceSpecies.map(({ face, species }) => ({ face, species })) : [];
}

/** Species whose population can change (they cross an open face or water makes them), for the table's stored-charge columns. */
function storingSpecies(result: SweepResult): string[] {
  const pairs = faceSpeciesPairs(result).map((p) => p.species);
  const ledger = result.points[0]?.chemistry?.ledger.map((l) => l.species) ?? [];
  const all = result.points[0]?.observables.exchange?.stored.map((s) => s.species) ?? [];
  return all.filter((sp) => pairs.includes(sp) || ledger.includes(sp));
}

const hasWater = (result: SweepResult) => result.points.some((p) => p.chemistry?.water);
const flux = (p: SweepPointResult, face: string, species: string) => p.observables.exchange?.perFaceSpecies.find((x) => x.face === face && x.species === species)?.netFluxPerS;
const stored = (p: SweepPointResult, species: string) => p.observables.exchange?.stored.find((s) => s.species === species);
const coverageOf = (p: SweepPointResult) => {
  const w = p.chemistry?.water;
  return w ? (w.hydroxideCoverageTimeAveraged ?? w.hydroxideCoverage) : undefined;
};

/** The table on stdout: one row per point, then the fits. */
export function formatSweepTable(result: SweepResult): string {
  const lines: string[] = [];
  const shard = result.shard ? ` · shard ${result.shard.k}/${result.shard.n} (${result.points.length} of ${result.totalPoints} points)` : '';
  lines.push(`ionhop ${result.ionhop} sweep · ${result.scene.name} · scene sha256 ${result.scene.sha256.slice(0, 12)}`);
  const watched = result.observable === 'turnover' ? 'the water turnover' : `${result.species} D*`;
  const target = result.targetSe !== null ? ` · target relative SE of ${watched} ${result.targetSe} (cap ${result.maxReplicas} replicas)` : '';
  lines.push(`engine ${result.engine} · ${result.jobs} job${result.jobs > 1 ? 's' : ''} · ${result.totalPoints} points${shard}${target} · wall time ${num(result.wallTimeS)} s`);
  lines.push('');
  const species = result.points[0]?.observables.species.map((s) => s.species) ?? [];
  const header = ['#', ...result.axes.map((a) => a.path), 'replicas'];
  for (const sp of species) header.push(`${sp} D* (cm²/s)`, `${sp} D_σ (cm²/s)`, `${sp} Haven`);
  header.push('crossings/replica');
  // With a field the scene has a current: drift velocity per species and the ionic conductivity.
  const hasField = result.points.some((p) => p.observables.drift?.field);
  if (hasField) {
    for (const sp of species) header.push(`${sp} drift v (cm/s)`);
    header.push('σ (S/cm)');
  }
  const hasPrediction = result.fits.layered !== null;
  if (hasPrediction) header.push(`${result.species} D* layered formula (cm²/s)`, 'z');
  // Open faces: net flux per face and species over the fit window, and what was stored since the start.
  const pairs = faceSpeciesPairs(result);
  for (const { face, species } of pairs) header.push(`${species} net flux "${face}" (ions/s)`);
  const storing = storingSpecies(result);
  // z·ΔN, not z·ΔN/Q: where species move charge against the net (H+ in, OH- out) the fraction leaves 0–1 and means nothing; the CSV keeps it.
  for (const sp of storing) header.push(`${sp} ΔN (ions)`, `${sp} z·ΔN (e)`);
  const water = hasWater(result);
  if (water) header.push('turnover (1/s per surface site)', 'OH* coverage');
  const rows: string[][] = [header];
  for (const p of result.points) {
    const row = [String(p.index), ...p.values.map((v) => num(v, 4)), `${p.replicas}${p.reachedTarget === false ? '!' : ''}`];
    for (const sp of species) {
      const o = p.observables.species.find((s) => s.species === sp);
      // "not defined" where `ionhop run` would say so (estimatorChecks.ts); the reasons follow the table.
      const nd = o?.notDefined ?? {};
      const shown = (e: { value: number; se: number }, reason: string | undefined) => (reason ? 'not defined' : pm(e));
      row.push(o ? shown(o.tracer.cm2PerS, nd.tracer) : '-', o ? shown(o.collective.cm2PerS, nd.collective) : '-', o ? shown(o.havenRatio, nd.havenRatio) : '-');
    }
    row.push(num(crossingsPerReplica(p)));
    if (hasField) {
      const drift = p.observables.drift;
      for (const sp of species) {
        const v = drift?.species.find((d) => d.species === sp)?.fieldVelocityCmPerS;
        row.push(v ? pm(v) : '-');
      }
      row.push(drift?.conductivity ? pm(drift.conductivity.measuredSPerCm) : '-');
    }
    if (hasPrediction) {
      const c = result.fits.layered!.points.find((r) => r.index === p.index);
      row.push(c ? num(c.predictedCm2PerS, 4) : '-', c && Number.isFinite(c.z) ? c.z.toFixed(2) : '-');
    }
    for (const { face, species } of pairs) {
      const f = flux(p, face, species);
      row.push(f ? pm(f) : '-');
    }
    for (const sp of storing) {
      const st = stored(p, sp);
      row.push(st ? pm(st.deltaN) : '-', st?.chargeE ? pm(st.chargeE) : '-');
    }
    if (water) {
      const t = turnoverOf(p.chemistry);
      const c = coverageOf(p);
      row.push(t ? pm(t) : '-', c ? pm(c) : '-');
    }
    rows.push(row);
  }
  const widths = header.map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  for (const r of rows) lines.push(r.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd());
  if (result.points.some((p) => p.reachedTarget === false)) lines.push(`(! the target SE was not reached within ${result.maxReplicas} replicas, or ${result.observable === 'turnover' ? 'the turnover' : 'D*'} is 0 or not defined)`);
  lines.push(...notDefinedLines(result));
  lines.push('');
  lines.push(...formatFits(result));
  return lines.join('\n');
}

/** One line per species and distinct reason an estimator is not defined (or the species frozen), with its points. */
function notDefinedLines(result: SweepResult): string[] {
  const byReason = new Map<string, number[]>();
  for (const p of result.points) {
    for (const sp of p.observables.species) {
      const reasons = new Set(Object.values(sp.notDefined ?? {}));
      for (const reason of reasons) {
        const key = `${sp.species}: ${reason}`;
        byReason.set(key, [...(byReason.get(key) ?? []), p.index]);
      }
    }
  }
  return [...byReason].map(([reason, points]) => `not defined at point${points.length > 1 ? 's' : ''} ${points.join(', ')}: ${reason}`);
}

export function formatFits(result: SweepResult): string[] {
  const f = result.fits;
  const lines: string[] = [];
  if (f.arrhenius) {
    const a = f.arrhenius;
    lines.push(`Arrhenius fit of ${a.species} D* (weighted, ${a.line.used} points): Ea = ${pmFit(a.eaEv, 'eV')}, D0 = ${pm(a.prefactorCm2PerS, 'cm²/s')}, χ² = ${num(a.line.chi2)} for ${a.line.dof} degrees of freedom`);
  }
  if (f.barrierSlope) {
    const b = f.barrierSlope;
    lines.push(`slope of ln D*(${b.species}) against ${b.path} (weighted, ${b.line.used} points): ${pmFit(b.slopePerEv, '1/eV')}; single-path limit −1/kBT = ${num(b.singlePathPerEv, 4)} 1/eV at ${b.temperatureK} K; χ² = ${num(b.line.chi2)} for ${b.line.dof} degrees of freedom`);
  }
  if (f.layered) {
    const l = f.layered;
    const maxFilling = Math.max(...l.points.map((p) => p.filling));
    lines.push(`layered-medium formula for ${l.species} D* (single-ion limit, docs/physics.md; filling up to ${num(maxFilling)}): χ² = ${num(l.chi2)} over ${l.n} points`);
  }
  // One line per distinct reason, not per point.
  const notes = new Map<string, number[]>();
  for (const n of f.notes) {
    const m = /^(.*) at point (\d+): (.*)$/.exec(n);
    const key = m ? `${m[1]}: ${m[3]}` : n;
    notes.set(key, [...(notes.get(key) ?? []), ...(m ? [Number(m[2])] : [])]);
  }
  for (const [n, points] of notes) lines.push(`note: ${n}${points.length > 0 ? ` (point${points.length > 1 ? 's' : ''} ${points.join(', ')})` : ''}`);
  return lines;
}

const cell = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? String(v) : '');
const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** sweep.csv: one row per point with its provenance (version, scene hash, engine, seed, replicas, wall time). */
export function sweepCsv(result: SweepResult): string {
  const species = result.points[0]?.observables.species.map((s) => s.species) ?? [];
  const header = ['index', ...result.axes.map((a) => a.path), 'ionhop_version', 'scene_sha256', 'engine', 'seed', 'replicas', 'reached_target', 'wall_time_s'];
  for (const sp of species)
    header.push(`${sp}_dstar_cm2_s`, `${sp}_dstar_se_cm2_s`, `${sp}_dsigma_cm2_s`, `${sp}_dsigma_se_cm2_s`, `${sp}_haven`, `${sp}_haven_se`, `${sp}_layered_dstar_cm2_s`, `${sp}_not_defined`);
  header.push('crossings_per_replica', 'events_per_replica', 'simulated_time_s');
  for (const sp of species) header.push(`${sp}_drift_velocity_cm_s`, `${sp}_drift_velocity_se_cm_s`);
  header.push('conductivity_s_cm', 'conductivity_se_s_cm');
  // Open faces (exchange.ts) and water dissociation (chemistry.ts): present only when the scene has them.
  const pairs = faceSpeciesPairs(result);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9+-]+/g, '_').replace(/^_|_$/g, '');
  for (const { face, species: sp } of pairs) {
    const k = `${sp}_face_${slug(face)}`;
    header.push(`${k}_net_flux_ions_s`, `${k}_net_flux_se_ions_s`, `${k}_net_flux_per_site_1_s`, `${k}_net_flux_per_site_se_1_s`);
  }
  const open = pairs.length > 0;
  if (open) for (const sp of species) header.push(`${sp}_stored_delta_n_ions`, `${sp}_stored_delta_n_se_ions`, `${sp}_stored_charge_e`, `${sp}_stored_charge_se_e`, `${sp}_charge_fraction`);
  if (open) header.push('charge_entered_e', 'charge_entered_se_e');
  const water = hasWater(result);
  if (water)
    header.push(
      'turnover_per_site_1_s', 'turnover_per_site_se_1_s', 'turnover_window_per_site_1_s', 'turnover_window_per_site_se_1_s',
      'oh_coverage_end', 'oh_coverage_end_se', 'oh_coverage_time_averaged', 'oh_coverage_time_averaged_se',
    );
  const rows = [header.map(quote).join(',')];
  for (const p of result.points) {
    const row = [String(p.index), ...p.values.map(cell), result.ionhop, result.scene.sha256, result.engine, String(p.seed), String(p.replicas), p.reachedTarget === null ? '' : String(p.reachedTarget), cell(p.wallTimeS)];
    for (const sp of species) {
      const o = p.observables.species.find((s) => s.species === sp);
      const pred = p.layered.find((l) => l.species === sp);
      row.push(
        cell(o?.tracer.cm2PerS.value), cell(o?.tracer.cm2PerS.se), cell(o?.collective.cm2PerS.value), cell(o?.collective.cm2PerS.se),
        cell(o?.havenRatio.value), cell(o?.havenRatio.se), cell(pred?.applies ? pred.prediction.tracerCm2PerS : null),
        // Why the empty estimator cells are empty (the first reason; the JSON keeps all of them).
        quote(Object.values(o?.notDefined ?? {})[0] ?? ''),
      );
    }
    row.push(cell(crossingsPerReplica(p)), cell(p.observables.eventsPerReplica.value), cell(p.observables.simulatedTimeS.value));
    // Empty without a field (no current).
    const drift = p.observables.drift;
    for (const sp of species) {
      const v = drift?.species.find((d) => d.species === sp)?.fieldVelocityCmPerS;
      row.push(cell(v?.value), cell(v?.se));
    }
    row.push(cell(drift?.conductivity?.measuredSPerCm.value), cell(drift?.conductivity?.measuredSPerCm.se));
    const x = p.observables.exchange;
    for (const { face, species: sp } of pairs) {
      const f = x?.perFaceSpecies.find((q) => q.face === face && q.species === sp);
      row.push(cell(f?.netFluxPerS.value), cell(f?.netFluxPerS.se), cell(f?.netFluxPerSitePerS.value), cell(f?.netFluxPerSitePerS.se));
    }
    if (open) {
      for (const sp of species) {
        const st = stored(p, sp);
        row.push(cell(st?.deltaN.value), cell(st?.deltaN.se), cell(st?.chargeE?.value), cell(st?.chargeE?.se), cell(st?.chargeFraction));
      }
      row.push(cell(x?.chargeE.mean.at(-1)), cell(x?.chargeE.se.at(-1)));
    }
    if (water) {
      const w = p.chemistry?.water;
      row.push(
        cell(w?.turnoverPerSiteHz.value), cell(w?.turnoverPerSiteHz.se), cell(w?.turnoverWindowPerSiteHz?.value), cell(w?.turnoverWindowPerSiteHz?.se),
        cell(w?.hydroxideCoverage.value), cell(w?.hydroxideCoverage.se), cell(w?.hydroxideCoverageTimeAveraged?.value), cell(w?.hydroxideCoverageTimeAveraged?.se),
      );
    }
    rows.push(row.join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** fits.csv: one row per fit. */
export function fitsCsv(result: SweepResult): string {
  const rows = ['fit,species,parameter,value,se,unit,chi2,dof,reference'];
  const f = result.fits;
  if (f.arrhenius) {
    const a = f.arrhenius;
    rows.push(`arrhenius,${a.species},Ea,${a.eaEv.value},${a.eaEv.se},eV,${a.line.chi2},${a.line.dof},`);
    rows.push(`arrhenius,${a.species},D0,${a.prefactorCm2PerS.value},${a.prefactorCm2PerS.se},cm2/s,${a.line.chi2},${a.line.dof},`);
  }
  if (f.barrierSlope) {
    const b = f.barrierSlope;
    rows.push(`barrier_slope,${b.species},${quote(`dlnD/d ${b.path}`)},${b.slopePerEv.value},${b.slopePerEv.se},1/eV,${b.line.chi2},${b.line.dof},${b.singlePathPerEv}`);
  }
  if (f.layered) rows.push(`layered_medium,${f.layered.species},chi2_vs_formula,${f.layered.chi2},,,${f.layered.chi2},${f.layered.n},`);
  return `${rows.join('\n')}\n`;
}
