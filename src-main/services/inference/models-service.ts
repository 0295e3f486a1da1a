/**
 * The `models` service: packs found in the shipped and user folders, their validation, the active
 * pack (remembered in settings.json; default: the first valid pack named `demo`, else the first valid
 * one) and the execution-provider order. The active pack is loaded into the worker on first use.
 */
import {
  ConsoleError,
  type ExecutionProviderName,
  type ModelPackInfo,
  type PackGraphCheck,
  type ProviderStatus,
  type ServiceApi,
  type modelsSpec,
} from '../../contract'
import type { ActiveModelPack, ModelPackProvider } from '../ports'
import { modelIdOf, scanPacks, type PackEntry } from './pack-catalog'
import { loadPack, loadSession, type LoadedPack, type LoadOptions } from './pack-loader'
import type { ModelSettingsFile } from './model-settings'
import type { ProviderPlanner } from './provider-planner'
import type { InferenceWorkerClient } from './worker-client'

export interface ModelsServiceDeps {
  shippedModels: string
  userModels: string
  settings: ModelSettingsFile
  client: InferenceWorkerClient
  /** Provider options per ONNX file (TensorRT engine cache, fallbacks). */
  planner: ProviderPlanner
  log: { info(source: string, message: string): void; warn(source: string, message: string): void }
  /** Collection changed (views refetch). */
  onChanged: () => void
  /** Widest map kept per frame (stride-1 outputs are pooled down to it). */
  maxMapWidth: number
}

const logSource = 'models'

interface CheckResult {
  graph: PackGraphCheck
  errors: string[]
}

export class ModelsService implements ServiceApi<typeof modelsSpec>, ModelPackProvider {
  private packs: PackEntry[] = []
  private chosenId: string | null = null
  private order: ExecutionProviderName[] = ['tensorrt', 'cuda', 'cpu']
  private loaded: LoadedPack | null = null
  private loading: Promise<LoadedPack> | null = null
  private readonly checks = new Map<string, CheckResult>()
  private readonly listeners = new Set<(pack: ActiveModelPack | null) => void>()
  private ready: Promise<void> | null = null

  constructor(private readonly deps: ModelsServiceDeps) {}

  /** Scans the folders and reads the settings once; every method waits for it. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      const settings = await this.deps.settings.read()
      this.order = settings.executionProviders
      await this.rescan()
      const remembered = settings.activePack
        ? this.packs.find((p) => p.id === settings.activePack && isUsable(p))
        : undefined
      if (settings.activePack && !remembered)
        this.deps.log.warn(
          logSource,
          `The remembered pack "${settings.activePack}" is missing or invalid; choosing another.`,
        )
      this.chosenId = remembered?.id ?? defaultPack(this.packs)?.id ?? null
    })()
    return this.ready
  }

  async list(): Promise<ModelPackInfo[]> {
    await this.init()
    await this.rescan()
    return this.packs.map((p) => this.info(p))
  }

  async get({ id }: { id: string }): Promise<ModelPackInfo> {
    await this.init()
    await this.rescan()
    const entry = this.find(id)
    if (id === this.chosenId) {
      await this.ensureLoaded().catch(() => undefined) // the failure is recorded in checks
    } else if (isUsable(entry)) {
      try {
        const pack = await loadPack(entry, this.deps.client, this.loadOptions())
        this.record(entry.id, pack, [])
        await this.unloadSessions(pack)
      } catch (error) {
        this.record(entry.id, null, messages(error))
      }
    }
    return this.info(entry)
  }

  async activate({ id }: { id: string }): Promise<ModelPackInfo> {
    await this.init()
    await this.rescan()
    const entry = this.find(id)
    if (!isUsable(entry)) throw new ConsoleError('bad_file', `Pack "${id}" is not valid:\n${entry.errors.join('\n')}`)
    const previous = this.loaded
    const pack = await this.load(entry)
    if (previous && previous.entry.id !== pack.entry.id) await this.unloadSessions(previous)
    this.chosenId = entry.id
    this.loaded = pack
    await this.deps.settings.update({ activePack: entry.id })
    this.deps.log.info(logSource, `Active model pack: ${entry.id} on ${pack.provider}.`)
    this.notify()
    return this.info(entry)
  }

  async providers(): Promise<ProviderStatus> {
    await this.init()
    const fallbacks = (this.loaded?.fallbacks ?? []).map((f) => `${f.provider}: ${f.reason}`)
    return { order: [...this.order], active: this.loaded?.provider ?? null, fallbacks }
  }

  async setProviderOrder({ order }: { order: ExecutionProviderName[] }): Promise<ProviderStatus> {
    await this.init()
    this.order = [...order]
    await this.deps.settings.update({ executionProviders: this.order })
    if (this.loaded) {
      const entry = this.loaded.entry
      this.loaded = await this.load(entry)
      this.notify()
    }
    return this.providers()
  }

  activePack(): ActiveModelPack | null {
    const entry = this.packs.find((p) => p.id === this.chosenId)
    return entry?.manifest ? { id: entry.id, dir: entry.dir, manifest: entry.manifest } : null
  }

  onActivePackChanged(listener: (pack: ActiveModelPack | null) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The active pack, loaded into the worker (first call loads it). */
  async ensureLoaded(): Promise<LoadedPack> {
    await this.init()
    if (this.loaded) return this.loaded
    const entry = this.packs.find((p) => p.id === this.chosenId)
    if (!entry)
      throw new ConsoleError(
        'not_found',
        `No valid model pack found in ${this.deps.shippedModels} or ${this.deps.userModels}.`,
      )
    this.loading ??= this.load(entry).finally(() => (this.loading = null))
    this.loaded = await this.loading
    this.notify()
    return this.loaded
  }

