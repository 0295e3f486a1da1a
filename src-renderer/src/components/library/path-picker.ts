/**
 * Where a path to import comes from. In Electron the host may offer a native dialog through the
 * bridge (`dveBridge.pickPath`); elsewhere (browser mode) the Library uses the server-side FileBrowser.
 */
export type NativePathPicker = () => Promise<string | null>

interface BridgeWithPicker {
  pickPath?: NativePathPicker
}

/** The host's native picker, or null when there is none (browser mode, tests). */
export function nativePathPicker(): NativePathPicker | null {
  const bridge = (globalThis as { dveBridge?: BridgeWithPicker }).dveBridge
  return typeof bridge?.pickPath === 'function' ? bridge.pickPath.bind(bridge) : null
}
