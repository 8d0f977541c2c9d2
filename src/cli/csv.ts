// CSV export of MSD(t), the occupancy profile and the drift observables.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../run/runScene';
import { driftCsv } from './driftCsv';

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
  }
  for (const s of c.storedByOrigin) for (const o of ['initial', 'water', 'inserted'] as const) rows.push(`"${s.species} present (${o})",${s[o].value},${s[o].se}`);
  return rows.join('\n') + '\n';
}

/** Writes msd.csv, profile.csv and drift.csv into dir (created if needed); returns the paths. */
export async function writeCsvFiles(result: RunResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const msd = join(dir, 'msd.csv');
  const profile = join(dir, 'profile.csv');
  const drift = join(dir, 'drift.csv');
  await writeFile(msd, msdCsv(result));
  await writeFile(profile, profileCsv(result));
  await writeFile(drift, driftCsv(result));
  if (!result.chemistry) return [msd, profile, drift];
  const chemistry = join(dir, 'chemistry.csv');
  await writeFile(chemistry, chemistryCsv(result));
  return [msd, profile, drift, chemistry];
}
