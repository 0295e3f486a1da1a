/**
 * Ranking agreement of the map's compressed embeddings on real ones: the shipped demo model's
 * embeddings of the shipped demo recording, fused into a 5 cm map (every 4th frame) as a build does,
 * then the exact cosine of each voxel's mean embedding against the PCA-int8 code cosine the product
 * queries with, for a few of the demo pack's own class names. Needs no user data (the demo ships).
 */
import { codeCosines, reconstructionNorms } from '../../services/mapping/embedding-codec'
import { defaultFusionSettings, fuseFrame } from '../../services/mapping/frame-fusion'
import { snapshotGrid, type FusedMapMeta } from '../../services/mapping/fused-map'
import { rankAgreement } from '../../services/mapping/rank-agreement'
import { VoxelGrid } from '../../services/mapping/voxel-grid'
import type { BenchRow } from './bench-types'
import { demoSessionId as sessionId, withDemoInference } from './demo-inference'

const queries = ['sofa', 'bed', 'plant']

export async function demoMapRankingRows(frameStep: number): Promise<BenchRow[]> {
  const rows = await withDemoInference('map bench', async ({ frames, inference }) => {
    let grid: VoxelGrid | null = null
    const count = await frames.frameCount(sessionId)
    for (let f = 0; f < count; f += frameStep) {
      const [frame, embeddings] = await Promise.all([
        frames.loadFrame(sessionId, f),
        inference.frameEmbeddings(sessionId, f),
      ])
      grid ??= new VoxelGrid({ voxelSizeMeters: 0.05, embeddingDim: embeddings.dim })
      fuseFrame(
        grid,
        {
          frameIndex: f,
          camera: frame.camera,
          depthMeters: frame.depthMeters.data,
          rgb: frame.rgb.data,
          labels: null,
          worldFromCamera: frame.worldFromCamera as number[],
          embeddings,
        },
        { ...defaultFusionSettings, maxDepthMeters: 6 },
      )
    }
    if (!grid) return []
    const map = snapshotGrid(grid, { embeddingDim: grid.embeddingDim } as FusedMapMeta)
    const codes = map.codes!
    const norms = reconstructionNorms(codes)
    const dim = grid.embeddingDim
    const vectors = await inference.textEmbeddings(queries)
    const agreements = vectors.map((query) => {
      const exact = new Float32Array(map.count)
      for (let i = 0; i < map.count; i++) {
        let dot = 0
        let norm = 0
        for (let d = 0; d < dim; d++) {
          const v = grid.embeddingSum[i * dim + d]!
          dot += v * query[d]!
          norm += v * v
        }
        exact[i] = norm > 0 ? dot / Math.sqrt(norm) : 0
      }
      return rankAgreement(exact, codeCosines(codes, norms, query), 100)
    })
    const label = `demo map ${map.count.toLocaleString('en')} voxels, ${dim}-d, ${queries.join('/')}`
    return [
      {
        name: `Spearman, compressed vs exact, real embeddings (${label}, worst)`,
        value: Math.min(...agreements.map((a) => a.spearman)),
        unit: '',
        aim: '≥ 0.95',
      },
      {
        name: 'top-100 overlap, compressed vs exact, real embeddings (worst)',
        value: Math.min(...agreements.map((a) => a.topOverlap)),
        unit: '',
        aim: '≥ 0.95',
      },
    ]
  })
  return rows ?? []
}
