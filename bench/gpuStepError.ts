// Measures the time-step (splitting) error of the gpu-lattice engine: runs
// the validation cases that have exact answers (collective D of the lattice
// gas, tracer correlation factor at high filling, Fermi–Dirac occupancy) for
// several step fractions α = k_max·Z·τ and prints measured − theory in units
// of the case's standard error and in per cent. Results: docs/gpu.md.
// Run: node --import ./src/gpu/registerWgslRaw.mjs --import tsx bench/gpuStepError.ts [α ...] [--case name ...]
import { runValidation } from '../src/validate/suite';
import { latticeDefaults } from '../src/engine/gpu/gpuLatticeEngine';

const args = process.argv.slice(2);
const caseArgs: string[] = [];
const alphas: number[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--case') caseArgs.push(args[++i]);
  else alphas.push(Number(args[i]));
}
const cases = caseArgs.length > 0 ? caseArgs : ['lattice-gas', 'correlation-factor', 'fermi-dirac'];
for (const alpha of alphas.length > 0 ? alphas : [1, 0.5, 0.25, 0.1]) {
  latticeDefaults.stepFraction = alpha;
  const t0 = performance.now();
  const report = await runValidation({ engine: 'gpu-lattice', cases });
  for (const c of report.checks) {
    const rel = (100 * (c.measured - c.theory)) / c.theory;
    console.log(`α=${alpha} | ${c.case} | ${c.quantity}: theory ${c.theory.toPrecision(5)}, measured ${c.measured.toPrecision(5)} ± ${c.se.toPrecision(2)} → ${rel >= 0 ? '+' : ''}${rel.toFixed(2)} % (${c.deviationSe.toFixed(1)} σ) ${c.pass ? 'pass' : 'FAIL'}`);
  }
  console.log(`α=${alpha}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
process.exit(0);
