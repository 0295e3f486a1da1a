/** Messages on the wire (WebSocket in browser mode, IPC in Electron). Small JSON only. */
import { z } from 'zod'
import type { WireError } from './errors'
import type { ConsoleEvents } from './events'

export const requestMessageSchema = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  service: z.string().min(1).max(64),
  method: z.string().min(1).max(64),
  input: z.unknown().optional(),
})
export type RequestMessage = z.infer<typeof requestMessageSchema>

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: WireError }

export type EventName = keyof ConsoleEvents
export interface EventMessage<E extends EventName = EventName> {
  kind: 'event'
  name: E
  payload: ConsoleEvents[E]
}

export type ServerMessage = ResponseMessage | EventMessage

/** Largest request a host accepts (big data never travels as JSON). */
export const maxRequestBytes = 1024 * 1024
