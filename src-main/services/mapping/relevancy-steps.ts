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
import { laneSum, unrolledDot } from './scan-code-loops'
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

/** if (value > max) max = value (f32 locals: a NaN value is never kept). */
export function keepLarger(value: number, max: number): number[] {
  return [...get(value), ...get(max), op.f32Gt, ...[0x04, 0x40], ...get(value), ...set(max), ...end]
}

/**
 * The f32 arithmetic both steps share, on one value (f32) or four (f32x4), so that it is written once.
 * min/max are f32.min/max for one value and pmin/pmax for four: with a constant second operand that is
 * not zero they agree on every input, NaN included (a NaN first operand is kept), except max(−0, 0),
 * which never comes up (the only max is of y below, never −0).
 */
interface Lanes {
  /** The f32 at a pointer local (four in a row for f32x4). */
  load: (pointer: number) => number[]
  /** An f32 local (splat to four lanes for f32x4). */
  scalar: (local: number) => number[]
  constant: (value: number) => number[]
  add: number[]
  sub: number[]
  mul: number[]
  min: number[]
  max: number[]
}
const oneLane: Lanes = {
  load: (pointer) => [...get(pointer), ...f32LoadAt(0)],
  scalar: get,
  constant: f32Const,
  add: [op.f32Add],
  sub: [op.f32Sub],
  mul: [op.f32Mul],
  min: [op.f32Min],
  max: [op.f32Max],
}
const fourLanes: Lanes = {
  load: (pointer) => [...get(pointer), ...v128Mem(V.load)],
  scalar: (local) => [...get(local), ...vop(V.f32x4Splat)],
  constant: f32x4Const,
  add: vop(V.f32x4Add),
  sub: vop(V.f32x4Sub),
  mul: vop(V.f32x4Mul),
  min: vop(V.f32x4Pmin),
  max: vop(V.f32x4Pmax),
}

/** cos = dot · fromInt · factor₀ + queryMean · factor₁, from the dot product as f32 on the stack. */
const cosine = (L: Lanes, l: RelevancyLocals): number[] => [
  ...L.scalar(l.fromInt),
  ...L.mul,
  ...L.load(l.factors),
  ...L.mul,
  ...L.scalar(l.queryMean),
  ...L.load(l.factorsB),
  ...L.mul,
  ...L.add,
]

/** y = clamp((cos − neg + 2) · 4096, 0, last): where cos (in local `cos`) falls in σ's table; NaN stays NaN. */
const tablePosition = (L: Lanes, cos: number, neg: number): number[] => [
  ...get(cos),
  ...L.load(neg),
  ...L.sub,
  ...L.constant(relevancyTableHalfWidth),
  ...L.add,
  ...L.constant(relevancyTableStepsPerUnit),
  ...L.mul,
  ...L.constant(0),
  ...L.max,
  ...L.constant(tableLast),
  ...L.min,
]

/** r = a + (b − a) · (y − entry): σ interpolated between the entry and the next. */
const interpolate = (L: Lanes, a: number[], b: number[], y: number[], entry: number[]): number[] => [
  ...a,
  ...b,
  ...a,
  ...L.sub,
  ...y,
  ...entry,
  ...L.sub,
  ...L.mul,
  ...L.add,
]

/** value · scale + offset, `value` a local. */
const scaleAndAdd = (L: Lanes, value: number, scale: number, offset: number): number[] => [
  ...get(value),
  ...L.constant(scale),
  ...L.mul,
  ...L.constant(offset),
  ...L.add,
]

/** Without negatives r = (cos + 1)/2, as cos · 0.5 + 0.5. */
const halfway = (L: Lanes, cos: number): number[] => scaleAndAdd(L, cos, 0.5, 0.5)

/** min(r · 255 + 0.5, 255): the view's byte before truncation (NaN and negatives truncate to 0). */
const byteValue = (L: Lanes, r: number): number[] => [...scaleAndAdd(L, r, 255, 0.5), ...L.constant(255), ...L.min]

