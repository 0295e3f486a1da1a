import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readNpyFloat32 } from '../../../../src-main/services/segmentation/npy-float32'

/** np.save layout: magic, version, header length, header dict padded to 64 bytes, then the data. */
function npy(header: string, data: Buffer, version = 1): Buffer {
  const prefixLength = version === 1 ? 10 : 12
  const padded = header + ' '.repeat(64 - ((prefixLength + header.length + 1) % 64)) + '\n'
  const prefix = Buffer.alloc(prefixLength)
  prefix.write('\x93NUMPY', 0, 'latin1')
  prefix[6] = version
  if (version === 1) prefix.writeUInt16LE(padded.length, 8)
  else prefix.writeUInt32LE(padded.length, 8)
  return Buffer.concat([prefix, Buffer.from(padded, 'latin1'), data])
}
const floats = (values: number[]) => Buffer.from(new Float32Array(values).buffer)

describe('readNpyFloat32', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dve-npy-'))
  const file = (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes)
    return join(dir, name)
  }

  it('reads 2-D and 1-D float32 arrays (format 1 and 2 headers)', async () => {
    const matrix = await readNpyFloat32(
      file('m.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats([1, 2, 3, 4, 5, 6.5]))),
    )
    expect(matrix.rows).toBe(2)
    expect(matrix.cols).toBe(3)
    expect([...matrix.data]).toEqual([1, 2, 3, 4, 5, 6.5])
    const vector = await readNpyFloat32(
      file('v.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats([0.5, -0.5]), 2)),
    )
    expect([vector.rows, vector.cols, ...vector.data]).toEqual([2, 1, 0.5, -0.5])
  })

  it('names the file and the problem', async () => {
    await expect(
      readNpyFloat32(file('f8.npy', npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(8)))),
    ).rejects.toThrow(/f8\.npy: header .* is not little-endian float32/)
    await expect(
      readNpyFloat32(file('f.npy', npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", floats([1])))),
    ).rejects.toThrow(/f\.npy: Fortran order/)
    await expect(
      readNpyFloat32(
        file('short.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", floats([1, 2, 3]))),
      ),
    ).rejects.toThrow(/short\.npy: 12 data bytes, expected 16 for shape \(2, 2\)/)
    await expect(
      readNpyFloat32(
        file('3d.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }", floats([1]))),
      ),
    ).rejects.toThrow(/3d\.npy: shape \(1, 1, 1\) is not 1-D or 2-D/)
    await expect(readNpyFloat32(file('text.npy', Buffer.from('hello')))).rejects.toThrow(/text\.npy: not a \.npy file/)
    await expect(readNpyFloat32(join(dir, 'missing.npy'))).rejects.toThrow(/missing\.npy: cannot read/)
  })
})
