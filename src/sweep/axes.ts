// The swept parameters of `ionhop sweep`: `--set <json.path>=<from>:<to>:<n>[:log]`.
// Paths address the scene file's JSON generically (keys and [index] steps), so a
// new scene field can be swept without touching this module; the scene validator
// then judges every value.
import { CliError } from '../cli/errors';

/** One step of a JSON path: an object key or an array index. */
export type PathStep = string | number;

export interface SweepAxis {
  /** The path as the user wrote it, e.g. `regions[1].species.Zn2+.barrier`. */
  path: string;
  steps: PathStep[];
  from: number;
  to: number;
  /** Number of values, ≥ 1. */
  n: number;
  /** Values spaced evenly in log (both ends > 0) instead of linearly. */
  log: boolean;
  /** The n values, from `from` to `to` inclusive. */
  values: number[];
}

/** Most values one axis may hold, and most points a sweep may hold (each point is at least one run). */
export const MAX_AXIS_VALUES = 10_000;
export const MAX_SWEEP_POINTS = 100_000;

/**
 * Splits `regions[1].species.Zn2+.barrier` into ['regions', 1, 'species', 'Zn2+', 'barrier'].
 * Keys may hold any character except `.`, `[` and `]` (species names such as `Zn2+` do).
 */
export function parsePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    m = re.exec(path);
    if (!m) throw new CliError(`--set path "${path}": unexpected "${path.slice(at)}"; write keys separated by "." and array indices as [n], e.g. regions[1].species.Zn2+.barrier`);
    if (m[1] !== undefined) {
      if (!expectKey) throw new CliError(`--set path "${path}": a key must follow "." (at "${m[1]}")`);
      steps.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (steps.length === 0) throw new CliError(`--set path "${path}" must start with a key, e.g. temperature or regions[0]...`);
      steps.push(Number(m[2]));
      expectKey = false;
    } else {
      if (expectKey) throw new CliError(`--set path "${path}": empty key before "."`);
      expectKey = true;
    }
    at = re.lastIndex;
  }
  if (steps.length === 0 || expectKey) throw new CliError(`--set path "${path}" is empty or ends with "."; e.g. --set temperature=250:800:8`);
  return steps;
}

function parseNumber(text: string, what: string, spec: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CliError(`--set ${spec}: ${what} must be a finite number (got "${text}")`);
  return v;
}

/** Parses one `--set` argument. */
export function parseAxis(spec: string): SweepAxis {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new CliError(`--set "${spec}": expected <json.path>=<from>:<to>:<n>[:log], e.g. --set temperature=250:800:8:log`);
  const path = spec.slice(0, eq).trim();
  const range = spec.slice(eq + 1).split(':');
  if (range.length < 3 || range.length > 4 || (range.length === 4 && range[3] !== 'log' && range[3] !== 'lin'))
    throw new CliError(`--set "${spec}": the range must be <from>:<to>:<n> or <from>:<to>:<n>:log (got "${spec.slice(eq + 1)}")`);
  const from = parseNumber(range[0], 'from', spec);
  const to = parseNumber(range[1], 'to', spec);
  const n = Number(range[2]);
  if (!Number.isInteger(n) || n < 1 || n > MAX_AXIS_VALUES) throw new CliError(`--set ${spec}: n must be a whole number in [1, ${MAX_AXIS_VALUES}] (got "${range[2]}")`);
  const log = range[3] === 'log';
  if (log && !(from > 0 && to > 0)) throw new CliError(`--set ${spec}: a log range needs from > 0 and to > 0 (got ${from} and ${to})`);
  if (n === 1 && from !== to) throw new CliError(`--set ${spec}: one value (n = 1) needs from = to (got ${from} and ${to})`);
  return { path, steps: parsePath(path), from, to, n, log, values: axisValues(from, to, n, log) };
}

/** n values from `from` to `to`, ends exact, evenly spaced (in log when asked). */
export function axisValues(from: number, to: number, n: number, log: boolean): number[] {
  if (n === 1) return [from];
  const values: number[] = [];
  for (let k = 0; k < n; k++) {
    const f = k / (n - 1);
    values.push(k === 0 ? from : k === n - 1 ? to : log ? Math.exp(Math.log(from) + f * (Math.log(to) - Math.log(from))) : from + f * (to - from));
  }
  return values;
}

