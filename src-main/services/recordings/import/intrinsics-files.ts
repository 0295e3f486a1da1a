/** Intrinsics files of the supported layouts, read into fx fy cx cy (and image size where given). */
import { z } from 'zod'
import { ConsoleError, type PinholeIntrinsics } from '../../../contract'
import { readNumbers } from './text-table'
import { readSourceText } from '../../security/source-confinement'
import { parseJsonQuietly } from '../../security/quiet-json'

/** A 3×3 K (7-Scenes, 3DMatch) or 4×4 (ScanNet `intrinsic_depth.txt`), row-major. */
export async function readIntrinsicsMatrixFile(path: string): Promise<PinholeIntrinsics> {
  const values = await readNumbers(path)
  const size = values.length === 9 ? 3 : values.length === 16 ? 4 : 0
  if (!size)
    throw new ConsoleError(
      'bad_file',
      `${path}: expected a 3×3 or 4×4 intrinsics matrix, found ${values.length} numbers.`,
      { file: path },
    )
  return { fx: values[0]!, fy: values[size + 1]!, cx: values[2]!, cy: values[size + 2]! }
}

/** ETH3D `calibration.txt`: one line "fx fy cx cy". */
export async function readCalibrationLine(path: string): Promise<PinholeIntrinsics> {
  const values = await readNumbers(path)
  if (values.length !== 4)
    throw new ConsoleError('bad_file', `${path}: expected "fx fy cx cy", found ${values.length} numbers.`, {
      file: path,
    })
  return { fx: values[0]!, fy: values[1]!, cx: values[2]!, cy: values[3]! }
}

export async function readJson(path: string): Promise<unknown> {
  return parseJsonQuietly(await readSourceText(path), path)
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError('bad_file', `${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}.`, {
      file: path,
    })
  }
  return parsed.data
}

const open3dIntrinsicSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  intrinsic_matrix: z.array(z.number()).length(9),
})

/** Open3D PinholeCameraIntrinsic JSON; `intrinsic_matrix` is column-major. */
export async function readOpen3dIntrinsics(path: string): Promise<PinholeIntrinsics> {
  const k = parseWith(open3dIntrinsicSchema, await readJson(path), path).intrinsic_matrix
  return { fx: k[0]!, fy: k[4]!, cx: k[6]!, cy: k[7]! }
}

const replicaCamParamsSchema = z.object({
  camera: z.object({
    w: z.number().int().positive(),
    h: z.number().int().positive(),
    fx: z.number(),
    fy: z.number(),
    cx: z.number(),
    cy: z.number(),
    scale: z.number().positive(),
  }),
})

/** NICE-SLAM / nvblox `cam_params.json`: intrinsics and the depth scale (raw units per metre). */
export async function readReplicaCamParams(
  path: string,
): Promise<{ camera: PinholeIntrinsics; unitsPerMeter: number }> {
  const { camera } = parseWith(replicaCamParamsSchema, await readJson(path), path)
  return { camera: { fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy }, unitsPerMeter: camera.scale }
}
