/** A voxel grid with random points, colours, labels and embeddings in a few hundred voxels (snapshot tests). */
import { VoxelGrid } from '../../../../src-main/services/mapping/voxel-grid'
import { seededRandom } from '../../../../src-main/services/seeded-random'

export function randomGrid(dim: number, seed: number, points = 3000): VoxelGrid {
  const grid = new VoxelGrid({ voxelSizeMeters: 0.1, embeddingDim: dim })
  const random = seededRandom(seed)
  const embedding = new Float32Array(dim)
  for (let i = 0; i < points; i++) {
    const slot = grid.slotOf(i % 37, (i * 7) % 11, -(i % 5))
    grid.addPoint(slot, random(), random(), random(), 255 * random(), 0, 9, i % 3)
    embedding.forEach((_, d) => (embedding[d] = random() - 0.5))
    grid.addEmbeddings(Int32Array.of(slot), Float32Array.of(1), 1, embedding, 0)
  }
  return grid
}
