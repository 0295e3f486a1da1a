/**
 * Record3D's "EXR + JPG" export (iPhone / iPad LiDAR): `rgb/N.jpg`, `depth/N.exr` (float metres)
 * and `metadata.json` beside them, often inside an `EXR_RGBD/` folder; some exports keep colour and
 * depth together in `rgbd/`. The metadata gives K column-major for the colour image (`w` × `h`),
 * and one pose per frame as [qx, qy, qz, qw, tx, ty, tz], ARKit camera→world with OpenGL camera
 * axes — the pose check confirms the convention against the data.
 */
import { z } from 'zod'
import type { SkippedFrame } from '../../../contract'
import { frameNumberOf, pairFiles, rgbFilePattern } from './frame-pairing'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader, ImportPlan } from './import-plan'
import { parseWith, readJson } from './intrinsics-files'
import { matrixFromTranslationQuaternion } from './pose-math'
import type { SourceTree } from './source-tree'

const metadataSchema = z.object({
  K: z.array(z.number()).length(9),
  w: z.number().int().positive(),
  h: z.number().int().positive(),
  fps: z.number().positive().optional(),
  poses: z.array(z.array(z.number()).length(7)).optional(),
  frameTimestamps: z.array(z.number()).optional(),
})

interface Record3dLayout {
  root: string
  colourDir: string
  depthDir: string
}

const exrFile = /\.exr$/i

async function record3dLayout(tree: SourceTree): Promise<Record3dLayout | null> {
  if (tree.singleFile) return null
  for (const root of ['', 'EXR_RGBD']) {
    if (root && !(await tree.hasDir('', root))) continue
    if (!(await tree.hasFile(root, 'metadata.json'))) continue
    const join = (dir: string): string => (root ? `${root}/${dir}` : dir)
    const colour = await tree.firstDir(root, ['rgb', 'rgbd'])
    const depth = await tree.firstDir(root, ['depth', 'rgbd'])
    if (!colour || !depth || !(await tree.files(join(depth), exrFile)).length) continue
    return { root, colourDir: join(colour), depthDir: join(depth) }
  }
  return null
}

export const record3dReader: FormatReader = {
  format: 'record3d',
  label: 'Record3D EXR + JPG export (rgb/, depth/*.exr, metadata.json)',
  async detect(tree) {
    const layout = await record3dLayout(tree)
    if (!layout) return null
    return {
      confidence: 0.9,
      reason: `metadata.json with ${layout.colourDir}/ and EXR depth in ${layout.depthDir}/ found`,
      frameCount: (await tree.files(layout.depthDir, exrFile)).length,
      needs: [],
    }
  },
  async plan(tree) {
    const layout = (await record3dLayout(tree))!
    const metadataPath = tree.path(layout.root, 'metadata.json')
    const metadata = parseWith(metadataSchema, await readJson(metadataPath), metadataPath)
    const { pairs, skipped } = pairFiles(
      (await tree.files(layout.colourDir, rgbFilePattern)).map((n) => tree.path(layout.colourDir, n)),
      (await tree.files(layout.depthDir, exrFile)).map((n) => tree.path(layout.depthDir, n)),
      (p) => frameNumberOf(p.split('/').pop()!),
    )
    const issues: SkippedFrame[] = [...skipped]
    const frames = pairs.map((pair) => {
      // File N is the metadata's frame N (poses, timestamps).
      const index = Number(pair.key)
      const pose = metadata.poses?.[index]
      return fileFrame(
        {
          sourceName: pair.key,
          timestampSec: metadata.frameTimestamps?.[index] ?? index / (metadata.fps ?? 30),
          rgbPath: pair.rgb,
          depthPath: pair.depth,
          pose: pose
            ? { matrix: matrixFromTranslationQuaternion(pose.slice(4, 7), pose.slice(0, 4)), line: index + 1 }
            : null,
          poseFile: metadataPath,
        },
        issues,
      )
    })
    const k = metadata.K
    const plan: ImportPlan = {
      camera: { fx: k[0]!, fy: k[4]!, cx: k[6]!, cy: k[7]! },
      // K belongs to the colour frames (w × h); the depth is smaller (the writer scales).
      cameraSize: {
        width: metadata.w,
        height: metadata.h,
        of: `metadata.json (the colour frames, ${metadata.w}×${metadata.h})`,
      },
      poseConvention: 'camera-to-world-opengl',
      depthUnitMeters: 1,
      depthInvalidValues: [0],
      depthEncoding: 'float',
      depthConvention: { source: 'Record3D writes EXR depth in metres', stated: true },
      frames: frames.filter(isPlanned),
      issues,
      warnings: [],
    }
    return plan
  },
}
