// The search page bundle. Everything the page loads is in dist/ (no CDN, no
// web fonts): index.html, not cached, and dist/assets/* with content hashes
// in their names, cached for a year by logship serve.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    // Source maps stay out of the shipped page; the budget counts what loads.
    sourcemap: false,
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
