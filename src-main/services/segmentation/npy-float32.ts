/** Reads a little-endian float32, C-order, 1-D or 2-D `.npy` file (numpy's np.save), as class sets store them. */
import { readFile } from 'node:fs/promises'
import { ConsoleError } from '../../contract'

export interface NpyMatrix {
  rows: number
  cols: number
  data: Float32Array
}

const magic = '\x93NUMPY'

export async function readNpyFloat32(path: string): Promise<NpyMatrix> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new ConsoleError(
      'not_found',
      `${path}: cannot read (${error instanceof Error ? error.message : String(error)}).`,
    )
  })
  if (bytes.subarray(0, 6).toString('latin1') !== magic)
    throw new ConsoleError('bad_file', `${path}: not a .npy file (no NUMPY magic).`)
  const major = bytes[6] as number
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8)
  const dataStart = (major === 1 ? 10 : 12) + headerLength
  const header = bytes.subarray(major === 1 ? 10 : 12, dataStart).toString('latin1')
  if (!/'descr':\s*'<f4'/.test(header))
    throw new ConsoleError('bad_file', `${path}: header ${header.trim()} is not little-endian float32 ('<f4').`)
  if (/'fortran_order':\s*True/.test(header))
    throw new ConsoleError('bad_file', `${path}: Fortran order is not supported; save it in C order.`)
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  const shape = (shapeText ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
  if (shape.length < 1 || shape.length > 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ConsoleError('bad_file', `${path}: shape (${shapeText ?? '?'}) is not 1-D or 2-D.`)
  }
  const rows = shape[0] as number
  const cols = shape[1] ?? 1
  const expected = rows * cols * 4
  if (bytes.length - dataStart !== expected) {
    throw new ConsoleError(
      'bad_file',
      `${path}: ${bytes.length - dataStart} data bytes, expected ${expected} for shape (${shape.join(', ')}).`,
    )
  }
  // Copy so the floats are aligned whatever the header length.
  const data = new Float32Array(rows * cols)
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart))
  return { rows, cols, data }
}
