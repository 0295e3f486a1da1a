/**
 * A deterministic stand-in for a recording plus a model, for `dve bench query` and the Ask tests.
 * As in CLIP space, every pixel shares a generic "photo" component, which the canonical negatives
 * point at; background pixels add a "room" direction, things add their own direction inside their
 * boxes, and synonyms share a direction. It implements
 * the same ports the real recordings and inference services do, so the service code is unchanged.
 */
import type { NormalisedBox } from '../../contract'
import type { EmbeddingMap, EmbeddingProvider, FrameReader, FrameScorer, LoadedFrame, ScoreMaps } from '../ports'
import { seededRandom } from '../seeded-random'

export interface SyntheticThing {
  /** Names that embed to this thing's direction (first is the canonical name). */
  names: string[]
  /** Frames [first, last] where it is visible, and where. */
  firstFrame: number
  lastFrame: number
  box: NormalisedBox
}

export interface SyntheticWorldOptions {
  frameCount: number
  dim: number
  width: number
  height: number
  fps: number
  things: SyntheticThing[]
  seed?: number
}

const negativeWords = new Set(['object', 'things', 'stuff', 'texture'])
const recentMapCount = 8

export class SyntheticEmbeddingWorld implements EmbeddingProvider, FrameScorer, FrameReader {
  readonly sessionId = 'synthetic'
  /** How many times frameEmbeddings ran (tests check the index cache with it). */
  embeddingCalls = 0
  private readonly generic: Float32Array
  private readonly room: Float32Array
  private readonly directions = new Map<string, Float32Array>()
  /** Recent maps, as the inference service's embedding cache keeps them. */
  private readonly recentMaps = new Map<string, EmbeddingMap>()

  constructor(readonly options: SyntheticWorldOptions) {
    const random = seededRandom(options.seed ?? 7)
    this.generic = unit(randomVector(options.dim, random))
    this.room = unit(randomVector(options.dim, random))
    for (const thing of options.things) {
      const direction = this.directions.get(thing.names[0] as string) ?? unit(randomVector(options.dim, random))
      for (const name of thing.names) this.directions.set(name, direction)
    }
  }

  /** Things visible in a frame (ground truth). */
  thingsIn(frameIndex: number): SyntheticThing[] {
    return this.options.things.filter((t) => frameIndex >= t.firstFrame && frameIndex <= t.lastFrame)
  }

  activeModelId(): string {
    return 'synthetic-model'
  }

  async textEmbeddings(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => {
      const random = seededRandom(hash(text))
      if (negativeWords.has(text)) return unit(mix(this.generic, randomVector(this.options.dim, random), 0.3))
      // Unknown words point somewhere unrelated.
      const own = this.directions.get(text) ?? unit(randomVector(this.options.dim, random))
      return unit(mix(own, this.generic, 0.5))
    })
  }

  async frameEmbeddings(sessionId: string, frameIndex: number): Promise<EmbeddingMap> {
    this.embeddingCalls++
    // A real provider answers from a worker; yielding here keeps jobs cancellable as they are there.
    await new Promise((resolve) => setImmediate(resolve))
    const key = `${sessionId}/${frameIndex}`
    const recent = this.recentMaps.get(key)
    if (recent) return recent
    const map = this.generate(sessionId, frameIndex)
    if (this.recentMaps.size >= recentMapCount) this.recentMaps.delete(this.recentMaps.keys().next().value as string)
    this.recentMaps.set(key, map)
    return map
  }

  private generate(sessionId: string, frameIndex: number): EmbeddingMap {
    const { dim, width, height } = this.options
    const random = seededRandom(hash(`${sessionId}/${frameIndex}`))
    const data = new Float32Array(width * height * dim)
    const visible = this.thingsIn(frameIndex).map((t) => ({ box: t.box, base: this.pixelBase(t.names[0] as string) }))
    const roomBase = this.pixelBase(null)
    const noise = new Float32Array(dim)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const base = visible.find((t) => inBox(t.box, (x + 0.5) / width, (y + 0.5) / height))?.base ?? roomBase
        let noiseNorm = 0
        for (let d = 0; d < dim; d++) {
          noise[d] = random() - 0.5
          noiseNorm += (noise[d] as number) ** 2
        }
        // base (unit) + 0.25 · unit noise, normalised; written in place for speed (benches use 300 frames).
        const scale = 0.25 / Math.sqrt(noiseNorm)
        const offset = (y * width + x) * dim
        let norm = 0
        for (let d = 0; d < dim; d++) {
          const v = (base[d] as number) + scale * (noise[d] as number)
          data[offset + d] = v
          norm += v * v
        }
        const inverse = 1 / Math.sqrt(norm)
        for (let d = 0; d < dim; d++) data[offset + d] = (data[offset + d] as number) * inverse
      }
    }
    return { dim, width, height, scaleX: 4, scaleY: 4, data }
  }

  /** Unit direction of a thing's pixels (or the room's, for null) before noise. */
  private pixelBase(name: string | null): Float32Array {
    const own = name === null ? this.room : (this.directions.get(name) as Float32Array)
    return unit(mix(own, this.generic, 1))
  }

  async scoreFrame(sessionId: string, frameIndex: number, vectors: Float32Array[]): Promise<ScoreMaps> {
    const map = await this.frameEmbeddings(sessionId, frameIndex)
    const count = map.width * map.height
    const scores = new Float32Array(vectors.length * count)
    vectors.forEach((vector, k) => {
      for (let i = 0; i < count; i++) {
        let dot = 0
        for (let d = 0; d < map.dim; d++) dot += (map.data[i * map.dim + d] as number) * (vector[d] as number)
        scores[k * count + i] = dot
      }
    })
    return {
      count: vectors.length,
      width: map.width,
      height: map.height,
      scaleX: map.scaleX,
      scaleY: map.scaleY,
      scores,
    }
  }

  async frameCount(): Promise<number> {
    return this.options.frameCount
  }

  async loadFrame(sessionId: string, frameIndex: number): Promise<LoadedFrame> {
    const { width, height } = this.options
    return {
      sessionId,
      frameIndex,
      timestampSec: frameIndex / this.options.fps,
      rgb: { width, height, data: new Uint8Array(width * height * 3) },
      depthMeters: { width, height, data: new Float32Array(width * height) },
      camera: { width, height, fx: width, fy: width, cx: width / 2, cy: height / 2 },
      worldFromCamera: null,
    }
  }

  async loadLabels(): Promise<null> {
    return null
  }
}

function inBox(box: NormalisedBox, x: number, y: number): boolean {
  return x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1
}

function randomVector(dim: number, random: () => number): Float32Array {
  return Float32Array.from({ length: dim }, () => random() - 0.5)
}

function mix(a: Float32Array, b: Float32Array, weightB: number): Float32Array {
  const na = Math.hypot(...a)
  const nb = Math.hypot(...b) || 1
  return a.map((v, i) => v / na + (weightB * (b[i] as number)) / nb)
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}
