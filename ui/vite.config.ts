/**
 * Builds the renderer (ui/src) into ui/dist, which the supervisor serves at `/` (supervisor/transports/static-files.ts)
 * and `npm install` produces through the `prepare` script. protocol/ is imported from source.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // CodeMirror + React are one ~600 kB chunk; the page is served locally, so one request beats several.
    chunkSizeWarningLimit: 1500,
  },
  // The bridge worker (ui/src/bridge/bridge-socket.worker.ts) is started as a module worker from its own file under
  // assets/: same origin, so the page's CSP (script-src 'self') allows it without blob: or eval.
  worker: { format: 'es' },
  // `npm run dev:ui`: the dev server proxies /rpc to a running bridge (DBV_BRIDGE, default 127.0.0.1:7420), which must
  // accept the dev server's origin: start it with --allow-origin http://127.0.0.1:5173.
  server: {
    host: '127.0.0.1',
    proxy: { '/rpc': { target: process.env.DBV_BRIDGE ?? 'http://127.0.0.1:7420', ws: true } },
  },
});
