/**
 * Which execution providers this onnxruntime-node install can load. CUDA and TensorRT ship as
 * separate shared libraries that the npm install downloads (skipped offline); asking ORT for a
 * provider whose library is missing fails with a long native log, so that case is answered here.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'

const sharedLibrary: Partial<Record<NodeJS.Platform, (name: string) => string>> = {
  linux: (name) => `libonnxruntime_providers_${name}.so`,
  win32: (name) => `onnxruntime_providers_${name}.dll`,
}

/** Why `provider` cannot be used here, or null when ORT should try it. */
export function providerUnavailable(provider: string): string | null {
  const backend = ort.listSupportedBackends().find((b) => b.name === provider)
  if (!backend) return 'not supported by this onnxruntime-node build'
  if (backend.bundled) return null
  const libraryName = sharedLibrary[process.platform]?.(provider)
  if (!libraryName) return null
  const bindingDir = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
  return existsSync(join(bindingDir, libraryName)) ? null : `not installed (${libraryName} is missing from ${bindingDir})`
}
