/**
 * `dve doctor`: what this machine can do, each finding with what to do about it. The providers are
 * tried for real (a tiny graph loaded in the inference worker on each one alone), so the answer is
 * ORT's, not a guess from files; the reasons a provider is passed over come from the same
 * `provider-options.ts` rules the model loader uses.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { executionProviders, formatBytes, type ExecutionProviderName } from '../../contract'
import { cacheReserveBytes } from '../inference/embedding-cache'
import { engineCacheFor, planProviders, type ProviderHost } from '../inference/provider-options'
import { freeBytesAt } from '../../platform/free-space'
import { scoreGraphBytes } from '../inference/score-graph'
import type { InferenceWorkerClient } from '../inference/worker-client'

export type FindingLevel = 'ok' | 'warn' | 'missing'

export interface Finding {
  area: string
  level: FindingLevel
  detail: string
  /** What to do; empty when nothing is needed. */
  action: string
}

export interface DoctorDeps {
  host: ProviderHost
  bindingDir: string
  cacheDir: string
  cacheBudgetBytes: number
  client: InferenceWorkerClient
  /** Scratch folder for the probe model. */
  scratchDir: string
  chromiumPath: string
}

const jetsonDoc = 'docs/JETSON.md'

export async function runDoctor(deps: DoctorDeps): Promise<Finding[]> {
  const findings: Finding[] = [onnxruntimeFinding(deps.bindingDir)]
  findings.push(...(await providerFindings(deps)))
  findings.push(gpuFinding(deps.host))
  findings.push(...tensorRtFindings(deps))
  findings.push(
    electronFinding(),
    chromiumFinding(deps.chromiumPath),
    await diskFinding(deps.cacheDir, deps.cacheBudgetBytes),
  )
  return findings
}

function onnxruntimeFinding(bindingDir: string): Finding {
  const require = createRequire(import.meta.url)
  const version = (require('onnxruntime-node/package.json') as { version: string }).version
  const binding = join(bindingDir, 'onnxruntime_binding.node')
  return existsSync(binding)
    ? { area: 'onnxruntime-node', level: 'ok', detail: `${version}, binding ${binding}`, action: '' }
    : {
        area: 'onnxruntime-node',
        level: 'missing',
        detail: `${version}, no binding at ${binding} (${process.platform}/${process.arch})`,
        action: 'reinstall onnxruntime-node, or build it (docs/JETSON.md)',
      }
}

async function providerFindings(deps: DoctorDeps): Promise<Finding[]> {
  const probe = join(deps.scratchDir, 'doctor-probe.onnx')
  await writeFile(probe, scoreGraphBytes())
  const findings: Finding[] = []
  for (const provider of executionProviders) {
    const plan = planProviders([provider], deps.host, { cacheDir: deps.scratchDir, model: { hash: 'doctor-probe' } })
    const skipped = plan.skipped[0]
    let failure = skipped ? `${skipped.reason} (not tried)` : null
    if (!skipped) {
      try {
        const loaded = await deps.client.load(`doctor:${provider}`, probe, plan.choices)
        failure = loaded.provider === provider ? null : loaded.fallbacks.map((f) => f.reason).join('; ')
        await deps.client.unload(`doctor:${provider}`)
      } catch (error) {
        failure = (error instanceof Error ? error.message : String(error))
          .replace(/^.*?any execution provider \(\w+: /, '')
          .replace(/\)\.$/, '')
      }
    }
    findings.push(
      failure === null
        ? { area: `provider ${provider}`, level: 'ok', detail: 'loads a session', action: '' }
        : {
            area: `provider ${provider}`,
            level: provider === 'cpu' ? 'missing' : 'warn',
            detail: failure,
            action: providerAction(provider, failure),
          },
    )
  }
  return findings
}

function providerAction(provider: ExecutionProviderName, reason: string): string {
  if (provider === 'cpu') return 'reinstall onnxruntime-node'
  if (/not supported by this onnxruntime-node build/.test(reason))
    return `this binding has no ${provider} (the published linux-arm64 one is CPU-only): build it, ${jetsonDoc}`
  if (/drops TensorRT options/.test(reason)) return `build the patched binding (${jetsonDoc}); CUDA is used meanwhile`
  if (/not installed/.test(reason)) {
    return process.arch === 'x64'
      ? 'run `npm rebuild onnxruntime-node` with network access (its install script fetches the GPU providers)'
      : `copy the provider libraries next to the binding (${jetsonDoc})`
  }
  return "check the NVIDIA driver, CUDA and cuDNN/TensorRT versions against onnxruntime's requirements"
}

