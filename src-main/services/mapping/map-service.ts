/**
 * The `map` service: builds (as jobs, fused in a worker), keeps the current map of each session in
 * memory for drawing and queries, answers text queries with relevancy and pins, and implements the
 * MapQueryPort that Ask uses for "near the sofa in the map".
 */
import {
  ConsoleError,
  mapSpec,
  resourcePaths,
  type MapClassColors,
  type MapPinInfo,
  type MapQueryResult,
  type MapStatus,
  type ServiceApi,
  type SessionManifest,
  type VoxelDetail,
} from '../../contract'
import { writeFileAtomic } from '../../platform/atomic-write'
import type { EventBus } from '../event-bus'
import type { JobRunner } from '../jobs/job-runner'
import type {
  ClassHeadProvider,
  EmbeddingProvider,
  FrameReader,
  MapQueryHit,
  MapQueryPort,
  PreparedMapQuery,
} from '../ports'
import type { QueryScoring } from '../query/query-scoring'
import type { FusedMap } from './fused-map'
import type { FusionEngine, FusionInit } from './fusion-engine'
import { framePoints } from './frame-points'
import { MapArrays } from './map-arrays'
import { mapInfo } from './map-info'
import { LoadedMap } from './loaded-map'
import { buildMap, type MapBuildDeps } from './map-builder'
import { liveCheckpointEveryMs, LiveMap, ResidentLiveMap, type LiveMapDeps } from './live-map'
import { deleteMaps, loadMap, mapFolder, saveMap } from './map-file'
import { encodeEmbeddingsNpy } from './npy-export'
import { encodePly } from './ply-export'
import { clusterPins } from './voxel-clusters'
import { bestClassPerVoxel } from './voxel-classes'
import { voxelDetail } from './voxel-detail'
import { pixelWorldPoint } from './pixel-world-point'
import { commandLinePolicy, type PathPolicy } from '../security/path-policy'

type Input<M extends keyof typeof mapSpec> = Parameters<ServiceApi<typeof mapSpec>[M]>[0]

export interface MapServiceDeps {
  frames: FrameReader
  embeddings: EmbeddingProvider | null
  /** Loads the active model pack if it is still loading; its model id, or null without one. */
  loadModel?: () => Promise<string | null>
  /** Class-set heads for class colours by embedding (the classes service), or null before it is wired. */
  classHeads?: () => ClassHeadProvider | null
  manifest: (sessionId: string) => Promise<SessionManifest>
  /** The one scoring module Ask also uses (same negatives, temperature and threshold); null: no text queries. */
  scoring: QueryScoring | null
  jobs: JobRunner
  events: EventBus
  /** `<home>/maps`. */
  mapsRoot: string
  startEngine: (init: FusionInit) => Promise<FusionEngine>
  /** Browser mode serves other machines: there, `export` must not write files on this one. */
  allowFileExport: boolean
  /** Where exports may be written (docs/SECURITY.md); the CLI's policy when not given. */
  policy?: PathPolicy
  memoryBudgetBytes?: number
}

export class MapService implements ServiceApi<typeof mapSpec>, MapQueryPort {
  private readonly maps = new Map<string, LoadedMap>()
  private readonly builds = new Map<string, string>()
  /** The live map's last checkpoint (with codes), for queries while the view shows newer geometry. */
  private liveCodes: { key: string; old: LoadedMap } | null = null
  /** The live session's resident map, while its link lasts. */
  private readonly live = new ResidentLiveMap({
    manifest: (sessionId) => this.deps.manifest(sessionId),
    open: async (manifest) => {
      const modelId = await this.modelId()
      const previous = await loadMap(mapFolder(this.deps.mapsRoot, manifest.id, modelId)).catch(() => null)
      return new LiveMap(this.growDeps(), manifest, modelId, previous)
    },
  })
  /** Per-voxel arrays of recent queries and class colourings, by token (the view fetches them once). */
  private readonly arrays = new MapArrays()

  constructor(private readonly deps: MapServiceDeps) {}

  async status({ sessionId }: Input<'status'>): Promise<MapStatus> {
    const manifest = await this.deps.manifest(sessionId)
    // A damaged map must not hide the way out (building it again), so its error becomes a field.
    const [loaded, problem] = await this.current(sessionId).then(
      (map) => [map, null] as const,
      (error: unknown) => [null, error instanceof Error ? error.message : String(error)] as const,
    )
    return {
      sessionId,
      hasPoses: manifest.hasPoses,
      posedFrameCount: manifest.frames.filter((f) => f.worldFromCamera).length,
      frameCount: manifest.frames.length,
      map: loaded && mapInfo(loaded),
      buildJobId: this.builds.get(sessionId) ?? null,
      problem,
    }
  }

