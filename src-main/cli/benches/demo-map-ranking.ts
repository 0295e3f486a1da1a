/**
 * Ranking agreement of the map's compressed embeddings on real ones: the shipped demo model's
 * embeddings of the shipped demo recording, fused into a 5 cm map (every 4th frame) as a build does,
 * then the exact cosine of each voxel's mean embedding against the PCA-int8 code cosine the product
 * queries with, for a few of the demo pack's own class names. Three builds: exact sums with the PCA
 * fitted at the end (an offline build of a map this size), sums kept in the PCA subspace of the first
 * voxels as a big map is (embedding-accumulator.ts), switched on early here, and the same with the
 * live map's budget (live-map.ts). Needs no user data (the demo ships).
 */
import { codeCosines, reconstructionNorms } from '../../services/mapping/embedding-codec'
import { defaultFusionSettings, fuseFrame, type FusionFrame } from '../../services/mapping/frame-fusion'
import { snapshotGrid, type FusedMapMeta } from '../../services/mapping/fused-map'
import { liveExactEmbeddingBytes } from '../../services/mapping/live-map'
import { rankAgreement } from '../../services/mapping/rank-agreement'
import { VoxelGrid } from '../../services/mapping/voxel-grid'
import type { BenchRow } from './bench-types'
import { demoSessionId as sessionId, withDemoInference } from './demo-inference'

const queries = ['sofa', 'bed', 'plant']
/** The subspace build switches when its map reaches this many voxels (~10 % of the demo map). */
const subspaceAfterVoxels = 8192

export async function demoMapRankingRows(frameStep: number): Promise<BenchRow[]> {
  const rows = await withDemoInference('map bench', async ({ frames, inference }) => {
    let grids: { exact: VoxelGrid; subspace: VoxelGrid; live: VoxelGrid } | null = null
    const count = await frames.frameCount(sessionId)
    for (let f = 0; f < count; f += frameStep) {
      const [frame, embeddings] = await Promise.all([
        frames.loadFrame(sessionId, f),
        inference.frameEmbeddings(sessionId, f),
      ])
      const embeddingDim = embeddings.dim
      grids ??= {
        exact: new VoxelGrid({ voxelSizeMeters: 0.05, embeddingDim }),
        subspace: new VoxelGrid({
          voxelSizeMeters: 0.05,
          embeddingDim,
          exactEmbeddingBytes: subspaceAfterVoxels * embeddingDim * 4,
        }),
        live: new VoxelGrid({ voxelSizeMeters: 0.05, embeddingDim, exactEmbeddingBytes: liveExactEmbeddingBytes }),
      }
      const fusionFrame: FusionFrame = {
        frameIndex: f,
        camera: frame.camera,
        depthMeters: frame.depthMeters.data,
        rgb: frame.rgb.data,
        labels: null,
        worldFromCamera: frame.worldFromCamera as number[],
        embeddings,
      }
      for (const grid of Object.values(grids))
        fuseFrame(grid, fusionFrame, { ...defaultFusionSettings, maxDepthMeters: 6 })
    }
    if (!grids) return []
    const { exact: grid, subspace, live } = grids
    const dim = grid.embeddingDim
    const vectors = await inference.textEmbeddings(queries)
    const mean = new Float32Array(dim)
    const exactCosines = vectors.map((query) => {
      const exact = new Float32Array(grid.count)
      for (let i = 0; i < grid.count; i++) {
        grid.embeddings.exactMean(i, mean)
        let dot = 0
        for (let d = 0; d < dim; d++) dot += mean[d]! * query[d]!
        exact[i] = dot
      }
      return exact
    })
    const agreementsOf = (built: VoxelGrid): Array<ReturnType<typeof rankAgreement>> => {
      const codes = snapshotGrid(built, { embeddingDim: dim } as FusedMapMeta).codes!
      const norms = reconstructionNorms(codes)
      return vectors.map((query, q) => rankAgreement(exactCosines[q]!, codeCosines(codes, norms, query), 100))
    }
    const label = `demo map ${grid.count.toLocaleString('en')} voxels, ${dim}-d, ${queries.join('/')}`
    const subspaceLabel = `sums in the PCA subspace of the first ${subspaceAfterVoxels.toLocaleString('en')} voxels`
    const liveVoxels = liveExactEmbeddingBytes / (4 * dim)
    const liveLabel = `the live map's budget: sums in the PCA subspace of the first ${liveVoxels.toLocaleString('en')} voxels`
    const [today, big, early] = [agreementsOf(grid), agreementsOf(subspace), agreementsOf(live)]
    const worst = (agreements: typeof today, key: 'spearman' | 'topOverlap'): number =>
      Math.min(...agreements.map((a) => a[key]))
    return [
      { name: `Spearman, compressed vs exact, real embeddings (${label}, worst)`, value: worst(today, 'spearman') },
      { name: 'top-100 overlap, compressed vs exact, real embeddings (worst)', value: worst(today, 'topOverlap') },
      { name: `Spearman, ${subspaceLabel} vs exact, real embeddings (worst)`, value: worst(big, 'spearman') },
      { name: `top-100 overlap, ${subspaceLabel} vs exact (worst)`, value: worst(big, 'topOverlap') },
      { name: `Spearman, ${liveLabel} vs exact, real embeddings (worst)`, value: worst(early, 'spearman') },
      { name: `top-100 overlap, ${liveLabel} vs exact (worst)`, value: worst(early, 'topOverlap') },
    ].map((row) => ({ ...row, unit: '', aim: '≥ 0.95' }))
  })
  return rows ?? []
}
