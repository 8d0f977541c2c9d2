// `npm run bench:gpu`: walker hops/s and lattice site-updates/s (plus accepted
// hops/s) of the GPU engines for a few sizes, next to the exact CPU engine's
// events/s on the same scene, measured in the same run. On a software Vulkan
// driver this only checks that the script works; bench/device-check.sh runs
// it on a real GPU with the device sizes.
import { validateScene } from '../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../src/model/rateModel';
import { initialOccupancy } from '../src/model/initialState';
import type { Engine } from '../src/engine/engine';
import { createEngine } from '../src/engine/factory';
import { acquireGpu } from '../src/gpu/device';
import { GpuWalkersEngine } from '../src/engine/gpu/gpuWalkersEngine';
import { GpuLatticeEngine } from '../src/engine/gpu/gpuLatticeEngine';

export interface WalkerCase { side: number; walkers: number; ticksPerDispatch: number; dispatches: number }
export interface LatticeCase { side: number; substeps: number }
export interface GpuBenchPlan { walkers: WalkerCase[]; lattice: LatticeCase[]; cpuEvents: number }

export interface BenchRow {
  kernel: 'walkers' | 'lattice';
  lattice: string;
  /** Walkers, or sites. */
  items: number;
  seconds: number;
  /** Walker ticks/s or lattice site-updates/s (a site examined in a sub-step). */
  updatesPerS: number;
  /** Accepted hops per second. */
  hopsPerS: number;
  /** Exact CPU engine on the same lattice (walkers: at ≤ 10 % filling), events/s. */
  cpuEventsPerS: number;
  /** GPU accepted hops/s over CPU events/s. */
  ratio: number;
}

export const QUICK_PLAN: GpuBenchPlan = {
  walkers: [
    { side: 256, walkers: 4096, ticksPerDispatch: 64, dispatches: 4 },
    { side: 512, walkers: 16384, ticksPerDispatch: 64, dispatches: 4 },
  ],
  lattice: [
    { side: 128, substeps: 64 },
    { side: 256, substeps: 32 },
  ],
  cpuEvents: 200_000,
};

/** One region, Zn2+ at barrier 0.3 eV, periodic square side×side with `count` ions. */
export function benchModel(side: number, count: number): RateModel {
  return compileRateModel(validateScene({
    ionhop: 1,
    name: `bench ${side}x${side}`,
    lattice: { type: 'square', size: [side, side], spacing: 3, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 1 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', count }],
  }));
}

async function cpuEventsPerS(model: RateModel, events: number): Promise<number> {
  const engine: Engine = await createEngine('cpu', model, initialOccupancy(model, 2), { seed: 'bench-cpu' });
  await engine.advance({ events: Math.min(events, 10_000) }); // warm-up
  const t0 = performance.now();
  const r = await engine.advance({ events });
  const s = (performance.now() - t0) / 1000;
  engine.dispose();
  return r.events / s;
}

export async function benchWalkers(c: WalkerCase, cpuEvents: number): Promise<BenchRow> {
  const model = benchModel(c.side, c.walkers);
  // Throughput of independent walkers: the filling rule is lifted here (walkers may share sites).
  const engine = await GpuWalkersEngine.create(model, initialOccupancy(model, 1), { seed: 'bench', seedNumber: 1, ticksPerDispatch: c.ticksPerDispatch, maxFilling: 1 });
  const dt = engine.walkerTiming.dt;
  await engine.advance({ time: dt }); // compile, warm up
  const e0 = engine.events;
  const t0 = performance.now();
  await engine.advance({ time: engine.time + c.dispatches * dt });
  const seconds = (performance.now() - t0) / 1000;
  const hops = engine.events - e0;
  engine.dispose();
  const ticks = c.walkers * c.ticksPerDispatch * c.dispatches; // expected ticks (Poisson mean)
  const cpu = await cpuEventsPerS(benchModel(c.side, Math.min(c.walkers, Math.floor(0.1 * c.side * c.side))), cpuEvents);
  return { kernel: 'walkers', lattice: `${c.side}x${c.side}`, items: c.walkers, seconds, updatesPerS: ticks / seconds, hopsPerS: hops / seconds, cpuEventsPerS: cpu, ratio: hops / seconds / cpu };
}

export async function benchLattice(c: LatticeCase, cpuEvents: number): Promise<BenchRow> {
  const sites = c.side * c.side;
  const model = benchModel(c.side, Math.floor(sites / 2));
  const engine = await GpuLatticeEngine.create(model, initialOccupancy(model, 1), { seed: 'bench', seedNumber: 1 });
  const tau = engine.substepTime;
  await engine.advance({ time: 4 * tau }); // compile, warm up
  const e0 = engine.events;
  const t0 = performance.now();
  await engine.advance({ time: engine.time + c.substeps * tau });
  const seconds = (performance.now() - t0) / 1000;
  const hops = engine.events - e0;
  engine.dispose();
  const updates = (c.substeps * sites) / 2; // half the sites (one colour) per sub-step
  const cpu = await cpuEventsPerS(model, cpuEvents);
  return { kernel: 'lattice', lattice: `${c.side}x${c.side}`, items: sites, seconds, updatesPerS: updates / seconds, hopsPerS: hops / seconds, cpuEventsPerS: cpu, ratio: hops / seconds / cpu };
}

export function formatTable(rows: BenchRow[], adapter: string): string {
  const e = (x: number) => x.toExponential(2);
  const lines = [
    `adapter: ${adapter}`,
    '| kernel | lattice | walkers/sites | GPU s | ticks or site-updates/s | accepted hops/s | CPU exact events/s | hops/s ÷ CPU events/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.kernel} | ${r.lattice} | ${r.items} | ${r.seconds.toFixed(3)} | ${e(r.updatesPerS)} | ${e(r.hopsPerS)} | ${e(r.cpuEventsPerS)} | ${r.ratio.toFixed(1)} |`),
  ];
  return lines.join('\n');
}

export async function runGpuBench(plan: GpuBenchPlan, log: (line: string) => void = console.log): Promise<{ rows: BenchRow[]; adapter: string }> {
  const ctx = await acquireGpu();
  log(`GPU adapter: ${ctx.adapterName}`);
  const rows: BenchRow[] = [];
  for (const c of plan.walkers) {
    rows.push(await benchWalkers(c, plan.cpuEvents));
    log(`walkers ${c.side}^2, ${c.walkers} walkers: ${rows.at(-1)!.hopsPerS.toExponential(2)} hops/s`);
  }
  for (const c of plan.lattice) {
    rows.push(await benchLattice(c, plan.cpuEvents));
    log(`lattice ${c.side}^2: ${rows.at(-1)!.updatesPerS.toExponential(2)} site-updates/s`);
  }
  return { rows, adapter: ctx.adapterName };
}

export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const { rows, adapter } = await runGpuBench(QUICK_PLAN, json ? () => {} : console.log);
  if (json) console.log(JSON.stringify({ adapter, rows }, null, 2));
  else console.log(`\n${formatTable(rows, adapter)}\n(software drivers measure the script, not the GPU; bench/device-check.sh runs the device sizes)`);
}
