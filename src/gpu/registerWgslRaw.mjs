// `import './src/gpu/registerWgslRaw.mjs'` (or node --import) before loading
// engine code in plain Node: makes `*.wgsl?raw` imports work.
import { register } from 'node:module';

register('./wgslRawHook.mjs', import.meta.url);
