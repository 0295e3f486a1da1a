/**
 * `dve bench scale`: an hour-long recording and a house-sized map, each figure beside the same figure
 * at 1/10 of the size (so growth is visible). Synthetic data of the real sizes: 768-d embeddings,
 * 12×16 index cells per frame, 64-code voxels.
 *  - recording search over 100 000 frames: the compressed index (cell-codes.ts) saved and loaded by the
 *    product's store, queried with the product's relevancy (SessionQueryIndex, as QueryService.search);
 *  - map query over 10 M voxels through the MapService;
 *  - map build peak RSS at 10 M voxels (a child process per build, through fuseFrame, the final snapshot
 *    and the save), with the accumulators' bytes per voxel and the peak before the snapshot;
 *  - map rendering at 10 M voxels: `npm run bench:render` (headless Chromium, octree LOD).
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nativeEntry } from '../../platform/native-process'
import { CellCodes, fitCellCodes } from '../../services/query/cell-codes'
import { int8Scale, poolCells } from '../../services/query/embedding-pooling'
import { SessionQueryIndex, defaultGrid } from '../../services/query/session-index'
import { SessionIndexStore } from '../../services/query/session-index-store'
import { seededRandom } from '../../services/seeded-random'
import { median, timeRuns } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'
import { demoIndexRankingRows } from './demo-index-ranking'
import { mapQueryTimings, unitRows } from './map'

const dim = 768
const cellsPerFrame = defaultGrid.rows * defaultGrid.cols
const mib = 2 ** 20

export const scaleBench: Bench = {
  name: 'scale',
  description:
    'Scale: recording search over 100 k frames, map query and build memory at 10 M voxels (each vs 1/10 of the size)',
  async run(_ctx, options) {
    const frames = options.quick ? 10_000 : 100_000
    const voxels = options.quick ? 1_000_000 : 10_000_000
    const rows: BenchRow[] = []
    // Minutes of work: each part is printed to stderr as soon as it is measured.
    const add = (part: BenchRow[]): void => {
      rows.push(...part)
      for (const row of part)
        process.stderr.write(
          `scale: ${row.name}: ${row.value.toFixed(row.unit ? 1 : 3)} ${row.unit}${row.ratio ? ` (${row.ratio.value.toFixed(2)}× ${row.ratio.baseline})` : ''}\n`,
        )
    }
    add(pair(await recordingFigures(frames / 10), await recordingFigures(frames), `${frames / 1000} k frames`))
    add(
      pair(
        mapFigures(await mapQueryTimings(voxels / 10)),
        mapFigures(await mapQueryTimings(voxels)),
        `${voxels / 1e6} M voxels`,
      ),
    )
    // Not a scale figure: what the index's compression costs in ranking, on real embeddings.
    add(await demoIndexRankingRows(options.quick ? 4 : 2))
    add(pair(buildFigures(voxels / 10, 0), buildFigures(voxels, 0), `${voxels / 1e6} M voxels, geometry`))
    add(pair(buildFigures(voxels / 10, dim), buildFigures(voxels, dim), `${voxels / 1e6} M voxels, ${dim}-d`))
    return rows
  },
}

interface Figure {
  name: string
  value: number
  unit: string
  aim?: string
}

/** The large run's figures, each with its ratio to the same figure at 1/10 of the size. */
function pair(small: Figure[], large: Figure[], label: string): BenchRow[] {
  return large.map((figure, i) => ({
    ...figure,
    name: `${figure.name}, ${label}`,
    ratio: { value: figure.value / small[i]!.value, baseline: 'the same at 1/10 size' },
  }))
}

/** Pooled int8 cells of a room-like frame: each cell mixes two of 40 concepts plus noise. */
function syntheticCells(concepts: Float32Array, random: () => number): Int8Array {
  const out = new Int8Array(cellsPerFrame * dim)
  const v = new Float32Array(dim)
  for (let c = 0; c < cellsPerFrame; c++) {
    const a = Math.floor(random() * 40)
    const b = Math.floor(random() * 40)
    const w = random()
    let norm = 0
    for (let d = 0; d < dim; d++) {
      v[d] = w * concepts[a * dim + d]! + (1 - w) * concepts[b * dim + d]! + 0.05 * (random() - 0.5)
      norm += v[d]! ** 2
    }
    const scale = int8Scale / Math.sqrt(norm)
    for (let d = 0; d < dim; d++) out[c * dim + d] = Math.round(v[d]! * scale)
  }
  return out
}

