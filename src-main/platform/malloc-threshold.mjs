// glibc's mmap threshold that the console host runs with on Linux (plain JS: host-env.mjs reads it
// before anything is built). Blocks of 128 KiB or more are mapped on their own and go back to the
// system when freed, so a live link's stream of big buffers leaves no holes in malloc's arenas
// (docs/LIVE.md, "Memory on the robot"). The native-work process runs without it
// (native-process.ts): each fresh mapping costs page faults, which on the model's path cost more
// time than the memory they give back (docs/BENCHMARKS.md, "Live: the model's process without the
// host's malloc setting").
export const fixedMmapThreshold = 'glibc.malloc.mmap_threshold=131072'
