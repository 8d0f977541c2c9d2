#!/usr/bin/env node
// Launcher for `npm run bench:sweep`: runs the TypeScript benchmark through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/sweepBench.ts');
await main(process.argv);
