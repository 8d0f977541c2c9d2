#!/usr/bin/env node
// Launcher for `npm run bench:browser`: builds the app, serves it on 127.0.0.1
// and measures it in headless chromium (bench/browserBench.ts, through tsx).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/browserBench.ts');
await main(process.argv);
process.exit(0);
