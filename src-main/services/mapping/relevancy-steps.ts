/**
 * The two steps of the scan module's `relevancy` function (relevancy-body.ts): one voxel, and four
 * voxels at once. The four-voxel step sums its four dot products across lanes together (two
 * interleaves and two adds instead of three lane extracts and adds per voxel) and runs everything after
 * the dot product in f32x4 lanes with the same f32 operations, in the same order, as the one-voxel
 * step, so both give the same bits. σ's table is read with two 8-byte lane loads per pair of voxels.
 * The histogram is counted in four interleaved copies (one per lane), which the caller adds up: voxels
 * of nearly equal relevancy would otherwise wait on each other's increment of the same bin.
 */
import { relevancyTableHalfWidth, relevancyTableStepsPerUnit } from '../query/relevancy'
import { scaledDot, unrolledDot } from './scan-code-loops'
import {
  advance,
  elseOp,
  end,
  f32Const,
  f32LoadAt,
  f32Store,
  f32x4Const,
  get,
  i32Load,
  i32Store,
  i32Store8,
  i32TruncSatF32U,
  i32x4Const,
  ifF32,
  int,
  op,
  set,
  shuffle32,
  simdOp,
  tee,
  v128,
  v128LaneMem,
  v128Mem,
  v128Op as V,
} from './wasm-ops'

/** relevancyInPlace's table: σ sampled every 1/4096 over [−2, 2], the last entry's index. */
const tableLast = 2 * relevancyTableHalfWidth * relevancyTableStepsPerUnit

/** Bins of the relevancy histogram the map's scan fills, over [0, 1]. */
export const relevancyBins = 4096
/** Copies of the histogram the four lanes count in, interleaved (bin b of copy c at b · copies + c). */
export const relevancyHistogramCopies = 4

const vop = simdOp
const ifV128 = [0x04, v128]

/** The function's parameters and locals (their indices), the module's code length and its unrolled steps. */
export interface RelevancyLocals {
  codes: number
  query: number
  factors: number
  neg: number
  out: number
  table: number
  count: number
  k: number
  fromInt: number
  queryMean: number
  hasNeg: number
  histogram: number
  bytes: number
  floorBin: number
  stop: number
  j: number
  entry: number
  factorsB: number
  acc: number
  q0: number
  a0: number
  a1: number
  a2: number
  a3: number
  vy: number
  ventry: number
  vr: number
  vmax: number
  hbase: number
  pairs01: number
  pairs23: number
  x: number
  a: number
  max: number
  unrolled: number
  codeLength: number
}

/** One voxel at a time: the last count % 4 voxels (all of them when the dot product is not unrolled). */
export function voxelStep(l: RelevancyLocals): number[] {
  const { fromInt, factors, factorsB, queryMean, x, out, hasNeg, neg, table, entry, a, bytes, max, histogram, acc } = l
  return [
    // x = cos = dot · fromInt · factor₀ + queryMean · factor₁
    ...scaledDot(acc, fromInt),
    ...get(factors),
    ...f32LoadAt(0),
    op.f32Mul,
    ...get(queryMean),
    ...get(factorsB),
    ...f32LoadAt(0),
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
    ...f32Const(relevancyTableHalfWidth),
    op.f32Add,
    ...f32Const(relevancyTableStepsPerUnit),
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
    op.i32ShrU, // back to the entry's index
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
    // histogram[min(r · (bins − 1), bins − 1)] += 1 (NaN and negatives count in bin 0; the first copy)
    ...get(histogram),
    ...get(a),
    ...f32Const(relevancyBins - 1),
    op.f32Mul,
    ...f32Const(relevancyBins - 1),
    op.f32Min,
    ...i32TruncSatF32U,
    ...int(4),
    op.i32Shl,
    op.i32Add,
    ...tee(entry),
    ...get(entry),
    ...i32Load,
    ...int(1),
    op.i32Add,
    ...i32Store,
    ...advance(out, 4),
    ...advance(factors, 4),
    ...advance(factorsB, 4),
    ...advance(neg, 4),
  ]
}

