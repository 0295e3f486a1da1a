/**
 * Creating onnxruntime sessions in the native-work process: the options every session shares and the
 * provider fallback for model files. Execution-provider options belong here and nowhere else.
 */
import * as ort from 'onnxruntime-node'
import { ConsoleError } from '../../contract'
import { providerUnavailable } from './execution-providers'
import type { ProviderChoice } from './provider-options'
import type { ProviderFallback } from './worker-protocol'

/**
 * ORT's thread pool spins for a while after each run by default; the pre/post-processing that runs in
 * this thread between runs then competes with spinning threads for the same cores.
 */
export const sessionOptions: ort.InferenceSession.SessionOptions = {
  logSeverityLevel: 3,
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
}

/** A small graph built in code (layout, heads), on the CPU. */
export function createGraphSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, sessionOptions)
}

export interface LoadedModelSession {
  session: ort.InferenceSession
  provider: string
  fallbacks: ProviderFallback[]
}

/** The first provider in `providers` that loads `onnxPath`; the ones passed over say why. */
export async function createModelSession(onnxPath: string, providers: ProviderChoice[]): Promise<LoadedModelSession> {
  const fallbacks: ProviderFallback[] = []
  for (const { provider, config } of providers) {
    const unavailable = providerUnavailable(provider)
    if (unavailable) {
      fallbacks.push({ provider, reason: unavailable, attempted: false })
      continue
    }
    try {
      // The config's trt_* keys reach TensorRT only through the patched binding (provider-options.ts).
      const executionProvider = config as ort.InferenceSession.ExecutionProviderConfig
      const session = await ort.InferenceSession.create(onnxPath, {
        ...sessionOptions,
        executionProviders: [executionProvider],
      })
      return { session, provider, fallbacks }
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
      fallbacks.push({ provider, reason: reason ?? 'failed', attempted: true })
    }
  }
  throw new ConsoleError(
    'model_error',
    `Could not load ${onnxPath} on any execution provider (${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}).`,
  )
}
