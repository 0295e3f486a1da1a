/**
 * The bytes of the scan's tiny WebAssembly SIMD module, assembled here so no binary ships. Both
 * functions walk int8 codes of k values (k a multiple of 8) against an int16 query with
 * `i16x8.load8x8_s` + `i32x4.dot_i16x8_s`; sums stay in int32 (64 × 127 × 32767 < 2³¹).
 *  - dot(codes, query, out, count, k): out[i] = Σ_j codes[i·k + j] · query[j] (int32).
 *  - frameMax(codes, query, neg, negStep, out, groups, per, k, scale, offset): for each group of `per`
 *    consecutive codes, max over the group of (dotᵢ · scale − f32 at neg), neg advancing `negStep` bytes
 *    per code (0: one value for all), plus `offset` (f32) — a recording's per-frame best cell in one pass.
 *  - relevancy(codes, query, factors, neg, out, table, count, k, fromInt, queryMean, hasNeg, histogram, bytes): the
 *    map's per-voxel relevancy in one pass. cos = dot · fromInt · factor₀ + queryMean · factor₁ (two f32 per
 *    voxel: scale/norm and 1/norm); with negatives, σ(T·(cos − neg)) interpolated in relevancy.ts's table
 *    exactly as relevancyInPlace does; without, (cos + 1)/2. out: one f32 per voxel; each value also
 *    counted in `histogram` (relevancyBins i32 over [0, 1], clamped), from which the pins' cut is read, and
 *    written as one byte round(255 · r) (clamped) to `bytes`: the array the view fetches, without a pass in JS;
 *    the largest value (at least 0) follows the bytes as an f32.
 *  - select(values, count, cut, out, limit): the indices i < count − count % 4 of f32 values ≥ cut, into
 *    `out` (i32), stopping at `limit`; returns how many. Four values are compared at once and skipped
 *    together when none passes, so picking the pins' few thousand voxels of a big map costs little.
 */
import {
  advance,
  i32,
  f32,
  v128,
  simd,
  uleb,
  section,
  name,
  get,
  set,
  tee,
  int,
  block,
  loop,
  end,
  br,
  brIf,
  op,
  i32TruncSatF32U,
  ifF32,
  elseOp,
  f32LoadAt,
  i32Store,
  i32Store8,
  i32Load,
  f32Store,
  f32Const,
  f32MinusInfinity,
  v128Zero,
} from './wasm-ops'
import { selectBody } from './select-body'

/** acc += Σ over j < k in steps of 8 of dot(codes[j…j+8] as i16, query[j…j+8]); j is left at k. */
function dotLoop(codes: number, query: number, k: number, j: number, acc: number): number[] {
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
function laneSum(acc: number): number[] {
  const lane = (index: number): number[] => [...get(acc), simd, 0x1b, index] // i32x4.extract_lane
  return [...lane(0), ...lane(1), op.i32Add, ...lane(2), op.i32Add, ...lane(3), op.i32Add]
}

/** The dot product in `acc` as f32, times the f32 local `scale`, left on the stack. */
const scaledDot = (acc: number, scale: number): number[] => [...laneSum(acc), op.f32FromI32, ...get(scale), op.f32Mul]

/**
 * For each of `count` codes from `codes` (locals; `count` may be any local, e.g. a frame's cells): the dot
 * product into `acc`, then `perCode` (which finds the sum with laneSum(acc)), then the next code.
 */
function codeLoop(
  locals: { codes: number; query: number; count: number; k: number; stop: number; j: number; acc: number },
  perCode: number[],
  dot = dotLoop(locals.codes, locals.query, locals.k, locals.j, locals.acc),
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
    op.i32Add,
    ...set(codes),
    ...br(0),
    ...end,
    ...end,
  ]
}

function dotBody(): number[] {
  const [codes, query, out, count, k, stop, j, acc] = [0, 1, 2, 3, 4, 5, 6, 7]
  const perCode = [...get(out), ...laneSum(acc), ...i32Store, ...advance(out, 4)]
  return [2, 2, i32, 1, v128, ...codeLoop({ codes, query, count, k, stop, j, acc }, perCode), ...end]
}

