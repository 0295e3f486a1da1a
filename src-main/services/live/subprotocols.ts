/**
 * The two names of the Foxglove WebSocket protocol (field-anchors §b1): foxglove_bridge 3.x and the
 * Foxglove SDK accept only `foxglove.sdk.v1`; older bridges and @foxglove/ws-protocol only
 * `foxglove.websocket.v1`. The wire format is the same, so clients offer both, newest first.
 */
export const foxgloveSubprotocols = ['foxglove.sdk.v1', 'foxglove.websocket.v1'] as const
