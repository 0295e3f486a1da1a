// Types for electron-builder.config.mjs (plain JS so electron-builder and node load it unbuilt).
export function foreignOnnxRuntimeBinaries(arch: 'x64' | 'arm64'): string[]
export function builderConfig(
  arch: 'x64' | 'arm64',
  options?: { electronDist?: string },
): {
  files: string[]
  asar: boolean
  asarUnpack: string[]
  extraResources: Array<{ from: string; to: string }>
  npmRebuild: boolean
  electronDist?: string
  linux: { target: string[] }
}
