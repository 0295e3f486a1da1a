/** The scan module's `select` function (int8-scan-module.ts describes it). */
import {
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
  simd,
  f32LoadAt,
  i32Store,
  advance,
  i32,
  v128,
} from './wasm-ops'

export function selectBody(): number[] {
  const [values, count, cut, out, limit] = [0, 1, 2, 3, 4]
  const [stop, n, start, cuts] = [5, 6, 7, 8]
  const lane = (index: number): number[] => [
    ...get(values),
    ...f32LoadAt(4 * index),
    ...get(cut),
    op.f32Ge,
    ...[0x04, 0x40],
    // out[n] = (values − start)/4 + index; n += 1; leave when n reaches limit
    ...get(out),
    ...get(n),
    ...int(2),
    op.i32Shl,
    op.i32Add,
    ...get(values),
    ...get(start),
    op.i32Sub,
    ...int(2),
    0x76, // i32.shr_u
    ...int(index),
    op.i32Add,
    ...i32Store,
    ...get(n),
    ...int(1),
    op.i32Add,
    ...tee(n),
    ...get(limit),
    op.i32GeU,
    ...brIf(3),
    ...end,
  ]
  const body = [
    ...get(values),
    ...set(start),
    // stop = values + (count >> 2) · 16
    ...get(count),
    ...int(2),
    0x76,
    ...int(4),
    op.i32Shl,
    ...get(values),
    op.i32Add,
    ...set(stop),
    ...get(cut),
    ...[simd, 0x13], // f32x4.splat
    ...set(cuts),
    ...block,
    ...loop,
    ...get(values),
    ...get(stop),
    op.i32GeU,
    ...brIf(1),
    ...get(values),
    ...[simd, 0x00, 0, 0], // v128.load
    ...get(cuts),
    ...[simd, 0x46], // f32x4.ge
    ...[simd, 0x53], // v128.any_true
    ...[0x04, 0x40],
    ...lane(0),
    ...lane(1),
    ...lane(2),
    ...lane(3),
    ...end,
    ...advance(values, 16),
    ...br(0),
    ...end,
    ...end,
    ...get(n),
  ]
  return [2, 3, i32, 1, v128, ...body, ...end]
}