function gpuFinding(host: ProviderHost): Finding {
  const gpu = host.gpu
  if (!gpu)
    return {
      area: 'GPU',
      level: 'warn',
      detail: 'no NVIDIA GPU found (nvidia-smi, Jetson device tree)',
      action: 'none needed on a CPU machine; the model runs on the CPU provider',
    }
  const parts = [
    gpu.name,
    gpu.driver ? `driver ${gpu.driver}` : null,
    gpu.computeCapability ? `sm ${gpu.computeCapability}` : null,
  ].filter(Boolean)
  return { area: 'GPU', level: 'ok', detail: parts.join(', '), action: '' }
}

function tensorRtFindings(deps: DoctorDeps): Finding[] {
  const { host } = deps
  const findings: Finding[] = [
    host.tensorRtVersion
      ? {
          area: 'TensorRT',
          level: 'ok',
          detail: `libnvinfer ${host.tensorRtVersion}; binding ${host.forwardsTensorRtOptions ? 'forwards' : 'drops'} TensorRT options`,
          action: host.forwardsTensorRtOptions
            ? ''
            : `build the patched binding for fp16 and the engine cache (${jetsonDoc})`,
        }
      : {
          area: 'TensorRT',
          level: 'warn',
          detail: `no libnvinfer found; binding ${host.forwardsTensorRtOptions ? 'forwards' : 'drops'} TensorRT options`,
          action: host.gpu ? "install TensorRT (JetPack, or NVIDIA's tensorrt packages)" : '',
        },
  ]
  const root = join(deps.cacheDir, 'tensorrt')
  const entries = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()) : []
  if (!entries.length) {
    findings.push({
      area: 'TensorRT engine cache',
      level: 'ok',
      detail: `empty (${root}); the first TensorRT start of each model builds its engine (minutes, shown as a job)`,
      action: '',
    })
    return findings
  }
  // Engines of this machine end with this TensorRT version and GPU; others are stale (another TensorRT or GPU).
  const suffix = engineCacheFor(deps.cacheDir, { hash: '' }, host).key
  for (const entry of entries) {
    const dir = join(root, entry.name)
    const engines = readdirSync(dir).filter((f) => f.endsWith('.engine'))
    const bytes = engines.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
    const current = entry.name.endsWith(suffix)
    findings.push({
      area: 'TensorRT engine cache',
      level: current && engines.length ? 'ok' : 'warn',
      detail: `${entry.name}: ${engines.length} engine(s), ${(bytes / 2 ** 20).toFixed(1)} MiB${current ? '' : ' (another TensorRT version or GPU)'}`,
      action: current
        ? engines.length
          ? ''
          : 'the next TensorRT start builds this engine'
        : `delete ${dir} to free the space`,
    })
  }
  return findings
}

function electronFinding(): Finding {
  const require = createRequire(import.meta.url)
  let dir: string
  try {
    dir = dirname(require.resolve('electron/package.json'))
  } catch {
    return {
      area: 'Electron',
      level: 'missing',
      detail: 'the electron package is not installed',
      action: 'npm install (the desktop app needs it; `dve serve` and the CLI do not)',
    }
  }
  const pathFile = join(dir, 'path.txt')
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return {
      area: 'Electron',
      level: 'ok',
      detail: `ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH}`,
      action: '',
    }
  return binary && existsSync(binary)
    ? { area: 'Electron', level: 'ok', detail: binary, action: '' }
    : {
        area: 'Electron',
        level: 'missing',
        detail: `no Electron binary under ${join(dir, 'dist')} (installed with ELECTRON_SKIP_BINARY_DOWNLOAD?)`,
        action: `run \`node ${join(dir, 'install.js')}\` with network access, or use browser mode (\`npm run serve\`)`,
      }
}

function chromiumFinding(path: string): Finding {
  return existsSync(path)
    ? { area: 'Chromium (browser mode)', level: 'ok', detail: path, action: '' }
    : {
        area: 'Chromium (browser mode)',
        level: 'warn',
        detail: `no browser at ${path}`,
        action:
          'install chromium (apt install chromium) or set CHROMIUM_PATH; any current browser can open `npm run serve`',
      }
}

async function diskFinding(cacheDir: string, budgetBytes: number): Promise<Finding> {
  const free = await freeBytesAt(cacheDir)
  const detail = `${formatBytes(free)} free at ${cacheDir}; cache budget ${formatBytes(budgetBytes)}, and the cache leaves the last ${formatBytes(cacheReserveBytes)} to recordings`
  return free >= budgetBytes + cacheReserveBytes
    ? { area: 'disk for caches', level: 'ok', detail, action: '' }
    : {
        area: 'disk for caches',
        level: 'warn',
        detail,
        action:
          'free space, or lower the cache budget (Models view); on a robot the compact cache tier stores 0.6 MB per frame instead of 29.5',
      }
}
