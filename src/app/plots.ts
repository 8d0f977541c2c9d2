// Live plots with uPlot: MSD(t) per species, running D* with its error band,
// and the occupancy profile across the interface with the regions shaded
// behind it. Species keep the view's colours (brightened on a projector's black)
// and get distinct dash patterns. After a parameter change the previous run
// stays on MSD and D* as a faded trace on the same axes. Axes range over the
// data (plotContent.ts); a plot with nothing to draw (no samples yet, only
// zeros, no estimate) shows no axes at all but says why in words, rather than
// an invented 0–100 range.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { speciesStyle } from '../view/palette';
import { withContrast } from '../view/contrast';
import { formatNumber } from './numberFormat';
import { plotPoint, type ObservableHistory } from './observableHistory';
import { plotContents, timeRange, type AxisRange, type PlotContent } from './plotContent';

/** Compact numbers for axes spanning 1e-12 to 1e12 (re-exported: the page's readouts use the same form). */
export { formatNumber };

const DASHES: number[][] = [[], [7, 4], [2, 3]];

export interface PlotTheme {
  background: string;
  text: string;
  grid: string;
  /** Line width in CSS pixels: thicker on a projector, where thin dark lines vanish. */
  lineWidth: number;
  /** Tick label size (px): ≥ 16 on a projector. */
  fontPx: number;
  /** Least contrast of a plot line against the background. */
  lineContrast: number;
}
export const LIGHT_PLOTS: PlotTheme = { background: '#ffffff', text: '#1a1a1a', grid: 'rgba(0,0,0,0.12)', lineWidth: 2, fontPx: 12, lineContrast: 3 };
export const PROJECTOR_PLOTS: PlotTheme = { background: '#000000', text: '#ffffff', grid: 'rgba(255,255,255,0.3)', lineWidth: 3.5, fontPx: 16, lineContrast: 7 };

/** Opacity of the previous run's trace. */
const PREVIOUS_ALPHA = '66';

/**
 * Tick labels as short as they can be while still telling the ticks apart:
 * "5e-6" rather than "5.0e-6" leaves room for more ticks on a narrow plot.
 */
export function formatTicks(values: readonly number[]): string[] {
  const finite = values.filter(Number.isFinite);
  const a = Math.max(0, ...finite.map(Math.abs));
  if (a === 0 || (a >= 0.01 && a < 1e4)) return values.map((v) => (v == null ? '' : formatNumber(v)));
  for (let digits = 0; digits <= 3; digits++) {
    const labels = values.map((v) => (v === 0 ? '0' : v == null || !Number.isFinite(v) ? '' : v.toExponential(digits).replace('e+', 'e')));
    if (new Set(labels).size === labels.length) return labels;
  }
  return values.map((v) => (v == null ? '' : formatNumber(v)));
}

/** SI prefixes of a time axis: seconds scaled by 10^exponent. */
const TIME_PREFIXES: Record<number, string> = { 0: 's', [-3]: 'ms', [-6]: 'µs', [-9]: 'ns', [-12]: 'ps', [-15]: 'fs', [-18]: 'as' };

/**
 * The unit a time axis is drawn in: the largest time falls in [1, 1000) of it,
 * so tick labels read "0.5 1 1.5" (the unit goes in the axis title) instead of
 * "5.0e-7 1.0e-6", and a narrow plot on a projector fits three or more of them.
 * Times of 1 s and more stay in seconds (labels like 1e3 are short anyway).
 */
export function timeAxisUnit(maxSeconds: number): { exponent: number; symbol: string } {
  if (!(maxSeconds > 0) || !Number.isFinite(maxSeconds) || maxSeconds >= 1) return { exponent: 0, symbol: 's' };
  const exponent = Math.max(-18, 3 * Math.floor(Math.log10(maxSeconds) / 3));
  return { exponent, symbol: TIME_PREFIXES[exponent] };
}

export interface ProfileRegions {
  /** Region colour of each layer along the profile axis. */
  layerColors: string[];
}

