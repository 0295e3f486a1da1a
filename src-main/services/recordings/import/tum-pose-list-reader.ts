/**
 * The TUM-style pose-list layout of the slambook2 examples: `color/N.png`, `depth/N.png|pgm` and a
 * `pose.txt` whose k-th row (tx ty tz qx qy qz qw, camera→world) belongs to the k-th image. There
 * are no timestamps and no intrinsics file. Depth units follow the examples: PNG 1/5000 m (the
 * TUM/ICL factor), PGM millimetres (OpenNI).
 */
import type { SkippedFrame } from '../../../contract'
import { depthFilePattern, frameNumberOf, pairFiles, rgbFilePattern } from './frame-pairing'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader } from './import-plan'
import type { SourceTree } from './source-tree'
import { readQuaternionPoses } from './tum-lists'

const colourDirs = ['color', 'colour', 'rgb'] as const
const poseListName = 'pose.txt'

async function layout(tree: SourceTree): Promise<{ colourDir: string } | null> {
  if (tree.singleFile || !(await tree.hasFile('', poseListName)) || !(await tree.hasDir('', 'depth'))) return null
  const colourDir = await tree.firstDir('', colourDirs)
  return colourDir ? { colourDir } : null
}

export const tumPoseListReader: FormatReader = {
  format: 'tum',
  label: 'TUM-style pose list (color/, depth/, pose.txt)',
  async detect(tree) {
    const found = await layout(tree)
    if (!found) return null
    const frames = (await tree.files('depth', depthFilePattern)).length
    return {
      confidence: 0.8,
      reason: `${found.colourDir}/, depth/ and ${poseListName} (tx ty tz qx qy qz qw per image) found`,
      frameCount: frames,
      needs: ['intrinsics', 'depthUnitMeters'],
    }
  },
  async plan(tree) {
    const { colourDir } = (await layout(tree))!
    const [rgbNames, depthNames] = await Promise.all([
      tree.files(colourDir, rgbFilePattern),
      tree.files('depth', depthFilePattern),
    ])
    const { pairs, skipped } = pairFiles(
      rgbNames.map((n) => tree.path(colourDir, n)),
      depthNames.map((n) => tree.path('depth', n)),
      frameNumberOf,
    )
    const posePath = tree.path(poseListName)
    const poses = await readQuaternionPoses(posePath, false)
    const issues: SkippedFrame[] = [...skipped]
    const warnings: string[] = []
    if (poses.length !== pairs.length)
      warnings.push(`${posePath} has ${poses.length} poses for ${pairs.length} image pairs; they are matched in order.`)
    const frames = pairs
      .map((pair, k) =>
        fileFrame(
          {
            sourceName: pair.key,
            timestampSec: null,
            rgbPath: pair.rgb,
            depthPath: pair.depth,
            pose: poses[k] ?? null,
            poseFile: posePath,
          },
          issues,
        ),
      )
      .filter(isPlanned)
    const pgm = depthNames.some((n) => /\.pgm$/i.test(n))
    const source = `the pose-list layout does not state a unit; ${pgm ? 'PGM depth is usually millimetres (OpenNI)' : 'PNG depth is usually 1/5000 m (the TUM/ICL factor)'}`
    return {
      camera: null,
      depthUnitMeters: pgm ? 0.001 : 1 / 5000,
      depthInvalidValues: [0],
      depthEncoding: 'plain',
      depthConvention: { source, stated: false },
      frames,
      issues,
      warnings,
    }
  },
}
