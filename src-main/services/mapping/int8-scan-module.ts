/**
 * The bytes of the scan's tiny WebAssembly SIMD module, assembled here so no binary ships. Both
 * functions walk int8 codes of k values (k a multiple of 8) against an int16 query with
 * `i16x8.load8x8_s` + `i32x4.dot_i16x8_s`; sums stay in int32 (64 × 127 × 32767 < 2³¹).
 *  - dot(codes, query, out, count, k): out[i] = Σ_j codes[i·k + j] · query[j] (int32).
 *  - frameMax(codes, query, neg, negStep, out, groups, per, k, scale, offset): for each group of `per`
 *    consecutive codes, max over the group of (dotᵢ · scale − f32 at neg), neg advancing `negStep` bytes
 *    per code (0: one value for all), plus `offset` (f32) — a recording's per-frame best cell in one pass.
 *  - relevancy(codes, query, factors, factorsB, neg, out, table, count, k, fromInt, queryMean, hasNeg,
 *    histogram, bytes, floorBin) → max: the map's per-voxel relevancy in one pass, four voxels per step
 *    (relevancy-body.ts). cos = dot · fromInt · factor₀ + queryMean · factor₁ (f32 scale/norm at `factors`,
 *    1/norm at `factorsB`); with negatives, σ(T·(cos − neg)) interpolated in relevancy.ts's table as
 *    relevancyInPlace does; without, (cos + 1)/2. out: one f32 per voxel; each value also counted in
 *    `histogram` (relevancyHistogramCopies interleaved copies of relevancyBins i32 over [0, 1], clamped, to
 *    be added up; groups of four below `floorBin` may be skipped), from which the pins' cut is read, and
 *    written as one byte round(255 · r) (clamped) to `bytes`: the array the view fetches, without a pass in
 *    JS. Returns the largest value (at least 0). A call may cover any part of the voxels, so threads can
 *    share a scan.
 *  - select(values, count, cut, out, limit): the indices i < count − count % 4 of f32 values ≥ cut, into
 *    `out` (i32), stopping at `limit`; returns how many. Four values are compared at once and skipped
 *    together when none passes, so picking the pins' few thousand voxels of a big map costs little.
 */
import {
  advance,
  i32,
  f32,
  v128,
  uleb,
  section,
  name,
  get,
  set,
  int,
  block,
  loop,
  end,
  br,
  brIf,
  op,
  f32LoadAt,
  i32Store,
  f32Store,
  f32MinusInfinity,
} from './wasm-ops'
import { selectBody } from './select-body'
import { relevancyBody } from './relevancy-body'
import { codeLoop, laneSum, scaledDot } from './scan-code-loops'

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

/** Pages of a shared memory the module may import (4 GiB, all of wasm32's). */
const sharedMaxPages = 65536

/**
 * The module for codes of `codeLength` values (a multiple of 8); with `sharedMemory` it imports its
 * memory (`env.memory`, shared, so that helper threads can scan parts of the same codes) instead of
 * defining one.
 */
export function scanModuleBytes(codeLength: number, sharedMemory = false): Uint8Array {
  const bodies = [dotBody(), frameMaxBody(), relevancyBody(codeLength), selectBody()]
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      4,
      ...[0x60, 5, i32, i32, i32, i32, i32, 0],
      ...[0x60, 10, ...new Array<number>(8).fill(i32), f32, f32, 0],
      ...[0x60, 15, ...new Array<number>(9).fill(i32), f32, f32, i32, i32, i32, f32, 1, f32],
      ...[0x60, 5, i32, i32, f32, i32, i32, 1, i32],
    ]),
    ...(sharedMemory ? section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x03, 1, ...uleb(sharedMaxPages)]) : []),
    ...section(3, [4, 0, 1, 2, 3]),
    ...(sharedMemory ? [] : section(5, [1, 0x00, 1])),
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
