// Figures without a browser: vega-lite specs rendered to SVG by vega in Node, and
// to PNG by resvg (a Rust renderer shipped as a prebuilt npm binary). Three kinds:
// D* against the swept parameter (Arrhenius axes for temperature) with error bars,
// the fit and the layered-medium formula; MSD(t); occupancy profiles. Each takes
// a sweep record or a single run record (`ionhop run --json`).
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../run/runScene';
import type { RunObservables } from '../observe/aggregate';
import { KB_EV_PER_K } from '../model/rateModel';
import { num } from '../cli/format';
import { CliError } from '../cli/errors';
import { turnoverOf, type SweepResult } from './sweep';
import { pmFit } from './table';

export type FigureKind = 'd' | 'msd' | 'profile' | 'charge' | 'turnover';
/** The figures of a sweep; 'charge' (uptake Q(t), open faces only) is drawn on request or for a run with faces. */
export const FIGURE_KINDS: FigureKind[] = ['d', 'msd', 'profile'];

/**
 * The figures `--plot` draws for a sweep, the first under the plain file name: with a
 * water-dissociation reaction the turnover (the volcano), then D* and MSD(t) where some point
 * has D* > 0 to draw (a catalyst pinned to the surface has none), and profiles; otherwise D*,
 * MSD(t) and profiles.
 */
export function sweepFigureKinds(result: SweepResult): FigureKind[] {
  if (!result.points.some((p) => p.chemistry?.water)) return FIGURE_KINDS;
  const anyD = result.points.some((p) => (p.observables.species.find((s) => s.species === result.species)?.tracer.cm2PerS.value ?? 0) > 0);
  return anyD ? ['turnover', 'd', 'msd', 'profile'] : ['turnover', 'profile'];
}

const WIDTH = 480;
const HEIGHT = 320;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
const CONFIG = { font: FONT, axis: { labelFontSize: 12, titleFontSize: 13, grid: true, gridOpacity: 0.35 }, legend: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14 }, view: { stroke: '#444' } };

/** Logarithmic when all values are positive and span more than a decade. */
function spansDecades(values: number[]): boolean {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length > 1 && v.every((x) => x > 0) && Math.max(...v) / Math.min(...v) > 10;
}

/** Short axis label with the unit implied by the scene field. */
export function parameterLabel(path: string): string {
  if (path === 'temperature') return 'temperature (K)';
  if (/barrier/.test(path) || /siteEnergy/.test(path) || /energy$/.test(path)) return `${path} (eV)`;
  if (path === 'attemptFrequency') return 'attempt frequency (Hz)';
  if (/spacing$/.test(path)) return `${path} (Å)`;
  if (/strength$/.test(path)) return `${path} (V/Å)`;
  if (/^run\.time$/.test(path)) return 'run.time (s)';
  if (/size\[\d\]$/.test(path)) return `${path} (sites)`;
  return path;
}

function isSweep(r: SweepResult | RunResult): r is SweepResult {
  return (r as SweepResult).kind === 'ionhop-sweep';
}

/** The vega-lite spec of a figure. */
export function figureSpec(result: SweepResult | RunResult, kind: FigureKind): TopLevelSpec {
  if (kind === 'd' || kind === 'turnover') {
    if (!isSweep(result)) throw new CliError(`the ${kind === 'd' ? 'D' : 'turnover'} figure needs the output of ionhop sweep --json; for ionhop run --json use --kind msd or --kind profile`);
    return kind === 'd' ? diffusivitySpec(result) : turnoverSpec(result);
  }
  const runs: { label: string; o: RunObservables }[] = isSweep(result)
    ? result.points.map((p) => ({ label: p.values.map((v, k) => `${result.axes[k].path} = ${num(v, 4)}`).join(', '), o: p.observables }))
    : [{ label: result.scene.name, o: result.observables }];
  const species = isSweep(result) ? result.species : null;
  if (kind === 'charge') return chargeSpec(runs);
  return kind === 'msd' ? msdSpec(runs, species) : profileSpec(runs, species);
}

