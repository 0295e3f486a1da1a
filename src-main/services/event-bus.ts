/** Typed fan-out of service events to every host connection (and to the CLI's progress printer). */
import type { ConsoleEvents, EventName } from '../contract'

export type EventListener = <E extends EventName>(name: E, payload: ConsoleEvents[E]) => void

export class EventBus {
  private readonly listeners = new Set<EventListener>()

  emit<E extends EventName>(name: E, payload: ConsoleEvents[E]): void {
    for (const listener of this.listeners) listener(name, payload)
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
