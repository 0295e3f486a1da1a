import { describe, expect, it } from 'vitest'
import {
  codeCosines,
  reconstructionNorms,
  type EmbeddingCodes,
} from '../../../../src-main/services/mapping/embedding-codec'
import { defaultFusionSettings, fuseFrame } from '../../../../src-main/services/mapping/frame-fusion'
import { restoreGrid, snapshotGrid, type FusedMapMeta } from '../../../../src-main/services/mapping/fused-map'
import { rankAgreement } from '../../../../src-main/services/mapping/rank-agreement'
import { VoxelGrid } from '../../../../src-main/services/mapping/voxel-grid'
import { seededRandom } from '../../../../src-main/services/seeded-random'
import { camera, poseOf, renderFrame } from './synthetic-room'

const dim = 96
const stride = 4
const frames = 16
const random = seededRandom(33)
const unit = (v: Float32Array): Float32Array => {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}
const concepts = Array.from({ length: 8 }, () => unit(Float32Array.from({ length: dim }, () => random() - 0.5)))

/** A cell's embedding: its class's concept, mixed with concepts that vary smoothly over the room, plus noise. */
function cellEmbedding(label: number, x: number, y: number, z: number, noise: () => number): Float32Array {
  const weights = [0, 0, 0, 0, Math.sin(2 * x), Math.cos(3 * y), 0.4 * z, 0.3]
  weights[label] = 1
  return unit(
    Float32Array.from(
      { length: dim },
      (_, d) => weights.reduce((s, w, c) => s + w * concepts[c]![d]!, 0) + 0.15 * (noise() - 0.5),
    ),
  )
}

/** Fuses the synthetic room's frames with 96-d embeddings into a fresh 5 cm grid. */
function build(exactEmbeddingBytes?: number): VoxelGrid {
  const grid = new VoxelGrid({ voxelSizeMeters: 0.05, embeddingDim: dim, exactEmbeddingBytes })
  // The same noise in every build, so builds differ only in how they sum.
  const noise = seededRandom(5)
  const [w, h] = [camera.width / stride, camera.height / stride]
  for (let f = 0; f < frames; f++) {
    const pose = poseOf(f, frames)
    const { depthMeters, rgb, labels } = renderFrame(pose)
    const data = new Float32Array(w * h * dim)
    for (let cy = 0; cy < h; cy++)
      for (let cx = 0; cx < w; cx++) {
        const [u, v] = [cx * stride + 2, cy * stride + 2]
        const d = depthMeters[v * camera.width + u]!
        const [px, py] = [((u - camera.cx) * d) / camera.fx, ((v - camera.cy) * d) / camera.fy]
        const world = [0, 4, 8].map((r) => pose[r]! * px + pose[r + 1]! * py + pose[r + 2]! * d + pose[r + 3]!)
        data.set(
          cellEmbedding(labels[v * camera.width + u]!, world[0]!, world[1]!, world[2]!, noise),
          (cy * w + cx) * dim,
        )
      }
    const embeddings = { dim, width: w, height: h, scaleX: stride, scaleY: stride, data }
    const frame = { frameIndex: f, camera, depthMeters, rgb, labels, worldFromCamera: pose, embeddings }
    fuseFrame(grid, frame, { ...defaultFusionSettings, maxDepthMeters: 6 })
  }
  return grid
}

const meta = { embeddingDim: dim, voxelSizeMeters: 0.05 } as FusedMapMeta
const queries = [concepts[3]!, concepts[4]!, unit(concepts[1]!.map((x, d) => x - concepts[5]![d]!))]

/** Per query, the code cosines of a map and their mean absolute error against the exact voxel means' cosines. */
function compare(codes: EmbeddingCodes, exact: Float32Array[]): Array<{ error: number; spearman: number }> {
  const norms = reconstructionNorms(codes)
  return queries.map((query, q) => {
    const got = codeCosines(codes, norms, query)
    let error = 0
    for (let i = 0; i < got.length; i++) error += Math.abs(got[i]! - exact[q]![i]!)
    return { error: error / got.length, spearman: rankAgreement(exact[q]!, got, 100).spearman }
  })
}

describe('embedding sums in a PCA subspace (big maps)', () => {
  const exactGrid = build()
  // Exact sums for the first 4 096 voxels only: the grid switches when it first grows past them.
  const subspaceGrid = build(1)
  const mean = new Float32Array(dim)
  const exact = queries.map((query) =>
    Float32Array.from({ length: exactGrid.count }, (_, i) => {
      exactGrid.embeddings.exactMean(i, mean)
      return mean.reduce((s, v, d) => s + v * query[d]!, 0)
    }),
  )

  it('switches to 64-d int16 means once exact sums outgrow their bytes, and holds fewer bytes per voxel', () => {
    expect(exactGrid.count).toBeGreaterThan(8192)
    expect(subspaceGrid.count).toBe(exactGrid.count)
    expect(exactGrid.embeddings.subspace).toBeNull()
    expect(subspaceGrid.embeddings.subspace?.components).toBe(64)
    expect(exactGrid.bytesPerVoxel() - subspaceGrid.bytesPerVoxel()).toBe(4 * dim - 2 * 64)
  })

  it('gives codes whose cosines match exact fusion within 0.01 on average (Spearman ≥ 0.99)', () => {
    const subspace = compare(snapshotGrid(subspaceGrid, meta).codes!, exact)
    const today = compare(snapshotGrid(exactGrid, meta).codes!, exact)
    subspace.forEach(({ error, spearman }, q) => {
      expect(error).toBeLessThan(0.01)
      expect(spearman).toBeGreaterThan(0.99)
      // As close as compressing exact sums at the end (0.003 here): the first 4 096 voxels' basis is enough.
      expect(error).toBeLessThan(today[q]!.error + 0.002)
    })
  })

  it('continues a saved big map in its own basis with the same codes', () => {
    const saved = snapshotGrid(subspaceGrid, meta)
    const restored = restoreGrid({ ...saved, meta: { ...saved.meta, voxelSizeMeters: 0.05 } }, undefined, 1)
    expect(restored.embeddings.subspace).toBe(saved.codes!.pca)
    const again = snapshotGrid(restored, meta).codes!
    const [a, b] = [saved.codes!, again]
    for (const query of queries) {
      const before = codeCosines(a, reconstructionNorms(a), query)
      const after = codeCosines(b, reconstructionNorms(b), query)
      let worst = 0
      for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i]! - after[i]!))
      expect(worst).toBeLessThan(0.01)
    }
  })

  it('gives the same codes in the final snapshot, which lets go of the means page by page (runs last: it ends the grid)', () => {
    const copied = snapshotGrid(subspaceGrid, meta).codes!
    const final = snapshotGrid(subspaceGrid, meta, true, true).codes!
    expect([...final.codes]).toEqual([...copied.codes])
    expect([...final.scales]).toEqual([...copied.scales])
    expect(() => subspaceGrid.embeddings.meanOf(0, new Float32Array(64))).toThrow()
  })
})