type Hosts = { msd: HTMLElement; dStar: HTMLElement; profile: HTMLElement };

export class LivePlots {
  private msd: uPlot | null = null;
  private dStar: uPlot | null = null;
  private profile: uPlot | null = null;
  private builtFor = -1;
  private theme: PlotTheme = LIGHT_PLOTS;
  private layerColors: string[] = [];
  /** D* is plotted in units of 10^dExponent cm²/s: uPlot's ticks cannot resolve 1e-25 directly. */
  private dExponent = 0;
  /** Times are plotted in units of 10^timeExponent s (timeAxisUnit). */
  private timeExponent = 0;
  /** Profile axis fixed at 0–1 (true) or fitted to the data (false). */
  private profileFullRange = false;
  private speciesColors: readonly (string | undefined)[] = [];
  /** Axis ranges of MSD and D* in plotted units, from the data (null: the plot has none and is hidden). */
  private ranges: { msd: { x: AxisRange; y: AxisRange } | null; dStar: { x: AxisRange; y: AxisRange } | null } = { msd: null, dStar: null };
  private readonly observer: ResizeObserver;

  constructor(
    private readonly hosts: Hosts,
    private readonly history: ObservableHistory,
  ) {
    this.observer = new ResizeObserver(() => this.resize());
    Object.values(hosts).forEach((h) => this.observer.observe(h));
  }

  setTheme(theme: PlotTheme): void {
    this.theme = theme;
    this.builtFor = -1;
  }

  setRegions(regions: ProfileRegions): void {
    this.layerColors = regions.layerColors;
    this.builtFor = -1;
  }

  setProfileFullRange(on: boolean): void {
    this.profileFullRange = on;
    this.builtFor = -1;
    this.update();
  }

  /** Scene colours per species (RateModel.speciesColors), where the scene gives them. */
  setSpeciesColors(colors: readonly (string | undefined)[]): void {
    this.speciesColors = colors;
    this.builtFor = -1;
  }

  /** Line colour of a species in the current theme. */
  speciesColor(s: number): string {
    return withContrast(speciesStyle(s, this.speciesColors[s]).color, this.theme.background, this.theme.lineContrast);
  }

