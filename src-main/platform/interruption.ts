/**
 * Ctrl-C and SIGTERM for the CLI and the server: the first signal asks the running work to stop
 * cooperatively (jobs cancel between units, the native call in flight returns, checkpoints are
 * written), then the process exits with 128 + the signal number (130, 143) after one line. A second
 * signal exits at once; the native-work process, which ignores the terminal's Ctrl-C, then ends as
 * soon as its call in flight returns (`parentChannel`).
 */
import { constants } from 'node:os'

export type StopSignal = 'SIGINT' | 'SIGTERM'

export interface Interruption {
  /** The first signal received, or null. */
  readonly signal: StopSignal | null
  /** 130 for SIGINT, 143 for SIGTERM. */
  exitCode(): number
}

/**
 * Installs the handlers once. `stop` starts the cooperative stop (cancel jobs, close servers, dispose
 * services); `finish` prints the one line and exits, after `stop` resolves.
 */
export function handleInterruption(options: {
  stop: (signal: StopSignal) => Promise<void>
  /** Prints the line of a second signal (the stop's own line is the caller's). */
  write: (line: string) => void
  /** Exits when the stop has completed; the CLI lets its command's own error path exit instead. */
  exitAfterStop: boolean
}): Interruption {
  let received: StopSignal | null = null
  const exitCode = () => 128 + (received ? constants.signals[received] : 0)
  const onSignal = (signal: StopSignal) => {
    if (received) {
      options.write(`${signal} again: exiting without waiting for the running work.`)
      process.exit(exitCode())
    }
    received = signal
    options
      .stop(signal)
      .catch((error: unknown) =>
        options.write(`while stopping: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        if (options.exitAfterStop) process.exit(exitCode())
      })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    get signal() {
      return received
    },
    exitCode,
  }
}
