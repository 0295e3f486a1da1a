import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LocalFusion } from '../../../../src-main/services/mapping/fusion-engine'
import { FusionWorkerClient } from '../../../../src-main/services/mapping/fusion-worker-client'
import type { FusedMapMeta } from '../../../../src-main/services/mapping/fused-map'
import type { FusionFrame } from '../../../../src-main/services/mapping/frame-fusion'
import { loadMap, saveMap } from '../../../../src-main/services/mapping/map-file'
import { encodeEmbeddingsNpy } from '../../../../src-main/services/mapping/npy-export'
import { encodePly } from '../../../../src-main/services/mapping/ply-export'
import { camera, labelClasses, SyntheticRoom } from './synthetic-room'

const frames = 8

async function fusionFrames(): Promise<FusionFrame[]> {
  const world = new SyntheticRoom(frames)
  return Promise.all(
    Array.from({ length: frames }, async (_, i) => {
      const frame = await world.loadFrame('room', i)
      return {
        frameIndex: i,
        camera,
        depthMeters: frame.depthMeters.data,
        rgb: frame.rgb.data,
        labels: (await world.loadLabels('room', i)).data,
        worldFromCamera: frame.worldFromCamera!,
        embeddings: await world.frameEmbeddings('room', i),
      }
    }),
  )
}

const meta: FusedMapMeta = {
  sessionId: 'room',
  modelId: 'synthetic',
  voxelSizeMeters: 0.1,
  maxDepthMeters: 6,
  frameStep: 1,
  nextFrame: frames,
  framesFused: frames,
  frameCount: frames,
  complete: true,
  embeddingDim: 16,
  labelClasses,
  camera,
  trajectory: { frameIndices: [], worldFromCamera: [] },
  warnings: [],
  updatedAt: '2026-11-26T00:00:00Z',
}

async function localMap() {
  const fusion = new LocalFusion({ voxelSizeMeters: 0.1, maxDepthMeters: 6, embeddingDim: 16, restore: null })
  for (const frame of await fusionFrames()) await fusion.fuse(frame)
  return fusion.snapshot(meta, true)
}

