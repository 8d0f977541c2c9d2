#!/usr/bin/env node
// Launcher for `npm run bench`: runs the TypeScript benchmark through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/cpuBench.ts');
main(process.argv);
