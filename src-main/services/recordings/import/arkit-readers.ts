/**
 * iPhone / iPad LiDAR exporters (ARKit): Polycam's raw "keyframes" export and Stray Scanner. Depth
 * is 16-bit millimetres at the LiDAR's resolution (256×192), the intrinsics in the sidecars belong
 * to the colour image (the writer scales them to the depth), and poses are ARKit camera→world with
 * OpenGL camera axes (x right, y up, z backwards), which the pose check confirms against the data.
 */
import sharp from 'sharp'
import { z } from 'zod'
import type { SkippedFrame } from '../../../contract'
import { depthFilePattern, pairFiles, rgbFilePattern, stemOf } from './frame-pairing'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader, ImportPlan } from './import-plan'
import { readIntrinsicsMatrixFile, readJson } from './intrinsics-files'
import { matrixFromTranslationQuaternion } from './pose-math'
import type { PoseOrProblem } from './pose-files'
import type { SourceTree } from './source-tree'
import { readTextRows, rowNumbers } from './text-table'
import { fileNumber } from './frame-order'

const arkitDepth = { depthUnitMeters: 0.001, depthInvalidValues: [0], depthEncoding: 'plain' as const }
const arkitConvention = { source: 'ARKit exporters write 16-bit millimetres', stated: true }

async function imageSize(path: string): Promise<{ width: number; height: number } | null> {
  const meta = await sharp(path)
    .metadata()
    .catch(() => null)
  return meta?.width && meta.height ? { width: meta.width, height: meta.height } : null
}

// ---- Polycam raw export: keyframes/{images,depth,cameras}/<timestamp>.* ----