  async build(raw: Input<'build'>): Promise<{ jobId: string }> {
    const options = mapSpec.build.input.parse(raw)
    const manifest = await this.deps.manifest(options.sessionId)
    if (!manifest.hasPoses || !manifest.frames.some((f) => f.worldFromCamera)) {
      throw new ConsoleError(
        'unsupported',
        `Session "${manifest.id}" has no camera poses, so its frames cannot be fused into one map. Single-frame point clouds are available per frame (pixel → 3D in the Player).`,
      )
    }
    const running = this.builds.get(options.sessionId)
    if (running)
      throw new ConsoleError('conflict', `A map of "${options.sessionId}" is already being built (job ${running}).`)
    if (this.live.sessionId === options.sessionId)
      throw new ConsoleError('conflict', `The map of "${options.sessionId}" grows while its robot link is live.`)
    const modelId = options.geometryOnly ? null : await this.modelId()
    const previous = await loadMap(mapFolder(this.deps.mapsRoot, options.sessionId, modelId)).catch(() => null)
    const job = this.deps.jobs.start('map', `Map of ${manifest.name}`, (ctx) =>
      buildMap(this.growDeps(), manifest, options, modelId, previous, ctx),
    )
    this.builds.set(options.sessionId, job.id)
    void job.result.finally(() => this.builds.delete(options.sessionId)).catch(() => undefined)
    return { jobId: job.id }
  }

  /**
   * Grows the live session's resident map by the frames recorded since the last call (one call at a
   * time); `embedded`: the frames the live model embedded since.
   */
  async growLive(sessionId: string, embedded: readonly number[] = []): Promise<void> {
    if (!this.builds.has(sessionId)) await this.live.grow(sessionId, embedded)
  }

  /** The link ended: fuses what is left, saves the last checkpoint and ends the engine. */
  async endLive(sessionId: string, embedded: readonly number[] = []): Promise<void> {
    await this.live.end(sessionId, embedded)
  }

  async query(raw: Input<'query'>): Promise<MapQueryResult> {
    const started = performance.now()
    const input = mapSpec.query.input.parse(raw)
    const loaded = await this.require(input.sessionId, true)
    const scored = await this.scoring().prepareText(input.text, input.settings)
    const scan = this.relevancyValues(loaded, scored)
    const { bytes, max: maxRelevancy } = scan.bytes()
    // Scored on the live map's last checkpoint, the view's newer voxels get 0.
    const token = this.arrays.keep(bytes, (await this.current(input.sessionId))?.map.count)
    // A word the model does not know pins nothing: whatever it scores is not about that word.
    const pins = scored.words.unknown.length > 0 ? [] : this.pins(loaded, scan, scored.threshold, input.maxPins)
    return {
      label: scored.label,
      threshold: scored.threshold,
      temperature: scored.temperature,
      words: scored.words,
      maxRelevancy,
      relevancyPath: resourcePaths.mapRelevancy(input.sessionId, token),
      pins,
      elapsedMs: performance.now() - started,
    }
  }

  async queryMap(sessionId: string, query: PreparedMapQuery): Promise<MapQueryHit | null> {
    const loaded = await this.require(sessionId, true).catch(() => null)
    if (!loaded || loaded.map.meta.modelId !== (this.deps.embeddings?.activeModelId() ?? null)) return null
    const [pin] = this.pins(loaded, this.relevancyValues(loaded, query), query.threshold, 1)
    return pin ?? null
  }

  async voxel({ sessionId, voxelIndex }: Input<'voxel'>): Promise<VoxelDetail> {
    const loaded = await this.require(sessionId, false)
    if (voxelIndex >= loaded.map.count)
      throw new ConsoleError(
        'not_found',
        `The map of "${sessionId}" has ${loaded.map.count} voxels; there is no voxel ${voxelIndex}.`,
      )
    const manifest = await this.deps.manifest(sessionId)
    return voxelDetail(loaded.map, voxelIndex, (frame) => manifest.frames[frame]?.timestampSec ?? 0)
  }

