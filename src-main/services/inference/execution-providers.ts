/**
 * Worker side: whether this onnxruntime-node build has a provider compiled in at all (the published
 * linux-arm64 binding is CPU-only). Whether its libraries are installed is decided before the load
 * request (`provider-host.ts`), without loading the binding in another thread.
 */
import * as ort from 'onnxruntime-node'

/** Why `provider` cannot be used with this build, or null when ORT should try it. */
export function providerUnavailable(provider: string): string | null {
  return ort.listSupportedBackends().some((b) => b.name === provider)
    ? null
    : 'not supported by this onnxruntime-node build'
}
