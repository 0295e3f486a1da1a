/**
 * Saved maps: `<home>/maps/<sessionId>/<model or "geometry">/map.json` (metadata and a table of the
 * arrays) beside `map.bin` (the arrays, each 4-byte aligned, little-endian). Both are written
 * atomically, the arrays first; a size mismatch on load means an interrupted save.
 */
import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConsoleError, labelClassSchema } from '../../contract'
import { writeFileAtomic, writeJsonAtomic } from '../../platform/atomic-write'
import type { FusedMap } from './fused-map'
import { observationSlots } from './voxel-grid'

const arrayKinds = {
  f32: Float32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i8: Int8Array,
  i32: Int32Array,
} as const
type ArrayKind = keyof typeof arrayKinds

const finite = z.number().refine(Number.isFinite, 'must be finite')
const sectionSchema = z.object({
  name: z.string(),
  kind: z.enum(['f32', 'u8', 'u16', 'u32', 'i8', 'i32']),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
})
const mapFileSchema = z.object({
  format: z.literal('dve-map'),
  version: z.literal(1),
  binBytes: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  codeDim: z.number().int().nonnegative(),
  meta: z.object({
    sessionId: z.string(),
    modelId: z.string().nullable(),
    voxelSizeMeters: finite.positive(),
    maxDepthMeters: finite.positive(),
    frameStep: z.number().int().positive(),
    nextFrame: z.number().int().nonnegative(),
    framesFused: z.number().int().nonnegative(),
    frameCount: z.number().int().nonnegative(),
    complete: z.boolean(),
    embeddingDim: z.number().int().nonnegative(),
    labelClasses: z.array(labelClassSchema),
    camera: z.object({
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      fx: finite,
      fy: finite,
      cx: finite,
      cy: finite,
    }),
    trajectory: z.object({
      frameIndices: z.array(z.number().int().nonnegative()),
      worldFromCamera: z.array(z.array(finite).length(16)),
    }),
    warnings: z.array(z.string()),
    updatedAt: z.string(),
  }),
  sections: z.array(sectionSchema),
})

export function mapFolder(mapsRoot: string, sessionId: string, modelId: string | null): string {
  return join(mapsRoot, sessionId, modelId ?? 'geometry')
}

/** Bytes on disk of the map's per-voxel arrays (excluding the shared PCA basis). */
export function perVoxelBytes(map: FusedMap): number {
  if (map.count === 0) return 0
  const code = map.codes ? map.codes.codes.length + map.codes.scales.byteLength + map.embeddingWeights.byteLength : 0
  return (
    (map.voxelCoords.byteLength +
      map.positions.byteLength +
      map.colors.byteLength +
      map.labels.byteLength +
      map.pointCounts.byteLength +
      map.covariances.byteLength +
      map.framesSeen.byteLength +
      map.observations.byteLength +
      code) /
    map.count
  )
}

export async function saveMap(folder: string, map: FusedMap): Promise<void> {
  const arrays: Array<[string, ArrayKind, ArrayBufferView]> = [
    ['voxelCoords', 'i32', map.voxelCoords],
    ['positions', 'f32', map.positions],
    ['colors', 'u8', map.colors],
    ['labels', 'u16', map.labels],
    ['pointCounts', 'u32', map.pointCounts],
    ['covariances', 'f32', map.covariances],
    ['framesSeen', 'u32', map.framesSeen],
    ['observations', 'u32', map.observations],
    ['embeddingWeights', 'f32', map.embeddingWeights],
  ]
  if (map.codes) {
    arrays.push(
      ['codes', 'i8', map.codes.codes],
      ['scales', 'f32', map.codes.scales],
      ['pcaMean', 'f32', map.codes.pca.mean],
      ['pcaBasis', 'f32', map.codes.pca.basis],
    )
  }
  const sections: Array<z.infer<typeof sectionSchema>> = []
  // The arrays are written in place, each padded to 4 bytes: no second copy of a big map in memory.
  const chunks: Uint8Array[] = []
  let offset = 0
  for (const [name, kind, array] of arrays) {
    sections.push({ name, kind, offset, length: array.byteLength / arrayKinds[kind].BYTES_PER_ELEMENT })
    chunks.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    const padding = Math.ceil(array.byteLength / 4) * 4 - array.byteLength
    if (padding > 0) chunks.push(new Uint8Array(padding))
    offset += array.byteLength + padding
  }
  await writeFileAtomic(join(folder, 'map.bin'), chunks)
  const file: z.infer<typeof mapFileSchema> = {
    format: 'dve-map',
    version: 1,
    binBytes: offset,
    count: map.count,
    codeDim: map.codes?.pca.components ?? 0,
    meta: map.meta,
    sections,
  }
  await writeJsonAtomic(join(folder, 'map.json'), file)
}