function diffusivitySpec(result: SweepResult): TopLevelSpec {
  const varying = result.axes.map((a, k) => (a.n > 1 ? k : -1)).filter((k) => k >= 0);
  const xAxis = varying[0] ?? 0;
  const axis = result.axes[xAxis];
  const arrhenius = axis.path === 'temperature' && varying.length === 1;
  const sp = result.species;
  const xOf = (v: number) => (arrhenius ? 1000 / v : v);
  const rows = result.points.flatMap((p) => {
    const d = p.observables.species.find((s) => s.species === sp)?.tracer.cm2PerS;
    if (!d || !(d.value > 0)) return [];
    const group = varying.filter((k) => k !== xAxis).map((k) => `${result.axes[k].path} = ${num(p.values[k], 4)}`).join(', ') || 'measured';
    const se = Number.isFinite(d.se) ? d.se : 0;
    return [{ x: xOf(p.values[xAxis]), d: d.value, lo: Math.max(d.value - se, d.value * 1e-3), hi: d.value + se, group }];
  });
  if (rows.length === 0) throw new CliError(`no point of the sweep has ${sp} D* > 0 to plot`);
  const xs = rows.map((r) => r.x);
  const logY = spansDecades(rows.flatMap((r) => [r.lo, r.hi]));
  const logX = !arrhenius && (axis.log || spansDecades(xs));
  // One colour per combination of the other swept fields; no colour legend when there is only one.
  const groups = new Set(rows.map((r) => r.group)).size;
  const color = groups > 1 ? { field: 'group', type: 'nominal', title: null, legend: { labelLimit: 360 } } : { value: '#1f5fa8' };
  const layers: object[] = [
    { mark: { type: 'rule', strokeWidth: 1.2 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: groups > 1 ? { ...color, legend: null } : color } },
    { mark: { type: 'point', filled: true, size: 45, opacity: 1 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'd', type: 'quantitative' }, color } },
  ];
  let title = `${sp} tracer D* (points ± SE): ${result.scene.name}`;
  // `series` keeps one line per fit, and per group for the formula (its value differs between groups).
  const curve: { x: number; d: number; what: string; series: string }[] = [];
  const f = result.fits;
  const xsSorted = [...new Set(xs)].sort((a, b) => a - b);
  const dense = (fn: (x: number) => number, what: string) => {
    const a = xsSorted[0];
    const b = xsSorted[xsSorted.length - 1];
    for (let k = 0; k <= 50; k++) {
      const x = logX ? a * (b / a) ** (k / 50) : a + ((b - a) * k) / 50;
      curve.push({ x, d: fn(x), what, series: what });
    }
  };
  if (f.arrhenius && arrhenius) {
    const { eaEv, prefactorCm2PerS } = f.arrhenius;
    dense((x) => prefactorCm2PerS.value * Math.exp((-eaEv.value * x) / (1000 * KB_EV_PER_K)), `fit: Ea = ${pmFit(eaEv, 'eV')}`);
    title += ` · Ea = ${pmFit(eaEv, 'eV')}`;
  }
  if (f.barrierSlope && !arrhenius) {
    const { line } = f.barrierSlope;
    dense((x) => Math.exp(line.intercept.value + line.slope.value * x), `fit: slope ${pmFit(f.barrierSlope.slopePerEv, '1/eV')}`);
  }
  if (f.layered) {
    for (const p of f.layered.points) {
      const point = result.points.find((q) => q.index === p.index)!;
      const group = varying.filter((k) => k !== xAxis).map((k) => `${result.axes[k].path} = ${num(point.values[k], 4)}`).join(', ');
      curve.push({ x: xOf(point.values[xAxis]), d: p.predictedCm2PerS, what: 'layered-medium formula (single ion)', series: `formula ${group}` });
    }
  }
  if (curve.length > 0)
    layers.unshift({
      data: { values: curve },
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'd', type: 'quantitative' },
        strokeDash: { field: 'what', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 480, direction: 'vertical' } },
        color: { value: '#555' },
        detail: { field: 'series' },
      },
    });
  const xTitle = arrhenius ? '1000 / T (1/K)' : parameterLabel(axis.path);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, fontSize: 13 },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: logX ? { type: 'log', nice: false, padding: 12 } : { type: 'linear', zero: false } },
      y: { field: 'd', type: 'quantitative', title: `${sp} tracer D* (cm²/s)`, scale: logY ? { type: 'log' } : { type: 'linear', zero: false }, axis: { format: '.1e' } },
    },
    layer: layers,
  } as TopLevelSpec;
}

