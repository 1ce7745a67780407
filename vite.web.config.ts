import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The same renderer built for a plain browser talking to the local HTTP host (e2e tests, kiosk).
export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: '/',
  plugins: [react()],
  define: { 'import.meta.env.VITE_TRANSPORT': JSON.stringify('http') },
  build: { outDir: resolve(import.meta.dirname, 'out/web'), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
