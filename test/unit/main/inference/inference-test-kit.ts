/** Shared set-up for the inference tests: a temp home with copies of the fixture packs and a fake FrameReader. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { consolePaths, type ConsolePaths } from '../../../../src-main/platform/paths'
import { forkNativeProcess, type NativeProcess } from '../../../../src-main/platform/native-process'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { Logger } from '../../../../src-main/services/logger'
import type { FrameReader, LoadedFrame } from '../../../../src-main/services/ports'
import { createInference, type Inference } from '../../../../src-main/services/inference/create-inference'
import type { ProviderHost } from '../../../../src-main/services/inference/provider-options'

export const fixturePacks = join(import.meta.dirname, '../../../fixtures/models')

export interface FakeFrameSpec {
  /** Depth in metres for every pixel; null = the frame has no depth image. */
  depthMeters: number | null
}

/** A session of `frames` 80×60 frames with a colour gradient; depth per frame from `spec`. */
export class FakeFrames implements FrameReader {
  loads = 0
  beforeLoad: ((frameIndex: number) => Promise<void>) | null = null

  constructor(
    private readonly frames: FakeFrameSpec[],
    readonly width = 80,
    readonly height = 60,
  ) {}

  async frameCount(): Promise<number> {
    return this.frames.length
  }

  async loadFrame(sessionId: string, frameIndex: number): Promise<LoadedFrame> {
    const spec = this.frames[frameIndex]
    if (!spec) throw new Error(`no frame ${frameIndex}`)
    await this.beforeLoad?.(frameIndex)
    this.loads++
    const { width, height } = this
    const rgb = new Uint8Array(width * height * 3)
    for (let i = 0; i < width * height; i++) {
      rgb[i * 3] = (i * 7 + frameIndex * 31) % 256
      rgb[i * 3 + 1] = Math.floor(i / width) * 4
      rgb[i * 3 + 2] = (i % width) * 3
    }
    const depth =
      spec.depthMeters === null
        ? { width: 0, height: 0, data: new Float32Array(0) }
        : {
            width,
            height,
            data: Float32Array.from(
              { length: width * height },
              (_, i) => (spec.depthMeters as number) + (i % 13) * 0.01,
            ),
          }
    return {
      sessionId,
      frameIndex,
      timestampSec: frameIndex / 30,
      rgb: { width, height, data: rgb },
      depthMeters: depth,
      camera: { width, height, fx: 60, fy: 60, cx: width / 2, cy: height / 2 },
      worldFromCamera: null,
    }
  }

  async loadLabels(): Promise<null> {
    return null
  }
}

export interface Harness {
  home: string
  paths: ConsolePaths
  jobs: JobRunner
  logger: Logger
  events: EventBus
  data: DataRouter
  inference: Inference
  /** Every native-work process started, in order (a test kills one to simulate a crash). */
  workers: NativeProcess[]
  dispose(): Promise<void>
}

/** `packs`: folder name in the harness → fixture folder it copies. */
export function makeHarness(
  packs: Record<string, string>,
  frames: FrameReader,
  options: {
    maxMapWidth?: number
    cacheBudgetBytes?: number
    home?: string
    providerHost?: () => ProviderHost
    cacheTier?: 'fp16' | 'codes' | 'auto'
  } = {},
): Harness {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'dve-inference-'))
  const shipped = join(home, 'shipped-models')
  for (const [name, source] of Object.entries(packs))
    cpSync(join(fixturePacks, source), join(shipped, name), { recursive: true })
  const paths = { ...consolePaths(home), shippedModels: shipped }
  const events = new EventBus()
  const logger = new Logger(events)
  const jobs = new JobRunner(events)
  const data = new DataRouter()
  const workers: NativeProcess[] = []
  const inference = createInference({
    paths,
    frames,
    jobs,
    data,
    events,
    logger,
    maxMapWidth: options.maxMapWidth,
    cacheBudgetBytes: options.cacheBudgetBytes,
    providerHost: options.providerHost,
    cacheTier: options.cacheTier,
    launchNative: (entry) => {
      const worker = forkNativeProcess(entry)
      workers.push(worker)
      return worker
    },
  })
  return {
    home,
    paths,
    jobs,
    logger,
    events,
    data,
    inference,
    workers,
    async dispose() {
      jobs.cancelAll()
      await inference.dispose()
      if (!options.home) rmSync(home, { recursive: true, force: true })
    },
  }
}
