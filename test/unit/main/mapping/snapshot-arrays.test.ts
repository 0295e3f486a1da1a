import { describe, expect, it } from 'vitest'
import { snapshotGrid, type FusedMapMeta } from '../../../../src-main/services/mapping/fused-map'
import { mapBuffers } from '../../../../src-main/services/mapping/fusion-protocol'
import { snapshotBlockBytes, SnapshotArrays } from '../../../../src-main/services/mapping/snapshot-arrays'
import { randomGrid } from './random-grid'

describe('snapshot arrays (one mapped block per snapshot)', () => {
  it('carves aligned arrays that do not overlap from one block above the mmap threshold', () => {
    const arrays = new SnapshotArrays()
    const made = [
      arrays.make(Uint8Array, 13),
      arrays.make(Float32Array, 7),
      arrays.make(Uint16Array, 5),
      arrays.make(Int8Array, 3),
      arrays.make(Uint32Array, 11),
    ]
    made.forEach((array, i) => array.fill(i + 1))
    made.forEach((array, i) => {
      expect([...array]).toEqual(new Array<number>(array.length).fill(i + 1))
      expect(array.byteOffset % 8).toBe(0)
      expect(array.buffer).toBe(made[0]!.buffer)
    })
    expect(made[0]!.buffer.byteLength).toBeGreaterThan(32 * 2 ** 20)
    // A request larger than what is left gets a block of its own, as large as it needs.
    const big = arrays.make(Float32Array, snapshotBlockBytes / 4 + 10)
    expect(big.buffer).not.toBe(made[0]!.buffer)
    expect(big.buffer.byteLength).toBeGreaterThanOrEqual(big.byteLength)
    const next = arrays.make(Uint8Array, 4)
    expect(next.buffer).not.toBe(made[0]!.buffer)
  })

  it('puts a copying snapshot of a grid (geometry and codes) in one block, transferred as one buffer', () => {
    const dim = 16
    const grid = randomGrid(dim, 5, 2000)
    const map = snapshotGrid(grid, { embeddingDim: dim } as FusedMapMeta)
    const perVoxel = [map.voxelCoords, map.positions, map.colors, map.labels, map.pointCounts, map.covariances]
    const blocks = new Set([...perVoxel, map.codes!.codes, map.codes!.scales].map((a) => a.buffer))
    expect(blocks.size).toBe(1)
    // The PCA basis is small and made apart; the block and the basis' two arrays are what a transfer moves.
    expect(mapBuffers(map)).toHaveLength(3)
    // A copy: fusing more does not change the snapshot.
    const before = [...map.pointCounts]
    grid.addPoint(0, 0.5, 0.5, 0.5, 0, 0, 0, 1)
    expect([...map.pointCounts]).toEqual(before)
    expect(map.pointCounts[0]).toBe(grid.pointCount[0]! - 1)
  })
})