function frameMaxBody(): number[] {
  const [codes, query, neg, negStep, out, groups, per, k, scale, offset] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  const [groupEnd, j, acc, best] = [10, 11, 12, 13]
  const perCode = [
    ...get(best),
    ...scaledDot(acc, scale),
    ...get(neg),
    ...f32LoadAt(0),
    op.f32Sub,
    op.f32Max,
    ...set(best),
    ...get(neg),
    ...get(negStep),
    op.i32Add,
    ...set(neg),
  ]
  const body = [
    ...block,
    ...loop, // groups
    ...get(groups),
    op.i32Eqz,
    ...brIf(1),
    ...f32MinusInfinity,
    ...set(best),
    ...codeLoop({ codes, query, count: per, k, stop: groupEnd, j, acc }, perCode),
    ...get(out),
    ...get(best),
    ...get(offset),
    op.f32Add,
    ...f32Store,
    ...advance(out, 4),
    ...get(groups),
    ...int(1),
    op.i32Sub,
    ...set(groups),
    ...br(0),
    ...end,
    ...end,
    ...end,
  ]
  return [3, 2, i32, 1, v128, 1, f32, ...body]
}

/** relevancyInPlace's table: σ sampled every 1/4096 over [−2, 2] (relevancy.ts). */
const tableSteps = 4096
const tableHalfWidth = 2
const tableLast = 2 * tableHalfWidth * tableSteps

/** Bins of the relevancy histogram the map's scan fills, over [0, 1]. */
export const relevancyBins = 4096

/** Codes up to this long get the relevancy scan's dot product unrolled, the query kept in v128 locals. */
const maxUnrolledK = 128

/**
 * acc = the dot product of the code at `codes` with the query held in locals q₀…: `unrolled` steps of
 * 8 values, no loop and no query loads (the map's scan runs it for every voxel).
 */
function unrolledDot(codes: number, q0: number, unrolled: number, acc: number): number[] {
  const body: number[] = []
  for (let s = 0; s < unrolled; s++) {
    body.push(...get(codes), simd, 0x01, 0, ...uleb(8 * s), ...get(q0 + s), simd, ...uleb(0xba)) // load8x8_s, dot
    if (s > 0) body.push(simd, ...uleb(0xae)) // i32x4.add
  }
  return [...body, ...set(acc)]
}