/** One point of the grid: its index and the value of every axis. */
export interface SweepPoint {
  index: number;
  values: number[];
}

/**
 * The grid: the product of the axes (the first axis varies slowest, like nested
 * loops written in --set order), or with `zip` the k-th value of every axis
 * together (all axes must then hold the same number of values).
 */
export function sweepGrid(axes: readonly SweepAxis[], zip: boolean): SweepPoint[] {
  if (axes.length === 0) throw new CliError('ionhop sweep needs at least one --set <json.path>=<from>:<to>:<n>[:log]');
  const seen = new Set<string>();
  for (const a of axes) {
    const key = JSON.stringify(a.steps);
    if (seen.has(key)) throw new CliError(`--set ${a.path} is given twice; sweep each field once`);
    seen.add(key);
  }
  if (zip) {
    const n = axes[0].n;
    const other = axes.find((a) => a.n !== n);
    if (other) throw new CliError(`--zip needs the same number of values on every --set axis (${axes[0].path} has ${n}, ${other.path} has ${other.n})`);
    return Array.from({ length: n }, (_, k) => ({ index: k, values: axes.map((a) => a.values[k]) }));
  }
  const total = axes.reduce((p, a) => p * a.n, 1);
  if (total > MAX_SWEEP_POINTS) throw new CliError(`the grid of the --set axes has ${total} points; at most ${MAX_SWEEP_POINTS} are allowed (use fewer values or --zip)`);
  const points: SweepPoint[] = [];
  for (let index = 0; index < total; index++) {
    const values: number[] = [];
    let rest = index;
    for (let k = axes.length - 1; k >= 0; k--) {
      values[k] = axes[k].values[rest % axes[k].n];
      rest = Math.floor(rest / axes[k].n);
    }
    points.push({ index, values });
  }
  return points;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value as object).map((k) => JSON.stringify(k)).join(', ') || '(none)'}`;
  return JSON.stringify(value);
}

/**
 * A deep copy of the scene JSON with `value` written at the axis path. Every step
 * but the last must exist; the last may name a missing key of an existing object
 * (a field left at its default, e.g. siteEnergy). The value must replace a number
 * (or fill a missing key), so a typo cannot silently turn an object into a number.
 */
export function withValue(sceneJson: unknown, axis: Pick<SweepAxis, 'path' | 'steps'>, value: number): unknown {
  const copy = structuredClone(sceneJson);
  let node: unknown = copy;
  const { steps, path } = axis;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k];
    const last = k === steps.length - 1;
    const where = k === 0 ? 'the scene' : `"${path.slice(0, pathPrefixLength(path, k))}"`;
    if (typeof step === 'number') {
      if (!Array.isArray(node)) throw new CliError(`--set ${path}: ${where} is not an array but ${describe(node)}`);
      if (step >= node.length) throw new CliError(`--set ${path}: index [${step}] is out of range; ${where} holds ${node.length} entries (indices 0 to ${node.length - 1})`);
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node))
        throw new CliError(`--set ${path}: ${where} is ${describe(node)}, not an object with key "${step}"`);
      if (!(step in (node as object)) && !last)
        throw new CliError(`--set ${path}: ${where} has no key "${step}"; it has ${Object.keys(node as object).map((s) => JSON.stringify(s)).join(', ') || 'no keys'}`);
    }
    const container = node as Record<string | number, unknown>;
    if (last) {
      const old = container[step];
      if (old !== undefined && typeof old !== 'number') throw new CliError(`--set ${path}: the field holds ${describe(old)}, not a number, so it cannot be swept`);
      container[step] = value;
    } else {
      node = container[step];
    }
  }
  return copy;
}

/** Length of the text of the first k steps of a path as written (for messages). */
function pathPrefixLength(path: string, k: number): number {
  const re = /[^.[\]]+|\[\d+\]/g;
  let end = 0;
  for (let i = 0; i < k; i++) {
    const m = re.exec(path);
    if (!m) break;
    end = m.index + m[0].length;
  }
  return end;
}
