import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    // The window's process and, beside it, the utility process that runs the core (out/main/backend-process.js).
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('electron/main/index.ts'), 'backend-process': resolve('electron/backend-process/index.ts') } },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    // Sandboxed preloads must be CommonJS.
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve('electron/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    define: { 'import.meta.env.VITE_TRANSPORT': JSON.stringify('ipc') },
    build: { outDir: 'out/renderer', rollupOptions: { input: { index: resolve('renderer/index.html') } } },
  },
});
