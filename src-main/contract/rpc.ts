/**
 * Typed RPC building blocks. A service is a table of methods; each method has a zod schema for its
 * input (validated by the host at the wire boundary) and a phantom output type.
 * Why zod here: the contract is shared by renderer and hosts, and zod has no platform imports.
 */
import type { z } from 'zod'

export interface MethodSpec<I extends z.ZodType, O> {
  readonly input: I
  /** Phantom: carries the output type only. */
  readonly __output?: O
}

/** `method<Output>()(inputSchema)` declares one method. */
export function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input })
}

export type AnyMethodSpec = MethodSpec<z.ZodType, unknown>
export type ServiceSpec = Record<string, AnyMethodSpec>

export type OutputOf<M> = M extends MethodSpec<z.ZodType, infer O> ? O : never
export type InputOf<M> = M extends MethodSpec<infer I, unknown> ? z.input<I> : never

/** The callable shape of a service spec: every method returns a Promise. */
export type ServiceApi<S extends ServiceSpec> = {
  [M in keyof S]: (input: InputOf<S[M]>) => Promise<OutputOf<S[M]>>
}
