/** The loops the scan module's functions share: an int8 code's dot product with an int16 query, and the walk over codes. */
import { block, br, brIf, end, get, int, loop, op, set, simd, tee, uleb, v128Zero } from './wasm-ops'

/** acc += Σ over j < k in steps of 8 of dot(codes[j…j+8] as i16, query[j…j+8]); j is left at k. */
export function dotLoop(codes: number, query: number, k: number, j: number, acc: number): number[] {
  return [
    ...v128Zero,
    ...set(acc),
    ...int(0),
    ...set(j),
    ...loop,
    ...get(acc),
    ...get(codes),
    ...get(j),
    op.i32Add,
    ...[simd, 0x01, 0, 0], // i16x8.load8x8_s (codes + j)
    ...get(query),
    ...get(j),
    ...int(1),
    op.i32Shl,
    op.i32Add,
    ...[simd, 0x00, 0, 0], // v128.load (query + 2j)
    ...[simd, ...uleb(0xba)], // i32x4.dot_i16x8_s
    ...[simd, ...uleb(0xae)], // i32x4.add
    ...set(acc),
    ...get(j),
    ...int(8),
    op.i32Add,
    ...tee(j),
    ...get(k),
    op.i32LtU,
    ...brIf(0),
    ...end,
  ]
}

/** The i32 sum of the four lanes of `acc`, left on the stack. */
export function laneSum(acc: number): number[] {
  const lane = (index: number): number[] => [...get(acc), simd, 0x1b, index] // i32x4.extract_lane
  return [...lane(0), ...lane(1), op.i32Add, ...lane(2), op.i32Add, ...lane(3), op.i32Add]
}

/** The dot product in `acc` as f32, times the f32 local `scale`, left on the stack. */
export const scaledDot = (acc: number, scale: number): number[] => [
  ...laneSum(acc),
  op.f32FromI32,
  ...get(scale),
  op.f32Mul,
]

/**
 * For each of `count` codes from `codes` (locals; `count` may be any local, e.g. a frame's cells): the dot
 * product into `acc`, then `perCode` (which finds the sum with laneSum(acc)), then the next code; with
 * `codesPerStep` 2ⁿ, each step takes that many codes (`count` a multiple of it).
 */
export function codeLoop(
  locals: { codes: number; query: number; count: number; k: number; stop: number; j: number; acc: number },
  perCode: number[],
  dot = dotLoop(locals.codes, locals.query, locals.k, locals.j, locals.acc),
  codesPerStep = 1,
): number[] {
  const { codes, count, k, stop } = locals
  return [
    ...get(codes),
    ...get(count),
    ...get(k),
    op.i32Mul,
    op.i32Add,
    ...set(stop),
    ...block,
    ...loop,
    ...get(codes),
    ...get(stop),
    op.i32GeU,
    ...brIf(1),
    ...dot,
    ...perCode,
    ...get(codes),
    ...get(k),
    ...(codesPerStep > 1 ? [...int(Math.log2(codesPerStep)), op.i32Shl] : []),
    op.i32Add,
    ...set(codes),
    ...br(0),
    ...end,
    ...end,
  ]
}

/** Codes up to this long get the relevancy scan's dot product unrolled, the query kept in v128 locals. */
export const maxUnrolledK = 128

/**
 * acc = the dot product of the code at `codes` with the query held in locals q₀…: `unrolled` steps of
 * 8 values, no loop and no query loads (the map's scan runs it for every voxel); `offset` bytes past `codes`.
 */
export function unrolledDot(codes: number, q0: number, unrolled: number, acc: number, offset = 0): number[] {
  const body: number[] = []
  for (let s = 0; s < unrolled; s++) {
    body.push(...get(codes), simd, 0x01, 0, ...uleb(offset + 8 * s), ...get(q0 + s), simd, ...uleb(0xba)) // load8x8_s, dot
    if (s > 0) body.push(simd, ...uleb(0xae)) // i32x4.add
  }
  return [...body, ...set(acc)]
}
