import { defineConfig } from 'vite';

/**
 * Builds the UI the appliance serves from apps/web/dist. The server's CSP
 * allows no inline script or style, so nothing here may emit either.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  // React 19's automatic runtime, through Vite's own esbuild: no plugin needed.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill is only for browsers without modulepreload; keep the
    // output to plain files the CSP allows.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // React Query marks files "use client" for server-component bundlers;
        // a plain SPA has no such boundary, so the warning is noise.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
