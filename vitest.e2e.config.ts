import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

const root = import.meta.dirname

export default defineConfig({
  resolve: { alias: { '@contract': resolve(root, 'src-main/contract') } },
  test: {
    include: ['test/e2e/**/*.e2e.ts', 'test/e2e-electron/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
