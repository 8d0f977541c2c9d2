// What bench/device-check.sh runs on a machine with a real GPU (bundled into
// one .mjs by bench/device/pack.sh): first the GPU kernels against their
// TypeScript twins bit for bit, then the timing table of bench/gpuBench.ts at
// device sizes. Exit code 1 when a twin check fails.
import { compileRateModel, type RateModel } from '../../src/model/rateModel';
import { parseSceneText } from '../../src/model/scene/validate';
import { initialOccupancy } from '../../src/model/initialState';
import type { Engine } from '../../src/engine/engine';
import { GpuWalkersEngine } from '../../src/engine/gpu/gpuWalkersEngine';
import { GpuLatticeEngine } from '../../src/engine/gpu/gpuLatticeEngine';
import { acquireGpu } from '../../src/gpu/device';
import { runValidation } from '../../src/validate/suite';
import { benchModel, chemistryModel, formatChemistryTable, formatOpenFaceTable, formatTable, openFaceModel, QUICK_PLAN, runChemistryBench, runGpuBench, runOpenFaceBench, type GpuBenchPlan } from '../gpuBench';
import h2v3o8Scene from '../../scenes/h2v3o8-mxene.json';

const DEVICE_PLAN: GpuBenchPlan = {
  walkers: [
    { side: 1024, walkers: 1_000_000, ticksPerDispatch: 256, dispatches: 64 },
    { side: 4096, walkers: 10_000_000, ticksPerDispatch: 256, dispatches: 16 },
    { side: 4096, walkers: 10_000_000, ticksPerDispatch: 1024, dispatches: 8 },
  ],
  lattice: [
    { side: 1024, substeps: 16000 },
    { side: 4096, substeps: 4000 },
  ],
  cpuEvents: 2_000_000,
  openFaces: [{ side: 1000, substeps: 4000, rounds: 2 }],
  chemistry: [{ side: 512, substeps: 4000, rounds: 2 }],
};

async function same(label: string, a: Engine, b: Engine): Promise<boolean> {
  const [ia, ib] = [await a.ions(), await b.ions()];
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => v === y[i]);
  const checks = {
    sites: eq(ia.site, ib.site),
    displacements: eq(ia.displacement, ib.displacement),
    occupancy: eq(await a.occupancy(), await b.occupancy()),
    events: eq(await a.eventCounts(), await b.eventCounts()),
    crossings: eq(await a.crossings(), await b.crossings()),
    kinds: eq(await a.eventCountsByKind(), await b.eventCountsByKind()),
  };
  const ok = Object.values(checks).every(Boolean);
  console.log(`${ok ? 'PASS' : 'FAIL'} ${label}: ${a.events} hops${ok ? '' : ` (${Object.entries(checks).filter(([, v]) => !v).map(([k]) => k).join(', ')} differ)`}`);
  return ok;
}

