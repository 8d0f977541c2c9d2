// A parameter sweep recorded by hand in the app (issue 11, the app part): each
// press of Record appends the current parameters and the live D* ± SE per
// species. The table plots D* against one chosen parameter (on Arrhenius axes,
// ln D* against 1/T, for the temperature) and exports as CSV. No DOM here.
import { KB_EV_PER_K } from '../model/rateModel';
import type { ConvergenceState } from '../observe/convergence';

export interface SweepRow {
  /** Every editable parameter's value at the time of recording, by key (T, barrier.<region>.<species>, …). */
  params: Record<string, number>;
  seed: number;
  engine: string;
  /** Simulated time since the last change (s) and mean hops per ion behind the estimate. */
  timeS: number;
  species: { name: string; dStar: number; se: number; convergence: ConvergenceState; hopsPerIon: number }[];
}

export interface SweepPoint {
  x: number;
  dStar: number;
  se: number;
  converged: boolean;
}

export class SweepTable {
  rows: SweepRow[] = [];

  add(row: SweepRow): void {
    this.rows.push(row);
  }

  clear(): void {
    this.rows = [];
  }

  /** Parameter keys that differ between rows: the natural x axes. */
  varied(): string[] {
    const keys = new Set<string>();
    for (const r of this.rows) for (const k of Object.keys(r.params)) keys.add(k);
    return [...keys].filter((k) => new Set(this.rows.map((r) => r.params[k])).size > 1);
  }

  /** D* of one species against a parameter; for T the x value is 1000/T (K⁻¹), the Arrhenius abscissa. */
  points(key: string, species: string): SweepPoint[] {
    return this.rows
      .map((r) => {
        const sp = r.species.find((s) => s.name === species);
        const v = r.params[key];
        return { x: key === 'T' ? 1000 / v : v, dStar: sp?.dStar ?? NaN, se: sp?.se ?? NaN, converged: sp?.convergence === 'converged' };
      })
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.dStar) && p.dStar > 0)
      .sort((a, b) => a.x - b.x);
  }

  /**
   * Activation energy from the converged points of a temperature sweep: the
   * least-squares slope of ln D* against 1/(kB·T), weighted by (D* over SE) squared, with
   * its standard error. Null with fewer than two converged temperatures.
   */
  arrhenius(species: string): { eaEv: number; seEv: number; points: number } | null {
    const pts = this.points('T', species).filter((p) => p.converged && p.se > 0);
    if (new Set(pts.map((p) => p.x)).size < 2) return null;
    // x = 1/(kB T) in 1/eV; y = ln D; var(y) ≈ (SE/D)².
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const p of pts) {
      const x = p.x / 1000 / KB_EV_PER_K;
      const y = Math.log(p.dStar);
      const w = (p.dStar / p.se) ** 2;
      sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y;
    }
    const det = sw * sxx - sx * sx;
    if (!(det > 0)) return null;
    const slope = (sw * sxy - sx * sy) / det;
    return { eaEv: -slope, seEv: Math.sqrt(sw / det), points: pts.length };
  }

  csv(): string {
    const keys = [...new Set(this.rows.flatMap((r) => Object.keys(r.params)))];
    const species = [...new Set(this.rows.flatMap((r) => r.species.map((s) => s.name)))];
    const header = [
      ...keys.map(csvField),
      'seed',
      'engine',
      'time_s',
      ...species.flatMap((s) => [`dstar_cm2_per_s[${s}]`, `se_cm2_per_s[${s}]`, `converged[${s}]`, `hops_per_ion[${s}]`]),
    ];
    const lines = [
      '# ionhop sweep recorded in the app: one row per press of Record; D* ± SE from one trajectory (block pairs), since the last change',
      header.join(','),
    ];
    for (const r of this.rows) {
      const cells = [...keys.map((k) => (r.params[k] ?? '')), r.seed, csvField(r.engine), r.timeS];
      for (const name of species) {
        const sp = r.species.find((s) => s.name === name);
        cells.push(sp ? num(sp.dStar) : '', sp ? num(sp.se) : '', sp ? String(sp.convergence === 'converged') : '', sp ? num(sp.hopsPerIon) : '');
      }
      lines.push(cells.join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
