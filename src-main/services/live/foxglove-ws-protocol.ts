/**
 * @foxglove/ws-protocol's classes. Node loads the package's CommonJS build, whose exports are
 * getters its ESM loader cannot list, so they are reached through `default` there; bundlers give
 * them directly. Types come from the package as usual.
 */
import * as wsProtocol from '@foxglove/ws-protocol'

type Module = typeof wsProtocol
const loaded: Module =
  'FoxgloveClient' in wsProtocol && wsProtocol.FoxgloveClient
    ? wsProtocol
    : (wsProtocol as unknown as { default: Module }).default

export const FoxgloveClient = loaded.FoxgloveClient
export const FoxgloveServer = loaded.FoxgloveServer
export type FoxgloveServer = InstanceType<Module['FoxgloveServer']>
export type FoxgloveClient = InstanceType<Module['FoxgloveClient']>
export type { Channel, MessageData, ServerInfo } from '@foxglove/ws-protocol'