/** The saved map in `folder`, or null when there is none. Throws bad_file naming the file on damage. */
export async function loadMap(folder: string): Promise<FusedMap | null> {
  const jsonPath = join(folder, 'map.json')
  const binPath = join(folder, 'map.bin')
  const text = await readFile(jsonPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw error
  })
  if (text === null) return null
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new ConsoleError(
      'bad_file',
      `${jsonPath}: not JSON (${error instanceof Error ? error.message : String(error)}).`,
      { file: jsonPath },
    )
  }
  const parsed = mapFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError(
      'bad_file',
      `${jsonPath}: ${issue?.path.join('.') || 'file'} ${issue?.message ?? 'is invalid'}.`,
      { file: jsonPath },
    )
  }
  const file = parsed.data
  const bin = await readFile(binPath).catch(() => null)
  if (!bin || bin.byteLength !== file.binBytes) {
    throw new ConsoleError(
      'bad_file',
      `${binPath}: ${bin ? `${bin.byteLength} bytes, map.json expects ${file.binBytes}` : 'missing'} (interrupted save?). Build the map again.`,
      { file: binPath },
    )
  }
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)
  const get = <K extends ArrayKind>(
    name: string,
    kind: K,
    expected: number | null,
  ): InstanceType<(typeof arrayKinds)[K]> => {
    const section = file.sections.find((s) => s.name === name && s.kind === kind)
    const length = section?.length ?? -1
    if (
      !section ||
      (expected !== null && length !== expected) ||
      section.offset + length * arrayKinds[kind].BYTES_PER_ELEMENT > buffer.byteLength
    ) {
      throw new ConsoleError(
        'bad_file',
        `${binPath}: array "${name}" is missing or has ${length} values${expected === null ? '' : `, expected ${expected}`}.`,
        { file: binPath },
      )
    }
    return new arrayKinds[kind](buffer, section.offset, length) as InstanceType<(typeof arrayKinds)[K]>
  }
  const n = file.count
  const dim = file.meta.embeddingDim
  const k = file.codeDim
  const hasCodes = k > 0
  return {
    meta: file.meta,
    count: n,
    voxelCoords: get('voxelCoords', 'i32', n * 3),
    positions: get('positions', 'f32', n * 3),
    colors: get('colors', 'u8', n * 4),
    labels: get('labels', 'u16', n),
    pointCounts: get('pointCounts', 'u32', n),
    covariances: get('covariances', 'f32', n * 6),
    framesSeen: get('framesSeen', 'u32', n),
    observations: get('observations', 'u32', n * observationSlots),
    embeddingWeights: get('embeddingWeights', 'f32', hasCodes ? n : 0),
    codes: hasCodes
      ? {
          codes: get('codes', 'i8', n * k),
          scales: get('scales', 'f32', n),
          pca: { dim, components: k, mean: get('pcaMean', 'f32', dim), basis: get('pcaBasis', 'f32', k * dim) },
        }
      : null,
  }
}

export async function deleteMaps(mapsRoot: string, sessionId: string): Promise<boolean> {
  const folder = join(mapsRoot, sessionId)
  const existed = await stat(folder).then(
    () => true,
    () => false,
  )
  await rm(folder, { recursive: true, force: true })
  return existed
}