  /** Pushes the history into the plots; rebuilds them after a reset. */
  update(): void {
    const h = this.history;
    const exponent = dStarExponent(h);
    const timeExponent = timeAxisUnit(lastTime(h)).exponent;
    if (this.builtFor !== h.generation || exponent !== this.dExponent || timeExponent !== this.timeExponent) {
      this.dExponent = exponent;
      this.timeExponent = timeExponent;
      this.build();
    }
    const unit = 10 ** this.dExponent;
    const tUnit = 10 ** -this.timeExponent;
    const prev = h.previous;
    const content = plotContents(h);
    // In plotted units: times scaled to the axis unit, D* to 10^dExponent cm²/s. Set before setData, which ranges the axes.
    const scaled = (c: PlotContent, yScale: number) =>
      c.kind === 'data' ? { x: timeRange([c.extent.x[0] * tUnit, c.extent.x[1] * tUnit]), y: niceRange(c.extent.y[0] * yScale, c.extent.y[1] * yScale) } : null;
    this.ranges = { msd: scaled(content.msd, 1), dStar: scaled(content.dStar, 1 / unit) };
    const times = h.times.map((t) => t * tUnit);
    const current: (number | null)[][] = [times];
    const dCurrent: (number | null)[][] = [times];
    for (const sp of h.species) {
      current.push(sp.msd.map(plotPoint));
      dCurrent.push(sp.dStar.map((d) => finiteOrNull(d / unit)));
      // The ±σ band only where the estimate has converged: an early error bar would look precise and is not.
      dCurrent.push(sp.dStar.map((d, k) => (sp.converged[k] ? finiteOrNull((d + (sp.dStarError[k] || 0)) / unit) : null)));
      dCurrent.push(sp.dStar.map((d, k) => (sp.converged[k] ? finiteOrNull((d - (sp.dStarError[k] || 0)) / unit) : null)));
    }
    if (prev) {
      const prevTimes = prev.times.map((t) => t * tUnit);
      const before: (number | null)[][] = [prevTimes, ...prev.species.map((sp) => sp.msd.map(plotPoint))];
      const dBefore: (number | null)[][] = [prevTimes, ...prev.species.map((sp) => sp.dStar.map((d) => finiteOrNull(d / unit)))];
      this.msd?.setData(uPlot.join([current as uPlot.AlignedData, before as uPlot.AlignedData]));
      this.dStar?.setData(uPlot.join([dCurrent as uPlot.AlignedData, dBefore as uPlot.AlignedData]));
    } else {
      this.msd?.setData(current as uPlot.AlignedData);
      this.dStar?.setData(dCurrent as uPlot.AlignedData);
    }
    const layers = h.profile[0]?.values.length ?? 0;
    const lx = Array.from({ length: layers }, (_, k) => k);
    this.profile?.setData([lx, ...h.profile.map((p) => Array.from(p.values))]);
    // Readable by tests and assistive tools: how many points each plot holds, and whether a previous run is shown.
    const points = h.times.length;
    this.hosts.msd.dataset.points = String(points);
    this.hosts.dStar.dataset.points = String(points);
    this.hosts.profile.dataset.points = String(layers);
    this.hosts.msd.dataset.previous = String(prev ? prev.times.length : 0);
    this.hosts.dStar.dataset.previous = String(prev ? prev.times.length : 0);
    for (const [host, c] of [[this.hosts.msd, content.msd], [this.hosts.dStar, content.dStar], [this.hosts.profile, content.profile]] as const) {
      host.dataset.empty = String(c.kind === 'empty');
      // Shown in the plot's box by styles.css (content: attr(data-empty-text)) where the axes would be.
      host.dataset.emptyText = c.kind === 'empty' ? c.text : '';
    }
  }

  /** The scale options of a time plot whose axes range over its data (this.ranges, set by update). */
  private dataScales(plot: 'msd' | 'dStar'): uPlot.Scales {
    return {
      x: { time: false, range: (_u, min, max) => this.ranges[plot]?.x ?? [min, max] },
      y: { range: (_u, min, max) => this.ranges[plot]?.y ?? [min, max] },
    };
  }

  dispose(): void {
    this.observer.disconnect();
    this.destroy();
  }

  private destroy(): void {
    this.msd?.destroy();
    this.dStar?.destroy();
    this.profile?.destroy();
    this.msd = this.dStar = this.profile = null;
  }

