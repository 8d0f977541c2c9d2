// The legend over the view: which colour and shape is which species, which
// shade is which region. Drawn from the same palette the view uses.
import { speciesStyle, type SpeciesStyle } from '../view/palette';

export function shapeIcon(style: SpeciesStyle, sizePx = 16, outline = '#1a1a1a'): string {
  const c = sizePx / 2;
  const r = style.radius * sizePx * 1.05;
  const common = `fill="${style.color}" stroke="${outline}" stroke-width="1.3"`;
  let shape: string;
  if (style.shape === 'circle') shape = `<circle cx="${c}" cy="${c}" r="${r}" ${common}/>`;
  else if (style.shape === 'diamond') shape = `<path d="M${c} ${c - r * 1.25}L${c + r * 1.25} ${c}L${c} ${c + r * 1.25}L${c - r * 1.25} ${c}Z" ${common}/>`;
  else {
    const h = r * 1.1;
    shape = `<path d="M${c} ${c - h}L${c + h * 0.866} ${c + h * 0.5}L${c - h * 0.866} ${c + h * 0.5}Z" ${common}/>`;
  }
  return `<svg width="${sizePx}" height="${sizePx}" viewBox="0 0 ${sizePx} ${sizePx}" aria-hidden="true">${shape}</svg>`;
}

export interface LegendContent {
  speciesLabels: readonly string[];
  speciesColors: readonly (string | undefined)[];
  /** Ions per species now; −1 for a species with none yet that an open face or a reaction can bring in. */
  ionCounts: readonly number[];
  regions: readonly { name: string; color: string }[];
  outline: string;
}

export function renderLegend(host: HTMLElement, content: LegendContent): void {
  const ions = content.speciesLabels
    .map((label, s) => ({ label, s, n: content.ionCounts[s] ?? 0 }))
    .filter((x) => x.n !== 0)
    .map((x) => `<li data-species-count="${Math.max(0, x.n)}">${shapeIcon(speciesStyle(x.s, content.speciesColors[x.s]), 16, content.outline)}<span>${escapeHtml(x.label)} · ${Math.max(0, x.n)}</span></li>`)
    .join('');
  const regions = content.regions
    .map((r) => `<li><span class="swatch" style="background:${escapeHtml(r.color)}"></span><span>${escapeHtml(r.name)}</span></li>`)
    .join('');
  host.innerHTML = `<h3>Ions</h3><ul>${ions || '<li>none</li>'}</ul><h3>Regions</h3><ul>${regions}</ul>`;
  host.setAttribute('role', 'group');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
