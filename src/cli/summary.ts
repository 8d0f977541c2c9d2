// The human-readable summary of a run.
import type { RunResult } from '../run/runScene';
import { num, pm } from './format';
import { formatConductivity, formatSpeciesDrift } from './driftSummary';
import { formatExchange } from './exchangeReport';

/** Lubrication, water dissociation and the per-channel stiffness report, when the run has them. */
function formatChemistry(result: RunResult): string[] {
  const c = result.chemistry;
  if (!c) return [];
  const lines = ['', 'proton chemistry:'];
  for (const l of c.lubricatedFraction) lines.push(`  lubricated ${l.species} hops  ${pm(l.fraction)} of its hops`);
  if (c.water) {
    lines.push(`  turnover         ${pm(c.water.turnoverPerSiteHz, 'Hz')} per surface site (${c.water.surfaceSites} sites; dissociations − recombinations)`);
    if (c.water.turnoverWindowPerSiteHz) lines.push(`  turnover (window) ${pm(c.water.turnoverWindowPerSiteHz, 'Hz')} per surface site over the fit window`);
    lines.push(`  OH* coverage     ${pm(c.water.hydroxideCoverage)} at the end${c.water.hydroxideCoverageTimeAveraged ? `, ${pm(c.water.hydroxideCoverageTimeAveraged)} averaged over the fit window` : ''}`);
    lines.push(`  dissociations    ${pm(c.water.dissociationsPerReplica)}, recombinations ${pm(c.water.recombinationsPerReplica)} per replica`);
  }
  for (const s of c.storedByOrigin) {
    if (s.water.value === 0 && s.inserted.value === 0) continue;
    lines.push(`  ${s.species} present  initial ${pm(s.initial)}, from water ${pm(s.water)}, inserted ${pm(s.inserted)} per replica`);
  }
  for (const l of c.ledger ?? []) {
    lines.push(`  ledger ${l.species}: ΔN ${pm(l.change)} = from water ${pm(l.fromWater)} + from the electrolyte ${pm(l.fromElectrolyte)} per replica (exact at every sample)`);
  }
  for (const v of c.inventory ?? []) {
    const last = v.ionsLeft.mean.length - 1;
    const pH = v.pH ? `; pH ${num(v.pH[0])} → ${Number.isFinite(v.pH[last]) ? num(v.pH[last]) : '∞ (none left)'}` : '';
    lines.push(`  inventory ${v.species} at ${v.reservoir}: ${num(v.ionsLeft.mean[0])} → ${pm({ value: v.ionsLeft.mean[last], se: v.ionsLeft.se[last] })} ions left${pH}`);
  }
  lines.push('  channels (share of events, balance index (fwd − bwd)/(fwd + bwd)):');
  for (const ch of c.channels) lines.push(`    ${ch.channel.padEnd(24)} ${num(ch.share)}  ${Number.isNaN(ch.balanceIndex) ? '–' : num(ch.balanceIndex)}`);
  return lines;
}

export function formatSummary(result: RunResult): string {
  const o = result.observables;
  const lines: string[] = [];
  lines.push(`ionhop ${result.ionhop} · ${result.scene.name}`);
  lines.push(`engine ${result.engine} · seed ${result.seed} · ${result.replicas} replica${result.replicas > 1 ? 's' : ''} · wall time ${num(result.wallTimeS)} s`);
  lines.push(
    `simulated time per replica: ${pm(o.simulatedTimeS, 's')} · events per replica: ${pm(o.eventsPerReplica)} · ` +
      `fit window ${num(o.fitWindowS[0])} to ${num(o.fitWindowS[1])} s`,
  );
  if (o.frozen) lines.push('FROZEN: no ion hopped in any replica (every hop is blocked or has rate 0); D* = D_σ = 0');
  for (const sp of o.species) {
    const nd = sp.notDefined;
    lines.push('');
    lines.push(`${sp.species}: ${sp.count} ions per replica${o.exchange ? ` at the start, ${pm(sp.tracerIons)} followed by the MSD (present through the fit window)` : ''}${sp.frozen ? ' · frozen (no hop in any replica)' : ''}`);
    lines.push(`  tracer D*        ${nd.tracer ? 'not defined' : `${pm(sp.tracer.cm2PerS, 'cm²/s')}   (${pm(sp.tracer.a2PerS, 'Å²/s')})`}`);
    const axes = Object.entries(sp.tracer.perAxisA2PerS)
      .map(([ax, e]) => `${ax}: ${nd[ax as 'x'] ? 'not defined' : pm(e!)}`)
      .join(', ');
    lines.push(`    per axis (Å²/s) ${axes}`);
    lines.push(`  collective D_σ   ${nd.collective ? 'not defined' : pm(sp.collective.cm2PerS, 'cm²/s')}`);
    lines.push(`  Haven ratio      ${nd.havenRatio ? 'not defined' : pm(sp.havenRatio)}`);
    const reasons = [...new Set(Object.values(nd))];
    for (const reason of reasons) lines.push(`  not defined: ${reason}`);
    lines.push(`  events           ${pm(sp.eventsPerReplica)} per replica`);
    lines.push(...formatSpeciesDrift(result, sp.index));
  }
  lines.push(...formatConductivity(result));
  lines.push(...formatExchange(result));
  lines.push('');
  if (o.crossings.length === 0) lines.push('interface crossings: none');
  else {
    lines.push('interface crossings (hops per replica):');
    for (const c of o.crossings) lines.push(`  ${c.from} → ${c.to}: ${pm(c.perReplica)}`);
  }
  lines.push(...formatChemistry(result));
  for (const w of result.warnings ?? []) lines.push('', `warning: ${w}`);
  lines.push('');
  lines.push('error bars:');
  lines.push(`  D*: ${o.errorMethod.tracer}`);
  lines.push(`  D_σ: ${o.errorMethod.collective}`);
  lines.push(`  Haven ratio: ${o.errorMethod.havenRatio}`);
  if (result.replicas < 2) lines.push('  (one replica: no error bars; use --replicas 4 or more)');
  return lines.join('\n');
}
