// Types for build-state.mjs (plain JS: it runs before anything is built).
export const repoRoot: string
export function buildIsCurrent(root?: string): boolean
export function buildIfStale(root?: string): void