  /** Loads an ONNX derived from the active pack (its model with the cache encoder) on the same providers. */
  async loadDerived(sessionKey: string, onnxPath: string): Promise<void> {
    await this.init()
    await loadSession(this.deps.client, sessionKey, onnxPath, this.loadOptions())
  }

  /** Cache key of the pack loaded in the worker, or null. */
  loadedModelId(): string | null {
    return this.loaded?.modelId ?? null
  }

  /** Cache key of the chosen pack; known before the pack is loaded. */
  activeModelId(): string | null {
    const entry = this.packs.find((p) => p.id === this.chosenId)
    return entry ? modelIdOf(entry) : null
  }

  /** Name and provider for the status bar (the provider is null until loaded). */
  activeModelName(): string | null {
    return this.activePack()?.manifest.name ?? null
  }

  executionProvider(): string | null {
    return this.loaded?.provider ?? null
  }

  private async load(entry: PackEntry): Promise<LoadedPack> {
    try {
      const pack = await loadPack(entry, this.deps.client, this.loadOptions())
      for (const f of pack.fallbacks) {
        // A provider that is simply not installed is expected on CPU machines; one that failed to load is not.
        const message = `${entry.id}: execution provider ${f.provider} skipped — ${f.reason}`
        if (f.attempted) this.deps.log.warn(logSource, message)
        else this.deps.log.info(logSource, message)
      }
      this.record(entry.id, pack, [])
      return pack
    } catch (error) {
      this.record(entry.id, null, messages(error))
      throw error
    }
  }

  private loadOptions(): LoadOptions {
    const { planner } = this.deps
    const order = [...this.order]
    return {
      planProviders: (onnxPath) => planner.plan(order, onnxPath),
      withEngineBuild: (plan, what, load) => planner.withEngineBuild(plan, what, load),
      maxMapWidth: this.deps.maxMapWidth,
    }
  }

  private async unloadSessions(pack: LoadedPack): Promise<void> {
    await this.deps.client.unload(pack.imageKey)
    if (pack.text) await this.deps.client.unload(pack.text.sessionKey)
  }

  private record(id: string, pack: LoadedPack | null, errors: string[]): void {
    this.checks.set(id, {
      graph: {
        ok: pack !== null,
        provider: pack?.provider ?? null,
        imageOutputDims: pack?.imageOutputDims ?? null,
        checkedAt: new Date().toISOString(),
      },
      errors,
    })
  }

  private find(id: string): PackEntry {
    const entry = this.packs.find((p) => p.id === id)
    if (!entry)
      throw new ConsoleError(
        'not_found',
        `No model pack "${id}" (known: ${this.packs.map((p) => p.id).join(', ') || 'none'}).`,
      )
    return entry
  }

  private async rescan(): Promise<void> {
    this.packs = await scanPacks([
      { dir: this.deps.shippedModels, source: 'shipped' },
      { dir: this.deps.userModels, source: 'user' },
    ])
  }

  private info(entry: PackEntry): ModelPackInfo {
    const check = this.checks.get(entry.id)
    const errors = [...entry.errors, ...(check?.errors ?? [])]
    return {
      id: entry.id,
      dir: entry.dir,
      source: entry.source,
      name: entry.manifest?.name ?? entry.id,
      manifest: entry.manifest,
      errors,
      valid: entry.manifest !== null && errors.length === 0,
      active: entry.id === this.chosenId,
      graph: check?.graph ?? null,
    }
  }

  private notify(): void {
    this.deps.onChanged()
    const pack = this.activePack()
    for (const listener of this.listeners) listener(pack)
  }
}

function isUsable(entry: PackEntry): boolean {
  return entry.manifest !== null && entry.errors.length === 0
}

function defaultPack(packs: PackEntry[]): PackEntry | undefined {
  const usable = packs.filter(isUsable)
  return usable.find((p) => p.id === 'demo' || p.manifest?.name === 'demo') ?? usable[0]
}

function messages(error: unknown): string[] {
  return (error instanceof Error ? error.message : String(error)).split('\n')
}
