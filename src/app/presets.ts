// The preset scenes shipped in scenes/, bundled at build time. Each is
// validated on first use, so a broken preset shows a message instead of a blank page.
import type { SceneInput } from '../model/scene/schema';

const modules = import.meta.glob<{ default: SceneInput }>('../../scenes/*.json', { eager: true });

export interface Preset {
  /** File name without .json; what the URL's `scene` parameter names. */
  id: string;
  /** The raw scene as written in the file. */
  input: SceneInput;
}

/** Order in the picker: the gentlest first. */
const PREFERRED_ORDER = ['classroom-random-walk', 'lattice-gas', 'h2v3o8-mxene'];

export const PRESETS: readonly Preset[] = Object.entries(modules)
  .map(([path, mod]) => ({ id: path.replace(/^.*\/([^/]+)\.json$/, '$1'), input: mod.default }))
  .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));

function rank(id: string): number {
  const k = PREFERRED_ORDER.indexOf(id);
  return k < 0 ? PREFERRED_ORDER.length : k;
}

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

export const DEFAULT_PRESET_ID = PRESETS[0]?.id ?? '';