/** r · (bins − 1): the histogram bin before the clamp and truncation. */
const binValue = (L: Lanes, r: number): number[] => [...get(r), ...L.constant(relevancyBins - 1), ...L.mul]
const lastBin = (L: Lanes): number[] => [...L.constant(relevancyBins - 1), ...L.min]

/** One voxel at a time: the last count % 4 voxels (all of them when the dot product is not unrolled). */
export function voxelStep(l: RelevancyLocals): number[] {
  const { factors, factorsB, x, out, hasNeg, neg, table, entry, a, bytes, max, histogram, acc } = l
  return [
    ...laneSum(acc),
    op.f32FromI32, // the dot product as f32
    ...cosine(oneLane, l),
    ...set(x),
    ...get(out),
    ...get(hasNeg),
    ...ifF32,
    ...tablePosition(oneLane, x, neg),
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
    ...set(a),
    ...interpolate(
      oneLane,
      get(a),
      [...get(entry), ...f32LoadAt(4)],
      get(x),
      [...get(entry), ...get(table), op.i32Sub, ...int(2), op.i32ShrU, op.f32FromU32], // the entry's index
    ),
    ...elseOp,
    ...halfway(oneLane, x),
    ...end,
    ...tee(a),
    ...f32Store,
    ...get(bytes),
    ...byteValue(oneLane, a),
    ...i32TruncSatF32U,
    ...i32Store8,
    ...advance(bytes, 1),
    ...keepLarger(a, max),
    // histogram bin (NaN and negatives count in bin 0; the first copy) += 1
    ...get(histogram),
    ...binValue(oneLane, a),
    ...lastBin(oneLane),
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

/** Four voxels: the same steps as voxelStep, lane by lane (the dot products need the query in q₀…); the caller advances `codes`. */
export function groupStep(l: RelevancyLocals): number[] {
  const { codes, q0, unrolled, codeLength, a0, a1, a2, a3, factors, factorsB, vy, out, hasNeg } = l
  const { neg, table, ventry, vr, pairs01, pairs23, bytes, vmax, floorBin, hbase, entry } = l
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
  return [
    ...[a0, a1, a2, a3].flatMap((accumulator, v) => unrolledDot(codes, q0, unrolled, accumulator, v * codeLength)),
    // [dot₀, dot₁, dot₂, dot₃] (integer sums: the same in every order)
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
    ...vop(V.f32x4ConvertI32x4S),
    ...cosine(fourLanes, l),
    ...set(vy),
    ...get(out),
    ...get(hasNeg),
    ...ifV128,
    ...tablePosition(fourLanes, vy, neg),
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
    ...get(pairs01),
    ...get(pairs23),
    ...shuffle32([0, 2, 4, 6]),
    ...set(vr),
    ...interpolate(fourLanes, get(vr), [...get(pairs01), ...get(pairs23), ...shuffle32([1, 3, 5, 7])], get(vy), [
      ...get(ventry),
      ...vop(V.f32x4ConvertI32x4S),
    ]),
    ...elseOp,
    ...halfway(fourLanes, vy),
    ...end,
    ...tee(vr),
    ...v128Mem(V.store),
    // bytes: truncated, then the unsigned narrowings turn negatives into 0
    ...get(bytes),
    ...byteValue(fourLanes, vr),
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
    // histogram copy l, lane l: the bin, negatives (and NaN) in bin 0; groups whose four lanes are all
    // below `floorBin` are not counted (the caller reads the bins from floorBin up, which stay exact:
    // most of a map is below a query's threshold, and this skips them)
    ...binValue(fourLanes, vr),
    ...tee(vy),
    ...get(floorBin),
    ...vop(V.f32x4Splat),
    ...vop(V.f32x4Lt),
    ...vop(V.i32x4AllTrue),
    op.i32Eqz,
    ...[0x04, 0x40],
    ...get(vy),
    ...lastBin(fourLanes),
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
    ...advance(out, 16),
    ...advance(factors, 16),
    ...advance(factorsB, 16),
    ...advance(neg, 16),
    ...advance(bytes, 4),
  ]
}
