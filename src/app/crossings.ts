// The crossing counter: for every pair of regions that touch, how many hops
// went from one into the other since the run started, each direction apart.
// A counter that rose since the last frame flashes.
import { neighbour, type RateModel } from '../model/rateModel';
import { escapeHtml } from './legend';

export interface RegionPair {
  a: number;
  b: number;
}

/** Pairs of regions (a < b) with at least one bond between them. */
export function touchingRegions(model: RateModel): RegionPair[] {
  const R = model.nRegions;
  const seen = new Uint8Array(R * R);
  for (let i = 0; i < model.nSites; i++) {
    const ri = model.siteRegion[i];
    // Every direction slot (a slot that does not start from this site's sublattice has no neighbour).
    for (let d = 0; d < model.directions; d++) {
      const j = neighbour(model, i, d);
      if (j < 0) continue;
      const rj = model.siteRegion[j];
      if (rj !== ri) seen[Math.min(ri, rj) * R + Math.max(ri, rj)] = 1;
    }
  }
  const pairs: RegionPair[] = [];
  for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) if (seen[a * R + b]) pairs.push({ a, b });
  return pairs;
}

export class CrossingCounter {
  private pairs: RegionPair[] = [];
  private names: readonly string[] = [];
  private nRegions = 0;
  private last: number[] = [];

  constructor(private readonly host: HTMLElement) {}

  setRegions(model: RateModel): void {
    this.pairs = touchingRegions(model);
    this.names = model.regionNames;
    this.nRegions = model.nRegions;
    this.last = [];
    this.host.hidden = this.pairs.length === 0;
    this.host.innerHTML = `<span class="label">crossings</span> ${this.pairs
      .map(
        (p, k) =>
          `<span class="crossing" data-pair="${k}" data-a="${escapeHtml(this.names[p.a])}" data-b="${escapeHtml(this.names[p.b])}" title="Hops from ${escapeHtml(this.names[p.a])} into ${escapeHtml(this.names[p.b])} (→) and back (←) since the run started">${escapeHtml(this.names[p.a])} <span class="fwd">0</span> → ← <span class="back">0</span> ${escapeHtml(this.names[p.b])}</span>`,
      )
      .join('')}`;
  }

  /** New totals (Frame.crossings, [a·R + b]); counters that rose flash. */
  update(crossings: readonly number[]): void {
    const R = this.nRegions;
    let total = 0;
    this.pairs.forEach((p, k) => {
      const fwd = crossings[p.a * R + p.b] ?? 0;
      const back = crossings[p.b * R + p.a] ?? 0;
      total += fwd + back;
      const el = this.host.querySelector<HTMLElement>(`.crossing[data-pair="${k}"]`);
      if (!el) return;
      const before = this.last[k];
      el.querySelector('.fwd')!.textContent = fwd.toLocaleString('en');
      el.querySelector('.back')!.textContent = back.toLocaleString('en');
      el.dataset.total = String(fwd + back);
      if (before !== undefined && fwd + back > before) {
        el.classList.remove('flash');
        void el.offsetWidth; // restart the animation
        el.classList.add('flash');
      }
      this.last[k] = fwd + back;
    });
    this.host.dataset.total = String(total);
  }
}
