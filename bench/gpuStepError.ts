// Measures the time-step (splitting) error of the gpu-lattice engine against
// the exact CPU engine. Default: a 64×64 periodic lattice gas at fillings 0.5
// and 0.9 (tracer correlation regime), run with runScene on 'cpu' and on
// 'gpu-lattice' for several step fractions α = k_max·Z·τ; prints hops per
// unit time, tracer D* and collective D_σ relative to the exact engine, with
// the combined standard error. `--suite`: instead runs the validation cases
// with exact answers (lattice-gas, correlation-factor, fermi-dirac) per α.
// Results are recorded in docs/gpu.md.
// Run: node --import ./src/gpu/registerWgslRaw.mjs --import tsx bench/gpuStepError.ts [α ...]
//        [--side 64] [--replicas 8] [--filling 0.5] [--seed-offset 0] [--suite]
import { validateScene } from '../src/model/scene/validate';
import { runScene, type RunResult } from '../src/run/runScene';
import type { Estimate } from '../src/observe/stats';
import { runValidation } from '../src/validate/suite';

const args = process.argv.slice(2);
const suite = args.includes('--suite');
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SIDE = option('--side', 64);
const REPLICAS = option('--replicas', 8);
const SEED_OFFSET = option('--seed-offset', 0);
const FILLINGS = args.includes('--filling') ? [option('--filling', 0.5)] : [0.5, 0.9];
const alphas = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')).map(Number);
const ALPHAS = alphas.length > 0 ? alphas : [1, 0.5, 0.25, 0.1];

function latticeGas(fraction: number) {
  const w = 1e13 * Math.exp(-0.3 / (8.617333262e-5 * 300));
  return validateScene({
    ionhop: 1,
    name: `lattice gas c=${fraction}`,
    lattice: { type: 'square', size: [SIDE, SIDE], spacing: 3, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 900 + Math.round(100 * fraction) + SEED_OFFSET,
    // About 100 hops per ion: past the transient of the tracer correlation.
    run: { time: 100 / (4 * w * (1 - fraction)), samples: 20, replicas: REPLICAS },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', fraction }],
    observe: { fitFrom: 0.3 },
  });
}

function relative(label: string, gpu: Estimate, cpu: Estimate): string {
  const rel = gpu.value / cpu.value - 1;
  const se = Math.hypot(gpu.se / cpu.value, (cpu.se * gpu.value) / cpu.value ** 2);
  return `${label} ${rel >= 0 ? '+' : ''}${(100 * rel).toFixed(2)} ± ${(100 * se).toFixed(2)} %`;
}

if (suite) {
  for (const alpha of ALPHAS) {
    const report = await runValidation({ engine: 'gpu-lattice', cases: ['lattice-gas', 'correlation-factor', 'fermi-dirac'], tuning: { stepFraction: alpha } });
    for (const c of report.checks) {
      const rel = (100 * (c.measured - c.theory)) / c.theory;
      console.log(`α=${alpha} | ${c.case} | ${c.quantity}: theory ${c.theory.toPrecision(5)}, measured ${c.measured.toPrecision(5)} ± ${c.se.toPrecision(2)} → ${rel >= 0 ? '+' : ''}${rel.toFixed(2)} % (${c.deviationSe.toFixed(1)} σ) ${c.pass ? 'pass' : 'FAIL'}`);
    }
  }
} else {
  for (const fraction of FILLINGS) {
    const scene = latticeGas(fraction);
    const cpu: RunResult = await runScene(scene, { engine: 'cpu' });
    const c = cpu.observables.species[0];
    const rate = (r: RunResult): Estimate => ({ value: r.observables.species[0].eventsPerReplica.value / scene.run.time!, se: r.observables.species[0].eventsPerReplica.se / scene.run.time! });
    for (const alpha of ALPHAS) {
      const t0 = performance.now();
      const gpu = await runScene(scene, { engine: 'gpu-lattice', seed: scene.seed + 1, tuning: { stepFraction: alpha } });
      const g = gpu.observables.species[0];
      console.log(`c=${fraction} α=${alpha}: ${relative('hops/s', rate(gpu), rate(cpu))} | ${relative('D*', g.tracer.a2PerS, c.tracer.a2PerS)} | ${relative('D_σ', g.collective.a2PerS, c.collective.a2PerS)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
}
process.exit(0);
