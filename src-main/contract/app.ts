/** App-level information: versions, host mode, active model pack and execution provider. */
import { z } from 'zod'
import { method } from './rpc'

export interface AppInfo {
  name: string
  version: string
  host: 'electron' | 'browser' | 'cli' | 'test'
  platform: string
  /** Name of the active model pack, or null when none is loaded. */
  activeModel: string | null
  /** Execution provider the active image session runs on (e.g. 'cpu', 'cuda'), or null. */
  executionProvider: string | null
  /** The native-work process that owns every onnxruntime session. */
  nativeWork: NativeWorkStatus
}

export interface NativeWorkStatus {
  /** A process is started (it starts on first use). */
  running: boolean
  /** How often it died and was restarted in this run of the console. */
  restarts: number
  /** Why it last died, and when (ms since the epoch); null when it never did. */
  lastCrash: { reason: string; at: number } | null
}

export interface LogLine {
  level: 'info' | 'warn' | 'error'
  source: string
  message: string
  time: number
}

export const appSpec = {
  info: method<AppInfo>()(z.void()),
  recentLogs: method<LogLine[]>()(z.void()),
}
