// Turns untrusted JSON into a Scene, or a SceneError listing every problem
// with its field path, the offending value and what is allowed.
// rateModel.ts imports this module too; both only call each other's functions at run time.
import { compileRateModel } from '../rateModel';
import { rateBoundIssues } from '../rateBounds';
import { sceneSchema, sceneSpecies, AXES, MAX_SITES, type Scene } from './schema';
import { LATTICE_DIM } from '../lattice';

export interface SceneIssue {
  /** Field path in the scene file, e.g. `regions[1].species.Zn2+.barrier`. */
  path: string;
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
}

export class SceneError extends Error {
  constructor(readonly issues: SceneIssue[], readonly source = 'scene') {
    super(formatIssues(issues, source));
    this.name = 'SceneError';
  }
}

export function formatIssues(issues: SceneIssue[], source = 'scene'): string {
  const lines = issues.map((i) => {
    const where = i.path === '' ? '(top level)' : i.path;
    const got = i.value === undefined ? '' : ` (got ${showValue(i.value)})`;
    return `  ${printable(where)}: ${printable(i.message)}${got}`;
  });
  return `${printable(source)} is not a valid ionhop scene:\n${lines.join('\n')}`;
}

/** Control characters from a file (keys, names) shown as escapes, never sent raw to a terminal. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function showValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  const s = printable(JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function pathToString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Parses JSON text; a syntax error becomes a SceneError with the position. */
export function parseSceneText(text: string, source = 'scene'): Scene {
  let data: unknown;
  try {
    // A UTF-8 byte-order mark (editors on Windows write one) is not part of the JSON.
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new SceneError([{ path: '', message: `not valid JSON: ${(e as Error).message}` }], source);
  }
  return validateScene(data, source);
}

/**
 * Messages for the issues the schema leaves to zod's defaults ("expected number,
 * received string"): say what is allowed in words, with the bounds.
 */
