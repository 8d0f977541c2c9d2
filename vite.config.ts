// Vite builds the browser app: index.html at the project root, output in dist/.
// Workers are ES modules so the engine worker can import the model like the page does;
// `shaders/*.wgsl?raw` imports work natively.
import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  base: './',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // three.js alone is ~600 kB; the app loads it once, so a larger chunk is expected.
    chunkSizeWarningLimit: 1500,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
