// CSV export of MSD(t), the occupancy profile and the drift observables.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../run/runScene';
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

/** Writes msd.csv, profile.csv, drift.csv (and exchange.csv with reservoir faces) into dir (created if needed); returns the paths. */
export async function writeCsvFiles(result: RunResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const msd = join(dir, 'msd.csv');
  const profile = join(dir, 'profile.csv');
  const drift = join(dir, 'drift.csv');
  await writeFile(msd, msdCsv(result));
  await writeFile(profile, profileCsv(result));
  await writeFile(drift, driftCsv(result));
  const exchange = exchangeCsv(result);
  if (exchange === null) return [msd, profile, drift];
  const exchangePath = join(dir, 'exchange.csv');
  await writeFile(exchangePath, exchange);
  return [msd, profile, drift, exchangePath];
}
