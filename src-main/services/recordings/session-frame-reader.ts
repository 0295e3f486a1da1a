/**
 * The FrameReader port over the session store, with a decoded-frame LRU cache shared by the
 * services (model, map, stats) and the data routes. RGB is scaled to the depth camera's size when
 * the session's rgbSize differs, so pixel (x, y) means the same point in both images.
 */
import { join } from 'node:path'
import { ConsoleError, type SessionFrame, type U16Image } from '../../contract'
import type { FrameReader, LoadedFrame, RgbImage } from '../ports'
import { LruCache } from './lru-cache'
import { decodeGreyPng, decodeRgb, readFrameFile, rgbContentType } from './frame-decoding'
import type { SessionStore, StoredSession } from './session-store'

type CachedImage = RgbImage | U16Image

export interface FrameReaderOptions {
  /** Bytes of decoded images kept (default 256 MiB). */
  cacheBytes?: number
}

/** A live frame's images as its recorder decoded them: depth in the session's units, colour when exact. */
export interface LiveFrameImages {
  depth: { width: number; height: number; data: Uint16Array }
  rgb: RgbImage | null
}

/** Decoded images of live sessions kept: the newest few frames (the model takes the newest, the view its depth). */
const liveCacheBytes = 16 * 2 ** 20

export class SessionFrameReader implements FrameReader {
  private readonly cache: LruCache<CachedImage>
  private readonly liveCache = new LruCache<CachedImage>(liveCacheBytes, (image) => image.data.byteLength)

  constructor(
    private readonly store: SessionStore,
    options: FrameReaderOptions = {},
  ) {
    this.cache = new LruCache<CachedImage>(options.cacheBytes ?? 256 * 2 ** 20, (image) => image.data.byteLength)
  }

  async frameCount(sessionId: string): Promise<number> {
    return (await this.store.get(sessionId)).manifest.frames.length
  }

  async loadFrame(sessionId: string, frameIndex: number): Promise<LoadedFrame> {
    const { session, frame } = await this.frame(sessionId, frameIndex)
    const { manifest } = session
    const [rgb, depth] = await Promise.all([this.rgbImage(session, frame), this.depthRaw(session, frame)])
    const depthMeters = new Float32Array(depth.data.length)
    for (let i = 0; i < depth.data.length; i++) depthMeters[i] = (depth.data[i] as number) * depth.scale
    return {
      sessionId,
      frameIndex,
      timestampSec: frame.timestampSec,
      rgb,
      depthMeters: { width: depth.width, height: depth.height, data: depthMeters },
      camera: { ...manifest.camera },
      worldFromCamera: frame.worldFromCamera ? [...frame.worldFromCamera] : null,
    }
  }

  async loadLabels(
    sessionId: string,
    frameIndex: number,
  ): Promise<{ width: number; height: number; data: Uint16Array } | null> {
    const labels = await this.labelsRaw(sessionId, frameIndex)
    return labels && { width: labels.width, height: labels.height, data: labels.data }
  }

  /** Raw depth with invalid values set to 0 and `scale` = metres per unit (the data route's payload). */
  async depthRaw(sessionOrId: StoredSession | string, frameOrIndex: SessionFrame | number): Promise<U16Image> {
    const { session, frame } = await this.frame(sessionOrId, frameOrIndex)
    const path = join(session.dir, frame.depth)
    return this.cached(session, `${frame.index}/depth`, async () => {
      const grey = await decodeGreyPng(path, session.dir)
      const { camera, depthInvalidValues, depthUnitMeters } = session.manifest
      if (grey.width !== camera.width || grey.height !== camera.height) {
        throw new ConsoleError(
          'bad_file',
          `${path}: depth is ${grey.width}×${grey.height}, the session camera is ${camera.width}×${camera.height}.`,
          { file: path },
        )
      }
      const invalid = depthInvalidValues.filter((v) => v !== 0)
      if (invalid.length) {
        // A 64 KiB table: one lookup per pixel instead of a search through the list.
        const isInvalid = new Uint8Array(65536)
        for (const value of invalid) isInvalid[value] = 1
        const samples = grey.data
        for (let i = 0; i < samples.length; i++) if (isInvalid[samples[i] as number]) samples[i] = 0
      }
      return { ...grey, scale: depthUnitMeters }
    })
  }

