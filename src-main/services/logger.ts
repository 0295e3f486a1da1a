/** Keeps recent log lines for the UI and forwards each line as a `log` event. */
import type { LogLine } from '../contract'
import type { EventBus } from './event-bus'

const keepLines = 500

export class Logger {
  private readonly lines: LogLine[] = []
  constructor(
    private readonly events: EventBus,
    private readonly echo: ((line: LogLine) => void) | null = null,
  ) {}

  info(source: string, message: string): void {
    this.add({ level: 'info', source, message, time: Date.now() })
  }
  warn(source: string, message: string): void {
    this.add({ level: 'warn', source, message, time: Date.now() })
  }
  error(source: string, message: string): void {
    this.add({ level: 'error', source, message, time: Date.now() })
  }
  recent(): LogLine[] {
    return [...this.lines]
  }

  private add(line: LogLine): void {
    this.lines.push(line)
    if (this.lines.length > keepLines) this.lines.splice(0, this.lines.length - keepLines)
    this.echo?.(line)
    this.events.emit('log', line)
  }
}
