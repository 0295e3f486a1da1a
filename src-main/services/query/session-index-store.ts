/**
 * The session index on disk: `<cache>/query-index/<model>/<session>.json` (header, validated) and
 * `<session>.i8` (the int8 cells). The cells are written first, so a header always describes a
 * complete cell file.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConsoleError } from '../../contract'
import { writeFileAtomic, writeJsonAtomic } from '../../platform/atomic-write'
import { readJsonFile } from './read-json-file'
import type { SessionIndexData } from './session-index'

const headerSchema = z.object({
  format: z.literal('dve-query-index'),
  version: z.literal(1),
  sessionId: z.string().min(1),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
  grid: z.object({ rows: z.number().int().positive(), cols: z.number().int().positive() }),
  frameCount: z.number().int().nonnegative(),
  timestampsSec: z.array(z.number()),
  indexed: z.array(z.union([z.literal(0), z.literal(1)])),
})

export class SessionIndexStore {
  constructor(private readonly cacheDir: string) {}

  private base(modelId: string, sessionId: string): string {
    return join(this.cacheDir, 'query-index', modelId.replace(/[^A-Za-z0-9._-]/g, '_'), sessionId)
  }

  /** The stored index, or null when none exists for this model and session. */
  async load(sessionId: string, modelId: string): Promise<SessionIndexData | null> {
    const base = this.base(modelId, sessionId)
    const header = await readJsonFile(`${base}.json`, headerSchema, ' Delete it to rebuild the index.')
    if (!header) return null
    const raw = await readFile(`${base}.i8`).catch((error: Error) => {
      throw new ConsoleError('bad_file', `${base}.i8: cannot read (${error.message}). Delete ${base}.json to rebuild the index.`)
    })
    const cells = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength)
    const expected = header.frameCount * header.grid.rows * header.grid.cols * header.dim
    if (header.timestampsSec.length !== header.frameCount || header.indexed.length !== header.frameCount || cells.length !== expected) {
      throw new ConsoleError('bad_file', `${base}.i8: holds ${cells.length} values, header says ${expected}. Delete both files to rebuild the index.`)
    }
    return {
      sessionId: header.sessionId, modelId: header.modelId, dim: header.dim, grid: header.grid, frameCount: header.frameCount,
      timestampsSec: Float64Array.from(header.timestampsSec), indexed: Uint8Array.from(header.indexed), cells,
    }
  }

  async save(data: SessionIndexData): Promise<void> {
    const base = this.base(data.modelId, data.sessionId)
    await writeFileAtomic(`${base}.i8`, new Uint8Array(data.cells.buffer, data.cells.byteOffset, data.cells.byteLength))
    await writeJsonAtomic(`${base}.json`, {
      format: 'dve-query-index', version: 1, sessionId: data.sessionId, modelId: data.modelId, dim: data.dim,
      grid: data.grid, frameCount: data.frameCount, timestampsSec: [...data.timestampsSec], indexed: [...data.indexed],
    })
  }
}
