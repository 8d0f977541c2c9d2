// `ionhop merge shard-*.json`: joins the outputs of `ionhop sweep --shard k/n`
// into the record an unsharded run gives: the same points in index order and
// the fits recomputed over all of them.
import { validateScene } from '../model/scene/validate';
import { CliError } from '../cli/errors';
import { sweepFits } from './fits';
import type { SweepResult } from './sweep';

/** The fields every shard of one sweep must share. */
const SHARED = ['ionhop', 'axes', 'zip', 'engine', 'replicas', 'targetSe', 'maxReplicas', 'species', 'observable', 'totalPoints'] as const;

export function mergeSweeps(parts: { file: string; result: SweepResult }[]): SweepResult {
  if (parts.length === 0) throw new CliError('ionhop merge needs at least one sweep .json file');
  const first = parts[0];
  for (const { file, result } of parts) {
    if (result?.kind !== 'ionhop-sweep') throw new CliError(`${file} is not the --json output of ionhop sweep (no "kind": "ionhop-sweep")`);
    if (result.scene.sha256 !== first.result.scene.sha256)
      throw new CliError(`${file} ran another scene (sha256 ${result.scene.sha256.slice(0, 12)}…) than ${first.file} (${first.result.scene.sha256.slice(0, 12)}…)`);
    for (const key of SHARED)
      if (JSON.stringify(result[key]) !== JSON.stringify(first.result[key]))
        throw new CliError(`${file} and ${first.file} differ in ${key} (${JSON.stringify(result[key])} vs ${JSON.stringify(first.result[key])}); merge only shards of one sweep command`);
  }
  const total = first.result.totalPoints;
  const byIndex = new Map<number, { file: string; point: SweepResult['points'][number] }>();
  for (const { file, result } of parts)
    for (const point of result.points) {
      const seen = byIndex.get(point.index);
      if (seen) throw new CliError(`point ${point.index} appears in both ${seen.file} and ${file}; give each shard once`);
      byIndex.set(point.index, { file, point });
    }
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    const shards = [...new Set(parts.map((p) => p.result.shard).filter((s) => s !== null).map((s) => `${s!.k}/${s!.n}`))];
    throw new CliError(`${missing.length} of ${total} points are missing (indices ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}); shards given: ${shards.join(', ') || 'none'}`);
  }
  const points = [...byIndex.values()].map((v) => v.point).sort((a, b) => a.index - b.index);
  const temperature = validateScene(first.result.scene.json, first.file).temperature;
  return {
    ...first.result,
    shard: null,
    points,
    fits: sweepFits(first.result.axes, points, first.result.species, temperature),
    wallTimeS: parts.reduce((s, p) => s + p.result.wallTimeS, 0),
  };
}
