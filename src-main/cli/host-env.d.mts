// Types for host-env.mjs (plain JS: it runs before anything is built).
export const fixedMmapThreshold: string
export function consoleHostEnv(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): NodeJS.ProcessEnv | null
export function runConsoleHost(command: string, args: string[]): void
