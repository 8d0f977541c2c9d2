// Exact snapshots of an object's internal state (an engine, a recorder) for
// checkpoints, without naming its fields: every own typed array, number,
// boolean and string is recorded, recursively through plain arrays and nested
// objects; restoring writes the values back into an object built the same way
// (same constructor arguments), in place, so arrays shared between fields stay
// shared. Arrays that grew (a longer member list) are replaced. Anything
// reachable from `skip` (the rate model, shared and immutable) is left out.
// Being generic, it keeps working when an engine's internals change; a
// checkpoint from another version is refused anyway (checkpoint.ts).

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;
const TYPED: Record<string, new (buffer: ArrayBuffer) => TypedArray> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
};

/** JSON-able snapshot node. */
export type Snapshot = number | string | boolean | null | { typed: string; base64: string } | { num: string } | Snapshot[] | { fields: Record<string, Snapshot> };

function isTyped(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && v.constructor.name in TYPED;
}

/** Objects and typed arrays reachable from `root` (to skip them). */
export function reachable(root: unknown, out = new Set<unknown>()): Set<unknown> {
  if (root === null || typeof root !== 'object' || out.has(root)) return out;
  out.add(root);
  if (!isTyped(root)) for (const v of Object.values(root as object)) reachable(v, out);
  return out;
}

export function snapshotState(obj: object, skip: Set<unknown>): Snapshot {
  return encode(obj, skip, new Set());
}

function encode(v: unknown, skip: Set<unknown>, seen: Set<unknown>): Snapshot {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { num: Object.is(v, -0) ? '-0' : String(v) };
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (isTyped(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { typed: v.constructor.name, base64: Buffer.from(bytes).toString('base64') };
  }
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' && skip.has(x) ? null : encode(x, skip, seen)));
  if (typeof v === 'object' && v !== undefined) {
    if (seen.has(v)) throw new Error('state snapshot: a cycle between objects');
    seen.add(v);
    const fields: Record<string, Snapshot> = {};
    for (const [key, x] of Object.entries(v as object)) {
      if (typeof x === 'function' || x === undefined || (x !== null && typeof x === 'object' && skip.has(x))) continue;
      fields[key] = encode(x, skip, seen);
    }
    seen.delete(v);
    return { fields };
  }
  return null;
}

/** Writes `state` back into `obj` (built like the snapshot's source); throws when the shapes differ. */
export function restoreState(obj: object, state: Snapshot, path = 'state'): void {
  if (state === null || typeof state !== 'object' || !('fields' in state)) throw new Error(`${path}: not an object snapshot`);
  const target = obj as Record<string, unknown>;
  for (const [key, s] of Object.entries(state.fields)) target[key] = restoreValue(target[key], s, `${path}.${key}`);
}

function restoreValue(current: unknown, s: Snapshot, path: string): unknown {
  if (s === null || typeof s !== 'object') return s;
  if ('num' in s) return Number(s.num);
  if ('typed' in s) {
    const Ctor = TYPED[s.typed];
    if (!Ctor) throw new Error(`${path}: unknown array type ${s.typed}`);
    const bytes = Buffer.from(s.base64, 'base64');
    const fresh = new Ctor(new Uint8Array(bytes).buffer);
    // In place where the length matches, so views of the same array elsewhere see the values.
    if (isTyped(current) && current.constructor === Ctor && current.length === fresh.length) {
      current.set(fresh as never);
      return current;
    }
    return fresh;
  }
  if (Array.isArray(s)) {
    const arr = Array.isArray(current) ? current : [];
    arr.length = s.length;
    for (let i = 0; i < s.length; i++) if (s[i] !== null) arr[i] = restoreValue(arr[i], s[i], `${path}[${i}]`);
    return arr;
  }
  // A plain object where the target has none (a value rebuilt from a snapshot alone).
  const target = current !== null && typeof current === 'object' ? current : {};
  restoreState(target, s, path);
  return target;
}

/** A value rebuilt from its snapshot alone: plain objects, arrays, typed arrays and scalars. */
export function fromSnapshot<T>(state: Snapshot): T {
  return restoreValue(undefined, state, 'state') as T;
}