function genericIssueMessage(iss: { code?: string; input?: unknown; [k: string]: unknown }): string | undefined {
  const kind = (expected: unknown) =>
    ({ number: 'a number', int: 'a whole number', string: 'a string', array: 'a list [...]', object: 'an object {...}', boolean: 'true or false', tuple: 'a list [...]' })[String(expected)] ?? String(expected);
  const bound = (v: unknown) => (typeof v === 'bigint' ? v.toString() : String(v));
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? `is required: ${kind(iss.expected)}` : `must be ${kind(iss.expected)}`;
    case 'too_small':
      if (iss.origin === 'array') return `needs at least ${bound(iss.minimum)} entries`;
      if (iss.origin === 'string') return `needs at least ${bound(iss.minimum)} characters`;
      return `must be ${iss.inclusive ? '≥' : '>'} ${bound(iss.minimum)}`;
    case 'too_big':
      if (iss.origin === 'array') return `takes at most ${bound(iss.maximum)} entries`;
      if (iss.origin === 'string') return `takes at most ${bound(iss.maximum)} characters`;
      return `must be ${iss.inclusive ? '≤' : '<'} ${bound(iss.maximum)}`;
    case 'invalid_value':
      return `must be one of ${(iss.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

/** Paths of every "__proto__" key in parsed JSON (JSON.parse makes it an own key; zod would drop it silently). */
function prototypeKeyPaths(data: unknown, path: PropertyKey[] = [], out: string[] = []): string[] {
  if (data === null || typeof data !== 'object' || path.length > 64) return out;
  if (Array.isArray(data)) data.forEach((v, i) => prototypeKeyPaths(v, [...path, i], out));
  else {
    for (const key of Object.keys(data)) {
      if (key === '__proto__') out.push(pathToString([...path, key]));
      prototypeKeyPaths((data as Record<string, unknown>)[key], [...path, key], out);
    }
  }
  return out;
}

/** Validates shape, ranges and cross-field relations; throws SceneError. */
export function validateScene(data: unknown, source = 'scene'): Scene {
  const protoKeys = prototypeKeyPaths(data);
  if (protoKeys.length > 0) {
    throw new SceneError(protoKeys.map((path) => ({ path, message: 'the key "__proto__" is not allowed anywhere in a scene (it would change the object\'s prototype, not add a field)' })), source);
  }
  const parsed = sceneSchema.safeParse(data, { reportInput: true, error: genericIssueMessage });
  if (!parsed.success) {
    const issues: SceneIssue[] = parsed.error.issues.map((iss) => {
      const base = pathToString(iss.path);
      if (iss.code === 'unrecognized_keys') {
        const keys = iss.keys.map((k) => (base ? `${base}.${k}` : k));
        return { path: keys.join(', '), message: `unknown key${iss.keys.length > 1 ? 's' : ''}; check the spelling against docs/scene-format.md` };
      }
      const value = 'input' in iss ? iss.input : undefined;
      return { path: base, message: iss.message, value };
    });
    throw new SceneError(issues, source);
  }
  const scene = parsed.data;
  const issues = checkRelations(scene);
  if (issues.length > 0) throw new SceneError(issues, source);
  const rateIssues = rateBoundIssues(scene, compileRateModel(scene));
  if (rateIssues.length > 0) throw new SceneError(rateIssues, source);
  return scene;
}

/** Region index of every site, or issues when regions overlap, leave the box or leave sites uncovered. */
export function assignRegions(scene: Scene): { siteRegion: Uint8Array; issues: SceneIssue[] } {
  const issues: SceneIssue[] = [];
  const dim = LATTICE_DIM[scene.lattice.type];
  const size = [scene.lattice.size[0], scene.lattice.size[1], dim === 3 ? scene.lattice.size[2] : 1];
  // Regions cover cells; every site of a cell (both honeycomb sublattices) shares its region.
  const basis = scene.lattice.type === 'honeycomb' ? 2 : 1;
  const nCells = size[0] * size[1] * size[2];
  const cellRegion = new Uint8Array(nCells).fill(255);
  let host = -1;
  scene.regions.forEach((region, r) => {
    const at = `regions[${r}]`;
    if (region.slab && region.box) {
      issues.push({ path: at, message: 'give slab or box, not both' });
      return;
    }
    if (!region.slab && !region.box) {
      if (host >= 0) issues.push({ path: at, message: `only one region may omit slab/box (the host filling the rest); "${scene.regions[host].name}" already does` });
      else host = r;
      return;
    }
    const from = [0, 0, 0];
    const to = [size[0], size[1], size[2]];
    if (region.slab) {
      const a = AXES.indexOf(region.slab.axis);
      if (a >= dim) {
        issues.push({ path: `${at}.slab.axis`, message: `a ${scene.lattice.type} lattice has axes ${AXES.slice(0, dim).join(', ')}`, value: region.slab.axis });
        return;
      }
      from[a] = region.slab.from;
      to[a] = region.slab.to;
      if (region.slab.to <= region.slab.from || region.slab.to > size[a]) {
        issues.push({ path: `${at}.slab`, message: `needs 0 ≤ from < to ≤ ${size[a]} (lattice size along ${region.slab.axis})`, value: { from: region.slab.from, to: region.slab.to } });
        return;
      }
    } else if (region.box) {
      if (region.box.from.length !== dim || region.box.to.length !== dim) {
        issues.push({ path: `${at}.box`, message: `from and to need ${dim} entries for a ${scene.lattice.type} lattice` });
        return;
      }
      for (let a = 0; a < dim; a++) {
        from[a] = region.box.from[a];
        to[a] = region.box.to[a];
        if (to[a] <= from[a] || to[a] > size[a]) {
          issues.push({ path: `${at}.box`, message: `along ${AXES[a]} needs 0 ≤ from < to ≤ ${size[a]}`, value: { from: from[a], to: to[a] } });
          return;
        }
      }
    }
    for (let z = from[2]; z < to[2]; z++)
      for (let y = from[1]; y < to[1]; y++)
        for (let x = from[0]; x < to[0]; x++) {
          const i = x + size[0] * (y + size[1] * z);
          if (cellRegion[i] !== 255) {
            issues.push({ path: at, message: `overlaps region "${scene.regions[cellRegion[i]].name}" at site (${[x, y, z].slice(0, dim).join(', ')}); regions must not overlap` });
            return;
          }
          cellRegion[i] = r;
        }
  });
  let uncovered = 0;
  for (let i = 0; i < nCells; i++) {
    if (cellRegion[i] === 255) {
      if (host >= 0) cellRegion[i] = host;
      else uncovered++;
    }
  }
  let siteRegion = cellRegion;
  if (basis > 1) {
    siteRegion = new Uint8Array(nCells * basis);
    for (let i = 0; i < siteRegion.length; i++) siteRegion[i] = cellRegion[Math.floor(i / basis)];
    uncovered *= basis;
  }
  if (uncovered > 0 && issues.length === 0) {
    issues.push({ path: 'regions', message: `${uncovered} sites belong to no region; add a region without slab/box to fill the rest` });
  }
  return { siteRegion, issues };
}

function checkRelations(scene: Scene): SceneIssue[] {
  const issues: SceneIssue[] = [];
  const dim = LATTICE_DIM[scene.lattice.type];
  const { lattice } = scene;
  if (lattice.interlayerSpacing !== undefined && lattice.type !== 'layered') {
    issues.push({ path: 'lattice.interlayerSpacing', message: `only a layered lattice has an interlayer spacing; this one is ${lattice.type}`, value: lattice.interlayerSpacing });
  }
  if (lattice.size.length !== dim) issues.push({ path: 'lattice.size', message: `a ${lattice.type} lattice needs ${dim} sizes`, value: lattice.size });
  if (lattice.boundary.length !== dim) issues.push({ path: 'lattice.boundary', message: `a ${lattice.type} lattice needs ${dim} boundaries`, value: lattice.boundary });
  if (issues.length > 0) return issues;
  const nSites = lattice.size.reduce((a, b) => a * b, 1);
  if (nSites > MAX_SITES) issues.push({ path: 'lattice.size', message: `${nSites} sites; at most ${MAX_SITES} are allowed`, value: lattice.size });
  lattice.size.forEach((n, a) => {
    if (n < 2) issues.push({ path: `lattice.size[${a}]`, message: 'each size must be at least 2 sites', value: n });
  });
  if (scene.field && AXES.indexOf(scene.field.axis) >= dim) issues.push({ path: 'field.axis', message: `a ${lattice.type} lattice has axes ${AXES.slice(0, dim).join(', ')}`, value: scene.field.axis });
  if (scene.observe.profileAxis && AXES.indexOf(scene.observe.profileAxis) >= dim) issues.push({ path: 'observe.profileAxis', message: `a ${lattice.type} lattice has axes ${AXES.slice(0, dim).join(', ')}`, value: scene.observe.profileAxis });
  if (issues.length > 0) return issues;

  const speciesNames = sceneSpecies(scene).map((sp) => sp.name);
  const known = new Set<string>();
  speciesNames.forEach((name, k) => {
    if (known.has(name)) issues.push({ path: `species[${k}].name`, message: 'species names must be unique', value: name });
    known.add(name);
  });
  const isSpecies = (sp: string) => known.has(sp);
  const unknownSpecies = `unknown species; allowed: ${speciesNames.join(', ')}${scene.species ? '' : ' (declare others in "species")'}`;
  const names = new Map<string, number>();
  scene.regions.forEach((region, r) => {
    if (names.has(region.name)) issues.push({ path: `regions[${r}].name`, message: 'region names must be unique', value: region.name });
    names.set(region.name, r);
    for (const [sp, p] of Object.entries(region.species)) {
      if (!isSpecies(sp)) issues.push({ path: `regions[${r}].species.${sp}`, message: unknownSpecies });
      if (p.interlayerBarrier !== undefined && lattice.type !== 'layered') {
        issues.push({ path: `regions[${r}].species.${sp}.interlayerBarrier`, message: `only a layered lattice has hops between layers; this one is ${lattice.type}`, value: p.interlayerBarrier });
      }
    }
  });
  const { siteRegion, issues: geometryIssues } = assignRegions(scene);
  issues.push(...geometryIssues);

  const allowedIn = (sp: string, r: number) => Object.prototype.hasOwnProperty.call(scene.regions[r].species, sp);
  scene.interfaces.forEach((iface, k) => {
    const at = `interfaces[${k}]`;
    const [a, b] = iface.between.map((n) => names.get(n));
    iface.between.forEach((n, j) => {
      if (!names.has(n)) issues.push({ path: `${at}.between[${j}]`, message: `unknown region; regions are ${[...names.keys()].join(', ')}`, value: n });
    });
    if (a === undefined || b === undefined) return;
    if (a === b) issues.push({ path: `${at}.between`, message: 'an interface joins two different regions', value: iface.between });
    for (const [sp, ea] of Object.entries(iface.barrier)) {
      if (!isSpecies(sp)) {
        issues.push({ path: `${at}.barrier.${sp}`, message: unknownSpecies });
        continue;
      }
      if (!allowedIn(sp, a) || !allowedIn(sp, b)) {
        issues.push({ path: `${at}.barrier.${sp}`, message: `${sp} must be allowed in both "${iface.between[0]}" and "${iface.between[1]}" to cross between them` });
        continue;
      }
      const ea0 = scene.regions[a].species[sp].siteEnergy;
      const eb0 = scene.regions[b].species[sp].siteEnergy;
      if (ea < Math.abs(ea0 - eb0)) {
        issues.push({ path: `${at}.barrier.${sp}`, message: `is measured from the lower site energy and must be ≥ |ΔE| = ${Math.abs(ea0 - eb0).toFixed(4)} eV so the saddle lies above both sites`, value: ea });
      }
    }
  });
  scene.interactions.forEach((it, k) => {
    it.species.forEach((sp, j) => {
      if (!isSpecies(sp)) issues.push({ path: `interactions[${k}].species[${j}]`, message: unknownSpecies, value: sp });
    });
  });

  const seenRules = new Set<string>();
  scene.lubrication.forEach((rule, k) => {
    for (const key of ['species', 'by'] as const) {
      if (!isSpecies(rule[key])) issues.push({ path: `lubrication[${k}].${key}`, message: unknownSpecies, value: rule[key] });
    }
    const id = `${rule.species}\u0000${rule.by}`;
    if (seenRules.has(id)) issues.push({ path: `lubrication[${k}]`, message: `a second rule for ${rule.species} lubricated by ${rule.by}; merge them into one`, value: { species: rule.species, by: rule.by } });
    seenRules.add(id);
  });

  if (geometryIssues.length > 0) return issues;
  // Populations must fit for every seed: placement (initialState.ts) puts each
  // population's ions on uniformly random free sites of its regions, so an earlier
  // population may take up to min(its count, the shared sites) of a later one's sites.
  const regionSites = new Float64Array(scene.regions.length);
  for (let i = 0; i < siteRegion.length; i++) regionSites[siteRegion[i]]++;
  const placed: { regions: Set<number>; count: number }[] = [];
  scene.populations.forEach((p, k) => {
    const at = `populations[${k}]`;
    if (!isSpecies(p.species)) {
      issues.push({ path: `${at}.species`, message: unknownSpecies, value: p.species });
      return;
    }
    let targets: number[];
    if (p.region !== undefined) {
      const r = names.get(p.region);
      if (r === undefined) {
        issues.push({ path: `${at}.region`, message: `unknown region; regions are ${[...names.keys()].join(', ')}`, value: p.region });
        return;
      }
      if (!allowedIn(p.species, r)) {
        issues.push({ path: `${at}.region`, message: `${p.species} is not allowed in "${p.region}" (add it to that region's species)`, value: p.region });
        return;
      }
      targets = [r];
    } else {
      targets = scene.regions.map((_, r) => r).filter((r) => allowedIn(p.species, r));
      if (targets.length === 0) {
        issues.push({ path: `${at}.species`, message: `${p.species} is allowed in no region`, value: p.species });
        return;
      }
    }
    const capacity = targets.reduce((n, r) => n + regionSites[r], 0);
    let mayBeTaken = 0;
    for (const earlier of placed) mayBeTaken += Math.min(earlier.count, targets.reduce((n, r) => n + (earlier.regions.has(r) ? regionSites[r] : 0), 0));
    const available = capacity - Math.min(capacity, mayBeTaken);
    const want = p.count ?? Math.round((p.fraction ?? 0) * capacity);
    if (want > available) {
      const others = mayBeTaken > 0 ? `, of which earlier populations, placed at random, may take ${Math.min(capacity, mayBeTaken)} for some seed` : '';
      issues.push({ path: `${at}.${p.count !== undefined ? 'count' : 'fraction'}`, message: `asks for ${want} ions but only ${available} free sites remain where ${p.species} may sit for every seed (one ion per site; ${capacity} sites in all${others})`, value: p.count ?? p.fraction });
      return;
    }
    placed.push({ regions: new Set(targets), count: want });
  });
  if (scene.protocol?.potentials) {
    const steps = scene.protocol.potentials.length;
    if (scene.reservoirs.length === 0) issues.push({ path: 'protocol', message: 'a potential protocol acts on the electrolyte: open a face or region first (reservoirs)' });
    if (scene.run.time === undefined || scene.run.events !== undefined) {
      issues.push({ path: 'run', message: 'with a protocol give run.time only (its steps share it equally), not run.events' });
    } else if (scene.run.samples % steps !== 0) {
      issues.push({ path: 'run.samples', message: `must be a multiple of the ${steps} protocol steps so that every step starts on a sample`, value: scene.run.samples });
    }
  }
  if (scene.protocol?.pulse) issues.push(...pulseIssues(scene, scene.protocol.pulse));
  return issues;
}

