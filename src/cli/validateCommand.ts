// `ionhop validate`: the physics validation suite as a table (or JSON).
import type { EngineKind } from '../engine/engine';
import { runValidation, VALIDATION_CASES, findCase, type ValidationReport } from '../validate/suite';
import { PASS_SIGMAS } from '../validate/types';
import { CliError } from './errors';
import { num, pad } from './format';
import { IONHOP_VERSION } from '../run/version';

export interface ValidateCommandOptions {
  engine: EngineKind;
  json?: boolean;
  case?: string[];
  seedOffset?: number;
  quiet?: boolean;
}

export async function validateCommand(options: ValidateCommandOptions): Promise<number> {
  for (const name of options.case ?? []) {
    if (!findCase(name)) throw new CliError(`unknown validation case "${name}"; cases are: ${VALIDATION_CASES.map((c) => c.name).join(', ')}`);
  }
  const report = await runValidation({
    engine: options.engine,
    cases: options.case,
    seedOffset: options.seedOffset,
    onCase: options.quiet || options.json ? undefined : (c) => process.stderr.write(`running ${c.name}: ${c.title}\n`),
  });
  if (report.checks.length === 0) {
    throw new CliError(`engine ${options.engine} can run none of the selected cases:\n${report.skipped.map((s) => `  ${s.case}: ${s.reason}`).join('\n')}`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ionhop: IONHOP_VERSION, ...report })}\n`);
  else process.stdout.write(`${formatValidationTable(report)}\n`);
  return report.passed ? 0 : 1;
}

export function formatValidationTable(report: ValidationReport): string {
  const header = ['case', 'quantity', 'theory', 'measured ± SE', 'dev/SE', 'systematic', 'result'];
  const rows = report.checks.map((c) => [
    c.case,
    c.unit ? `${c.quantity} (${c.unit})` : c.quantity,
    num(c.theory, 4),
    `${num(c.measured, 4)} ± ${num(c.se, 2)}`,
    Number.isFinite(c.deviationSe) ? c.deviationSe.toFixed(2) : 'n/a',
    num(c.systematic, 2),
    c.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((s, j) => pad(s, widths[j], j >= 2 && j <= 5)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const failed = report.checks.filter((c) => !c.pass).length;
  out.push('');
  for (const s of report.skipped) out.push(`skipped ${s.case}: ${s.reason}`);
  out.push(`engine ${report.engine}; pass when |measured − theory| < ${PASS_SIGMAS}·SE + systematic; fixed seeds.`);
  out.push(failed === 0 ? `all ${report.checks.length} checks pass` : `${failed} of ${report.checks.length} checks FAIL`);
  return out.join('\n');
}
