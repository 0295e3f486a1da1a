// Types for malloc-threshold.mjs.
export const fixedMmapThreshold: string
