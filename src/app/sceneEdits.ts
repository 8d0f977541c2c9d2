// The parameters a user may change while a run goes on, and how an edit turns
// into a new validated scene. Keys are also the URL parameter names, so a link
// carries exactly what the sliders show.
import type { Scene } from '../model/scene/schema';
import { sceneSpecies } from '../model/scene/schema';
import { validateScene, SceneError } from '../model/scene/validate';
import type { RateModel } from '../model/rateModel';

export type ParamKind = 'temperature' | 'barrier' | 'interface' | 'count';

export interface EditableParam {
  /** Stable name, also the URL parameter: `T`, `barrier.<region>.<species>`, `interface.<k>.<species>`, `count.<k>`. */
  key: string;
  kind: ParamKind;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  /** Value in the unedited scene. */
  base: number;
  /** True when a change restarts the placement of the ions (a new initial state). */
  restartsPlacement: boolean;
  /** Region index for barrier sliders (for colour swatches), else -1. */
  region: number;
}

export type Edits = ReadonlyMap<string, number>;

/** Every parameter of this scene a user may change, in display order. */
export function editableParams(scene: Scene, model: RateModel): EditableParam[] {
  const out: EditableParam[] = [];
  out.push({
    key: 'T', kind: 'temperature', label: 'Temperature', unit: 'K',
    min: Math.min(100, scene.temperature), max: Math.max(1000, scene.temperature), step: 5,
    base: scene.temperature, restartsPlacement: false, region: -1,
  });
  scene.regions.forEach((region, r) => {
    for (const { name } of sceneSpecies(scene)) {
      if (!Object.prototype.hasOwnProperty.call(region.species, name)) continue;
      const p = region.species[name];
      out.push({
        key: `barrier.${region.name}.${name}`, kind: 'barrier', label: `${name} barrier in ${region.name}`, unit: 'eV',
        min: 0, max: barrierMax(p.barrier), step: 0.01, base: p.barrier, restartsPlacement: false, region: r,
      });
    }
  });
  scene.interfaces.forEach((iface, k) => {
    const [a, b] = iface.between.map((n) => scene.regions.find((r) => r.name === n)!);
    for (const [name, ea] of Object.entries(iface.barrier)) {
      const dE = Math.abs(a.species[name].siteEnergy - b.species[name].siteEnergy);
      out.push({
        key: `interface.${k}.${name}`, kind: 'interface', label: `${name} barrier ${iface.between[0]} ↔ ${iface.between[1]}`, unit: 'eV',
        min: roundUp(dE, 0.01), max: barrierMax(ea), step: 0.01, base: ea, restartsPlacement: false, region: -1,
      });
    }
  });
  scene.populations.forEach((p, k) => {
    const regions = model.populations[k].regions;
    let capacity = 0;
    for (let i = 0; i < model.nSites; i++) if (regions.includes(model.siteRegion[i])) capacity++;
    out.push({
      key: `count.${k}`, kind: 'count', label: `${p.species} ions${p.region ? ` in ${p.region}` : ''}`, unit: '',
      min: 0, max: capacity, step: 1, base: model.populations[k].count, restartsPlacement: true, region: -1,
    });
  });
  return out;
}

function barrierMax(value: number): number {
  return Math.min(50, Math.max(1, Math.ceil(value * 15) / 10));
}
function roundUp(v: number, step: number): number {
  return Math.ceil(v / step - 1e-9) * step;
}

/**
 * The scene with the edits applied, validated again. Throws SceneError naming
 * the parameter (not the scene path) when an edit is unknown or out of range.
 */
export function applyEdits(base: Scene, edits: Edits): Scene {
  const scene = structuredClone(base) as Scene;
  for (const [key, value] of edits) {
    if (!Number.isFinite(value)) throw new SceneError([{ path: key, message: 'must be a finite number', value }]);
    setParam(scene, key, value);
  }
  try {
    return validateScene(scene);
  } catch (e) {
    if (e instanceof SceneError) throw new SceneError(e.issues, 'the edited scene');
    throw e;
  }
}

function setParam(scene: Scene, key: string, value: number): void {
  const unknown = (why: string) => new SceneError([{ path: key, message: why, value }]);
  if (key === 'T') {
    scene.temperature = value;
    return;
  }
  const barrier = /^barrier\.(.+)\.([^.]+)$/.exec(key);
  if (barrier) {
    const [, regionName, species] = barrier;
    const region = scene.regions.find((r) => r.name === regionName);
    if (!region) throw unknown(`no region "${regionName}" in this scene; regions are ${scene.regions.map((r) => r.name).join(', ')}`);
    const p = region.species[species];
    if (!p) throw unknown(`${species} may not sit in region "${regionName}"`);
    p.barrier = value;
    return;
  }
  const iface = /^interface\.(\d+)\.([^.]+)$/.exec(key);
  if (iface) {
    const k = Number(iface[1]);
    const species = iface[2];
    const it = scene.interfaces[k];
    if (!it) throw unknown(`this scene has ${scene.interfaces.length} interface override(s)`);
    if (!(species in it.barrier)) throw unknown(`interface ${k} sets no barrier for ${species}`);
    it.barrier[species] = value;
    return;
  }
  const count = /^count\.(\d+)$/.exec(key);
  if (count) {
    const p = scene.populations[Number(count[1])];
    if (!p) throw unknown(`this scene has ${scene.populations.length} population(s)`);
    if (!Number.isInteger(value) || value < 0) throw unknown('an ion count must be a whole number ≥ 0');
    p.count = value;
    delete p.fraction;
    return;
  }
  throw unknown('unknown parameter; expected T, barrier.<region>.<species>, interface.<k>.<species> or count.<k>');
}

/** True when going from edits a to b needs new initial placement (ion counts changed). */
export function placementChanged(a: Edits, b: Edits): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) if (k.startsWith('count.') && a.get(k) !== b.get(k)) return true;
  return false;
}