  async classColors(raw: Input<'classColors'>): Promise<MapClassColors> {
    const input = mapSpec.classColors.input.parse(raw)
    const heads = this.deps.classHeads?.() ?? null
    if (!heads)
      throw new ConsoleError(
        'unsupported',
        'Class sets are not available in this build; colour by ground-truth class instead.',
      )
    const loaded = await this.require(input.sessionId, true)
    const head = await heads.classHead(input.classSetId, input.mode)
    const { best, counts } = bestClassPerVoxel(loaded, head)
    const token = this.arrays.keep(new Uint8Array(best.buffer))
    return {
      classSetId: input.classSetId,
      mode: input.mode,
      names: head.names,
      colors: head.colors,
      counts,
      classesPath: resourcePaths.mapClasses(input.sessionId, token),
    }
  }

  async export(raw: Input<'export'>): Promise<{ plyPath: string | null; npyPath: string | null; voxelCount: number }> {
    const input = mapSpec.export.input.parse(raw)
    if (!this.deps.allowFileExport)
      throw new ConsoleError(
        'unsupported',
        'Writing files on the server is not allowed in browser mode; download the PLY from the map view.',
      )
    const policy = this.deps.policy ?? commandLinePolicy()
    const plyPath = input.plyPath && (await policy.writable(input.plyPath, input.overwrite))
    const npyPath = input.npyPath && (await policy.writable(input.npyPath, input.overwrite))
    const loaded = await this.require(input.sessionId, false)
    if (plyPath) {
      const relevancy = input.queryText
        ? await this.query({ sessionId: input.sessionId, text: input.queryText }).then((r) =>
            this.arrays.relevancyFloats(r.relevancyPath),
          )
        : null
      await writeFileAtomic(plyPath, encodePly(loaded.map, relevancy))
    }
    if (npyPath) await writeFileAtomic(npyPath, encodeEmbeddingsNpy(loaded.map))
    return { plyPath, npyPath, voxelCount: loaded.map.count }
  }

  async delete({ sessionId }: Input<'delete'>): Promise<{ deleted: boolean }> {
    if (this.builds.has(sessionId))
      throw new ConsoleError('conflict', `The map of "${sessionId}" is being built; cancel the job first.`)
    await this.live.drop(sessionId)
    if (this.liveCodes?.key.startsWith(`${sessionId}\u0000`)) this.keepLiveCodes(null)
    for (const [key, loaded] of [...this.maps])
      if (key.startsWith(`${sessionId}\u0000`)) {
        loaded.dispose()
        this.maps.delete(key)
      }
    const deleted = await deleteMaps(this.deps.mapsRoot, sessionId)
    this.deps.events.emit('changed', { service: 'map', id: sessionId })
    return { deleted }
  }

  async pixelToWorld(raw: Input<'pixelToWorld'>): Promise<{ worldPoint: [number, number, number] | null }> {
    const frame = await this.deps.frames.loadFrame(raw.sessionId, raw.frameIndex)
    return { worldPoint: pixelWorldPoint(frame, raw.xNorm, raw.yNorm) }
  }

  /** The current map of a session: the active model's, else the geometry map; null when none. */
  async current(sessionId: string): Promise<LoadedMap | null> {
    for (const modelId of this.candidateModels()) {
      const key = `${sessionId}\u0000${modelId ?? ''}`
      const cached = this.maps.get(key)
      if (cached) return cached
      const map = await loadMap(mapFolder(this.deps.mapsRoot, sessionId, modelId))
      if (map) {
        const loaded = new LoadedMap(map)
        this.maps.set(key, loaded)
        return loaded
      }
    }
    return null
  }

  /** Payload bytes for the data routes. */
  async pointsPayload(sessionId: string): Promise<Uint8Array> {
    return (await this.require(sessionId, false)).points()
  }

  /** One frame's points in its camera frame (x right, y down, z forward), voxelised at 1 cm. */
  async framePointsPayload(sessionId: string, frameIndex: number): Promise<Uint8Array> {
    return framePoints(sessionId, await this.deps.frames.loadFrame(sessionId, frameIndex))
  }

  arrayBytes(token: string): Uint8Array {
    return this.arrays.bytes(token)
  }

  async plyBytes(sessionId: string, relevancyToken: string | null): Promise<Uint8Array> {
    const loaded = await this.require(sessionId, false)
    return encodePly(
      loaded.map,
      relevancyToken ? this.arrays.relevancyFloats(resourcePaths.mapRelevancy(sessionId, relevancyToken)) : null,
    )
  }

