// The human-readable summary of a run.
import type { RunResult } from '../run/runScene';
import { num, pm } from './format';
import { formatConductivity, formatSpeciesDrift } from './driftSummary';
import { formatExchange } from './exchangeReport';

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
    lines.push(`${sp.species}: ${sp.count} ions per replica${sp.frozen ? ' · frozen (no hop in any replica)' : ''}`);
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
  lines.push('');
  lines.push('error bars:');
  lines.push(`  D*: ${o.errorMethod.tracer}`);
  lines.push(`  D_σ: ${o.errorMethod.collective}`);
  lines.push(`  Haven ratio: ${o.errorMethod.havenRatio}`);
  if (result.replicas < 2) lines.push('  (one replica: no error bars; use --replicas 4 or more)');
  return lines.join('\n');
}