/** A GITT-like pulse: a reservoir to drive, a species that crosses it, run.time = cycles·(duration + relaxation), samples on every segment start. */
function pulseIssues(scene: Scene, pulse: NonNullable<NonNullable<Scene['protocol']>['pulse']>): SceneIssue[] {
  const issues: SceneIssue[] = [];
  const at = 'protocol.pulse';
  if (scene.reservoirs.length === 0) return [{ path: 'protocol', message: 'a pulse acts through the faces open to the electrolyte: open a face or region first (reservoirs)' }];
  const names = scene.reservoirs.map((r) => r.name);
  const reservoir = pulse.reservoir === undefined ? scene.reservoirs[0] : scene.reservoirs.find((r) => r.name === pulse.reservoir);
  if (!reservoir) issues.push({ path: `${at}.reservoir`, message: `unknown reservoir; reservoirs are ${names.join(', ')}`, value: pulse.reservoir });
  else if (reservoir.desolvationBarrier[pulse.species] === undefined) {
    issues.push({ path: `${at}.species`, message: `does not cross the reservoir "${reservoir.name}" (it has no desolvationBarrier there); species that do: ${Object.keys(reservoir.desolvationBarrier).join(', ') || 'none'}`, value: pulse.species });
  } else if (pulse.current !== undefined && reservoir.inventory?.[pulse.species] !== undefined) {
    // A current source puts ions in from outside the model; a finite inventory counts the electrolyte's own ions.
    issues.push({ path: `${at}.current`, message: `a current source cannot drive ${pulse.species} through "${reservoir.name}", whose electrolyte holds a finite inventory of it (reservoirs[].inventory); use a potentiostatic pulse (protocol.pulse.potential) or drop the inventory`, value: pulse.current });
  }
  const segments = 2 * pulse.cycles;
  const total = pulse.cycles * (pulse.duration + pulse.relaxation);
  if (scene.run.time === undefined || scene.run.events !== undefined) {
    issues.push({ path: 'run', message: `with a pulse protocol give run.time only, equal to cycles·(duration + relaxation) = ${total} s, not run.events` });
  } else {
    if (Math.abs(scene.run.time - total) > 1e-9 * total) issues.push({ path: 'run.time', message: `must equal protocol.pulse cycles·(duration + relaxation) = ${total} s`, value: scene.run.time });
    if (scene.run.samples % segments !== 0) {
      issues.push({ path: 'run.samples', message: `must be a multiple of ${segments} (a pulse and a relaxation per cycle, ${pulse.cycles} cycles): each segment gets an equal share of the samples`, value: scene.run.samples });
    }
  }
  return issues;
}
