/** The few WebAssembly instructions the scan module is assembled from, by name (opcodes from the core and SIMD specifications). */
export const i32 = 0x7f
export const f32 = 0x7d
export const v128 = 0x7b
export const simd = 0xfd

export function uleb(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
export const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))]

export const get = (local: number): number[] => [0x20, local]
export const set = (local: number): number[] => [0x21, local]
export const tee = (local: number): number[] => [0x22, local]
/** i32.const for 0 ≤ value < 64 (one signed LEB byte). */
export const int = (value: number): number[] => [0x41, value]
export const block = [0x02, 0x40]
export const loop = [0x03, 0x40]
export const end = [0x0b]
export const br = (depth: number): number[] => [0x0c, depth]
export const brIf = (depth: number): number[] => [0x0d, depth]
export const op = {
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Max: 0x97,
  f32Gt: 0x5e,
  f32Ge: 0x60,
  f32Min: 0x96,
  f32FromI32: 0xb2,
  f32FromU32: 0xb3,
} as const
export const i32TruncSatF32U = [0xfc, 0x01]
export const ifF32 = [0x04, f32]
export const elseOp = [0x05]
/** f32.load / f32.store with a byte offset. */
export const f32LoadAt = (offset: number): number[] => [0x2a, 2, offset]
export const i32Store = [0x36, 2, 0]
export const i32Store8 = [0x3a, 0, 0]
export const i32Load = [0x28, 2, 0]
export const f32Store = [0x38, 2, 0]
export const f32Const = (value: number): number[] => {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setFloat32(0, value, true)
  return [0x43, ...bytes]
}
export const f32MinusInfinity = f32Const(-Infinity)
export const v128Zero = [simd, 0x0c, ...new Array<number>(16).fill(0)]

/** pointer += bytes */
export const advance = (pointer: number, bytes: number): number[] => [
  ...get(pointer),
  ...int(bytes),
  op.i32Add,
  ...set(pointer),
]

/** A SIMD instruction by its opcode (the 0xfd prefix, then the opcode as LEB128). */
export const simdOp = (code: number): number[] => [simd, ...uleb(code)]
export const v128Op = {
  load: 0x00,
  load8x8S: 0x01,
  store: 0x0b,
  shuffle: 0x0d,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  i32x4ExtractLane: 0x1b,
  f32x4ExtractLane: 0x1f,
  f32x4Lt: 0x43,
  load64Lane: 0x57,
  store32Lane: 0x5a,
  load64Zero: 0x5d,
  i8x16NarrowI16x8U: 0x66,
  i16x8NarrowI32x4U: 0x86,
  i32x4AllTrue: 0xa3,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  i32x4MaxS: 0xb8,
  i32x4DotI16x8S: 0xba,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
} as const
/** A v128 memory instruction (load, store, load64_zero) with alignment hint 0 and a byte offset. */
export const v128Mem = (code: number, offset = 0): number[] => [...simdOp(code), 0, ...uleb(offset)]
/** A lane memory instruction (load64_lane, store32_lane): alignment hint 0, offset 0, the lane. */
export const v128LaneMem = (code: number, lane: number): number[] => [...simdOp(code), 0, 0, lane]
/** i8x16.shuffle of two v128 by 32-bit lanes (0–3: the first operand's, 4–7: the second's). */
export const shuffle32 = (lanes: [number, number, number, number]): number[] => [
  ...simdOp(v128Op.shuffle),
  ...lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]),
]
/** v128.const of four i32 / four f32. */
export const i32x4Const = (lanes: [number, number, number, number]): number[] => {
  const bytes = new Uint8Array(16)
  lanes.forEach((lane, i) => new DataView(bytes.buffer).setInt32(4 * i, lane, true))
  return [simd, 0x0c, ...bytes]
}
export const f32x4Const = (value: number): number[] => {
  const bytes = new Uint8Array(16)
  for (let i = 0; i < 4; i++) new DataView(bytes.buffer).setFloat32(4 * i, value, true)
  return [simd, 0x0c, ...bytes]
}
