#!/usr/bin/env node
// Launcher for `npm run bench:sweep`: runs the TypeScript benchmark through tsx.
import { register } from 'tsx/esm/api';
// The --walkers variant runs the WGSL kernels: serve shaders/*.wgsl?raw as text.
import '../src/gpu/registerWgslRaw.mjs';

register();
const { main } = await import('../bench/sweepBench.ts');
await main(process.argv);
// A GPU device keeps the event loop alive.
process.exit(0);