/** `codeLength`: the codes' length, fixed per module so that short codes get the unrolled dot product. */
function relevancyBody(codeLength: number): number[] {
  const [codes, query, factors, neg, out, table, count, k, fromInt, queryMean, hasNeg, histogram, bytes] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ]
  const unrolled = codeLength <= maxUnrolledK ? codeLength / 8 : 0
  const [stop, j, entry, acc] = [13, 14, 15, 16]
  const q0 = 17
  const [x, a, max] = [17 + unrolled, 18 + unrolled, 19 + unrolled]
  const loadQuery: number[] = []
  for (let s = 0; s < unrolled; s++) loadQuery.push(...get(query), simd, 0x00, 0, ...uleb(16 * s), ...set(q0 + s))
  const perCode = [
    // x = cos = dot · fromInt · factor₀ + queryMean · factor₁
    ...scaledDot(acc, fromInt),
    ...get(factors),
    ...f32LoadAt(0),
    op.f32Mul,
    ...get(queryMean),
    ...get(factors),
    ...f32LoadAt(4),
    op.f32Mul,
    op.f32Add,
    ...set(x),
    ...get(out),
    ...get(hasNeg),
    ...ifF32,
    // x = clamp((cos − neg + 2) · 4096, 0, last); NaN stays NaN (trunc_sat gives entry 0, the lerp NaN).
    ...get(x),
    ...get(neg),
    ...f32LoadAt(0),
    op.f32Sub,
    ...f32Const(tableHalfWidth),
    op.f32Add,
    ...f32Const(tableSteps),
    op.f32Mul,
    ...f32Const(0),
    op.f32Max,
    ...f32Const(tableLast),
    op.f32Min,
    ...tee(x),
    ...i32TruncSatF32U,
    ...set(entry),
    ...get(table),
    ...get(entry),
    ...int(2),
    op.i32Shl,
    op.i32Add,
    ...tee(entry), // now the entry's address
    ...f32LoadAt(0),
    ...tee(a),
    ...get(entry),
    ...f32LoadAt(4),
    ...get(a),
    op.f32Sub,
    ...get(x),
    ...get(entry),
    ...get(table),
    op.i32Sub,
    ...int(2),
    0x76, // i32.shr_u: back to the entry's index
    op.f32FromU32,
    op.f32Sub,
    op.f32Mul,
    op.f32Add,
    ...elseOp,
    ...get(x),
    ...f32Const(0.5),
    op.f32Mul,
    ...f32Const(0.5),
    op.f32Add,
    ...end,
    ...tee(a),
    ...f32Store,
    // bytes[i] = min(r · 255 + 0.5, 255), truncated (NaN and negatives give 0)
    ...get(bytes),
    ...get(a),
    ...f32Const(255),
    op.f32Mul,
    ...f32Const(0.5),
    op.f32Add,
    ...f32Const(255),
    op.f32Min,
    ...i32TruncSatF32U,
    ...i32Store8,
    ...advance(bytes, 1),
    // if (r > max) max = r
    ...get(a),
    ...get(max),
    op.f32Gt,
    ...[0x04, 0x40],
    ...get(a),
    ...set(max),
    ...end,
    // histogram[min(r · (bins − 1), bins − 1)] += 1 (NaN and negatives count in bin 0)
    ...get(histogram),
    ...get(a),
    ...f32Const(relevancyBins - 1),
    op.f32Mul,
    ...f32Const(relevancyBins - 1),
    op.f32Min,
    ...i32TruncSatF32U,
    ...int(2),
    op.i32Shl,
    op.i32Add,
    ...tee(entry),
    ...get(entry),
    ...i32Load,
    ...int(1),
    op.i32Add,
    ...i32Store,
    ...advance(out, 4),
    ...advance(factors, 8),
    ...advance(neg, 4),
  ]
  const storeMax = [...get(bytes), ...get(max), 0x38, 0, 0] // f32.store (unaligned) after the bytes
  const locals = { codes, query, count, k, stop, j, acc }
  const scan = unrolled ? codeLoop(locals, perCode, unrolledDot(codes, q0, unrolled, acc)) : codeLoop(locals, perCode)
  return [3, 3, i32, 1 + unrolled, v128, 3, f32, ...loadQuery, ...scan, ...storeMax, ...end]
}

/** The module for codes of `codeLength` values (a multiple of 8). */
export function scanModuleBytes(codeLength: number): Uint8Array {
  const bodies = [dotBody(), frameMaxBody(), relevancyBody(codeLength), selectBody()]
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      4,
      ...[0x60, 5, i32, i32, i32, i32, i32, 0],
      ...[0x60, 10, ...new Array<number>(8).fill(i32), f32, f32, 0],
      ...[0x60, 13, ...new Array<number>(8).fill(i32), f32, f32, i32, i32, i32, 0],
      ...[0x60, 5, i32, i32, f32, i32, i32, 1, i32],
    ]),
    ...section(3, [4, 0, 1, 2, 3]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [
      5,
      ...[...name('memory'), 0x02, 0],
      ...[...name('dot'), 0x00, 0],
      ...[...name('frameMax'), 0x00, 1],
      ...[...name('relevancy'), 0x00, 2],
      ...[...name('select'), 0x00, 3],
    ]),
    ...section(10, [4, ...bodies.flatMap((code) => [...uleb(code.length), ...code])]),
  ])
}
