// WGSL sources as text (Vite/Vitest `?raw`; in plain Node the hook in
// src/gpu/wgslRawHook.mjs serves them). The shared helpers (rng.wgsl) and the
// frame both ion kernels share (kernel.wgsl: common bindings, counters) are prepended.
import rng from '../../shaders/rng.wgsl?raw';
import kernel from '../../shaders/kernel.wgsl?raw';
import walkers from '../../shaders/walkers.wgsl?raw';
import lattice from '../../shaders/lattice.wgsl?raw';

export const WALKERS_WGSL = `${rng}\n${kernel}\n${walkers}`;
export const LATTICE_WGSL = `${rng}\n${kernel}\n${lattice}`;