  /** Ground-truth labels of a frame (scale 1), or null when it has none. */
  async labelsRaw(sessionId: string, frameIndex: number): Promise<U16Image | null> {
    const { session, frame } = await this.frame(sessionId, frameIndex)
    const file = frame.labels
    if (!file) return null
    return this.cached(session, `${frame.index}/labels`, async () => ({
      ...(await decodeGreyPng(join(session.dir, file), session.dir)),
      scale: 1,
    }))
  }

  /** The stored RGB file's bytes and content type (served as-is). */
  async rgbBytes(sessionId: string, frameIndex: number): Promise<{ bytes: Uint8Array; contentType: string }> {
    const { session, frame } = await this.frame(sessionId, frameIndex)
    const path = join(session.dir, frame.rgb)
    return { bytes: await readFrameFile(path, session.dir), contentType: rgbContentType(path) }
  }

  /** Forgets a session's decoded frames (after delete or re-import). */
  forget(sessionId: string): void {
    this.cache.deletePrefix(`${sessionId}@`)
    this.liveCache.deletePrefix(`${sessionId}@`)
  }

  /**
   * A live frame just recorded, handed over decoded: the model, which runs on the newest frame, reads
   * it from memory instead of reading and decoding the files again. Depth must be the recorded samples
   * (a live session has no invalid values but 0), colour the stored image's pixels at the camera's size.
   */
  keepLiveFrame(session: StoredSession, frameIndex: number, images: LiveFrameImages): void {
    const { camera, depthUnitMeters, depthInvalidValues } = session.manifest
    const { depth, rgb } = images
    if (depth.width !== camera.width || depth.height !== camera.height) return
    if (depthInvalidValues.some((value) => value !== 0)) return
    this.liveCache.set(this.key(session, `${frameIndex}/depth`), { ...depth, scale: depthUnitMeters })
    if (rgb && rgb.width === camera.width && rgb.height === camera.height)
      this.liveCache.set(this.key(session, `${frameIndex}/rgb`), rgb)
  }

  private async rgbImage(session: StoredSession, frame: SessionFrame): Promise<RgbImage> {
    const { camera } = session.manifest
    return this.cached(session, `${frame.index}/rgb`, () =>
      decodeRgb(join(session.dir, frame.rgb), camera, session.dir),
    )
  }

  private cached<T extends CachedImage>(session: StoredSession, key: string, load: () => Promise<T>): Promise<T> {
    // A live recording's frames are read about once each, as they arrive (the model, the live view):
    // in the main cache they would only fill it at the stream's pace and push out what is being browsed.
    const cache = this.store.isLive(session.dir) ? this.liveCache : this.cache
    return cache.getOrLoad(this.key(session, key), load) as Promise<T>
  }

  /** The manifest version is part of the key: a session re-imported under the same id never hits old frames. */
  private key(session: StoredSession, key: string): string {
    return `${session.id}@${session.version}/${key}`
  }

  /** The session and frame entry for an id/index (or pass-through when already resolved). */
  async frame(
    sessionOrId: StoredSession | string,
    frameOrIndex: SessionFrame | number,
  ): Promise<{ session: StoredSession; frame: SessionFrame }> {
    const session = typeof sessionOrId === 'string' ? await this.store.get(sessionOrId) : sessionOrId
    if (typeof frameOrIndex !== 'number') return { session, frame: frameOrIndex }
    const frame = session.manifest.frames[frameOrIndex]
    if (!frame)
      throw new ConsoleError(
        'not_found',
        `Session "${session.id}" has no frame ${frameOrIndex} (it has ${session.manifest.frames.length}).`,
      )
    return { session, frame }
  }
}