/** Four voxels: the same steps as voxelStep, lane by lane (the dot products need the query in q₀…). */
export function groupStep(l: RelevancyLocals): number[] {
  const { codes, q0, unrolled, codeLength, a0, a1, a2, a3, fromInt, factors, factorsB, queryMean, vy, out, hasNeg } = l
  const { neg, table, ventry, vr, pairs01, pairs23, bytes, vmax, floorBin, hbase, entry, k } = l
  /** The sum of the four lanes of `left` and of `right` as lanes [l₀+l₂, r₀+r₂, l₁+l₃, r₁+r₃]. */
  const pairSum = (left: number, right: number): number[] => [
    ...get(left),
    ...get(right),
    ...shuffle32([0, 4, 1, 5]),
    ...get(left),
    ...get(right),
    ...shuffle32([2, 6, 3, 7]),
    ...vop(V.i32x4Add),
  ]
  const splat = (local: number): number[] => [...get(local), ...vop(V.f32x4Splat)]
  return [
    ...[a0, a1, a2, a3].flatMap((accumulator, v) => unrolledDot(codes, q0, unrolled, accumulator, v * codeLength)),
    // [dot₀, dot₁, dot₂, dot₃] (integer sums: any order gives the same)
    ...pairSum(a0, a1),
    ...set(a0),
    ...pairSum(a2, a3),
    ...set(a2),
    ...get(a0),
    ...get(a2),
    ...shuffle32([0, 1, 4, 5]),
    ...get(a0),
    ...get(a2),
    ...shuffle32([2, 3, 6, 7]),
    ...vop(V.i32x4Add),
    // cos = dot · fromInt · factor₀ + queryMean · factor₁
    ...vop(V.f32x4ConvertI32x4S),
    ...splat(fromInt),
    ...vop(V.f32x4Mul),
    ...get(factors),
    ...v128Mem(V.load),
    ...vop(V.f32x4Mul),
    ...splat(queryMean),
    ...get(factorsB),
    ...v128Mem(V.load),
    ...vop(V.f32x4Mul),
    ...vop(V.f32x4Add),
    ...set(vy),
    ...get(out),
    ...get(hasNeg),
    ...ifV128,
    // y = clamp((cos − neg + 2) · 4096, 0, last). pmax/pmin with y first keep a NaN y, as f32.max/min do;
    // they differ from those only for −0, which y never is (x − n + 2 = 0 is +0).
    ...get(vy),
    ...get(neg),
    ...v128Mem(V.load),
    ...vop(V.f32x4Sub),
    ...f32x4Const(relevancyTableHalfWidth),
    ...vop(V.f32x4Add),
    ...f32x4Const(relevancyTableStepsPerUnit),
    ...vop(V.f32x4Mul),
    ...f32x4Const(0),
    ...vop(V.f32x4Pmax),
    ...f32x4Const(tableLast),
    ...vop(V.f32x4Pmin),
    ...tee(vy),
    // entries: y is in [0, last] or NaN, where signed truncation gives what unsigned does
    ...vop(V.i32x4TruncSatF32x4S),
    ...tee(ventry),
    ...int(2),
    ...vop(V.i32x4Shl),
    ...get(table),
    ...vop(V.i32x4Splat),
    ...vop(V.i32x4Add),
    ...set(vr), // the entries' addresses
    // pairs01 = [a₀, b₀, a₁, b₁], pairs23 = [a₂, b₂, a₃, b₃]: each entry and the next
    ...[pairs01, pairs23].flatMap((pairs, p) => [
      ...get(vr),
      ...vop(V.i32x4ExtractLane),
      2 * p,
      ...v128Mem(V.load64Zero),
      ...set(pairs),
      ...get(vr),
      ...vop(V.i32x4ExtractLane),
      2 * p + 1,
      ...get(pairs),
      ...v128LaneMem(V.load64Lane, 1),
      ...set(pairs),
    ]),
    // r = a + (b − a) · (y − entry)
    ...get(pairs01),
    ...get(pairs23),
    ...shuffle32([0, 2, 4, 6]),
    ...tee(vr),
    ...get(pairs01),
    ...get(pairs23),
    ...shuffle32([1, 3, 5, 7]),
    ...get(vr),
    ...vop(V.f32x4Sub),
    ...get(vy),
    ...get(ventry),
    ...vop(V.f32x4ConvertI32x4S),
    ...vop(V.f32x4Sub),
    ...vop(V.f32x4Mul),
    ...vop(V.f32x4Add),
    ...elseOp,
    ...get(vy),
    ...f32x4Const(0.5),
    ...vop(V.f32x4Mul),
    ...f32x4Const(0.5),
    ...vop(V.f32x4Add),
    ...end,
    ...tee(vr),
    ...v128Mem(V.store),
    // bytes = min(r · 255 + 0.5, 255) truncated (pmin keeps a NaN, truncated to 0); the unsigned narrowings
    // turn negatives into 0
    ...get(bytes),
    ...get(vr),
    ...f32x4Const(255),
    ...vop(V.f32x4Mul),
    ...f32x4Const(0.5),
    ...vop(V.f32x4Add),
    ...f32x4Const(255),
    ...vop(V.f32x4Pmin),
    ...vop(V.i32x4TruncSatF32x4S),
    ...tee(ventry),
    ...get(ventry),
    ...vop(V.i16x8NarrowI32x4U),
    ...tee(ventry),
    ...get(ventry),
    ...vop(V.i8x16NarrowI16x8U),
    ...v128LaneMem(V.store32Lane, 0),
    // max per lane: pmax keeps the old value where r is NaN or not larger, as `r > max` does
    ...get(vmax),
    ...get(vr),
    ...vop(V.f32x4Pmax),
    ...set(vmax),
    // histogram copy l, lane l: bin min(r · (bins − 1), bins − 1) truncated, negatives (and NaN) bin 0;
    // groups whose four lanes are all below `floorBin` are not counted (the caller reads the bins from
    // floorBin up, which stay exact: most of a map is below a query's threshold, and this skips them)
    ...get(vr),
    ...f32x4Const(relevancyBins - 1),
    ...vop(V.f32x4Mul),
    ...tee(vy),
    ...get(floorBin),
    ...vop(V.f32x4Splat),
    ...vop(V.f32x4Lt),
    ...vop(V.i32x4AllTrue),
    op.i32Eqz,
    ...[0x04, 0x40],
    ...get(vy),
    ...f32x4Const(relevancyBins - 1),
    ...vop(V.f32x4Pmin),
    ...vop(V.i32x4TruncSatF32x4S),
    ...i32x4Const([0, 0, 0, 0]),
    ...vop(V.i32x4MaxS),
    ...int(4),
    ...vop(V.i32x4Shl),
    ...get(hbase),
    ...vop(V.i32x4Add),
    ...set(ventry),
    ...[0, 1, 2, 3].flatMap((lane) => [
      ...get(ventry),
      ...vop(V.i32x4ExtractLane),
      lane,
      ...tee(entry),
      ...get(entry),
      ...i32Load,
      ...int(1),
      op.i32Add,
      ...i32Store,
    ]),
    ...end,
    ...get(codes),
    ...get(k),
    ...int(2),
    op.i32Shl,
    op.i32Add,
    ...set(codes),
    ...advance(out, 16),
    ...advance(factors, 16),
    ...advance(factorsB, 16),
    ...advance(neg, 16),
    ...advance(bytes, 4),
  ]
}
