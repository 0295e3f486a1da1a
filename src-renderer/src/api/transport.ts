/** A transport carries contract messages between the renderer and a host. */
import type { EventMessage, RequestMessage, ResponseMessage } from '@contract'

export interface Transport {
  request(message: RequestMessage): Promise<ResponseMessage>
  onEvent(listener: (message: EventMessage) => void): () => void
  /** Absolute URL for a data-plane path such as `/data/sessions/x/thumbnail`. */
  dataUrl(path: string): string
  /** Connection state for the status bar. */
  onConnection?(listener: (connected: boolean) => void): () => void
}
