// A sweep of a scene with water dissociation and open faces carries what
// `ionhop run` reports for it: turnover per surface site ± SE, the OH*
// coverage, net flux per face and species, the stored charge; in --json and
// --csv, equal to `ionhop run` at the same parameter values and seeds. The
// turnover can be the observable --target-se watches and the figure --plot draws.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ionhopHere } from '../helpers/cliHere';
import { runScene } from '../../src/run/runScene';
import { validateScene } from '../../src/model/scene/validate';
import { judgePoint, type SweepResult } from '../../src/sweep/sweep';
import { smallVolcanoScene } from './scenes';

const E_OH = 'regions[0].species.OH-.siteEnergy';

describe('ionhop sweep of a reaction scene', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ionhop-sweep-chem-'));
  const sceneFile = join(dir, 'volcano.json');
  writeFileSync(sceneFile, JSON.stringify(smallVolcanoScene()));

  it('carries turnover ± SE, OH* coverage, face fluxes and stored charge in JSON and CSV, equal to ionhop run at each point', async () => {
    const csv = join(dir, 'csv');
    const out = await ionhopHere('sweep', sceneFile, '--set', `${E_OH}=-0.5:-0.3:3`, '--jobs', '1', '--json', '--csv', csv, '--quiet');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as SweepResult;
    expect(result.points).toHaveLength(3);

    const [header, ...rows] = readFileSync(join(csv, 'sweep.csv'), 'utf8').trim().split('\n').map(csvFields);
    const column = (name: string) => {
      const k = header.indexOf(name);
      expect(k, `sweep.csv column ${name}`).toBeGreaterThan(0);
      return rows.map((r) => Number(r[k]));
    };

    for (const p of result.points) {
      // `ionhop run` of the same scene file with the swept value written in and the point's seed.
      const json = smallVolcanoScene(p.seed, 3, p.values[0]);
      const run = JSON.parse(JSON.stringify(await runScene(validateScene(json))));
      expect(p.chemistry).toEqual(run.chemistry);
      expect(p.observables).toEqual(run.observables);

      const water = p.chemistry!.water!;
      expect(water.turnoverWindowPerSiteHz!.value).toBeGreaterThan(0);
      expect(water.turnoverWindowPerSiteHz!.se).toBeGreaterThan(0);
      expect(column('turnover_window_per_site_1_s')[p.index]).toBe(water.turnoverWindowPerSiteHz!.value);
      expect(column('turnover_window_per_site_se_1_s')[p.index]).toBe(water.turnoverWindowPerSiteHz!.se);
      expect(column('turnover_per_site_1_s')[p.index]).toBe(water.turnoverPerSiteHz.value);
      expect(column('oh_coverage_time_averaged')[p.index]).toBe(water.hydroxideCoverageTimeAveraged!.value);

      const x = p.observables.exchange!;
      const ohOut = x.perFaceSpecies.find((f) => f.face === 'electrolyte' && f.species === 'OH-')!;
      expect(column('OH-_face_electrolyte_net_flux_ions_s')[p.index]).toBe(ohOut.netFluxPerS.value);
      expect(column('OH-_face_electrolyte_net_flux_se_ions_s')[p.index]).toBe(ohOut.netFluxPerS.se);
      expect(column('H+_face_H+_sink_net_flux_ions_s')[p.index]).toBe(x.perFaceSpecies.find((f) => f.face === 'H+ sink' && f.species === 'H+')!.netFluxPerS.value);
      const oh = x.stored.find((s) => s.species === 'OH-')!;
      expect(column('OH-_stored_delta_n_ions')[p.index]).toBe(oh.deltaN.value);
      // OH- carries z = −1: the charge it stored is −ΔN.
      expect(column('OH-_stored_charge_e')[p.index]).toBe(-oh.deltaN.value + 0);
      expect(column('OH-_stored_charge_se_e')[p.index]).toBe(oh.deltaN.se);
    }
    // The volcano's top is in the middle: moderate binding turns over fastest (at these
    // seeds 424 ± 19, 3087 ± 333, 444 ± 76 Hz: the top stands 7.9 and 7.6 combined SE above its sides).
    const turnover = result.points.map((p) => p.chemistry!.water!.turnoverWindowPerSiteHz!.value);
    expect(turnover[1]).toBeGreaterThan(turnover[0]);
    expect(turnover[1]).toBeGreaterThan(turnover[2]);

    const table = await ionhopHere('merge', ...[writeJson(join(dir, 'all.json'), out.stdout)], '--quiet');
    expect(table.stdout).toContain('turnover (1/s per surface site)');
    expect(table.stdout).toContain('OH- net flux "electrolyte" (ions/s)');
    expect(table.stdout).toContain('OH- ΔN (ions)');

    // --plot: the turnover against E_OH on a log axis is the main figure.
    const svg = join(dir, 'volcano.svg');
    expect((await ionhopHere('plot', join(dir, 'all.json'), '-o', svg)).code).toBe(0);
    const figure = readFileSync(svg, 'utf8');
    expect(figure).toContain('turnover (1/s per surface site)');
    expect(figure).toContain(`${E_OH} (eV)`);
  });

  it('--observable turnover watches the turnover; a scene without the reaction is refused', async () => {
    const chemistry = (value: number, se: number) => ({ water: { turnoverPerSiteHz: { value: 1, se: 1 }, turnoverWindowPerSiteHz: { value, se } } }) as never;
    const observables = { species: [] } as never;
    expect(judgePoint(observables, 4, 0.1, 64, 'Zn2+', chemistry(100, 5), 'turnover')).toEqual({ reachedTarget: true, next: null });
    // 20 % relative SE with 4 replicas: (0.2/0.1)²·4·1.1 → 18 replicas wanted, at most 4× per round → 16.
    expect(judgePoint(observables, 4, 0.1, 64, 'Zn2+', chemistry(-100, 20), 'turnover')).toEqual({ reachedTarget: false, next: 16 });
    expect(judgePoint(observables, 4, 0.1, 64, 'Zn2+', chemistry(0, 0), 'turnover')).toEqual({ reachedTarget: false, next: null });

    const closed = join(dir, 'closed.json');
    const { reactions: _r, ...noReaction } = smallVolcanoScene();
    writeFileSync(closed, JSON.stringify(noReaction));
    const refused = await ionhopHere('sweep', closed, '--set', `${E_OH}=-0.5:-0.3:2`, '--target-se', '0.1', '--observable', 'turnover', '--quiet');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--observable turnover: the scene has no water-dissociation reaction/);
  });
});

/** The fields of one CSV line; a quoted field may hold commas and doubled quotes (the not-defined reasons do). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    fields.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
    if (m[2] === '') break;
  }
  return fields;
}

function writeJson(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