/**
 * Water turnover per surface site (points ± SE) against the swept field, log y when the
 * values span decades (a volcano in a binding energy). Points with no net turnover (≤ 0)
 * cannot sit on a log axis: they are left out and counted in the title.
 */
function turnoverSpec(result: SweepResult): TopLevelSpec {
  const varying = result.axes.map((a, k) => (a.n > 1 ? k : -1)).filter((k) => k >= 0);
  const xAxis = varying[0] ?? 0;
  const axis = result.axes[xAxis];
  let dropped = 0;
  const rows = result.points.flatMap((p) => {
    const t = turnoverOf(p.chemistry);
    if (!t) return [];
    if (!(t.value > 0)) {
      dropped++;
      return [];
    }
    const se = Number.isFinite(t.se) ? t.se : 0;
    const group = varying.filter((k) => k !== xAxis).map((k) => `${result.axes[k].path} = ${num(p.values[k], 4)}`).join(', ') || 'measured';
    return [{ x: p.values[xAxis], t: t.value, lo: Math.max(t.value - se, t.value * 1e-3), hi: t.value + se, group }];
  });
  if (rows.length === 0) throw new CliError('no point of the sweep has a water turnover > 0 to plot (the scene needs a water-dissociation reaction)');
  const logY = spansDecades(rows.flatMap((r) => [r.lo, r.hi]));
  const logX = axis.log || spansDecades(rows.map((r) => r.x));
  const groups = new Set(rows.map((r) => r.group)).size;
  const color = groups > 1 ? { field: 'group', type: 'nominal', title: null, legend: { labelLimit: 360 } } : { value: '#1f5fa8' };
  // The scene's name and the left-out points go under the title, where a long name does not cut them off.
  const subtitle = [result.scene.name, ...(dropped > 0 ? [`${dropped} point${dropped > 1 ? 's' : ''} with no net turnover (≤ 0) left out of the log axis`] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'water turnover per surface site (points ± SE)', subtitle, fontSize: 13, subtitleFontSize: 11, limit: WIDTH + 120 },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    encoding: {
      // Padded so the end points do not sit on the frame.
      x: { field: 'x', type: 'quantitative', title: parameterLabel(axis.path), scale: logX ? { type: 'log', nice: false, padding: 12 } : { type: 'linear', zero: false, nice: false, padding: 16 } },
      y: { field: 't', type: 'quantitative', title: 'turnover (1/s per surface site)', scale: logY ? { type: 'log' } : { type: 'linear', zero: false }, axis: { format: '.1e' } },
    },
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: groups > 1 ? { ...color, legend: null } : color } },
      { mark: { type: 'line', strokeWidth: 1, opacity: 0.6 }, encoding: { color, detail: { field: 'group' } } },
      { mark: { type: 'point', filled: true, size: 45, opacity: 1 }, encoding: { color } },
    ],
  } as TopLevelSpec;
}

