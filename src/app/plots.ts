// Live plots with uPlot: MSD(t) per species, running D* with its error band,
// and the occupancy profile across the interface with the regions shaded
// behind it. Species keep the view's colours and get distinct dash patterns.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { speciesStyle } from '../view/palette';
import type { ObservableHistory } from './observableHistory';

const DASHES: number[][] = [[], [7, 4], [2, 3]];

export interface PlotTheme {
  text: string;
  grid: string;
  /** Line width in CSS pixels: thicker on a projector, where thin dark lines vanish. */
  lineWidth: number;
}
export const LIGHT_PLOTS: PlotTheme = { text: '#1a1a1a', grid: 'rgba(0,0,0,0.09)', lineWidth: 2 };
export const PROJECTOR_PLOTS: PlotTheme = { text: '#ffffff', grid: 'rgba(255,255,255,0.25)', lineWidth: 3.5 };

/** Compact numbers for axes spanning 1e-12 to 1e12. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('e+', 'e');
}

export interface ProfileRegions {
  /** Region colour of each layer along the profile axis. */
  layerColors: string[];
}

export class LivePlots {
  private msd: uPlot | null = null;
  private dStar: uPlot | null = null;
  private profile: uPlot | null = null;
  private builtFor = -1;
  private theme: PlotTheme = LIGHT_PLOTS;
  private layerColors: string[] = [];
  /** D* is plotted in units of 10^dExponent cm²/s: uPlot's ticks cannot resolve 1e-25 directly. */
  private dExponent = 0;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly hosts: { msd: HTMLElement; dStar: HTMLElement; profile: HTMLElement },
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

  /** Pushes the history into the plots; rebuilds them after a reset. */
  update(): void {
    const h = this.history;
    const exponent = dStarExponent(h);
    if (this.builtFor !== h.generation || exponent !== this.dExponent) {
      this.dExponent = exponent;
      this.build();
    }
    const x = h.times;
    const unit = 10 ** this.dExponent;
    this.msd?.setData([x, ...h.species.map((sp) => sp.msd)]);
    const dData: (number | null)[][] = [x];
    for (const sp of h.species) {
      dData.push(sp.dStar.map((d) => finiteOrNull(d / unit)));
      dData.push(sp.dStar.map((d, k) => finiteOrNull((d + (sp.dStarError[k] || 0)) / unit)));
      dData.push(sp.dStar.map((d, k) => finiteOrNull((d - (sp.dStarError[k] || 0)) / unit)));
    }
    this.dStar?.setData(dData as uPlot.AlignedData);
    const layers = h.profile[0]?.values.length ?? 0;
    const lx = Array.from({ length: layers }, (_, k) => k);
    this.profile?.setData([lx, ...h.profile.map((p) => Array.from(p.values))]);
    // Readable by tests and assistive tools: how many points each plot holds.
    this.hosts.msd.dataset.points = String(x.length);
    this.hosts.dStar.dataset.points = String(x.length);
    this.hosts.profile.dataset.points = String(layers);
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
    const line = (s: number): uPlot.Series => ({
      label: h.species.find((sp) => sp.s === s)!.label,
      stroke: speciesStyle(s).color,
      width: this.theme.lineWidth,
      dash: DASHES[s % DASHES.length],
      points: { show: false },
      value: (_u, v) => (v == null ? '–' : formatNumber(v)),
    });
    this.msd = new uPlot(
      this.options('simulated time (s)', 'MSD (Å²)', h.species.map((sp) => line(sp.s)), true),
      [[], ...h.species.map(() => [])],
      this.hosts.msd,
    );
    const dSeries: uPlot.Series[] = [];
    const bands: uPlot.Band[] = [];
    h.species.forEach((sp, k) => {
      dSeries.push(line(sp.s));
      const edge: uPlot.Series = { label: '±σ', stroke: 'transparent', width: 0, points: { show: false } };
      dSeries.push({ ...edge }, { ...edge });
      bands.push({ series: [2 + 3 * k, 3 + 3 * k], fill: `${speciesStyle(sp.s).color}40` });
    });
    const dUnit = this.dExponent === 0 ? 'cm²/s' : `10${superscript(this.dExponent)} cm²/s`;
    const dOpts = this.options('simulated time (s)', `D* (${dUnit})`, dSeries, false);
    dOpts.bands = bands;
    this.dStar = new uPlot(dOpts, [[], ...dSeries.map(() => [])], this.hosts.dStar);
    const pOpts = this.options(`layer along ${h.profileAxisName}`, 'fraction of sites', h.species.map((sp) => line(sp.s)), true);
    pOpts.scales = { x: { time: false }, y: { range: [0, 1] } };
    pOpts.hooks = { drawClear: [(u) => this.shadeRegions(u)] };
    this.profile = new uPlot(pOpts, [[], ...h.species.map(() => [])], this.hosts.profile);
  }

  private options(xLabel: string, yLabel: string, series: uPlot.Series[], legend: boolean): uPlot.Options {
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: this.theme.text,
      grid: { stroke: this.theme.grid, width: 1 },
      ticks: { stroke: this.theme.grid, width: 1 },
      values: (_u, vals) => vals.map(formatNumber),
      size: 56,
      labelSize: 18,
      font: '12px system-ui, sans-serif',
      labelFont: '12px system-ui, sans-serif',
    });
    return {
      width: Math.max(160, this.hosts.msd.clientWidth),
      height: 150,
      scales: { x: { time: false } },
      legend: { show: legend, live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [axis(xLabel), axis(yLabel)],
      series: [{ label: xLabel }, ...series],
    };
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
    for (const [plot, host] of [[this.msd, this.hosts.msd], [this.dStar, this.hosts.dStar], [this.profile, this.hosts.profile]] as const) {
      if (!plot) continue;
      const legendHeight = (host.querySelector('.u-legend') as HTMLElement | null)?.offsetHeight ?? 0;
      plot.setSize({ width: Math.max(160, host.clientWidth), height: Math.max(100, host.clientHeight - legendHeight) });
    }
  }
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Power of ten that brings the largest finite D* into [1, 1000). */
function dStarExponent(h: ObservableHistory): number {
  let max = 0;
  for (const sp of h.species) for (const d of sp.dStar) if (Number.isFinite(d) && Math.abs(d) > max) max = Math.abs(d);
  if (max === 0) return 0;
  return 3 * Math.floor(Math.log10(max) / 3);
}

function superscript(n: number): string {
  const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `${n < 0 ? '⁻' : ''}${String(Math.abs(n)).split('').map((c) => digits[Number(c)]).join('')}`;
}
