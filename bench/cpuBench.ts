// `npm run bench`: events per second and bytes per site of the exact CPU engine
// on the two workloads of issue 2 (non-interacting lattice gas at half
// filling, all hops at one rate): (a) 1000×1000 periodic square,
// (b) 100×100×100 periodic cubic, and of issue 11: (c) 32×32 and (d) 100×100
// periodic square; and (e) a 1000×1000 periodic triangular lattice (6 neighbours,
// issue 8), which has no target. Scenes are built in code; these closed lattice
// gases run on free pairs (freePairs.ts), and the proposals per event are shown.
// Then free pairs against the group loop on 100² and 1000², interleaved (issue
// 11's before/after). Then the cost of open faces (issue 9): a 1000×1000 half-filled lattice gas with reservoir
// faces on both x ends against the same lattice closed (group loop), chunks interleaved in
// this one process, reported as a ratio (target ≥ 0.8). And proton chemistry
// (issue 10): the vn-oh-volcano preset at 512×512 (water dissociation, reservoirs,
// Zn2+ catalysis) against a closed 512×512 lattice gas, interleaved (target ≥ 0.5).
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { validateScene } from '../src/model/scene/validate';
import { compileRateModel, type RateModel } from '../src/model/rateModel';
import { initialOccupancy } from '../src/model/initialState';
import type { SceneInput } from '../src/model/scene/schema';
import { CpuEngine } from '../src/engine/cpu/cpuEngine';

interface Workload {
  name: string;
  lattice: SceneInput['lattice'];
  /** Target events/s from issue 2 (10× the SPPARKS tree-solver figure); NaN where none was set. */
  targetEventsPerS: number;
  /** SPPARKS reference on this kind of machine, events/s (NaN: none taken). */
  spparksEventsPerS: number;
  /** Memory bound (issue 2's, for the large lattices); small lattices are dominated by fixed-size tables. */
  maxBytesPerSite?: number;
}

const WORKLOADS: Workload[] = [
  // Small lattices, where most real runs live (presets are 32² to 64²; sweeps run many small replicas).
  // Issue 11's reference, interleaved on this machine kind: SPPARKS 0.67 M events/s at 100²; target ≥ 5 M.
  // No SPPARKS figure was taken at 32²; its ratio column shows n/a.
  { name: 'c: 2D square 32x32', lattice: { type: 'square', size: [32, 32], spacing: 3, boundary: ['periodic', 'periodic'] }, targetEventsPerS: 5e6, spparksEventsPerS: NaN, maxBytesPerSite: Infinity },
  { name: 'd: 2D square 100x100', lattice: { type: 'square', size: [100, 100], spacing: 3, boundary: ['periodic', 'periodic'] }, targetEventsPerS: 5e6, spparksEventsPerS: 670_000, maxBytesPerSite: Infinity },
  { name: 'a: 2D square 1000x1000', lattice: { type: 'square', size: [1000, 1000], spacing: 3, boundary: ['periodic', 'periodic'] }, targetEventsPerS: 1.5e6, spparksEventsPerS: 155_000 },
  { name: 'b: 3D cubic 100x100x100', lattice: { type: 'cubic', size: [100, 100, 100], spacing: 3, boundary: ['periodic', 'periodic', 'periodic'] }, targetEventsPerS: 0.65e6, spparksEventsPerS: 64_000 },
  { name: 'e: 2D triangular 1000x1000', lattice: { type: 'triangular', size: [1000, 1000], spacing: 3, boundary: ['periodic', 'periodic'] }, targetEventsPerS: NaN, spparksEventsPerS: NaN },
];
const MAX_BYTES_PER_SITE = 32;

export interface BenchResult {
  workload: string;
  sites: number;
  ions: number;
  /** Events per timed chunk and number of chunks. */
  chunkEvents: number;
  chunks: number;
  /** Best chunk, wall clock: the figure compared with the target. */
  eventsPerS: number;
  /** Median chunk, wall clock. */
  medianEventsPerS: number;
  /** Best chunk by this process's CPU time (less sensitive to other processes on the machine). */
  cpuEventsPerS: number;
  targetEventsPerS: number;
  spparksEventsPerS: number;
  ratioToSpparks: number;
  bytesPerSite: number;
  /** Engine arrays plus the model's per-site region array. */
  bytesPerSiteWithModel: number;
  maxBytesPerSite: number;
  meetsTarget: boolean;
  /** Proposals per event of the free-pair selection over the timed chunks (NaN: it did not run). */
  proposalsPerEvent: number;
}

