#!/usr/bin/env node
// Launcher for `npm run bench:gpu`: runs the TypeScript GPU benchmark through
// tsx, with the hook that serves shaders/*.wgsl?raw as text.
import { register } from 'tsx/esm/api';
import '../src/gpu/registerWgslRaw.mjs';

register();
const { main } = await import('../bench/gpuBench.ts');
await main(process.argv);
process.exit(0);
