// `npm run bench`: events per second and bytes per site of the exact CPU engine
// on the two workloads of issue 2 (non-interacting lattice gas at half
// filling, all hops at one rate): (a) 1000×1000 periodic square,
// (b) 100×100×100 periodic cubic. Scenes are built in code.
import { validateScene } from '../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../src/model/rateModel';
import { initialOccupancy } from '../src/model/initialState';
import type { SceneInput } from '../src/model/scene/schema';
import { CpuEngine } from '../src/engine/cpu/cpuEngine';

interface Workload {
  name: string;
  lattice: SceneInput['lattice'];
  /** Target events/s from issue 2 (10× the SPPARKS tree-solver figure). */
  targetEventsPerS: number;
  /** SPPARKS reference on this kind of machine, events/s. */
  spparksEventsPerS: number;
}

const WORKLOADS: Workload[] = [
  { name: 'a: 2D square 1000x1000', lattice: { type: 'square', size: [1000, 1000], spacing: 3, boundary: ['periodic', 'periodic'] }, targetEventsPerS: 1.5e6, spparksEventsPerS: 155_000 },
  { name: 'b: 3D cubic 100x100x100', lattice: { type: 'cubic', size: [100, 100, 100], spacing: 3, boundary: ['periodic', 'periodic', 'periodic'] }, targetEventsPerS: 0.65e6, spparksEventsPerS: 64_000 },
];
const MAX_BYTES_PER_SITE = 32;

export interface BenchResult {
  workload: string;
  sites: number;
  ions: number;
  events: number;
  seconds: number;
  eventsPerS: number;
  targetEventsPerS: number;
  spparksEventsPerS: number;
  ratioToSpparks: number;
  bytesPerSite: number;
  /** Engine arrays plus the model's per-site region array. */
  bytesPerSiteWithModel: number;
  maxBytesPerSite: number;
  meetsTarget: boolean;
}

function latticeGas(lattice: SceneInput['lattice']): RateModel {
  return compileRateModel(validateScene({
    ionhop: 1,
    name: 'bench lattice gas',
    lattice,
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 1 },
    regions: [{ name: 'host', species: { 'Zn2+': { barrier: 0.3 } } }],
    populations: [{ species: 'Zn2+', fraction: 0.5 }],
  }));
}

function runWorkload(w: Workload, events: number, warmup: number, repeats: number): BenchResult {
  const model = latticeGas(w.lattice);
  const engine = new CpuEngine(model, initialOccupancy(model, 1), 'bench');
  engine.advanceSync({ events: warmup });
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    engine.advanceSync({ events });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, s);
  }
  const eventsPerS = events / best;
  const bytes = engine.memoryBytes();
  return {
    workload: w.name,
    sites: model.nSites,
    ions: engine.ionCount,
    events,
    seconds: best,
    eventsPerS,
    targetEventsPerS: w.targetEventsPerS,
    spparksEventsPerS: w.spparksEventsPerS,
    ratioToSpparks: eventsPerS / w.spparksEventsPerS,
    bytesPerSite: bytes / model.nSites,
    bytesPerSiteWithModel: (bytes + model.siteRegion.byteLength) / model.nSites,
    maxBytesPerSite: MAX_BYTES_PER_SITE,
    meetsTarget: eventsPerS >= w.targetEventsPerS && bytes / model.nSites <= MAX_BYTES_PER_SITE,
  };
}

function table(results: BenchResult[]): string {
  const head = ['workload', 'sites', 'ions', 'events/s', 'target', 'x SPPARKS', 'bytes/site', 'max', 'ok'];
  const rows = results.map((r) => [
    r.workload,
    String(r.sites),
    String(r.ions),
    `${(r.eventsPerS / 1e6).toFixed(2)} M`,
    `>= ${(r.targetEventsPerS / 1e6).toFixed(2)} M`,
    `${r.ratioToSpparks.toFixed(1)} (ref ${r.spparksEventsPerS})`,
    `${r.bytesPerSite.toFixed(1)} (+model ${r.bytesPerSiteWithModel.toFixed(1)})`,
    `<= ${r.maxBytesPerSite}`,
    r.meetsTarget ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

export function main(argv: string[]): void {
  const args = argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const events = quick ? 300_000 : 3_000_000;
  const results = WORKLOADS.map((w) => {
    if (!json) process.stderr.write(`bench ${w.name} ...\n`);
    return runWorkload(w, events, quick ? 100_000 : 1_000_000, quick ? 1 : 3);
  });
  if (json) {
    process.stdout.write(`${JSON.stringify({ engine: 'cpu', node: process.version, timing: 'best of repeated runs after warm-up', results }, null, 2)}\n`);
  } else {
    process.stdout.write(`ionhop exact CPU engine, non-interacting lattice gas at half filling (node ${process.version})\n`);
    process.stdout.write(`${table(results)}\n`);
    process.stdout.write('events/s: best of 3 timed runs of 3,000,000 events after 1,000,000 warm-up events; bytes/site: engine typed arrays (plus the model\'s region array)\n');
  }
}