  /** The active pack's model id (the UI hosts load the pack in the background: a build right after start waits). */
  private async modelId(): Promise<string | null> {
    const loaded = await (this.deps.loadModel?.() ?? Promise.resolve(null)).catch(() => null)
    return loaded ?? this.deps.embeddings?.activeModelId() ?? null
  }

  private growDeps(): MapBuildDeps & LiveMapDeps {
    return {
      frames: this.deps.frames,
      embeddings: this.deps.embeddings,
      startEngine: this.deps.startEngine,
      memoryBudgetBytes: this.deps.memoryBudgetBytes,
      publish: (map) => this.publish(map),
      show: (map) => this.show(map),
    }
  }

  private candidateModels(): Array<string | null> {
    const active = this.deps.embeddings?.activeModelId() ?? null
    return active ? [active, null] : [null]
  }

  private async publish(map: FusedMap): Promise<void> {
    await saveMap(mapFolder(this.deps.mapsRoot, map.meta.sessionId, map.meta.modelId), map)
    this.show(map)
  }

  private show(map: FusedMap): void {
    const key = `${map.meta.sessionId}\u0000${map.meta.modelId ?? ''}`
    const old = this.maps.get(key)
    // The live map's geometry steps keep its last checkpoint for queries: its voxels come first, in order.
    if (!map.codes && old?.hasEmbeddings && this.live.sessionId === map.meta.sessionId) this.keepLiveCodes({ key, old })
    else if (old !== this.liveCodes?.old) old?.dispose()
    if (map.codes && this.liveCodes?.key === key) this.keepLiveCodes(null)
    this.maps.set(key, new LoadedMap(map))
    this.deps.events.emit('changed', { service: 'map', id: map.meta.sessionId })
  }

  private keepLiveCodes(next: MapService['liveCodes']): void {
    this.liveCodes?.old.dispose()
    this.liveCodes = next
  }

  private async require(sessionId: string, withEmbeddings: boolean): Promise<LoadedMap> {
    const current = await this.current(sessionId)
    const checkpoint = this.liveCodes?.old.map.meta.sessionId === sessionId ? this.liveCodes.old : null
    const loaded = withEmbeddings && !current?.hasEmbeddings && checkpoint ? checkpoint : current
    if (!loaded)
      throw new ConsoleError(
        'not_found',
        `Session "${sessionId}" has no map yet; build one first (dve map build ${sessionId}).`,
      )
    const live = this.live.sessionId === sessionId
    if (withEmbeddings && !loaded.hasEmbeddings && loaded.map.meta.modelId && (live || this.builds.has(sessionId))) {
      throw new ConsoleError(
        'unsupported',
        live
          ? `The live map of "${sessionId}" is growing; its embeddings can be queried from its next checkpoint (within ${liveCheckpointEveryMs / 1000} s).`
          : `The map of "${sessionId}" is still being built; its embeddings can be queried when the build finishes.`,
      )
    }
    if (withEmbeddings && (!loaded.hasEmbeddings || !this.deps.embeddings)) {
      throw new ConsoleError(
        'unsupported',
        `The map of "${sessionId}" has geometry only (built without a model pack); activate a pack and build it again to query it in words.`,
      )
    }
    return loaded
  }

  /**
   * Per voxel relevancy and the pins' cut, valid until the map's next scan (use them before any await).
   * Pins take the voxels at or above the threshold, so the cut is never asked below it.
   */
  private relevancyValues(loaded: LoadedMap, query: PreparedMapQuery): ReturnType<LoadedMap['relevancy']> {
    return loaded.relevancy(query.vector, query.negatives, query.negativesKey, query.temperature, query.threshold)
  }

  /** Clusters of voxels that pass, best first, each with the recognised thing beside it. */
  private pins(
    loaded: LoadedMap,
    scan: ReturnType<LoadedMap['relevancy']>,
    threshold: number,
    maxPins: number,
  ): MapPinInfo[] {
    const { positions, labels, meta } = loaded.map
    return clusterPins(
      { positions, labels, voxelSizeMeters: meta.voxelSizeMeters, labelClasses: meta.labelClasses },
      scan,
      threshold,
      maxPins,
    ).map((pin) => ({
      ...pin,
      nearby: loaded.nearbyThings().near(pin.worldPoint, pin.nearLabel),
    }))
  }

  private scoring(): QueryScoring {
    if (!this.deps.scoring)
      throw new ConsoleError(
        'unsupported',
        'Text queries on the map need the query scoring module, which this build has not wired.',
      )
    return this.deps.scoring
  }
}
