import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { metaContentSecurityPolicy } from './src-main/platform/content-security'

const root = import.meta.dirname

/** The built index.html carries the hosts' CSP as a `<meta>` too (not in dev: Vite's client injects inline code). */
function cspMeta(): Plugin {
  return {
    name: 'dve-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() },
        injectTo: 'head-prepend',
      },
    ],
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // One build for every Node entry: the Electron main process, the native-work process, the
        // fusion worker, the browser-mode server and the CLI. Workers are separate entries so
        // `nativeEntry()`/`startWorker()` find `<name>.js` beside the bundle.
        input: {
          index: resolve(root, 'src-main/electron/main.ts'),
          'inference-worker': resolve(root, 'src-main/services/inference/inference-worker.ts'),
          'fusion-worker': resolve(root, 'src-main/services/mapping/fusion-worker.ts'),
          'scan-worker': resolve(root, 'src-main/services/mapping/scan-worker.ts'), // the map scan's helper threads
          'png-decode-worker': resolve(root, 'src-main/services/images/png-decode-worker.mjs'),
          server: resolve(root, 'src-main/server/main.ts'),
          dve: resolve(root, 'src-main/cli/main.ts'),
          'scale-build': resolve(root, 'src-main/cli/benches/scale-build.ts'), // `dve bench scale`'s build child
        },
        // Shared chunks beside the entries: code that finds a worker through its own
        // `import.meta.url` must sit in the entries' folder.
        output: { chunkFileNames: '[name]-[hash].js' },
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
    plugins: [vue(), cspMeta()],
    resolve: { alias: { '@contract': resolve(root, 'src-main/contract') } },
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
})
