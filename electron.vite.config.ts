import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // Workers are separate entries so `startWorker()` finds `<name>.js` beside the bundle.
        input: {
          index: resolve(root, 'src-main/electron/main.ts'),
          'inference-worker': resolve(root, 'src-main/services/inference/inference-worker.ts'),
          'fusion-worker': resolve(root, 'src-main/services/mapping/fusion-worker.ts'),
          'probe-worker': resolve(root, 'src-main/services/classes/probe-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }, // sandboxed preloads must be CommonJS
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue()],
    resolve: { alias: { '@contract': resolve(root, 'src-main/contract') } },
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
})