  private build(): void {
    this.destroy();
    const h = this.history;
    this.builtFor = h.generation;
    const label = (s: number) => h.species.find((sp) => sp.s === s)!.label;
    const line = (s: number): uPlot.Series => ({
      label: label(s),
      stroke: this.speciesColor(s),
      width: this.theme.lineWidth,
      dash: DASHES[s % DASHES.length],
      points: { show: false },
      spanGaps: true,
      value: (_u, v) => (v == null ? 'no data' : formatNumber(v)),
    });
    const before = (s: number): uPlot.Series => ({
      label: `${label(s)}, before`,
      stroke: `${this.speciesColor(s)}${PREVIOUS_ALPHA}`,
      width: this.theme.lineWidth,
      dash: DASHES[s % DASHES.length],
      points: { show: false },
      spanGaps: true,
    });
    const prev = h.previous;
    const msdSeries = h.species.map((sp) => line(sp.s));
    const timeLabel = `simulated time (${timeAxisUnit(10 ** this.timeExponent).symbol})`;
    if (prev) msdSeries.push(...prev.species.map((sp) => before(sp.s)));
    const msdOpts = this.options(this.hosts.msd, timeLabel, 'MSD (Å²)', msdSeries, true);
    msdOpts.scales = this.dataScales('msd');
    this.msd = new uPlot(msdOpts, [[], ...msdSeries.map(() => [])], this.hosts.msd);
    const dSeries: uPlot.Series[] = [];
    const bands: uPlot.Band[] = [];
    h.species.forEach((sp, k) => {
      dSeries.push(line(sp.s));
      const edge: uPlot.Series = { label: '±σ', stroke: 'transparent', width: 0, points: { show: false } };
      dSeries.push({ ...edge }, { ...edge });
      bands.push({ series: [2 + 3 * k, 3 + 3 * k], fill: `${this.speciesColor(sp.s)}40` });
    });
    if (prev) dSeries.push(...prev.species.map((sp) => before(sp.s)));
    const dUnit = this.dExponent === 0 ? 'cm²/s' : `10${superscript(this.dExponent)} cm²/s`;
    const dOpts = this.options(this.hosts.dStar, timeLabel, `D* (${dUnit})`, dSeries, false);
    dOpts.bands = bands;
    dOpts.scales = this.dataScales('dStar');
    this.dStar = new uPlot(dOpts, [[], ...dSeries.map(() => [])], this.hosts.dStar);
    const pOpts = this.options(this.hosts.profile, `layer along ${h.profileAxisName}`, 'fraction of sites', h.species.map((sp) => line(sp.s)), true);
    pOpts.scales = {
      x: { time: false },
      y: this.profileFullRange ? { range: [0, 1] } : { range: (_u, _min, max) => [0, Math.min(1, niceCeiling(Math.max(max, 1e-3) * 1.1))] },
    };
    pOpts.hooks = { drawClear: [(u) => this.shadeRegions(u)] };
    this.profile = new uPlot(pOpts, [[], ...h.species.map(() => [])], this.hosts.profile);
  }