describe('map files', () => {
  it('saves and loads a map unchanged, and names the file when it is damaged', async () => {
    const map = await localMap()
    const folder = mkdtempSync(join(tmpdir(), 'dve-mapfile-'))
    await saveMap(folder, map)
    const loaded = (await loadMap(folder))!
    expect(loaded.count).toBe(map.count)
    expect([...loaded.positions]).toEqual([...map.positions])
    expect([...loaded.codes!.codes]).toEqual([...map.codes!.codes])
    expect(loaded.meta).toEqual(map.meta)
    writeFileSync(join(folder, 'map.bin'), readFileSync(join(folder, 'map.bin')).subarray(0, 100))
    await expect(loadMap(folder)).rejects.toThrow(/map\.bin: 100 bytes, map\.json expects \d+/)
    expect(await loadMap(join(folder, 'none'))).toBeNull()
  })

  it('writes a binary little-endian PLY with colour, class and relevancy per voxel', async () => {
    const map = await localMap()
    const relevancy = Float32Array.from({ length: map.count }, (_, i) => i / map.count)
    const bytes = encodePly(map, relevancy)
    const text = new TextDecoder('latin1').decode(bytes.subarray(0, 2000))
    const headerEnd = text.indexOf('end_header\n') + 'end_header\n'.length
    expect(text).toContain(`element vertex ${map.count}`)
    expect(text).toContain('format binary_little_endian 1.0')
    const view = new DataView(bytes.buffer, bytes.byteOffset + headerEnd)
    expect(bytes.length - headerEnd).toBe(map.count * 25)
    const k = map.count - 1
    expect(view.getFloat32(k * 25, true)).toBeCloseTo(map.positions[k * 3]!, 5)
    expect(view.getUint8(k * 25 + 12)).toBe(map.colors[k * 4])
    expect(view.getUint16(k * 25 + 15, true)).toBe(map.labels[k])
    expect(view.getFloat32(k * 25 + 17, true)).toBeCloseTo(relevancy[k]!, 6)
  })

  it('writes the voxel embeddings as a float32 .npy of (voxels, dim)', async () => {
    const map = await localMap()
    const bytes = encodeEmbeddingsNpy(map)
    expect([...bytes.subarray(0, 6)]).toEqual([0x93, ...new TextEncoder().encode('NUMPY')])
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true)
    expect((10 + headerLength) % 64).toBe(0)
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLength))).toContain(`'shape': (${map.count}, 16)`)
    const values = new Float32Array(bytes.slice(10 + headerLength).buffer)
    expect(values.length).toBe(map.count * 16)
    // Decoded rows are near unit length (they were L2-normalised means before compression).
    const norm = Math.hypot(...values.subarray(0, 16))
    expect(norm).toBeGreaterThan(0.9)
    expect(norm).toBeLessThan(1.1)
  })

  it('fuses the same map in the worker thread as in-thread', async () => {
    const expected = await localMap()
    const worker = await FusionWorkerClient.start({
      voxelSizeMeters: 0.1,
      maxDepthMeters: 6,
      embeddingDim: 16,
      restore: null,
    })
    try {
      for (const frame of await fusionFrames()) await worker.fuse(frame)
      const map = await worker.snapshot(meta, true)
      expect(map.count).toBe(expected.count)
      expect([...map.positions]).toEqual([...expected.positions])
      expect([...map.labels]).toEqual([...expected.labels])
    } finally {
      await worker.dispose()
    }
  })

  it('keeps fusing in the worker after a checkpoint of a map whose sums are in a PCA subspace', async () => {
    // 128-d embeddings (the room's 16-d ones through a fixed mixing): past 64 dims a map can switch.
    const dim = 128
    const mixing = Float32Array.from({ length: 16 * dim }, (_, i) => Math.sin(i * 12.9898) * 0.5)
    const wide = (frame: FusionFrame): FusionFrame => {
      const e = frame.embeddings!
      const data = new Float32Array((e.data.length / e.dim) * dim)
      for (let cell = 0; cell < e.data.length / e.dim; cell++)
        for (let d = 0; d < dim; d++) {
          let v = 0
          for (let j = 0; j < e.dim; j++) v += e.data[cell * e.dim + j]! * mixing[j * dim + d]!
          data[cell * dim + d] = v
        }
      return { ...frame, embeddings: { ...e, dim, data } }
    }
    const init = { voxelSizeMeters: 0.05, maxDepthMeters: 6, embeddingDim: dim, exactEmbeddingBytes: 1, restore: null }
    const wideMeta = { ...meta, embeddingDim: dim }
    const local = new LocalFusion(init)
    const worker = await FusionWorkerClient.start(init)
    try {
      // A checkpoint after every frame; the frames after the switch are fused after checkpoints.
      const inSubspace: boolean[] = []
      const snapshots = async (engine: LocalFusion | FusionWorkerClient) => {
        const taken = []
        for (const frame of await fusionFrames()) {
          await engine.fuse(wide(frame))
          taken.push(await engine.snapshot(wideMeta, true))
          if (engine === local) inSubspace.push(local.grid.embeddings.subspace !== null)
        }
        return taken
      }
      const [expected, fromWorker] = [await snapshots(local), await snapshots(worker)]
      expect(inSubspace.slice(0, -2)).toContain(true)
      for (const [k, map] of fromWorker.entries()) {
        expect(map.codes!.scales.every(Number.isFinite)).toBe(true)
        expect([...map.codes!.pca.basis]).toEqual([...expected[k]!.codes!.pca.basis])
        // Stochastic rounding runs the same sequence in both: the same codes.
        expect([...map.codes!.codes]).toEqual([...expected[k]!.codes!.codes])
      }
    } finally {
      await worker.dispose()
    }
  })
})
