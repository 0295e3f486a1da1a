import { describe, expect, it } from 'vitest'
import { EmbeddingAccumulator } from '../../../../src-main/services/mapping/embedding-accumulator'
import { snapshotGrid, type FusedMapMeta } from '../../../../src-main/services/mapping/fused-map'
import { maxVoxelCoordinate, VoxelGrid } from '../../../../src-main/services/mapping/voxel-grid'
import { seededRandom } from '../../../../src-main/services/seeded-random'
import { randomGrid } from './random-grid'

describe('voxel grid hash (open addressing in a typed array)', () => {
  it('gives each distinct voxel one slot, finds it again after the table grew, and misses absent ones', () => {
    const grid = new VoxelGrid({ voxelSizeMeters: 0.05, embeddingDim: 0 })
    const random = seededRandom(3)
    const coordinate = (): number => Math.floor((random() * 2 - 1) * maxVoxelCoordinate)
    const keys = new Map<string, number>()
    const seen: Array<[number, number, number]> = []
    for (let i = 0; i < 60_000; i++) {
      // A dense block near the origin (neighbours) and scattered voxels out to the extremes.
      const v: [number, number, number] =
        i % 2
          ? [(i >> 1) % 40, (((i >> 1) / 40) % 40) | 0, -((i >> 1) / 1600) | 0]
          : [coordinate(), coordinate(), coordinate()]
      const slot = grid.slotOf(...v)
      const key = v.join()
      if (!keys.has(key)) keys.set(key, slot)
      expect(slot).toBe(keys.get(key))
      seen.push(v)
    }
    expect(grid.count).toBe(keys.size)
    for (const v of seen.slice(0, 5000)) expect(grid.find(...v)).toBe(keys.get(v.join()))
    expect(grid.find(maxVoxelCoordinate, maxVoxelCoordinate, maxVoxelCoordinate)).toBe(
      keys.get([maxVoxelCoordinate, maxVoxelCoordinate, maxVoxelCoordinate].join()) ?? -1,
    )
    expect(grid.find(41, 41, 1)).toBe(-1)
  })
})

describe('float32 running moments against float64', () => {
  it('keep mean, covariance and colour of 300 000 points in one voxel as float64 two-pass sums do', () => {
    const size = 0.05
    const grid = new VoxelGrid({ voxelSizeMeters: size, embeddingDim: 0 })
    const slot = grid.slotOf(10, -3, 7)
    const random = seededRandom(8)
    const points: number[][] = []
    // A thin tilted plane near the voxel's corner: a small normal variance beside a large mean offset,
    // where Σp² − n·p̄² in float32 would cancel.
    for (let i = 0; i < 300_000; i++) {
      const [u, v, w] = [random() * 0.01, random() * 0.01, (random() - 0.5) * 0.0004]
      const p = [10 * size + 0.001 + u, -3 * size + 0.04 + v * 0.5 + w, 7 * size + 0.045 + 0.3 * u + w]
      const rgb = [200 + 50 * random(), 100 * random(), 30]
      points.push([...p, ...rgb])
      grid.addPoint(slot, p[0]!, p[1]!, p[2]!, rgb[0]!, rgb[1]!, rgb[2]!, 0)
    }
    const n = points.length
    const mean = [0, 1, 2, 3, 4, 5].map((a) => points.reduce((s, p) => s + p[a]!, 0) / n)
    const covariance = [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
      [2, 2],
    ].map(([a, b]) => points.reduce((s, p) => s + (p[a!]! - mean[a!]!) * (p[b!]! - mean[b!]!), 0) / n)
    const map = snapshotGrid(grid, { embeddingDim: 0 } as FusedMapMeta, false)
    for (let a = 0; a < 3; a++) expect(Math.abs(map.positions[a]! - mean[a]!)).toBeLessThan(1e-6)
    const scale = Math.max(...covariance.map(Math.abs))
    covariance.forEach((c, p) => expect(Math.abs(map.covariances[p]! - c) / scale).toBeLessThan(1e-3))
    // The normal direction's variance (the smallest, what NDT matching needs) within 1 %.
    const normalVariance = covariance[5]! - (0.3 * 0.3 * 0.01 ** 2) / 12
    expect(normalVariance).toBeGreaterThan(0)
    expect(Math.abs(map.covariances[5]! - covariance[5]!)).toBeLessThan(0.01 * normalVariance)
    for (let c = 0; c < 3; c++) expect(Math.abs(map.colors[c]! - mean[3 + c]!)).toBeLessThanOrEqual(0.5 + 1e-6)
  })

  it('keep int16 subspace means unbiased over 20 000 small updates (stochastic rounding)', () => {
    const dim = 32
    const k = 8
    const accumulator = new EmbeddingAccumulator({ dim, codeDim: k })
    const basis = new Float32Array(k * dim)
    for (let j = 0; j < k; j++) basis[j * dim + j] = 1
    accumulator.useSubspace({ dim, components: k, mean: new Float32Array(dim), basis })
    accumulator.resize(1)
    const random = seededRandom(11)
    const sum = new Float64Array(k)
    let total = 0
    const embedding = new Float32Array(dim)
    for (let i = 0; i < 20_000; i++) {
      // Drifting embeddings: late updates move the mean by far less than one int16 step each.
      for (let d = 0; d < dim; d++) embedding[d] = d < k ? 0.3 * Math.sin(d + i / 4000) + 0.05 * (random() - 0.5) : 0
      const w = 1 + random()
      for (let j = 0; j < k; j++) sum[j]! += w * embedding[j]!
      total += w
      accumulator.add(Int32Array.of(0), Float32Array.of(w), 1, embedding, 0)
    }
    // Each rounding adds noise of about step/2.4 that later updates shrink: ~step·√(n/3)/2.4 ≈ 1e-3 after
    // 20 000 updates (below the int8 codes' own step, ~2e-3); rounding to nearest would stall instead.
    const mean = new Float32Array(k)
    accumulator.meanOf(0, mean)
    const errors = Array.from({ length: k }, (_, j) => mean[j]! - sum[j]! / total)
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(5e-3)
    expect(Math.hypot(...errors) / Math.sqrt(k)).toBeLessThan(2.5e-3)
    expect(accumulator.bytesPerVoxel()).toBe(2 * k + 4)
  })
})

describe('the final snapshot', () => {
  it('gives the same map as a copying snapshot, without copying, and ends the grid', () => {
    const dim = 16
    const grid = randomGrid(dim, 2)
    const meta = { embeddingDim: dim } as FusedMapMeta
    const copied = snapshotGrid(grid, meta)
    const final = snapshotGrid(grid, meta, true, true)
    expect(final.count).toBe(copied.count)
    for (const key of ['voxelCoords', 'positions', 'colors', 'labels', 'pointCounts', 'covariances'] as const)
      expect([...final[key]]).toEqual([...copied[key]])
    expect([...final.codes!.codes]).toEqual([...copied.codes!.codes])
    // Taken, not copied: the final map's arrays are views of the grid's.
    expect(final.voxelCoords.buffer).toBe(grid.coords.buffer)
    expect(() => grid.slotOf(99, 99, 99)).toThrow(/final snapshot/)
    expect(() => snapshotGrid(grid, meta)).toThrow(/final snapshot/)
  })
})
