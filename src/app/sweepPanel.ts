// The sweep recorder on the page: the Record button's table, a plot of D*
// against the chosen parameter (ln D* against 1000/T for the temperature, with
// the fitted activation energy) and the CSV export.
import uPlot from 'uplot';
import type { EditableParam } from './sceneEdits';
import { SweepTable, type SweepRow } from './sweep';
import { escapeHtml } from './legend';
import { formatNumber, type PlotTheme } from './plots';

export interface SweepPanelHosts {
  axis: HTMLSelectElement;
  plot: HTMLElement;
  fit: HTMLElement;
  table: HTMLElement;
}

export class SweepPanel {
  readonly table = new SweepTable();
  private params: readonly EditableParam[] = [];
  private plot: uPlot | null = null;
  private theme: PlotTheme | null = null;

  constructor(
    private readonly hosts: SweepPanelHosts,
    /** Display label and line colour of a species, by its name in the scene. */
    private readonly speciesOf: (name: string) => { label: string; color: string },
  ) {
    hosts.axis.addEventListener('change', () => this.render());
  }

  /** A new scene: its parameters become the axis choices; the table starts empty. */
  setParams(params: readonly EditableParam[]): void {
    this.params = params;
    this.table.clear();
    this.hosts.axis.innerHTML = params
      .filter((p) => p.kind !== 'count' && p.kind !== 'switch')
      .map((p) => `<option value="${escapeHtml(p.key)}">${escapeHtml(p.kind === 'temperature' ? 'Temperature (Arrhenius: ln D* vs 1000/T)' : p.label)}</option>`)
      .join('');
    this.render();
  }

  setTheme(theme: PlotTheme): void {
    this.theme = theme;
    this.render();
  }

  record(row: SweepRow): void {
    this.table.add(row);
    // Plot against what changed, once something has.
    const varied = this.table.varied();
    if (varied.length > 0 && !varied.includes(this.hosts.axis.value) && [...this.hosts.axis.options].some((o) => o.value === varied[0])) this.hosts.axis.value = varied[0];
    this.render();
  }

  clear(): void {
    this.table.clear();
    this.render();
  }

  private render(): void {
    const key = this.hosts.axis.value;
    const param = this.params.find((p) => p.key === key);
    this.renderTable();
    this.hosts.plot.dataset.rows = String(this.table.rows.length);
    this.plot?.destroy();
    this.plot = null;
    const speciesNames = [...new Set(this.table.rows.flatMap((r) => r.species.map((s) => s.name)))];
    if (!param || this.table.rows.length === 0) {
      this.hosts.plot.hidden = true;
      this.hosts.fit.textContent = this.table.rows.length === 0 ? 'Press Record to add the current D* to the table.' : '';
      return;
    }
    this.hosts.plot.hidden = false;
    const xs = [...new Set(this.table.rows.map((r) => (key === 'T' ? 1000 / r.params.T : r.params[key])))].sort((a, b) => a - b);
    const series = speciesNames.map((name) => {
      const pts = this.table.points(key, name);
      return { name, pts, values: xs.map((x) => pts.find((p) => p.x === x)?.dStar ?? null) };
    });
    const theme = this.theme;
    const font = `${theme?.fontPx ?? 12}px system-ui, sans-serif`;
    const axis = (label: string, log: boolean): uPlot.Axis => ({
      label,
      stroke: theme?.text ?? '#1a1a1a',
      grid: { stroke: theme?.grid ?? 'rgba(0,0,0,0.12)', width: 1 },
      values: (_u, vals) => vals.map((v) => (v == null ? '' : formatNumber(v))),
      size: log ? 64 : 40,
      font,
      labelFont: font,
    });
    const xLabel = key === 'T' ? '1000 / T (1/K)' : `${param.label} (${param.unit})`;
    const opts: uPlot.Options = {
      width: Math.max(200, this.hosts.plot.clientWidth),
      height: 180,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [axis(xLabel, false), axis('D* (cm²/s)', true)],
      series: [
        { label: xLabel },
        ...series.map((s) => {
          const sp = this.speciesOf(s.name);
          return { label: sp.label, stroke: sp.color, width: 1.5, points: { show: true, size: 9, fill: sp.color } } as uPlot.Series;
        }),
      ],
      hooks: {
        // ±SE whiskers on converged points only: an unconverged SE is not an error bar to trust.
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            series.forEach((s, k) => {
              ctx.strokeStyle = this.speciesOf(s.name).color;
              ctx.lineWidth = 2;
              for (const p of s.pts) {
                if (!p.converged || !(p.se > 0)) continue;
                const x = u.valToPos(p.x, 'x', true);
                const y0 = u.valToPos(Math.max(p.dStar - p.se, p.dStar * 1e-3), 'y', true);
                const y1 = u.valToPos(p.dStar + p.se, 'y', true);
                ctx.beginPath();
                ctx.moveTo(x, y0);
                ctx.lineTo(x, y1);
                ctx.stroke();
              }
              void k;
            });
            ctx.restore();
          },
        ],
      },
    };
    this.plot = new uPlot(opts, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, this.hosts.plot);
    const fits = key === 'T' ? speciesNames.map((n) => ({ n, fit: this.table.arrhenius(n) })).filter((f) => f.fit) : [];
    this.hosts.fit.textContent = fits.length
      ? fits.map((f) => `${this.speciesOf(f.n).label}: Ea = ${f.fit!.eaEv.toFixed(3)} ± ${f.fit!.seEv.toFixed(3)} eV from ${f.fit!.points} converged temperatures`).join('; ')
      : key === 'T' ? 'The activation energy appears once two temperatures with converged D* are recorded.' : '';
  }

  private renderTable(): void {
    const rows = this.table.rows;
    if (rows.length === 0) {
      this.hosts.table.innerHTML = '';
      return;
    }
    const key = this.hosts.axis.value;
    const param = this.params.find((p) => p.key === key);
    const names = [...new Set(rows.flatMap((r) => r.species.map((s) => s.name)))];
    const head = `<tr><th>#</th><th>${escapeHtml(param ? param.label : key)}</th>${names.map((n) => `<th>D* ${escapeHtml(this.speciesOf(n).label)} (cm²/s)</th>`).join('')}</tr>`;
    const body = rows
      .map((r, i) => {
        const cells = names.map((n) => {
          const sp = r.species.find((s) => s.name === n);
          if (!sp || !Number.isFinite(sp.dStar)) return '<td>–</td>';
          const ok = sp.convergence === 'converged';
          return `<td>${formatNumber(sp.dStar)}${ok ? ` ± ${formatNumber(sp.se)}` : ' <span class="not-converged">not converged</span>'}</td>`;
        });
        return `<tr><td>${i + 1}</td><td>${r.params[key] ?? '–'}</td>${cells.join('')}</tr>`;
      })
      .join('');
    this.hosts.table.innerHTML = `<table class="sweep-table"><thead>${head}</thead><tbody>${body}</tbody></table>`;
  }
}