export async function recordingFigures(frameCount: number): Promise<Figure[]> {
  const root = await mkdtemp(join(tmpdir(), 'dve-bench-scale-'))
  try {
    const random = seededRandom(5)
    const concepts = unitRows(40, dim, 7)
    const sampleFrames = Array.from({ length: 48 }, () => syntheticCells(concepts, random))
    const sample = new Int8Array(sampleFrames.length * cellsPerFrame * dim)
    sampleFrames.forEach((cells, i) => sample.set(cells, i * cells.length))
    const codes = new CellCodes(fitCellCodes(frameCount * cellsPerFrame, dim, sample))
    const index = new SessionQueryIndex({
      sessionId: 'scale',
      modelId: 'bench',
      dim,
      grid: defaultGrid,
      frameCount,
      codes,
      timestampsSec: Float64Array.from({ length: frameCount }, (_, i) => i / 30),
      indexed: new Uint8Array(frameCount),
      cells: new Int8Array(0),
    })
    // Index build per frame: pooling a 768-d 80×60 embedding map and encoding its cells (the model's cost is apart).
    const map = { dim, width: 80, height: 60, scaleX: 4, scaleY: 4, data: unitRows(80 * 60, dim, 11) }
    const buildMs = median(await timeRuns(() => index.setFrame(0, 0, poolCells(map, defaultGrid)), 3, 1))
    // Encoding 100 k frames would take minutes: 48 distinct frames are encoded and repeated.
    sampleFrames.forEach((cells, f) => index.setFrame(f, f / 30, cells))
    const perFrame = cellsPerFrame * codes.components
    for (let f = sampleFrames.length; f < frameCount; f++)
      codes.codes.copyWithin(
        f * perFrame,
        (f % sampleFrames.length) * perFrame,
        ((f % sampleFrames.length) + 1) * perFrame,
      )
    index.data.indexed.fill(1)
    const store = new SessionIndexStore(root)
    await store.save(index.data)
    const diskBytes = await store.diskBytes('scale', 'bench')
    const rssBefore = process.memoryUsage().rss
    const loadStart = performance.now()
    const loaded = new SessionQueryIndex((await store.load('scale', 'bench'))!)
    const loadMs = performance.now() - loadStart
    const memoryBytes = loaded.data.codes!.bytes + loaded.data.timestampsSec.byteLength + loaded.data.indexed.byteLength
    const loadRss = process.memoryUsage().rss - rssBefore
    const negatives = [0, 1, 2, 3].map((i) => unitRows(1, dim, 200 + i))
    // What QueryService.search does with the index: each frame's best cell's relevancy, in one pass.
    const search = (query: Float32Array): number[] => loaded.frameRelevancy(query, negatives, 'bench negatives', 10)
    const firstStart = performance.now()
    search(concepts.slice(0, dim))
    const firstMs = performance.now() - firstStart
    let q = 1
    const cpuBefore = process.cpuUsage()
    const warmMs = median(await timeRuns(() => search(concepts.slice(q * dim, ++q * dim)), 5, 1))
    const cpu = process.cpuUsage(cpuBefore)
    // CPU time per query (6 runs): on a shared machine wall time also counts waiting for a core.
    const warmCpuMs = (cpu.user + cpu.system) / 1000 / 6
    return [
      { name: 'recording query, warm (relevancy + best cell per frame)', value: warmMs, unit: 'ms', aim: '≤ 300 ms' },
      { name: 'recording query, warm, CPU time', value: warmCpuMs, unit: 'ms', aim: '≤ 300 ms' },
      { name: "recording query, first (+ the negatives' cosines)", value: firstMs, unit: 'ms' },
      { name: 'recording index on disk', value: diskBytes / mib, unit: 'MiB', aim: '≤ 600 MB' },
      { name: 'recording index in memory', value: memoryBytes / mib, unit: 'MiB', aim: '≤ 600 MB' },
      { name: 'recording index load (RSS growth)', value: loadRss / mib, unit: 'MiB' },
      { name: 'recording index load', value: loadMs, unit: 'ms' },
      { name: 'index build per frame (pool + encode, model apart)', value: buildMs, unit: 'ms' },
    ]
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

function mapFigures(t: Awaited<ReturnType<typeof mapQueryTimings>>): Figure[] {
  const millions = t.map.count / 1e6
  return [
    { name: 'map query (relevancy + pins), warm', value: t.queryMs, unit: 'ms', aim: '≤ 100 ms' },
    { name: 'map query, CPU time', value: t.queryCpuMs, unit: 'ms' },
    { name: 'map query scan (relevancy pass) per million voxels', value: t.scanMs / millions, unit: 'ms' },
    { name: 'map query scan per million voxels, CPU time', value: t.scanCpuMs / millions, unit: 'ms' },
    { name: "map query, first (+ the negatives' cosines)", value: t.firstMs, unit: 'ms' },
    { name: 'map load', value: t.loadMs, unit: 'ms' },
  ]
}

/** Peak RSS of a build in a child process (4 GiB accumulator budget: the aim). */
function buildFigures(voxels: number, embeddingDim: number): Figure[] {
  // Beside the bundle in a build (an entry of electron.vite.config.ts), TypeScript from source.
  const entry = nativeEntry(import.meta.url, 'scale-build')
  const child = spawnSync(
    process.execPath,
    [
      ...(entry.typescript ? ['--import', import.meta.resolve('tsx')] : []),
      entry.path,
      String(voxels),
      String(embeddingDim),
      String(4 * 2 ** 30),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  )
  if (child.status !== 0) throw new Error(`map build child failed: ${child.stderr}`)
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
    voxels: number
    frames: number
    bytesPerVoxel: number
    fusedPeakRssBytes: number
    peakRssBytes: number
    seconds: number
    error?: string
  }
  if (result.error)
    process.stderr.write(
      `map build of ${voxels} voxels (${embeddingDim}-d): stopped at ${result.voxels} voxels: ${result.error}\n`,
    )
  return [
    {
      name: `map build peak RSS${result.error ? ` (stopped at ${(result.voxels / 1e6).toFixed(2)} M voxels by the 4 GiB budget)` : ''}`,
      value: result.peakRssBytes / mib,
      unit: 'MiB',
      aim: '≤ 4 GB',
    },
    {
      name: 'map build peak RSS before the final snapshot and save',
      value: result.fusedPeakRssBytes / mib,
      unit: 'MiB',
    },
    { name: 'map build accumulators per voxel', value: result.bytesPerVoxel, unit: 'B/voxel' },
    { name: 'map build time', value: result.seconds, unit: 's' },
  ]
}
