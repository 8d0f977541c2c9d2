// The parameters a user may change while a run goes on, and how an edit turns
// into a new validated scene. Keys are also the URL parameter names, so a link
// carries exactly what the sliders show.
import type { Scene } from '../model/scene/schema';
import { sceneSpecies } from '../model/scene/schema';
import { validateScene, SceneError } from '../model/scene/validate';
import type { RateModel } from '../model/rateModel';

/** `energy`: an eV value that is no barrier (a site energy, a saddle shift); `switch`: 1 on, 0 off. */
export type ParamKind = 'temperature' | 'barrier' | 'interface' | 'count' | 'energy' | 'switch';

export interface EditableParam {
  /**
   * Stable name, also the URL parameter: `T`, `barrier.<region>.<species>`, `interface.<k>.<species>`, `count.<k>`,
   * `reaction.<k>.ohBinding`, `reaction.<k>.barrier`, `reaction.<k>.catalyst` (switch), `lubrication.<k>.saddleShift`.
   */
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
  out.push(...chemistryParams(scene));
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

/**
 * The proton-chemistry parameters the presets' classroom texts ask a teacher to
 * change: per water-dissociation reaction the *OH binding energy (the
 * hydroxide's site energy on the reaction's surface regions), the BEP intercept
 * barrier and, when it has a catalyst, Zn2+ assistance on/off; per lubrication
 * rule the saddle shift λ.
 */
function chemistryParams(scene: Scene): EditableParam[] {
  const out: EditableParam[] = [];
  scene.reactions.forEach((reaction, k) => {
    const surface = scene.regions.find((r) => r.name === reaction.surface[0]);
    const oh = surface?.species[reaction.hydroxide];
    if (oh) {
      out.push({
        key: `reaction.${k}.ohBinding`, kind: 'energy', label: `*OH binding energy (${reaction.hydroxide} site energy in ${reaction.surface.join(', ')})`, unit: 'eV',
        min: Math.min(-1.5, oh.siteEnergy), max: Math.max(0.5, oh.siteEnergy), step: 0.01, base: oh.siteEnergy, restartsPlacement: false, region: -1,
      });
    }
    out.push({
      key: `reaction.${k}.barrier`, kind: 'barrier', label: 'Water dissociation barrier (BEP intercept)', unit: 'eV',
      min: 0, max: Math.max(2, barrierMax(reaction.barrier)), step: 0.01, base: reaction.barrier, restartsPlacement: false, region: -1,
    });
    if (reaction.catalyst && reaction.catalyst.barrierShift !== 0) {
      out.push({
        key: `reaction.${k}.catalyst`, kind: 'switch', label: `${reaction.catalyst.species} assistance (λ = ${reaction.catalyst.barrierShift} eV; off = 0)`, unit: '',
        min: 0, max: 1, step: 1, base: 1, restartsPlacement: false, region: -1,
      });
    }
  });
  scene.lubrication.forEach((rule, k) => {
    out.push({
      key: `lubrication.${k}.saddleShift`, kind: 'energy', label: `Lubrication shift λ (${rule.species} hops next to ${rule.by})`, unit: 'eV',
      min: Math.min(-1.5, rule.saddleShift), max: Math.max(0.5, rule.saddleShift), step: 0.01, base: rule.saddleShift, restartsPlacement: false, region: -1,
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
  if (setChemistryParam(scene, key, value, unknown)) return;
  const count = /^count\.(\d+)$/.exec(key);
  if (count) {
    const p = scene.populations[Number(count[1])];
    if (!p) throw unknown(`this scene has ${scene.populations.length} population(s)`);
    if (!Number.isInteger(value) || value < 0) throw unknown('an ion count must be a whole number ≥ 0');
    p.count = value;
    delete p.fraction;
    return;
  }
  throw unknown('unknown parameter; expected T, barrier.<region>.<species>, interface.<k>.<species>, count.<k>, reaction.<k>.ohBinding, reaction.<k>.barrier, reaction.<k>.catalyst or lubrication.<k>.saddleShift');
}

/**
 * Sets a reaction or lubrication parameter; false when `key` is none of them.
 * Range checks are left to validateScene, whose message names the scene field.
 */
function setChemistryParam(scene: Scene, key: string, value: number, unknown: (why: string) => SceneError): boolean {
  const reaction = /^reaction\.(\d+)\.(ohBinding|barrier|catalyst)$/.exec(key);
  if (reaction) {
    const r = scene.reactions[Number(reaction[1])];
    if (!r) throw unknown(`this scene has ${scene.reactions.length} reaction(s)`);
    if (reaction[2] === 'barrier') r.barrier = value;
    else if (reaction[2] === 'catalyst') {
      if (!r.catalyst) throw unknown('this reaction has no catalyst to switch');
      if (value !== 0 && value !== 1) throw unknown('catalyst assistance is 1 (on) or 0 (off)');
      // Off sets the shift to 0; on keeps the scene's own shift.
      if (value === 0) r.catalyst.barrierShift = 0;
    } else {
      for (const name of r.surface) {
        const p = scene.regions.find((g) => g.name === name)?.species[r.hydroxide];
        if (!p) throw unknown(`${r.hydroxide} may not sit in surface region "${name}"`);
        p.siteEnergy = value;
      }
    }
    return true;
  }
  const lub = /^lubrication\.(\d+)\.saddleShift$/.exec(key);
  if (lub) {
    const rule = scene.lubrication[Number(lub[1])];
    if (!rule) throw unknown(`this scene has ${scene.lubrication.length} lubrication rule(s)`);
    rule.saddleShift = value;
    return true;
  }
  return false;
}

/** True when going from edits a to b needs new initial placement (ion counts changed). */
export function placementChanged(a: Edits, b: Edits): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) if (k.startsWith('count.') && a.get(k) !== b.get(k)) return true;
  return false;
}