async function twinChecks(quick: boolean): Promise<boolean> {
  let ok = true;
  const h2v3o8: RateModel = compileRateModel(parseSceneText(JSON.stringify(h2v3o8Scene)));
  // Lattice gas at half filling.
  {
    const side = quick ? 128 : 512;
    const model = benchModel(side, (side * side) / 2);
    const occ = initialOccupancy(model, 3);
    const [g, t] = await Promise.all(['gpu', 'twin'].map((x) => GpuLatticeEngine.create(model, occ, { seed: 'dc', seedNumber: 3, executor: x as 'gpu' | 'twin' })));
    for (const e of [g, t]) await e.advance({ time: 256.5 * e.substepTime });
    ok = (await same(`lattice ${side}x${side} half filling, 257 sub-steps`, g, t)) && ok;
    g.dispose();
  }
  // Open faces on both x ends, and the proton chemistry scene (lubrication, water dissociation).
  for (const [label, model] of [['open faces', openFaceModel(quick ? 128 : 1000, true)], ['proton chemistry', chemistryModel(quick ? 128 : 512)]] as const) {
    const occ = initialOccupancy(model, 5);
    const [g, t] = await Promise.all(['gpu', 'twin'].map((x) => GpuLatticeEngine.create(model, occ, { seed: 'dc', seedNumber: 5, executor: x as 'gpu' | 'twin' })));
    for (const e of [g, t]) await e.advance({ time: 64.5 * e.substepTime });
    ok = (await same(`lattice ${model.lattice.cells[0]}x${model.lattice.cells[1]} ${label}, 65 sub-steps`, g, t)) && ok;
    g.dispose();
  }
  // Independent walkers (sharing sites allowed: throughput configuration).
  {
    const side = quick ? 256 : 1024;
    const n = quick ? 8192 : 200_000;
    const model = benchModel(side, n);
    const occ = initialOccupancy(model, 4);
    const [g, t] = await Promise.all(['gpu', 'twin'].map((x) => GpuWalkersEngine.create(model, occ, { seed: 'dc', seedNumber: 4, ticksPerDispatch: 64, maxFilling: 1, executor: x as 'gpu' | 'twin' })));
    for (const e of [g, t]) await e.advance({ time: 2.5 * e.walkerTiming.dt });
    ok = (await same(`walkers ${n} on ${side}x${side}, 3 dispatches`, g, t)) && ok;
    g.dispose();
  }
  // Heterointerface preset on both engines.
  {
    const occ = initialOccupancy(h2v3o8, 27);
    const [g, t] = await Promise.all(['gpu', 'twin'].map((x) => GpuWalkersEngine.create(h2v3o8, occ, { seed: 'dc', seedNumber: 27, executor: x as 'gpu' | 'twin' })));
    for (const e of [g, t]) await e.advance({ events: 20_000 });
    ok = (await same('walkers, H2V3O8 | MXene preset', g, t)) && ok;
    g.dispose();
    const [gl, tl] = await Promise.all(['gpu', 'twin'].map((x) => GpuLatticeEngine.create(h2v3o8, occ, { seed: 'dc', seedNumber: 27, executor: x as 'gpu' | 'twin' })));
    for (const e of [gl, tl]) await e.advance({ events: 20_000 });
    ok = (await same('lattice, H2V3O8 | MXene preset', gl, tl)) && ok;
    gl.dispose();
  }
  return ok;
}

/** `--suite α…`: the validation cases with exact answers on gpu-lattice, per step fraction (docs/gpu.md). */
async function suite(alphas: number[]): Promise<number> {
  const ctx = await acquireGpu();
  console.log(`ionhop gpu-lattice step-error suite; adapter: ${ctx.adapterName}`);
  for (const alpha of alphas) {
    for (const name of ['fermi-dirac', 'lattice-gas', 'correlation-factor']) {
      const t0 = performance.now();
      const report = await runValidation({ engine: 'gpu-lattice', cases: [name], tuning: { stepFraction: alpha } });
      for (const c of report.checks) {
        const rel = (100 * (c.measured - c.theory)) / c.theory;
        console.log(`α=${alpha} | ${c.case} | ${c.quantity}: theory ${c.theory.toPrecision(5)}, measured ${c.measured.toPrecision(5)} ± ${c.se.toPrecision(2)} → ${rel >= 0 ? '+' : ''}${rel.toFixed(2)} % (${c.deviationSe.toFixed(1)} σ, systematic ${c.systematic.toPrecision(2)}) ${c.pass ? 'pass' : 'FAIL'} [${((performance.now() - t0) / 1000).toFixed(0)} s]`);
      }
    }
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--suite')) return suite(argv.slice(argv.indexOf('--suite') + 1).map(Number));
  const quick = argv.includes('--quick');
  const started = performance.now();
  const ctx = await acquireGpu();
  console.log(`ionhop device check; adapter: ${ctx.adapterName}`);
  const ok = await twinChecks(quick);
  console.log(`twin checks done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const plan = quick ? QUICK_PLAN : DEVICE_PLAN;
  const { rows, adapter } = await runGpuBench(plan);
  const openFaces = await runOpenFaceBench(plan);
  const chemistry = await runChemistryBench(plan);
  console.log(`\n${formatTable(rows, adapter)}\n\n${formatOpenFaceTable(openFaces)}\n\n${formatChemistryTable(chemistry)}\n`);
  console.log(JSON.stringify({ adapter, twinChecksPassed: ok, rows, openFaces, chemistry }));
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

// Entry point when bundled (pack.sh) or run through tsx.
if (process.argv[1] && /deviceCheck\.(ts|mjs)$|check\.mjs$/.test(process.argv[1])) {
  main(process.argv).then((code) => process.exit(code), (err) => {
    console.error(err);
    process.exit(2);
  });
}
