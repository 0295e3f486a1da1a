/**
 * The scan module's `relevancy` function (int8-scan-module.ts describes what it computes): four voxels
 * per step (relevancy-steps.ts) while four are left when the dot product is unrolled, then one at a time.
 */
import { codeLoop, maxUnrolledK, unrolledDot } from './scan-code-loops'
import { groupStep, keepLarger, voxelStep, type RelevancyLocals } from './relevancy-steps'
import { end, f32, get, i32, i32x4Const, int, op, set, simdOp as vop, v128, v128Mem, v128Op as V } from './wasm-ops'

/**
 * `codeLength`: the codes' length, fixed per module so that short codes get the unrolled dot product
 * (and four voxels per step). Returns the largest value (at least 0).
 */
export function relevancyBody(codeLength: number): number[] {
  const unrolled = codeLength <= maxUnrolledK ? codeLength / 8 : 0
  // Parameters 0–14; i32 locals 15–17; v128 locals from 18: acc, the query q₀…, four accumulators and
  // the four-voxel step's values; then three f32 locals.
  const q0 = 19
  const a0 = q0 + unrolled
  const l: RelevancyLocals = {
    ...{ codes: 0, query: 1, factors: 2, factorsB: 3, neg: 4, out: 5, table: 6, count: 7, k: 8, fromInt: 9 },
    ...{ queryMean: 10, hasNeg: 11, histogram: 12, bytes: 13, floorBin: 14, stop: 15, j: 16, entry: 17, acc: 18 },
    ...{ q0, a0, a1: a0 + 1, a2: a0 + 2, a3: a0 + 3, vy: a0 + 4, ventry: a0 + 5, vr: a0 + 6, vmax: a0 + 7 },
    ...{ hbase: a0 + 8, pairs01: a0 + 9, pairs23: a0 + 10, x: a0 + 11, a: a0 + 12, max: a0 + 13 },
    ...{ unrolled, codeLength },
  }
  const v128Count = l.x - l.acc
  const { codes, query, count, k, histogram, stop, j, acc, hbase, vmax, a, max } = l
  const perCode = voxelStep(l)
  const perGroup = groupStep(l)
  const loadQuery: number[] = []
  for (let s = 0; s < unrolled; s++) loadQuery.push(...get(query), ...v128Mem(V.load, 16 * s), ...set(q0 + s))
  const groups = unrolled
    ? [
        // hbase: the four copies' bases; j: the voxels in whole groups of four
        ...get(histogram),
        ...vop(V.i32x4Splat),
        ...i32x4Const([0, 4, 8, 12]),
        ...vop(V.i32x4Add),
        ...set(hbase),
        ...get(count),
        ...int(2),
        op.i32ShrU,
        ...int(2),
        op.i32Shl,
        ...set(j),
        ...codeLoop({ codes, query, count: j, k, stop, j, acc }, perGroup, [], 4),
        // max = the lanes' largest, taken as the one-voxel step does; count = the voxels left
        ...[0, 1, 2, 3].flatMap((lane) => [
          ...get(vmax),
          ...vop(V.f32x4ExtractLane),
          lane,
          ...set(a),
          ...keepLarger(a, max),
        ]),
        ...get(count),
        ...int(3),
        op.i32And,
        ...set(count),
      ]
    : []
  const locals = { codes, query, count, k, stop, j, acc }
  const scan = unrolled ? codeLoop(locals, perCode, unrolledDot(codes, q0, unrolled, acc)) : codeLoop(locals, perCode)
  return [3, 3, i32, v128Count, v128, 3, f32, ...loadQuery, ...groups, ...scan, ...get(max), ...end]
}