  private options(host: HTMLElement, xLabel: string, yLabel: string, series: uPlot.Series[], legend: boolean): uPlot.Options {
    const font = `${this.theme.fontPx}px system-ui, sans-serif`;
    const axis = (label: string, vertical: boolean): uPlot.Axis => ({
      label,
      stroke: this.theme.text,
      grid: { stroke: this.theme.grid, width: 1 },
      ticks: { stroke: this.theme.grid, width: 1 },
      values: (_u, vals) => {
        const labels = formatTicks(vals);
        // How many labelled ticks each axis drew, for tests and assistive tools (data-x-ticks, data-y-ticks).
        host.dataset[vertical ? 'yTicks' : 'xTicks'] = String(labels.filter((l) => l !== '').length);
        return labels;
      },
      // The y axis is as wide as its longest label needs; tight tick spacing so even a small plot gets ≥ 3 ticks.
      size: vertical
        ? (_u, vals) => Math.round(this.theme.fontPx * (1.6 + 0.62 * Math.max(2, ...(vals ?? []).map((v) => String(v).length))))
        : Math.round(this.theme.fontPx * 2.6),
      // Horizontal ticks are at least as far apart as their labels are wide ("1.2e-6" is ~6 characters), so a wide plot
      // does not crowd its labels into one another.
      // Vertical: a label's height plus a quarter, so a 100 px tall plot still gets three or more ticks.
      space: vertical
        ? Math.round(this.theme.fontPx * 1.25)
        : (_u, _axis, min, max, plotDim) => horizontalSpace(this.theme.fontPx, min, max, plotDim),
      incrs: vertical ? undefined : NICE_INCREMENTS,
      gap: 3,
      labelSize: Math.round(this.theme.fontPx * 1.4),
      font,
      labelFont: font,
    });
    const { width, height } = this.sizeFor(host, legend);
    return {
      width,
      height,
      scales: { x: { time: false } },
      legend: { show: legend, live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [axis(xLabel, false), axis(yLabel, true)],
      series: [{ label: xLabel }, ...series],
    };
  }

  /** The whole box of the host, less the legend's rows. */
  private sizeFor(host: HTMLElement, legend: boolean): { width: number; height: number } {
    const legendEl = host.querySelector('.u-legend') as HTMLElement | null;
    const legendHeight = legendEl ? legendEl.offsetHeight : legend ? Math.round(this.theme.fontPx * 2) : 0;
    return { width: Math.max(160, host.clientWidth), height: Math.max(90, host.clientHeight - legendHeight - 2) };
  }

  private shadeRegions(u: uPlot): void {
    const ctx = u.ctx;
    const n = this.layerColors.length;
    if (n === 0) return;
    ctx.save();
    ctx.globalAlpha = 0.28;
    for (let k = 0; k < n; k++) {
      const x0 = u.valToPos(k - 0.5, 'x', true);
      const x1 = u.valToPos(k + 0.5, 'x', true);
      ctx.fillStyle = this.layerColors[k];
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
    }
    ctx.restore();
  }

  private resize(): void {
    for (const [plot, host, legend] of [[this.msd, this.hosts.msd, true], [this.dStar, this.hosts.dStar, false], [this.profile, this.hosts.profile, true]] as const) {
      if (plot) plot.setSize(this.sizeFor(host, legend));
    }
  }
}

/** Tick steps of the horizontal axes: 1, 2 and 5 times a power of ten (short labels; uPlot picks from these). */
const NICE_INCREMENTS: number[] = [];
for (let e = -18; e <= 18; e++) for (const m of [1, 2, 5]) NICE_INCREMENTS.push(Number((m * 10 ** e).toPrecision(1)));

/**
 * Pixel spacing that makes uPlot choose the smallest tick step whose labels (as formatTicks writes them, about
 * 0.62 em per character plus 1 em of gap) fit between neighbouring ticks: measured on the labels that step would
 * draw, so a narrow plot gets as many ticks as fit and never labels that run into each other.
 */
function horizontalSpace(fontPx: number, min: number, max: number, plotDim: number): number {
  const range = max - min;
  if (!(range > 0) || !(plotDim > 0)) return fontPx * 4;
  for (const incr of NICE_INCREMENTS) {
    const px = (plotDim * incr) / range;
    if (px < fontPx * 1.6) continue; // not even a one-character label fits
    const ticks: number[] = [];
    for (let v = Math.ceil(min / incr) * incr; v <= max + incr * 1e-9 && ticks.length < 64; v += incr) ticks.push(Number(v.toPrecision(12)));
    const longest = Math.max(1, ...formatTicks(ticks).map((l) => l.length));
    // Slightly under px, so uPlot takes exactly this step (a smaller one has proportionally less room).
    if (px >= fontPx * (1 + 0.62 * longest)) return px * 0.999;
  }
  return plotDim;
}

function lastTime(h: ObservableHistory): number {
  return Math.max(h.times[h.times.length - 1] ?? 0, h.previous?.times[h.previous.times.length - 1] ?? 0);
}

/**
 * The data's values, padded by 10 % and widened to round numbers as uPlot pads its own automatic ranges: both ends
 * then fall on ticks, so even a 100 px tall plot shows three labelled ticks.
 */
function niceRange(lo: number, hi: number): AxisRange {
  const [min, max] = uPlot.rangeNum(lo, hi, 0.1, true);
  return [min ?? lo, max ?? hi];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** 1, 2 or 5 times a power of ten, at or above v. */
function niceCeiling(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Power of ten that brings the largest finite D* into [1, 1000). */
function dStarExponent(h: ObservableHistory): number {
  let max = 0;
  const scan = (values: number[]) => {
    for (const d of values) if (Number.isFinite(d) && Math.abs(d) > max) max = Math.abs(d);
  };
  for (const sp of h.species) scan(sp.dStar);
  for (const sp of h.previous?.species ?? []) scan(sp.dStar);
  if (max === 0) return 0;
  return 3 * Math.floor(Math.log10(max) / 3);
}

function superscript(n: number): string {
  const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `${n < 0 ? '⁻' : ''}${String(Math.abs(n)).split('').map((c) => digits[Number(c)]).join('')}`;
}
