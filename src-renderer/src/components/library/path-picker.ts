/**
 * Where a path to import comes from. In Electron the host may offer a native dialog through the
 * bridge (`dveBridge.pickPath`); elsewhere (browser mode) the Library uses the server-side FileBrowser.
 */
/** A recording is a folder (most formats) or a single file (MCAP). */
export type PathKind = 'folder' | 'file'
export type NativePathPicker = (kind: PathKind) => Promise<string | null>

interface BridgeWithPicker {
  pickPath?: NativePathPicker
}

/** The host's native picker, or null when there is none (browser mode, tests). */
export function nativePathPicker(): NativePathPicker | null {
  const bridge = (globalThis as { dveBridge?: BridgeWithPicker }).dveBridge
  return typeof bridge?.pickPath === 'function' ? bridge.pickPath.bind(bridge) : null
}
