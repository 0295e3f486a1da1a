/**
 * How far V8 lets a process's heap grow between full garbage collections. V8 counts the ArrayBuffers
 * allocated since the last full collection against the old generation's growth limit, which for a
 * small heap (the console host's is ~35 MB) is a few MB above its size. A live link allocates
 * short-lived frame buffers at ~100 MB/s (messages, decoded images, the model's maps), so V8 ran about
 * five full collections a second, whose concurrent marking took a quarter of a core from the model
 * on two cores. Measured (`dve bench live`, docs/BENCHMARKS.md "Live: full garbage collections, …"):
 * 100 s runs with the host alone at 100, 200 and 400 % gave heatmap p95 168, 149 and 163 ms (233 without)
 * and first-fifth host RSS 520, 376 and 984 MiB (342 without).
 */
import { setFlagsFromString } from 'node:v8'

/** The heap may grow to (1 + this / 100) × its live size before the next full collection. */
export const heapGrowingPercent = 200

/** Call first thing in a process that streams frames: the console host and the native-work process. */
export function allowHeapGrowthForFrameStreams(): void {
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`)
}
