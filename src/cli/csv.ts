// CSV export of MSD(t), the occupancy profile and the drift observables.
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../run/runScene';
import { CliError } from './errors';
import { driftCsv } from './driftCsv';
import { exchangeCsv } from './exchangeReport';

const cell = (v: number) => (Number.isFinite(v) ? String(v) : '');

export function msdCsv(result: RunResult): string {
  const o = result.observables;
  const axes = [...['x', 'y', 'z'].slice(0, o.dim), 'total'] as ('x' | 'y' | 'z' | 'total')[];
  const header = ['t_s', 't_se_s'];
  for (const sp of o.species) for (const ax of axes) header.push(`${sp.species}_msd_${ax}_A2`, `${sp.species}_msd_${ax}_se_A2`);
  const rows = [header.join(',')];
  o.samples.tS.forEach((t, k) => {
    const row = [cell(t), cell(o.samples.tSeS[k])];
    for (const sp of o.species) for (const ax of axes) row.push(cell(sp.msd[ax].mean[k]), cell(sp.msd[ax].se[k]));
    rows.push(row.join(','));
  });
  return `${rows.join('\n')}\n`;
}

export function profileCsv(result: RunResult): string {
  const o = result.observables;
  const header = ['layer', `position_${o.profile.axis}_A`];
  for (const sp of o.species) header.push(`${sp.species}_occupancy`, `${sp.species}_occupancy_se`);
  const rows = [header.join(',')];
  for (let l = 0; l < o.profile.layers; l++) {
    const row = [String(l), cell(o.profile.positionA[l])];
    for (const sp of o.species) row.push(cell(sp.profile.mean[l]), cell(sp.profile.se[l]));
    rows.push(row.join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** The stiffness report and the proton-chemistry estimates, one quantity per row. */
export function chemistryCsv(result: RunResult): string {
  const c = result.chemistry!;
  const rows = ['quantity,value,se'];
  for (const ch of c.channels) {
    rows.push(`"share ${ch.channel}",${ch.share},`);
    rows.push(`"balance index ${ch.channel}",${ch.balanceIndex},`);
  }
  for (const l of c.lubricatedFraction) rows.push(`"lubricated fraction ${l.species}",${l.fraction.value},${l.fraction.se}`);
  if (c.water) {
    rows.push(`turnover per surface site (Hz),${c.water.turnoverPerSiteHz.value},${c.water.turnoverPerSiteHz.se}`);
    rows.push(`OH* coverage,${c.water.hydroxideCoverage.value},${c.water.hydroxideCoverage.se}`);
    const t = c.water.turnoverWindowPerSiteHz;
    if (t) rows.push(`turnover per surface site over the fit window (Hz),${t.value},${t.se}`);
    const a = c.water.hydroxideCoverageTimeAveraged;
    if (a) rows.push(`OH* coverage averaged over the fit window,${a.value},${a.se}`);
  }
  for (const s of c.storedByOrigin) for (const o of ['initial', 'water', 'inserted'] as const) rows.push(`"${s.species} present (${o})",${s[o].value},${s[o].se}`);
  for (const l of c.ledger ?? []) {
    rows.push(`"${l.species} change",${l.change.value},${l.change.se}`);
    rows.push(`"${l.species} from water",${l.fromWater.value},${l.fromWater.se}`);
    rows.push(`"${l.species} from the electrolyte",${l.fromElectrolyte.value},${l.fromElectrolyte.se}`);
  }
  return rows.join('\n') + '\n';
}

/** inventory.csv: ions left in every finite reservoir inventory per sample, with concentration and pH (H+); null without one. */
export function inventoryCsv(result: RunResult): string | null {
  const inv = result.chemistry?.inventory ?? [];
  if (inv.length === 0) return null;
  const header = ['time_s'];
  for (const v of inv) header.push(`"${v.species} left at ${v.reservoir}"`, `"${v.species} left at ${v.reservoir} se"`, `"${v.species} at ${v.reservoir} (mol/L)"`, ...(v.pH ? [`"pH at ${v.reservoir}"`] : []));
  const rows = [header.join(',')];
  for (let k = 0; k < inv[0].timeS.length; k++) {
    const row = [String(inv[0].timeS[k])];
    for (const v of inv) row.push(String(v.ionsLeft.mean[k]), String(v.ionsLeft.se[k]), String(v.concentrationMolPerL[k]), ...(v.pH ? [String(v.pH[k])] : []));
    rows.push(row.join(','));
  }
  return rows.join('\n') + '\n';
}

/**
 * Checks, before a run, that `dir` is (or can be made) a writable directory:
 * a run of hours must not end with its result lost to a bad --csv path.
 */
export async function preflightCsvDir(dir: string): Promise<void> {
  if (dir.trim() === '') throw new CliError('--csv needs a directory path (got an empty string)');
  const existing = await stat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e))).catch((e: Error) => {
    throw new CliError(`--csv ${dir}: cannot use this path (${e.message})`);
  });
  if (existing && !existing.isDirectory()) throw new CliError(`--csv ${dir}: is a file, not a directory; give a directory for msd.csv, profile.csv and drift.csv`);
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.ionhop-write-test-${process.pid}`);
    await (await open(probe, 'w')).close();
    await rm(probe);
  } catch (e) {
    throw new CliError(`--csv ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a writable directory`);
  }
}

/**
 * Writes msd.csv, profile.csv, drift.csv (exchange.csv with reservoir faces, chemistry.csv with lubrication or reactions) into dir (created if needed); returns
 * the paths. All go to temporary files first and are renamed into place only
 * when all are complete, so an interrupted or failed write never leaves a cut
 * file or a new msd.csv beside an old profile.csv.
 */
export async function writeCsvFiles(result: RunResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [
    { path: join(dir, 'msd.csv'), text: msdCsv(result) },
    { path: join(dir, 'profile.csv'), text: profileCsv(result) },
    { path: join(dir, 'drift.csv'), text: driftCsv(result) },
  ];
  const exchange = exchangeCsv(result);
  if (exchange !== null) files.push({ path: join(dir, 'exchange.csv'), text: exchange });
  if (result.chemistry) files.push({ path: join(dir, 'chemistry.csv'), text: chemistryCsv(result) });
  const inventory = inventoryCsv(result);
  if (inventory !== null) files.push({ path: join(dir, 'inventory.csv'), text: inventory });
  try {
    await writeFilesAtomic(files);
  } catch (e) {
    throw new CliError(`--csv ${dir}: writing the CSV files failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the result above is complete`);
  }
  return files.map((f) => f.path);
}

/** All temporaries first, then the renames: either every file is new or (on a failed write) every file is as before. */
async function writeFilesAtomic(files: { path: string; text: string }[]): Promise<void> {
  const temps = files.map((f) => `${f.path}.tmp-${process.pid}`);
  const written: string[] = [];
  try {
    for (let k = 0; k < files.length; k++) {
      await writeFile(temps[k], files[k].text, { flag: 'wx' });
      written.push(temps[k]);
    }
  } catch (e) {
    await Promise.allSettled(written.map((t) => rm(t, { force: true })));
    throw e;
  }
  for (let k = 0; k < files.length; k++) await rename(temps[k], files[k].path);
}
