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
import { MOVE_RESERVOIR } from '../src/gpu/layouts';

export interface WalkerCase { side: number; walkers: number; ticksPerDispatch: number; dispatches: number }
export interface LatticeCase { side: number; substeps: number }
/** Open faces on gpu-lattice against the closed kernel on the same lattice, alternately, `rounds` times each. */
export interface OpenFaceCase { side: number; substeps: number; rounds: number }
/** A water-dissociation scene with Zn2+ lubricated by H+ and catalysing the reaction, against the closed kernel on the same lattice. */
export interface ChemistryCase { side: number; substeps: number; rounds: number }
export interface GpuBenchPlan { walkers: WalkerCase[]; lattice: LatticeCase[]; cpuEvents: number; openFaces?: OpenFaceCase[]; chemistry?: ChemistryCase[] }

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
  openFaces: [{ side: 1000, substeps: 24, rounds: 2 }],
  chemistry: [{ side: 512, substeps: 48, rounds: 2 }],
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

/**
 * Half-filled side×side lattice, reflecting along x, periodic along y; with
 * `open`, both x faces exchange Zn2+ with an electrolyte at activity 1 (G‡ = 0.3 eV,
 * so face exchange runs at the hop rate), else the same lattice closed.
 */
export function openFaceModel(side: number, open: boolean): RateModel {
  return compileRateModel(validateScene({
    ionhop: 1,
    name: `${open ? 'open' : 'closed'} ${side}x${side}`,
    lattice: { type: 'square', size: [side, side], spacing: 3, boundary: ['reflecting', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { time: 1 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', count: Math.floor((side * side) / 2) }],
    ...(open
      ? {
          electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
          reservoirs: [
            { name: 'left', face: 'x-' as const, desolvationBarrier: { 'Zn2+': 0.3 } },
            { name: 'right', face: 'x+' as const, desolvationBarrier: { 'Zn2+': 0.3 } },
          ],
        }
      : {}),
  }));
}

export interface OpenFaceRow {
  lattice: string;
  /** Site-updates/s (a pair examined in a hop sub-step, a face site in a reservoir sub-step), best of the rounds. */
  closedUpdatesPerS: number;
  openUpdatesPerS: number;
  /** Open over closed, from the best round of each. */
  ratio: number;
  /** Fraction of the open run's sub-steps that were reservoir sub-steps. */
  reservoirSubstepFraction: number;
}

/** Site-updates/s of one engine over `substeps` sub-steps (after a warm-up), counted from its dispatch log. */
async function latticeUpdatesPerS(model: RateModel, substeps: number): Promise<{ perS: number; reservoirFraction: number }> {
  const engine = await GpuLatticeEngine.create(model, initialOccupancy(model, 1), { seed: 'bench', seedNumber: 1 });
  const tau = engine.substepTime;
  await engine.advance({ time: 4 * tau }); // compile, warm up
  engine.logDispatches = true;
  const t0 = performance.now();
  await engine.advance({ time: engine.time + substeps * tau });
  const seconds = (performance.now() - t0) / 1000;
  const faceSites = model.channels.reservoir ? model.channels.reservoir.faceSites.reduce((a, b) => a + b, 0) : 0;
  let updates = 0;
  let reservoirSteps = 0;
  for (const d of engine.dispatchLog) {
    if (d.move === MOVE_RESERVOIR) {
      updates += faceSites;
      reservoirSteps++;
    } else updates += model.nSites / 2;
  }
  engine.dispose();
  return { perS: updates / seconds, reservoirFraction: reservoirSteps / Math.max(1, engine.dispatchLog.length) };
}

/**
 * Proton chemistry on side×side (periodic x, reflecting y): a surface half (OH-
 * binds at −0.9 eV) below a host half, water dissociation on the bonds between
 * them (Ea0 0.35 eV, ω 0.5, Zn2+ catalysis −0.06 eV), Zn2+ (a quarter of the
 * sites) lubricated by H+ (−0.1 eV, "any"), H+ mobile in the host: the kernel runs
 * two hop groups and reaction sub-steps, and counts the bond neighbourhood of every Zn2+ hop and reaction.
 * (The vn-oh-volcano preset of issue 10 was not in the tree when this was written.)
 */
export function chemistryModel(side: number): RateModel {
  return compileRateModel(validateScene({
    ionhop: 1,
    name: `proton chemistry ${side}x${side}`,
    lattice: { type: 'square', size: [side, side], spacing: 3, boundary: ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { time: 1 },
    regions: [
      { name: 'surface', slab: { axis: 'y', from: 0, to: side / 2 }, species: { 'OH-': { siteEnergy: -0.9, barrier: 0.5 }, 'Zn2+': { barrier: 0.3 } } },
      { name: 'host', species: { 'H+': { siteEnergy: 0.05, barrier: 0.3 }, 'Zn2+': { barrier: 0.3 } } },
    ],
    reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: 0.35, bepSlope: 0.5, pKw: 14, catalyst: { species: 'Zn2+', barrierShift: -0.06 } }],
    lubrication: [{ species: 'Zn2+', by: 'H+', saddleShift: -0.1, mode: 'any' }],
    populations: [{ species: 'Zn2+', count: Math.floor((side * side) / 4) }, { species: 'H+', region: 'host', count: Math.floor((side * side) / 20) }],
  }));
}

/** The chemistry scene vs the closed half-filled lattice gas of the same size and boundaries, alternately in this process. */
export async function benchChemistry(c: ChemistryCase): Promise<OpenFaceRow> {
  const closed = compileRateModel(validateScene({
    ionhop: 1,
    name: `closed ${c.side}x${c.side}`,
    lattice: { type: 'square', size: [c.side, c.side], spacing: 3, boundary: ['periodic', 'reflecting'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { time: 1 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', count: Math.floor((c.side * c.side) / 2) }],
  }));
  const chemistry = chemistryModel(c.side);
  let bestClosed = 0;
  let bestChemistry = 0;
  for (let r = 0; r < c.rounds; r++) {
    bestClosed = Math.max(bestClosed, (await latticeUpdatesPerS(closed, c.substeps)).perS);
    bestChemistry = Math.max(bestChemistry, (await latticeUpdatesPerS(chemistry, c.substeps)).perS);
  }
  return { lattice: `${c.side}x${c.side}`, closedUpdatesPerS: bestClosed, openUpdatesPerS: bestChemistry, ratio: bestChemistry / bestClosed, reservoirSubstepFraction: 0 };
}

/** Open faces vs closed on the same lattice, measured alternately in this process (the only ratio that means anything on a shared machine). */
export async function benchOpenFaces(c: OpenFaceCase): Promise<OpenFaceRow> {
  const closed = openFaceModel(c.side, false);
  const open = openFaceModel(c.side, true);
  let bestClosed = 0;
  let bestOpen = 0;
  let reservoirFraction = 0;
  for (let r = 0; r < c.rounds; r++) {
    bestClosed = Math.max(bestClosed, (await latticeUpdatesPerS(closed, c.substeps)).perS);
    const o = await latticeUpdatesPerS(open, c.substeps);
    bestOpen = Math.max(bestOpen, o.perS);
    reservoirFraction = o.reservoirFraction;
  }
  return { lattice: `${c.side}x${c.side}`, closedUpdatesPerS: bestClosed, openUpdatesPerS: bestOpen, ratio: bestOpen / bestClosed, reservoirSubstepFraction: reservoirFraction };
}

export function formatOpenFaceTable(rows: OpenFaceRow[]): string {
  const e = (x: number) => x.toExponential(2);
  return [
    '| gpu-lattice, faces on both x ends | closed site-updates/s | open site-updates/s | open ÷ closed | reservoir sub-steps |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.lattice}, half filled | ${e(r.closedUpdatesPerS)} | ${e(r.openUpdatesPerS)} | ${r.ratio.toFixed(2)} | ${(100 * r.reservoirSubstepFraction).toFixed(0)} % |`),
  ].join('\n');
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

export async function runChemistryBench(plan: GpuBenchPlan, log: (line: string) => void = console.log): Promise<OpenFaceRow[]> {
  const rows: OpenFaceRow[] = [];
  for (const c of plan.chemistry ?? []) {
    rows.push(await benchChemistry(c));
    log(`lattice ${c.side}^2 proton chemistry: ${rows.at(-1)!.ratio.toFixed(2)} × the closed kernel's site-updates/s`);
  }
  return rows;
}

export function formatChemistryTable(rows: OpenFaceRow[]): string {
  const e = (x: number) => x.toExponential(2);
  return [
    '| gpu-lattice, water dissociation + lubrication | closed site-updates/s | chemistry site-updates/s | chemistry ÷ closed |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.lattice} | ${e(r.closedUpdatesPerS)} | ${e(r.openUpdatesPerS)} | ${r.ratio.toFixed(2)} |`),
  ].join('\n');
}

export async function runOpenFaceBench(plan: GpuBenchPlan, log: (line: string) => void = console.log): Promise<OpenFaceRow[]> {
  const rows: OpenFaceRow[] = [];
  for (const c of plan.openFaces ?? []) {
    rows.push(await benchOpenFaces(c));
    log(`lattice ${c.side}^2 open faces: ${rows.at(-1)!.ratio.toFixed(2)} × the closed kernel's site-updates/s`);
  }
  return rows;
}

export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const { rows, adapter } = await runGpuBench(QUICK_PLAN, json ? () => {} : console.log);
  const openFaces = await runOpenFaceBench(QUICK_PLAN, json ? () => {} : console.log);
  const chemistry = await runChemistryBench(QUICK_PLAN, json ? () => {} : console.log);
  if (json) console.log(JSON.stringify({ adapter, rows, openFaces, chemistry }, null, 2));
  else {
    console.log(`\n${formatTable(rows, adapter)}\n(software drivers measure the script, not the GPU; bench/device-check.sh runs the device sizes)`);
    console.log(`\n${formatOpenFaceTable(openFaces)}\n(open and closed runs alternate in this process; best round of each)`);
    console.log(`\n${formatChemistryTable(chemistry)}\n(chemistry and closed runs alternate in this process; best round of each)`);
  }
}
