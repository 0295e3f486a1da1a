/**
 * "Connect to a console server…" exists only in the Electron app: the preload's `consoleServer`
 * bridge reaches the host, which checks the server, pins its certificate and opens its UI in a
 * window of its own. Browser mode (and tests) have no such bridge.
 */
import type { ConsoleServerReply, ConsoleServerRequest } from '@contract'

export type ConsoleServerBridge = (request: ConsoleServerRequest) => Promise<ConsoleServerReply>

interface BridgeWithConsoleServer {
  consoleServer?: (request: unknown) => Promise<unknown>
}

export function consoleServerBridge(): ConsoleServerBridge | null {
  const bridge = (globalThis as { dveBridge?: BridgeWithConsoleServer }).dveBridge
  const call = bridge?.consoleServer
  return typeof call === 'function' ? async (request) => (await call(request)) as ConsoleServerReply : null
}
