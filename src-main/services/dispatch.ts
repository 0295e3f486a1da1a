/**
 * Generic request dispatch shared by every host: look up the method in the contract, validate the
 * input with its schema, call the service, and turn any throw into a typed wire error.
 */
import { z } from 'zod'
import {
  contract,
  ConsoleError,
  requestMessageSchema,
  toWireError,
  type ConsoleApi,
  type ResponseMessage,
} from '../contract'

export async function dispatch(api: ConsoleApi, raw: unknown): Promise<ResponseMessage> {
  const parsed = requestMessageSchema.safeParse(raw)
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'number' ? raw.id : 0
    return { kind: 'response', id, ok: false, error: { code: 'invalid_input', message: 'Malformed request message.' } }
  }
  const { id, service, method, input } = parsed.data
  try {
    const result = await call(api, service, method, input)
    return { kind: 'response', id, ok: true, result }
  } catch (error) {
    return { kind: 'response', id, ok: false, error: toWireError(error) }
  }
}

async function call(api: ConsoleApi, service: string, method: string, input: unknown): Promise<unknown> {
  if (!Object.hasOwn(contract, service)) throw new ConsoleError('not_found', `Unknown service "${service}".`)
  const spec = contract[service as keyof typeof contract] as Record<string, { input: z.ZodType }>
  if (!Object.hasOwn(spec, method)) throw new ConsoleError('not_found', `Unknown method "${service}.${method}".`)
  const schema = (spec[method] as { input: z.ZodType }).input
  const checked = schema.safeParse(input)
  if (!checked.success) {
    throw new ConsoleError('invalid_input', `${service}.${method}: ${z.prettifyError(checked.error)}`)
  }
  const impl = (api as unknown as Record<string, Record<string, (arg: unknown) => Promise<unknown>>>)[service]
  const fn = impl?.[method]
  if (typeof fn !== 'function') throw new ConsoleError('internal', `${service}.${method} is not implemented.`)
  return fn.call(impl, checked.data)
}
