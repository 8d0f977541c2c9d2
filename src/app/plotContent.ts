// What each live plot shows: the extent of its data, over which its axes range,
// or, where it has nothing to draw, the reason in words. A curve that is zero
// everywhere (no ion has hopped: the Zn²⁺ of vn-oh-volcano under a 1.2 eV
// barrier) or undefined everywhere (no ion to follow, no D* estimate) is not
// data: drawn, it gave 0–100 axes over nothing. No uPlot and no DOM here, so
// the rule is unit-tested on every preset (tests/unit/plotContent.test.ts).
import type { ObservableHistory, SpeciesSeries } from './observableHistory';

export type AxisRange = [number, number];

/** Smallest and largest x and y of the points that have a finite y. */
export interface PlotExtent {
  x: AxisRange;
  y: AxisRange;
}

export type PlotContent = { kind: 'data'; extent: PlotExtent } | { kind: 'empty'; text: string };

export interface PlotContents {
  msd: PlotContent;
  dStar: PlotContent;
  profile: PlotContent;
}

/** Before the first two samples: nothing has been measured at all. */
export const WAITING_TEXT = 'waiting for data…';

/**
 * The extent of the points whose y is finite, or null when no y is finite and non-zero: zeros count towards the
 * extent of a curve that rises from them, but a plot of nothing but zeros has no data to show.
 */
export function dataExtent(x: readonly number[], ys: readonly (readonly (number | null)[])[]): PlotExtent | null {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  let nonZero = false;
  for (const y of ys) {
    for (let k = 0; k < x.length; k++) {
      const v = y[k];
      if (v == null || !Number.isFinite(v) || !Number.isFinite(x[k])) continue;
      x0 = Math.min(x0, x[k]);
      x1 = Math.max(x1, x[k]);
      y0 = Math.min(y0, v);
      y1 = Math.max(y1, v);
      if (v !== 0) nonZero = true;
    }
  }
  return nonZero ? { x: [x0, x1], y: [y0, y1] } : null;
}

/** The extent covering both (either may be null). */
export function unionExtent(a: PlotExtent | null, b: PlotExtent | null): PlotExtent | null {
  if (!a || !b) return a ?? b;
  return { x: [Math.min(a.x[0], b.x[0]), Math.max(a.x[1], b.x[1])], y: [Math.min(a.y[0], b.y[0]), Math.max(a.y[1], b.y[1])] };
}

/** A time axis spans the data's times; a single time gets [0, 2t] (times are never negative). */
export function timeRange([t0, t1]: AxisRange): AxisRange {
  if (t1 > t0) return [t0, t1];
  return t1 > 0 ? [0, 2 * t1] : [0, 1];
}

/** The plots' content for the history: extents in the history's own units (s, Å², cm²/s, fraction of sites). */
export function plotContents(h: ObservableHistory): PlotContents {
  const waiting = h.times.length < 2 && !h.previous;
  const runs = [{ times: h.times, species: h.species }, ...(h.previous ? [h.previous] : [])];
  let msd: PlotExtent | null = null;
  let dStar: PlotExtent | null = null;
  for (const run of runs) {
    msd = unionExtent(msd, dataExtent(run.times, run.species.map((sp) => sp.msd)));
    dStar = unionExtent(dStar, dataExtent(run.times, run.species.flatMap(dStarCurves)));
  }
  const layers = h.profile[0]?.values.length ?? 0;
  const profile = dataExtent(Array.from({ length: layers }, (_, k) => k), h.profile.map((p) => Array.from(p.values)));
  return {
    msd: msd ? { kind: 'data', extent: msd } : { kind: 'empty', text: waiting ? WAITING_TEXT : msdEmptyText(h) },
    dStar: dStar ? { kind: 'data', extent: dStar } : { kind: 'empty', text: waiting ? WAITING_TEXT : dStarEmptyText(h) },
    profile: profile ? { kind: 'data', extent: profile } : { kind: 'empty', text: layers === 0 ? WAITING_TEXT : 'no ions on the lattice yet' },
  };
}

/** D* and, where converged, the edges of its ±1σ band (the plot draws both). */
function dStarCurves(sp: SpeciesSeries): (number | null)[][] {
  const edge = (sign: number) => sp.dStar.map((d, k) => (sp.converged[k] ? d + sign * (sp.dStarError[k] || 0) : null));
  return [sp.dStar, edge(1), edge(-1)];
}

/** Species grouped by the reason each gives, as "reason (A, B) · other reason (C)". */
function byReason(reasons: { label: string; reason: string }[]): string {
  const groups = new Map<string, string[]>();
  for (const { label, reason } of reasons) groups.set(reason, [...(groups.get(reason) ?? []), label]);
  return [...groups].map(([reason, labels]) => `${reason} (${labels.join(', ')})`).join(' · ');
}

/** Why no MSD curve has anything to draw: every value is 0 (no hop) or undefined (no ion to follow). */
function msdEmptyText(h: ObservableHistory): string {
  if (h.species.length === 0) return 'no species with ions';
  return byReason(
    h.species.map((sp) => ({
      label: sp.label,
      reason: sp.msd.some(Number.isFinite) ? 'no hops yet' : 'no ion has stayed since the curve began',
    })),
  );
}

/** Why D* is not defined for any species, in the estimator's words (src/observe/convergence.ts notConvergedText). */
function dStarEmptyText(h: ObservableHistory): string {
  if (h.species.length === 0) return 'D* not defined: no species with ions';
  const latest = h.latest();
  return `D* not defined: ${byReason(
    latest.map((d) => ({
      label: h.species.find((sp) => sp.s === d.s)?.label ?? d.name,
      reason:
        d.convergence === 'no-hops' ? 'no hops yet' : Number.isNaN(d.dStar) ? 'no ion stayed through a whole block pair yet' : 'the estimate is 0 so far',
    })),
  )}`;
}