const polycamCameraSchema = z.object({
  fx: z.number(),
  fy: z.number(),
  cx: z.number(),
  cy: z.number(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  timestamp: z.number().optional(),
  ...Object.fromEntries(
    ['00', '01', '02', '03', '10', '11', '12', '13', '20', '21', '22', '23'].map((k) => [`t_${k}`, z.number()]),
  ),
})

async function polycamRoot(tree: SourceTree): Promise<string | null> {
  if (tree.singleFile) return null
  for (const root of ['keyframes', ''])
    if (
      (await tree.hasDir(root, 'images')) &&
      (await tree.hasDir(root, 'depth')) &&
      (await tree.hasDir(root, 'cameras'))
    )
      return root
  return null
}

export const polycamReader: FormatReader = {
  format: 'polycam',
  label: 'Polycam raw export (keyframes/images, depth, cameras)',
  async detect(tree) {
    const root = await polycamRoot(tree)
    if (root === null) return null
    const frames = (await tree.files(`${root}/depth`.replace(/^\//, ''), depthFilePattern)).length
    return {
      confidence: 0.9,
      reason: `${root ? `${root}/` : ''}images/, depth/ and cameras/*.json found`,
      frameCount: frames,
      needs: [],
    }
  },
  async plan(tree) {
    const root = (await polycamRoot(tree))!
    const dir = (name: string): string => (root ? `${root}/${name}` : name)
    // Polycam writes corrected (bundle-adjusted) cameras next to the ARKit ones when it has them.
    const camerasDir = (await tree.hasDir(root, 'corrected_cameras')) ? dir('corrected_cameras') : dir('cameras')
    const { pairs, skipped } = pairFiles(
      (await tree.files(dir('images'), rgbFilePattern)).map((n) => tree.path(dir('images'), n)),
      (await tree.files(dir('depth'), depthFilePattern)).map((n) => tree.path(dir('depth'), n)),
      (p) => stemOf(p.split('/').pop()!),
    )
    const issues: SkippedFrame[] = [...skipped]
    let cameraSize: ImportPlan['cameraSize']
    let camera: ImportPlan['camera'] = null
    const frames = []
    for (const pair of pairs) {
      const path = tree.path(camerasDir, `${pair.key}.json`)
      const parsed = polycamCameraSchema.safeParse(await readJson(path).catch(() => null))
      let pose: PoseOrProblem | null = null
      if (!parsed.success)
        pose = {
          problem: `cannot read the camera JSON (${parsed.error.issues[0]?.path.join('.') || 'file'}: ${parsed.error.issues[0]?.message ?? 'missing'})`,
        }
      else {
        const c = parsed.data as Record<string, number>
        camera ??= { fx: c.fx!, fy: c.fy!, cx: c.cx!, cy: c.cy! }
        cameraSize ??= { width: c.width!, height: c.height!, of: `${camerasDir}/*.json` }
        pose = {
          matrix: [0, 1, 2].flatMap((r) => [0, 1, 2, 3].map((k) => c[`t_${r}${k}`]!)).concat([0, 0, 0, 1]),
          line: 1,
        }
      }
      const timestampSec =
        parsed.success && parsed.data.timestamp !== undefined ? parsed.data.timestamp : fileNumber(pair.depth)
      frames.push(
        fileFrame(
          { sourceName: pair.key, timestampSec, rgbPath: pair.rgb, depthPath: pair.depth, pose, poseFile: path },
          issues,
        ),
      )
    }
    return {
      camera,
      ...(cameraSize ? { cameraSize } : {}),
      poseConvention: 'camera-to-world-opengl',
      ...arkitDepth,
      depthConvention: arkitConvention,
      frames: frames.filter(isPlanned),
      issues,
      warnings: [],
    }
  },
}

// ---- Stray Scanner: rgb.mp4 (frames extracted to rgb/), depth/NNNNNN.png, camera_matrix.csv, odometry.csv ----

async function isStray(tree: SourceTree): Promise<boolean> {
  return (
    !tree.singleFile &&
    (await tree.hasFile('', 'camera_matrix.csv')) &&
    (await tree.hasFile('', 'odometry.csv')) &&
    (await tree.hasDir('', 'depth'))
  )
}

export const strayScannerReader: FormatReader = {
  format: 'stray-scanner',
  label: 'Stray Scanner (depth/, camera_matrix.csv, odometry.csv, rgb frames)',
  async detect(tree) {
    if (!(await isStray(tree))) return null
    const colourDir = await tree.firstDir('', ['rgb', 'color'])
    return {
      confidence: 0.9,
      reason: `depth/, camera_matrix.csv and odometry.csv found${colourDir ? ` with ${colourDir}/` : ' (rgb.mp4 must be extracted to rgb/ first)'}`,
      frameCount: (await tree.files('depth', depthFilePattern)).length,
      needs: [],
    }
  },
  async plan(tree) {
    const colourDir = await tree.firstDir('', ['rgb', 'color'])
    const warnings: string[] = []
    if (!colourDir)
      warnings.push(
        `${tree.path('rgb.mp4')}: video colour is not read; extract the frames first (ffmpeg -i rgb.mp4 rgb/%06d.jpg).`,
      )
    const byNumber = (p: string): string => String(fileNumber(p) ?? stemOf(p))
    const { pairs, skipped } = pairFiles(
      colourDir ? (await tree.files(colourDir, rgbFilePattern)).map((n) => tree.path(colourDir, n)) : [],
      (await tree.files('depth', depthFilePattern)).map((n) => tree.path('depth', n)),
      byNumber,
    )
    const odometryPath = tree.path('odometry.csv')
    // Rows: timestamp, frame, x, y, z, qx, qy, qz, qw (a header row first).
    const poses = new Map<number, { timestampSec: number; pose: PoseOrProblem }>()
    for (const row of await readTextRows(odometryPath)) {
      const values = rowNumbers(row, 9)
      if (typeof values === 'string') continue // the header
      poses.set(values[1]!, {
        timestampSec: values[0]!,
        pose: { matrix: matrixFromTranslationQuaternion(values.slice(2, 5), values.slice(5, 9)), line: row.line },
      })
    }
    const issues: SkippedFrame[] = [...skipped]
    const frames = pairs
      .map((pair) => {
        const odometry = poses.get(Number(pair.key)) ?? null
        return fileFrame(
          {
            sourceName: pair.key,
            timestampSec: odometry?.timestampSec ?? null,
            rgbPath: pair.rgb,
            depthPath: pair.depth,
            pose: odometry?.pose ?? null,
            poseFile: odometryPath,
          },
          issues,
        )
      })
      .filter(isPlanned)
    const colourSize = pairs[0] ? await imageSize(pairs[0].rgb) : null
    return {
      camera: await readIntrinsicsMatrixFile(tree.path('camera_matrix.csv')),
      // camera_matrix.csv belongs to the colour video (1920×1440 on current iPhones).
      cameraSize: {
        ...(colourSize ?? { width: 1920, height: 1440 }),
        of: `camera_matrix.csv (the ${colourSize ? 'colour frames' : 'video'})`,
      },
      poseConvention: 'camera-to-world-opengl',
      ...arkitDepth,
      depthConvention: arkitConvention,
      frames,
      issues,
      warnings,
    }
  },
}
