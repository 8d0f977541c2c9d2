// Files a user takes away: the scene (with edits and seed, so it reproduces the
// run), the observables as tidy CSV, the view as PNG.
import type { Scene } from '../model/scene/schema';
import type { RateModel } from '../model/rateModel';
import type { ObservableHistory } from './observableHistory';

/** What a run was made with: enough to reproduce it and to tell two exports apart. */
export interface RunParameters {
  scene: Scene;
  model: RateModel;
  seed: number;
  engine: string;
}

/**
 * Every parameter of the run as `name,value,unit` rows: temperature, attempt
 * frequency, lattice, each region's site energy and barrier per species,
 * interface overrides, interactions, field, resolved ion counts, seed, engine.
 */
export function parameterRows(run: RunParameters): string[] {
  const { scene, model } = run;
  const rows: string[] = [
    `temperature,${scene.temperature},K`,
    `attempt_frequency,${scene.attemptFrequency},Hz`,
    `lattice,${scene.lattice.type} ${scene.lattice.size.join('x')},sites`,
    `spacing,${scene.lattice.spacing},A`,
    `boundary,${scene.lattice.boundary.join(' ')},`,
  ];
  for (const region of scene.regions) {
    rows.push(`potential[${csvText(region.name)}],${region.potential ?? 0},V`);
    for (const [species, p] of Object.entries(region.species)) {
      rows.push(`site_energy[${csvText(region.name)}][${species}],${p.siteEnergy},eV`);
      rows.push(`barrier[${csvText(region.name)}][${species}],${p.barrier},eV`);
    }
  }
  for (const iface of scene.interfaces) {
    for (const [species, ea] of Object.entries(iface.barrier)) rows.push(`interface_barrier[${csvText(iface.between.join('|'))}][${species}],${ea},eV`);
  }
  for (const inter of scene.interactions) rows.push(`interaction[${inter.species.join('-')}],${inter.energy},eV`);
  rows.push(scene.field ? `field[${scene.field.axis}],${scene.field.strength},V/A` : 'field,0,V/A');
  model.populations.forEach((p, k) => {
    const where = scene.populations[k].region ? ` in ${csvText(scene.populations[k].region!)}` : '';
    rows.push(`count[${k}: ${model.speciesNames[p.species]}${where}],${p.count},ions`);
  });
  rows.push(`seed,${run.seed},`, `engine,${run.engine},`);
  return rows;
}

function csvText(s: string): string {
  return s.replace(/[,\r\n]/g, ' ');
}

/** FNV-1a (32 bit) as 8 hex digits: short, stable, enough to tell parameter sets apart in file names. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** File name stem: the scene's name and a hash of every parameter, e.g. `lattice-gas-3fa29c01`. */
export function exportStem(run: RunParameters): string {
  return `${safeFileStem(run.scene.name)}-${shortHash(parameterRows(run).join('\n'))}`;
}

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
export function observablesCsv(history: ObservableHistory, run: RunParameters): string {
  const rows: string[] = [
    `# ionhop observables; scene: ${run.scene.name.replace(/[\r\n]/g, ' ')}; seed ${run.seed}; engine ${run.engine}; parameter hash ${shortHash(parameterRows(run).join('\n'))}`,
    '# time is measured since the last parameter change or reset; D* = tracer diffusivity from the MSD, error from block averaging (a single trajectory: quote `ionhop run` replicas instead)',
    '# parameters (name,value,unit):',
    ...parameterRows(run).map((r) => `# ${r}`),
    'observable,species,x,x_unit,value,unit,error',
  ];
  const { times, species } = history;
  for (const sp of species) {
    for (let k = 0; k < times.length; k++) rows.push(`msd,${sp.name},${times[k]},s,${Number.isFinite(sp.msd[k]) ? sp.msd[k] : ''},A^2,`); // empty: no ion to follow (never NaN)
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
