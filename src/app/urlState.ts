// What the address bar carries, so a link reproduces what the sender saw:
// scene (preset id) or sceneData (a loaded file, deflated and base64url-encoded),
// seed, engine, speed, projector, and every edited parameter under its key
// (T, barrier.<region>.<species>, interface.<k>.<species>, count.<k>).
// Reading never throws: each bad value becomes a problem message and is dropped.

import { TIME_SPEED_RANGE as SPEED_RANGE } from './timeSpeed';

export const ENGINE_CHOICES = ['auto', 'cpu', 'gpu-lattice', 'gpu-walkers'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export interface UrlState {
  scene?: string;
  sceneData?: string;
  seed?: number;
  engine?: EngineChoice;
  /** Time speed: log10 of simulated seconds per real second. */
  speed?: number;
  projector?: boolean;
  /** Parameter edits, checked against the scene later. */
  edits: Map<string, number>;
}

const RESERVED = new Set(['scene', 'sceneData', 'seed', 'engine', 'speed', 'projector']);

export function readUrl(search: string): { state: UrlState; problems: string[] } {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const state: UrlState = { edits: new Map() };
  for (const [key, raw] of params) {
    const value = raw.trim();
    switch (key) {
      case 'scene':
        if (/^[\w.-]{1,100}$/.test(value)) state.scene = value;
        else problems.push(`URL parameter scene=${show(raw)} is not a preset name`);
        break;
      case 'sceneData':
        state.sceneData = value;
        break;
      case 'seed': {
        const n = Number(value);
        if (value !== '' && Number.isInteger(n) && n >= 0 && n <= 4294967295) state.seed = n;
        else problems.push(`URL parameter seed=${show(raw)} must be a whole number in [0, 4294967295]; using the scene's seed`);
        break;
      }
      case 'engine':
        if ((ENGINE_CHOICES as readonly string[]).includes(value)) state.engine = value as EngineChoice;
        else problems.push(`URL parameter engine=${show(raw)} must be one of ${ENGINE_CHOICES.join(', ')}; using auto`);
        break;
      case 'speed': {
        const n = Number(value);
        if (value !== '' && Number.isFinite(n) && n >= SPEED_RANGE.min && n <= SPEED_RANGE.max) state.speed = n;
        else problems.push(`URL parameter speed=${show(raw)} must be a number in [${SPEED_RANGE.min}, ${SPEED_RANGE.max}] (log10 of simulated seconds per real second); using the default`);
        break;
      }
      case 'projector':
        state.projector = value === '1' || value === 'true';
        break;
      default: {
        const n = Number(value);
        if (value === '' || !Number.isFinite(n)) problems.push(`URL parameter ${key}=${show(raw)} must be a finite number; using the scene's value`);
        else state.edits.set(key, n);
      }
    }
  }
  return { state, problems };
}

export function writeUrl(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.sceneData) params.set('sceneData', state.sceneData);
  else if (state.scene) params.set('scene', state.scene);
  if (state.seed !== undefined) params.set('seed', String(state.seed));
  if (state.engine && state.engine !== 'auto') params.set('engine', state.engine);
  if (state.speed !== undefined) params.set('speed', String(state.speed));
  if (state.projector) params.set('projector', '1');
  for (const [k, v] of state.edits) if (!RESERVED.has(k)) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function show(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}...` : raw);
}

/** Scene JSON → deflate-raw → base64url, for a link that carries a loaded file. */
export async function packSceneText(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function unpackSceneText(packed: string): Promise<string> {
  const b64 = packed.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}