function latticeGas(lattice: SceneInput['lattice'], openFaces = false): RateModel {
  // Open: activity 1 at both x faces with the site energy 0 keeps the interior at half filling (θ = 1/2).
  const open: Partial<SceneInput> = openFaces
    ? {
        electrolyte: { potential: 0, activity: { 'Zn2+': 1 } },
        reservoirs: [
          { name: 'left', face: 'x-', desolvationBarrier: { 'Zn2+': 0.3 } },
          { name: 'right', face: 'x+', desolvationBarrier: { 'Zn2+': 0.3 } },
        ],
      }
    : {};
  return compileRateModel(validateScene({
    ...open,
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

function runWorkload(w: Workload, chunkEvents: number, chunks: number, warmup: number): BenchResult {
  const model = latticeGas(w.lattice);
  const engine = new CpuEngine(model, initialOccupancy(model, 1), 'bench');
  engine.advanceSync({ events: warmup });
  const before = engine.freePairStats();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < chunks; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    engine.advanceSync({ events: chunkEvents });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const used = process.cpuUsage(c0);
    wall.push(chunkEvents / seconds);
    cpu.push(chunkEvents / ((used.user + used.system) / 1e6));
  }
  wall.sort((x, y) => x - y);
  const eventsPerS = wall[wall.length - 1];
  const after = engine.freePairStats();
  engine.ionStateView(); // the view is part of the footprint a runner sees
  const bytes = engine.memoryBytes();
  return {
    workload: w.name,
    sites: model.nSites,
    ions: engine.ionCount,
    chunkEvents,
    chunks,
    eventsPerS,
    medianEventsPerS: wall[wall.length >> 1],
    cpuEventsPerS: Math.max(...cpu),
    targetEventsPerS: w.targetEventsPerS,
    spparksEventsPerS: w.spparksEventsPerS,
    ratioToSpparks: eventsPerS / w.spparksEventsPerS,
    bytesPerSite: bytes / model.nSites,
    bytesPerSiteWithModel: (bytes + model.siteRegion.byteLength) / model.nSites,
    maxBytesPerSite: w.maxBytesPerSite ?? MAX_BYTES_PER_SITE,
    proposalsPerEvent: (after.proposals - before.proposals) / (after.events - before.events),
    meetsTarget: (Number.isNaN(w.targetEventsPerS) || eventsPerS >= w.targetEventsPerS) && bytes / model.nSites <= (w.maxBytesPerSite ?? MAX_BYTES_PER_SITE),
  };
}

/** Free-pair selection against the group loop on one closed lattice gas, interleaved (issue 11's before/after). */
export function freePairRatio(lattice: SceneInput['lattice'], chunkEvents: number, chunks: number, warmup: number): OpenFaceRatio {
  const model = latticeGas(lattice);
  return interleavedRatio(model, model, chunkEvents, chunks, warmup, [false, true]);
}

export interface OpenFaceRatio {
  closedEventsPerS: number;
  openEventsPerS: number;
  /** open ÷ closed, best chunks, interleaved in one process. */
  ratio: number;
}

/** Open faces on both x ends of 1000×1000 (reflecting x, periodic y) against the same lattice closed, chunks interleaved. */
export function openFaceRatio(chunkEvents: number, chunks: number, warmup: number): OpenFaceRatio {
  const lattice: SceneInput['lattice'] = { type: 'square', size: [1000, 1000], spacing: 3, boundary: ['reflecting', 'periodic'] };
  return interleavedRatio(latticeGas(lattice, false), latticeGas(lattice, true), chunkEvents, chunks, warmup);
}

/** The vn-oh-volcano preset with its lattice set to 512×512 (Zn2+ kept at a quarter of the surface row). */
function volcanoModel(): RateModel {
  const input = JSON.parse(readFileSync(new URL('../scenes/vn-oh-volcano.json', import.meta.url), 'utf8')) as SceneInput;
  input.lattice = { ...input.lattice, size: [512, 512] };
  input.populations = [{ species: 'Zn2+', region: 'VN surface', count: 128 }];
  return compileRateModel(validateScene(input));
}

/** vn-oh-volcano at 512×512 against the closed half-filled lattice gas of the same size, chunks interleaved in this process. */
export function volcanoRatio(chunkEvents: number, chunks: number, warmup: number): OpenFaceRatio {
  const lattice: SceneInput['lattice'] = { type: 'square', size: [512, 512], spacing: 3, boundary: ['periodic', 'periodic'] };
  return interleavedRatio(latticeGas(lattice), volcanoModel(), chunkEvents, chunks, warmup);
}

/**
 * Best-chunk events/s of two models, chunks alternated in this process so load drifts hit both alike.
 * The closed lattice gas runs the group loop by default (useFreePairs(false)): the open-face and
 * volcano targets price open faces and chemistry against the same algorithm, not against the
 * free-pair selection those models cannot take.
 */
/** Best-chunk events/s of two models, chunks alternated in this process so load drifts hit both alike. */
function interleavedRatio(closed: RateModel, open: RateModel, chunkEvents: number, chunks: number, warmup: number, freePairs: [boolean, boolean] = [false, true]): OpenFaceRatio {
  const engines = [closed, open].map((model, k) => {
    const engine = new CpuEngine(model, initialOccupancy(model, 1), 'bench');
    engine.useFreePairs(freePairs[k]);
    engine.advanceSync({ events: warmup });
    return engine;
  });
  const best = [0, 0];
  for (let r = 0; r < chunks; r++)
    engines.forEach((engine, k) => {
      const t0 = process.hrtime.bigint();
      engine.advanceSync({ events: chunkEvents });
      best[k] = Math.max(best[k], chunkEvents / (Number(process.hrtime.bigint() - t0) / 1e9));
    });
  return { closedEventsPerS: best[0], openEventsPerS: best[1], ratio: best[1] / best[0] };
}

function table(results: BenchResult[]): string {
  const head = ['workload', 'sites', 'ions', 'events/s', '(median, cpu)', 'target', 'x SPPARKS', 'bytes/site', 'max', 'ok', 'proposals/event'];
  const rows = results.map((r) => [
    r.workload,
    String(r.sites),
    String(r.ions),
    `${(r.eventsPerS / 1e6).toFixed(2)} M`,
    `(${(r.medianEventsPerS / 1e6).toFixed(2)}, ${(r.cpuEventsPerS / 1e6).toFixed(2)})`,
    Number.isNaN(r.targetEventsPerS) ? '(none)' : `>= ${(r.targetEventsPerS / 1e6).toFixed(2)} M`,
    Number.isFinite(r.spparksEventsPerS) ? `${r.ratioToSpparks.toFixed(1)} (ref ${r.spparksEventsPerS})` : 'n/a (no ref)',
    `${r.bytesPerSite.toFixed(1)} (+model ${r.bytesPerSiteWithModel.toFixed(1)})`,
    Number.isFinite(r.maxBytesPerSite) ? `<= ${r.maxBytesPerSite}` : '-',
    r.meetsTarget ? 'yes' : 'NO',
    Number.isFinite(r.proposalsPerEvent) ? r.proposalsPerEvent.toFixed(2) : '(group loop)',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

export function main(argv: string[]): void {
  const args = argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const chunkEvents = quick ? 200_000 : 600_000;
  const chunks = quick ? 2 : 5;
  const warmup = quick ? 100_000 : 1_000_000;
  const loadBefore = os.loadavg()[0];
  const results = WORKLOADS.map((w) => {
    if (!json) process.stderr.write(`bench ${w.name} ...\n`);
    return runWorkload(w, chunkEvents, chunks, warmup);
  });
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage1minBefore: loadBefore, loadAverage1minAfter: os.loadavg()[0] };
  if (!json) process.stderr.write('bench free pairs vs group loop, 100x100 and 1000x1000 ...\n');
  const square = (n: number): SceneInput['lattice'] => ({ type: 'square', size: [n, n], spacing: 3, boundary: ['periodic', 'periodic'] });
  const freePairs = { small: freePairRatio(square(100), chunkEvents, chunks, warmup), large: freePairRatio(square(1000), chunkEvents, chunks, warmup) };
  if (!json) process.stderr.write('bench open faces vs closed, 1000x1000 ...\n');
  const openFaces = openFaceRatio(chunkEvents, chunks, warmup);
  if (!json) process.stderr.write('bench vn-oh-volcano vs closed lattice gas, 512x512 ...\n');
  const volcano = volcanoRatio(chunkEvents, chunks, warmup);
  const timing = `${chunks} timed chunks of ${chunkEvents.toLocaleString('en-US')} events after ${warmup.toLocaleString('en-US')} warm-up events; events/s is the best chunk by wall clock, then the median chunk and the best by CPU time`;
  if (json) {
    process.stdout.write(`${JSON.stringify({ engine: 'cpu', node: process.version, machine, timing, results, freePairs, openFaces, volcano }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`ionhop exact CPU engine, non-interacting lattice gas at half filling (node ${process.version}, ${machine.cpu}, ${machine.cores} cores)\n`);
  process.stdout.write(`${table(results)}\n`);
  for (const [name, r] of [['100x100', freePairs.small], ['1000x1000', freePairs.large]] as const) {
    process.stdout.write(`free pairs / group loop, ${name} half filled: ${(r.openEventsPerS / 1e6).toFixed(2)} M against ${(r.closedEventsPerS / 1e6).toFixed(2)} M events/s: ratio ${r.ratio.toFixed(2)} (interleaved chunks in this process)\n`);
  }
  process.stdout.write(
    `f: open faces on both x ends, 1000x1000 half filled: ${(openFaces.openEventsPerS / 1e6).toFixed(2)} M events/s against ${(openFaces.closedEventsPerS / 1e6).toFixed(2)} M closed (group loop): ` +
      `ratio ${openFaces.ratio.toFixed(2)} (target >= 0.8; interleaved chunks in this process)\n`,
  );
  process.stdout.write(
    `g: vn-oh-volcano (water dissociation, reservoirs, Zn2+ catalysis) at 512x512: ${(volcano.openEventsPerS / 1e6).toFixed(2)} M events/s against ${(volcano.closedEventsPerS / 1e6).toFixed(2)} M for the closed lattice gas (group loop): ` +
      `ratio ${volcano.ratio.toFixed(2)} (target >= 0.5; interleaved chunks in this process)\n`,
  );
  process.stdout.write(`${timing}; bytes/site: engine typed arrays (plus the model's region array)\n`);
  process.stdout.write(`load average (1 min) ${loadBefore.toFixed(2)} before, ${machine.loadAverage1minAfter.toFixed(2)} after: figures from a busy machine are low\n`);
}