function msdSpec(runs: { label: string; o: RunObservables }[], species: string | null): TopLevelSpec {
  const rows = runs.flatMap(({ label, o }) =>
    o.species
      .filter((s) => species === null || s.species === species)
      .flatMap((s) =>
        o.samples.tS.flatMap((t, k) => {
          const m = s.msd.total.mean[k];
          const se = Number.isFinite(s.msd.total.se[k]) ? s.msd.total.se[k] : 0;
          return t > 0 && m > 0 ? [{ t, msd: m, lo: Math.max(m - se, m * 1e-3), hi: m + se, run: runs.length > 1 ? label : s.species }] : [];
        }),
      ),
  );
  if (rows.length === 0) throw new CliError('no MSD samples with t > 0 and MSD > 0 to plot');
  const logX = spansDecades(rows.map((r) => r.t)) && runs.length > 1;
  const logY = spansDecades(rows.map((r) => r.msd)) && runs.length > 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `mean square displacement${species ? ` of ${species}` : ''}`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time t (s)', scale: { type: logX ? 'log' : 'linear' }, axis: { format: '.1e' } },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'right', labelLimit: 260 } },
    },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative', scale: { type: logY ? 'log' : 'linear' } }, y2: { field: 'hi' } } },
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { y: { field: 'msd', type: 'quantitative', title: 'MSD (Å²), shaded ± SE' } } },
    ],
  } as TopLevelSpec;
}

/** Uptake curve: the charge that entered through the reservoir faces, Q(t) in e, shaded ± SE. */
function chargeSpec(runs: { label: string; o: RunObservables }[]): TopLevelSpec {
  const open = runs.filter((r) => r.o.exchange);
  if (open.length === 0) throw new CliError('the charge figure needs a scene with reservoir faces (an open electrode)');
  const rows = open.flatMap(({ label, o }) =>
    o.exchange!.chargeE.mean.map((q, k) => {
      const se = Number.isFinite(o.exchange!.chargeE.se[k]) ? o.exchange!.chargeE.se[k] : 0;
      // A swept path keeps its last two parts ("desolvationBarrier.Zn2+ = 0.25") so the legend stays short.
      return { t: o.samples.tS[k], q, lo: q - se, hi: q + se, run: label.replace(/[^,=]*?([^.,=\s]+\.[^.,=\s]+) = /g, '$1 = ') };
    }),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'charge that entered through the open faces',
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time t (s)', axis: { format: '.1e' } },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'right', labelLimit: 400 } },
    },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { y: { field: 'q', type: 'quantitative', title: 'charge Q (e per replica), shaded ± SE' } } },
    ],
  } as TopLevelSpec;
}

function profileSpec(runs: { label: string; o: RunObservables }[], species: string | null): TopLevelSpec {
  const axis = runs[0].o.profile.axis;
  const rows = runs.flatMap(({ label, o }) =>
    o.species
      .filter((s) => species === null || s.species === species)
      .flatMap((s) =>
        o.profile.positionA.map((x, l) => {
          const m = s.profile.mean[l];
          const se = Number.isFinite(s.profile.se[l]) ? s.profile.se[l] : 0;
          return { x, occ: m, lo: Math.max(0, m - se), hi: m + se, run: runs.length > 1 ? label : s.species };
        }),
      ),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `occupancy profile along ${axis}${species ? ` of ${species}` : ''}`,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: `position along ${axis} (Å)` },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'right', labelLimit: 260 } },
    },
    layer: [
      { mark: { type: 'rule' }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      { mark: { type: 'line', point: true, strokeWidth: 1.2 }, encoding: { y: { field: 'occ', type: 'quantitative', title: 'fraction of layer sites occupied' } } },
    ],
  } as TopLevelSpec;
}

/** SVG text of a vega-lite spec, rendered headless (no canvas, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG bytes of an SVG at twice its size (for slides), with the system's fonts. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  // Loaded only when a PNG is asked for: a native module, not needed for SVG.
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}

/** Writes a figure as .svg or .png (by the file's extension). */
export async function writeFigure(path: string, result: SweepResult | RunResult, kind: FigureKind): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new CliError(`figure file ${path}: the name must end in .svg or .png`);
  const svg = await renderSvg(figureSpec(result, kind));
  try {
    await writeFile(path, ext === '.svg' ? svg : await svgToPng(svg));
  } catch (e) {
    throw new CliError(`cannot write figure ${path}: ${(e as Error).message}`);
  }
}

/** Companion file names of a sweep's --plot: the main kind (default D) takes out.svg, the others out.msd.svg, out.profile.svg, … */
export function companionPath(path: string, kind: FigureKind, main: FigureKind = 'd'): string {
  if (kind === main) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${kind}${ext}`;
}
