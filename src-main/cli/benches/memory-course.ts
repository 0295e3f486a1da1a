/**
 * Memory over a long bench, split so a reader can tell what grows: the JS heap, memory outside it
 * that V8 knows of (Buffers and ArrayBuffers), the rest of the host's resident memory (native: glibc
 * malloc arenas, sharp/libvips, thread stacks), file-backed pages, and the child processes (the
 * native-work process with onnxruntime; on Linux only) which are not in the host's RSS.
 */
import { readdirSync, readFileSync } from 'node:fs'

export interface MemorySample {
  atSec: number
  /** Host process resident set. */
  rss: number
  heapUsed: number
  heapTotal: number
  /** Memory outside the V8 heap that V8 accounts for (Buffers, ArrayBuffers, …). */
  external: number
  arrayBuffers: number
  /** Resident file-backed pages of the host (mapped files, shared libraries); null off Linux. */
  rssFile: number | null
  /** Resident set of the console's child processes together (the native-work process); null off Linux. */
  childrenRss: number | null
}

const mib = 2 ** 20

/** `VmRSS`/`RssFile` etc. of /proc/<pid>/status in bytes, or null where there is no /proc. */
function procStatus(pid: number | 'self', field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/** Direct children of this process (every thread's children list). */
function childPids(): number[] | null {
  try {
    return readdirSync('/proc/self/task').flatMap((task) =>
      readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number),
    )
  } catch {
    return null
  }
}

/** Resident set of another process, null where there is no /proc. */
export function processRss(pid: number): number | null {
  return procStatus(pid, 'VmRSS')
}

/** `otherPids`: children that are not the console's (the simulated robot). */
export function sampleMemory(atSec: number, otherPids: number[] = []): MemorySample {
  const usage = process.memoryUsage()
  const children = childPids()?.filter((pid) => !otherPids.includes(pid)) ?? null
  return {
    atSec,
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    rssFile: procStatus('self', 'RssFile'),
    childrenRss: children && children.reduce((sum, pid) => sum + (procStatus(pid, 'VmRSS') ?? 0), 0),
  }
}

/** What is resident besides the V8 heap and what V8 knows of outside it: allocator and native libraries. */
export function nativeRest(sample: MemorySample): number {
  return Math.max(0, sample.rss - sample.heapTotal - sample.external - (sample.rssFile ?? 0))
}

export interface FifthSummary {
  /** Window (fromSec, toSec]. */
  fromSec: number
  toSec: number
  /** The window's sample with the most host RSS (its split is shown). */
  peak: MemorySample
  /** Least host RSS in the window: the floor under transient peaks (a map step's fusion worker). */
  rssMin: number
  /** Most child-process RSS seen in the window. */
  childrenRssMax: number | null
}

/** The course by fifths of `durationSec`: each window's RSS peak with its split. Empty windows are left out. */
export function memoryByFifths(samples: MemorySample[], durationSec: number): FifthSummary[] {
  const out: FifthSummary[] = []
  for (let k = 0; k < 5; k++) {
    const fromSec = (durationSec * k) / 5
    const toSec = (durationSec * (k + 1)) / 5
    const inWindow = samples.filter((s) => s.atSec > fromSec && s.atSec <= toSec)
    if (inWindow.length === 0) continue
    const peak = inWindow.reduce((a, b) => (b.rss > a.rss ? b : a))
    const children = inWindow.map((s) => s.childrenRss).filter((v): v is number => v !== null)
    out.push({
      fromSec,
      toSec,
      peak,
      rssMin: Math.min(...inWindow.map((s) => s.rss)),
      childrenRssMax: children.length ? Math.max(...children) : null,
    })
  }
  return out
}

/** One line of the split at the peak, and the window's least RSS. */
export function describeSplit(summary: FifthSummary): string {
  const s = summary.peak
  const m = (bytes: number): string => (bytes / mib).toFixed(0)
  const file = s.rssFile === null ? '' : `, file-backed ${m(s.rssFile)}`
  const children = summary.childrenRssMax === null ? '' : `; child processes ${m(summary.childrenRssMax)} MiB`
  return `MiB (least ${m(summary.rssMin)}): JS heap ${m(s.heapTotal)} (used ${m(s.heapUsed)}), external ${m(s.external)} (ArrayBuffers ${m(s.arrayBuffers)})${file}, native rest ${m(nativeRest(s))}${children}`
}
