/**
 * The session index on disk, compressed (cell-codes.ts): `<cache>/query-index/<model>/<session>.codes.json`
 * (header, validated), `<session>.codes.i8` (the int8 codes) and `<session>.pca.f32` (mean, basis and
 * per-component scales). The binary files are written first, so a header always describes complete
 * files; the codes are read straight into the scan's memory. Indexes of the former uncompressed
 * format (`<session>.json` + `.i8`) are ignored and rebuilt.
 */
import { open, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConsoleError } from '../../contract'
import { writeFileAtomic, writeJsonAtomic } from '../../platform/atomic-write'
import { CellCodes } from './cell-codes'
import { readJsonFile } from './read-json-file'
import { frameLeftOut, type SessionIndexData } from './session-index'

const headerSchema = z.object({
  format: z.literal('dve-query-index'),
  version: z.literal(2),
  sessionId: z.string().min(1),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
  components: z.number().int().positive(),
  grid: z.object({ rows: z.number().int().positive(), cols: z.number().int().positive() }),
  frameCount: z.number().int().nonnegative(),
  timestampsSec: z.array(z.number()),
  indexed: z.array(z.union([z.literal(0), z.literal(1), z.literal(frameLeftOut)])),
})

/** Read in slices: one read call cannot exceed 2 GiB, and a slice keeps the event loop responsive. */
const readSliceBytes = 64 * 2 ** 20

export class SessionIndexStore {
  constructor(private readonly cacheDir: string) {}

  private base(modelId: string, sessionId: string): string {
    return join(this.cacheDir, 'query-index', modelId.replace(/[^A-Za-z0-9._-]/g, '_'), sessionId)
  }

  /** Bytes of the stored index on disk (0 when none). */
  async diskBytes(sessionId: string, modelId: string): Promise<number> {
    const base = this.base(modelId, sessionId)
    const sizes = await Promise.all(
      ['.codes.json', '.codes.i8', '.pca.f32'].map((ext) =>
        stat(`${base}${ext}`).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    )
    return sizes.reduce((a, b) => a + b, 0)
  }

  /** The stored index, or null when none exists for this model and session. */
  async load(sessionId: string, modelId: string): Promise<SessionIndexData | null> {
    const base = this.base(modelId, sessionId)
    const rebuild = ` Delete ${base}.codes.json to rebuild the index.`
    const header = await readJsonFile(`${base}.codes.json`, headerSchema, rebuild)
    if (!header) return null
    const { dim, components: k, grid, frameCount } = header
    if (header.timestampsSec.length !== frameCount || header.indexed.length !== frameCount) {
      throw new ConsoleError(
        'bad_file',
        `${base}.codes.json: ${header.timestampsSec.length} timestamps and ${header.indexed.length} flags for ${frameCount} frames.${rebuild}`,
      )
    }
    const floats = await readBinary(`${base}.pca.f32`, 4 * (dim + k * dim + k), rebuild)
    const values = new Float32Array(floats.buffer, floats.byteOffset, floats.byteLength / 4)
    const pca = { dim, components: k, mean: values.slice(0, dim), basis: values.slice(dim, dim + k * dim) }
    const codes = new CellCodes({ count: frameCount * grid.rows * grid.cols, pca, scales: values.slice(dim + k * dim) })
    await readBinary(
      `${base}.codes.i8`,
      codes.codes.byteLength,
      rebuild,
      new Uint8Array(codes.codes.buffer, codes.codes.byteOffset, codes.codes.byteLength),
    )
    return {
      sessionId: header.sessionId,
      modelId: header.modelId,
      dim,
      grid,
      frameCount,
      timestampsSec: Float64Array.from(header.timestampsSec),
      indexed: Uint8Array.from(header.indexed),
      cells: new Int8Array(0),
      codes,
    }
  }

  async save(data: SessionIndexData): Promise<void> {
    const codes = data.codes
    if (!codes)
      throw new ConsoleError('internal', `Session index of ${data.sessionId}: only compressed indexes are stored.`)
    const base = this.base(data.modelId, data.sessionId)
    const { pca, scales } = codes.layout
    const floats = new Float32Array(pca.mean.length + pca.basis.length + scales.length)
    floats.set(pca.mean)
    floats.set(pca.basis, pca.mean.length)
    floats.set(scales, pca.mean.length + pca.basis.length)
    await writeFileAtomic(`${base}.pca.f32`, new Uint8Array(floats.buffer))
    await writeFileAtomic(
      `${base}.codes.i8`,
      new Uint8Array(codes.codes.buffer, codes.codes.byteOffset, codes.codes.byteLength),
    )
    await writeJsonAtomic(`${base}.codes.json`, {
      format: 'dve-query-index',
      version: 2,
      sessionId: data.sessionId,
      modelId: data.modelId,
      dim: data.dim,
      components: codes.components,
      grid: data.grid,
      frameCount: data.frameCount,
      timestampsSec: [...data.timestampsSec],
      indexed: [...data.indexed],
    })
  }
}

/** Reads exactly `bytes` bytes of `file` (into `target` when given); a size mismatch names the file. */
async function readBinary(
  file: string,
  bytes: number,
  hint: string,
  target: Uint8Array = new Uint8Array(bytes),
): Promise<Uint8Array> {
  const handle = await open(file, 'r').catch((error: Error) => {
    throw new ConsoleError('bad_file', `${file}: cannot read (${error.message}).${hint}`)
  })
  try {
    const { size } = await handle.stat()
    if (size !== bytes)
      throw new ConsoleError('bad_file', `${file}: holds ${size} bytes, the header says ${bytes}.${hint}`)
    for (let offset = 0; offset < bytes;) {
      const { bytesRead } = await handle.read(target, offset, Math.min(readSliceBytes, bytes - offset), offset)
      if (bytesRead === 0)
        throw new ConsoleError('bad_file', `${file}: ended after ${offset} of ${bytes} bytes.${hint}`)
      offset += bytesRead
    }
    return target
  } finally {
    await handle.close()
  }
}
