// WGSL sources as text (Vite/Vitest `?raw`; in plain Node the hook in
// src/gpu/wgslRawHook.mjs serves them). The shared helpers (rng.wgsl) and the
// frame both ion kernels share (kernel.wgsl: common bindings, counters) are prepended.
import rng from '../../shaders/rng.wgsl?raw';
import kernel from '../../shaders/kernel.wgsl?raw';
import walkers from '../../shaders/walkers.wgsl?raw';
import lattice from '../../shaders/lattice.wgsl?raw';

import { wgslLayoutConstants } from './layouts';

// The layout constants (species shift, masks, counter slots) come from the TypeScript mirror.
const prelude = `${wgslLayoutConstants()}\n${rng}\n${kernel}`;
export const WALKERS_WGSL = `${prelude}\n${walkers}`;
export const LATTICE_WGSL = `${prelude}\n${lattice}`;
