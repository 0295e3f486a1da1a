/**
 * Turns the provider order into a plan for one ONNX file (`provider-options.ts`), with the host
 * probed once, the model hashed only when TensorRT needs it for its engine-cache key, and the first
 * TensorRT engine build run as a job: it takes minutes, and the user should see why the load is slow.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ExecutionProviderName } from '../../contract'
import type { JobRunner } from '../jobs/job-runner'
import {
  engineBuildAhead,
  planProviders,
  type EngineCache,
  type ModelIdentity,
  type ProviderHost,
  type ProviderPlan,
} from './provider-options'

export interface ProviderPlannerDeps {
  cacheDir: string
  /** Probed on first use (tests pass a fixed host). */
  host: () => ProviderHost
  jobs?: JobRunner
  /** Typical engine build time, for the job's ETA (one DVEFormer on an Orin: a few minutes). */
  expectedBuildSeconds?: number
}

export class ProviderPlanner {
  private hostFacts: ProviderHost | null = null
  private readonly hashes = new Map<string, { stamp: string; hash: Promise<string> }>()

  constructor(private readonly deps: ProviderPlannerDeps) {}

  host(): ProviderHost {
    this.hostFacts ??= this.deps.host()
    return this.hostFacts
  }

  async plan(order: readonly ExecutionProviderName[], onnxPath: string): Promise<ProviderPlan> {
    const model: ModelIdentity | null =
      order.includes('tensorrt') && this.host().forwardsTensorRtOptions
        ? { hash: await this.modelHash(onnxPath) }
        : null
    return planProviders(order, this.host(), { cacheDir: this.deps.cacheDir, model })
  }

  /** Runs `load`; when it will build a TensorRT engine first, as a job with the reason and an estimated ETA. */
  async withEngineBuild<T>(plan: ProviderPlan, what: string, load: () => Promise<T>): Promise<T> {
    const building = engineBuildAhead(plan, hasEngine)
    if (!building || !this.deps.jobs) return load()
    const expected = this.deps.expectedBuildSeconds ?? 300
    const job = this.deps.jobs.start(
      'engine-build',
      `Building the TensorRT engine for ${what}, once per model and GPU`,
      async (ctx) => {
        const started = Date.now()
        const message = `building the TensorRT engine (fp16), once per model and GPU; later starts reuse ${building.dir}`
        ctx.progress(0, expected, message)
        // TensorRT reports no progress through ORT: the ETA is the typical build time, capped below 100 %.
        const timer = setInterval(
          () => ctx.progress(Math.min(expected * 0.99, (Date.now() - started) / 1000), expected, message),
          1000,
        )
        try {
          return await load()
        } finally {
          clearInterval(timer)
        }
      },
    )
    return job.result
  }

  private async modelHash(path: string): Promise<string> {
    const info = await stat(path)
    const stamp = `${info.size}:${info.mtimeMs}`
    const known = this.hashes.get(path)
    if (known?.stamp === stamp) return known.hash
    const hash = sha256File(path)
    this.hashes.set(path, { stamp, hash })
    return hash
  }
}

/** TensorRT writes `<prefix>_<hash>_<n>_sm<arch>.engine` (or `.engine` files of the EP-context form) into the cache folder. */
export function hasEngine(cache: EngineCache): boolean {
  if (!existsSync(cache.dir)) return false
  return readdirSync(cache.dir).some((f) => f.endsWith('.engine'))
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
