import { defineConfig } from 'vite';

// The bundle is served by `emporium up` under a Content-Security-Policy of `default-src 'self'`:
// no inline scripts, so no module-preload polyfill (Vite would inline it) and no eval anywhere.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npm run dev` proxies the API to a local `emporium up`.
    proxy: { '/api': 'http://127.0.0.1:5080', '/metrics': 'http://127.0.0.1:5080', '/health': 'http://127.0.0.1:5080' },
  },
});
