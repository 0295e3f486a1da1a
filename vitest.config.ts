import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const root = import.meta.dirname

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@contract': resolve(root, 'src-main/contract') } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/component/**/*.test.ts', 'test/security/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
