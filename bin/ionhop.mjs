#!/usr/bin/env node
// The ionhop command line: runs the TypeScript sources through tsx, with the
// hook that serves shaders/*.wgsl?raw as text (for the GPU engines).
import { register } from 'tsx/esm/api';
import '../src/gpu/registerWgslRaw.mjs';

register();
await import('../src/cli/main.ts');
