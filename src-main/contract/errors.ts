/**
 * Errors that cross the wire. Every error a person can see has a code and a message that names the
 * file/field and the problem, so they can act on it.
 */
export const errorCodes = [
  'invalid_input', // a request's input did not match the contract
  'not_found', // a session, frame, model or class set does not exist
  'bad_file', // a file on disk is corrupt, truncated or does not match its schema
  'conflict', // e.g. a name that already exists
  'cancelled', // the user cancelled a job
  'model_error', // the ONNX runtime or a model pack failed
  'unsupported', // a format or feature this build cannot handle
  'internal', // a bug: the message says what failed
] as const
export type ErrorCode = (typeof errorCodes)[number]

export interface WireError {
  code: ErrorCode
  message: string
  /** Optional machine-readable detail (file, line, field). */
  detail?: Record<string, string | number | boolean | null>
}

export class ConsoleError extends Error {
  readonly code: ErrorCode
  readonly detail?: WireError['detail']
  constructor(code: ErrorCode, message: string, detail?: WireError['detail']) {
    super(message)
    this.name = 'ConsoleError'
    this.code = code
    this.detail = detail
  }
  toWire(): WireError {
    return this.detail
      ? { code: this.code, message: this.message, detail: this.detail }
      : { code: this.code, message: this.message }
  }
}

/** Turn anything thrown into a wire error; unknown errors keep their message under `internal`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof ConsoleError) return error.toWire()
  if (error instanceof Error) {
    if (error.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' }
    return { code: 'internal', message: error.message }
  }
  return { code: 'internal', message: String(error) }
}

export function fromWireError(wire: WireError): ConsoleError {
  return new ConsoleError(wire.code, wire.message, wire.detail)
}
