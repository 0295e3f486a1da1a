/** A fake host for component tests: answers contract requests from a table and lets tests push events. */
import type { ConsoleEvents, EventMessage, RequestMessage, ResponseMessage } from '@contract'
import { ConsoleError } from '@contract'
import type { Transport } from '../../../src-renderer/src/api/transport'

export type Handler = (input: unknown) => unknown

export function fakeHost(handlers: Record<string, Handler>) {
  const listeners = new Set<(m: EventMessage) => void>()
  const calls: Array<{ key: string; input: unknown }> = []
  const transport: Transport = {
    async request(message: RequestMessage): Promise<ResponseMessage> {
      const key = `${message.service}.${message.method}`
      calls.push({ key, input: message.input })
      const handler = handlers[key]
      if (!handler)
        return {
          kind: 'response',
          id: message.id,
          ok: false,
          error: { code: 'not_found', message: `fake host: no ${key}` },
        }
      try {
        return { kind: 'response', id: message.id, ok: true, result: await handler(message.input) }
      } catch (error) {
        const wire =
          error instanceof ConsoleError ? error.toWire() : { code: 'internal' as const, message: String(error) }
        return { kind: 'response', id: message.id, ok: false, error: wire }
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dataUrl: (path) => `http://fake${path}`,
  }
  const emit = <E extends keyof ConsoleEvents>(name: E, payload: ConsoleEvents[E]) =>
    listeners.forEach((l) => l({ kind: 'event', name, payload }))
  const called = (key: string) => calls.filter((c) => c.key === key).map((c) => c.input)
  return { transport, emit, calls, called, handlers }
}
