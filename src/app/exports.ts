// Files a user takes away: the scene (with edits and seed, so it reproduces the
// run), the observables as tidy CSV, the view as PNG.
import type { Scene } from '../model/scene/schema';
import type { ObservableHistory } from './observableHistory';

export function download(filename: string, content: string | Blob, mime = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type: mime }) : content;
  const url = URL.createObjectURL(blob);
  downloadDataUrl(filename, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves what a URL points to (data: or blob:) under `filename`. */
export function downloadDataUrl(filename: string, dataUrl: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}

/** The scene as a file: edits applied, seed set to the run's seed. */
export function sceneFileText(scene: Scene, seed: number): string {
  return `${JSON.stringify({ ...scene, seed }, null, 2)}\n`;
}

/**
 * Observables in long ("tidy") form, one value per row, so a spreadsheet or
 * pandas reads it directly: observable, species, x, x_unit, value, unit, error.
 */
export function observablesCsv(history: ObservableHistory, header: { scene: string; seed: number; engine: string }): string {
  const rows: string[] = [
    `# ionhop observables; scene: ${header.scene.replace(/[\r\n]/g, ' ')}; seed ${header.seed}; engine ${header.engine}`,
    '# time is measured since the last parameter change or reset; D* = tracer diffusivity from the MSD, error from block averaging',
    'observable,species,x,x_unit,value,unit,error',
  ];
  const { times, species } = history;
  for (const sp of species) {
    for (let k = 0; k < times.length; k++) rows.push(`msd,${sp.name},${times[k]},s,${sp.msd[k]},A^2,`);
  }
  for (const sp of species) {
    for (let k = 0; k < times.length; k++) {
      const d = sp.dStar[k];
      if (!Number.isFinite(d)) continue;
      const e = sp.dStarError[k];
      rows.push(`dstar,${sp.name},${times[k]},s,${d},cm^2/s,${Number.isFinite(e) ? e : ''}`);
    }
  }
  for (const sp of history.profile) {
    sp.values.forEach((v, layer) => rows.push(`occupancy_profile,${sp.name},${layer},layer along ${history.profileAxisName},${v},fraction of sites,`));
  }
  return `${rows.join('\n')}\n`;
}

export function safeFileStem(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'ionhop';
}
