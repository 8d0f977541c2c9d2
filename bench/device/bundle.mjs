// Bundles bench/device/deviceCheck.ts into one ES module for a machine with
// no Node.js tooling: shaders inlined (the `?raw` imports), `webgpu` left
// external (the kit carries the package with its dawn.node).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const out = process.argv[2];
await build({
  entryPoints: ['bench/device/deviceCheck.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: out,
  external: ['webgpu'],
  logLevel: 'warning',
  plugins: [{
    name: 'wgsl-raw',
    setup(b) {
      b.onResolve({ filter: /\.wgsl\?raw$/ }, (args) => ({ path: new URL(args.path.replace(/\?raw$/, ''), `file://${args.resolveDir}/`).pathname, namespace: 'wgsl' }));
      b.onLoad({ filter: /.*/, namespace: 'wgsl' }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'text' }));
    },
  }],
});
