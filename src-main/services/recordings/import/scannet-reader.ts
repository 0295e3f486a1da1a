/**
 * ScanNet exports (the SensReader output): `color/N.jpg`, `depth/N.png` (mm), `pose/N.txt` (4×4
 * camera→world; invalid poses hold -inf and are reported) and `intrinsic/intrinsic_depth.txt`.
 */
import { basename } from 'node:path'
import type { SkippedFrame } from '../../../contract'
import { mapBounded } from './bounded-pool'
import { depthFilePattern, frameNumberOf, pairFiles, rgbFilePattern, stemOf } from './frame-pairing'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader, PlannedFrame } from './import-plan'
import { readIntrinsicsMatrixFile } from './intrinsics-files'
import { readMatrixFile } from './pose-files'
import type { SourceTree } from './source-tree'

const intrinsicsNames = ['intrinsic_depth.txt', 'intrinsic_color.txt']

async function isScanNet(tree: SourceTree): Promise<boolean> {
  if (tree.singleFile) return false
  const dirs = await Promise.all(['color', 'depth', 'pose'].map((d) => tree.hasDir('', d)))
  return dirs.every(Boolean)
}

async function intrinsicsFile(tree: SourceTree): Promise<string | null> {
  for (const name of intrinsicsNames) if (await tree.hasFile('intrinsic', name)) return tree.path('intrinsic', name)
  return null
}

export const scannetReader: FormatReader = {
  format: 'scannet',
  label: 'ScanNet export (color/, depth/, pose/, intrinsic/)',
  async detect(tree) {
    if (!(await isScanNet(tree))) return null
    const intrinsics = await intrinsicsFile(tree)
    return {
      confidence: intrinsics ? 0.9 : 0.7,
      reason: `color/, depth/, pose/${intrinsics ? ' and intrinsic/' : ''} found`,
      frameCount: (await tree.files('depth', depthFilePattern)).length,
      needs: intrinsics ? [] : ['intrinsics'],
    }
  },
  async plan(tree, _options, ctx) {
    const { pairs, skipped } = pairFiles(
      (await tree.files('color', rgbFilePattern)).map((n) => tree.path('color', n)),
      (await tree.files('depth', depthFilePattern)).map((n) => tree.path('depth', n)),
      frameNumberOf,
    )
    const issues: SkippedFrame[] = [...skipped]
    const poseNames = new Set(await tree.files('pose', /\.txt$/i))
    const warnings: string[] = []
    let done = 0
    const frames = await mapBounded(pairs, 8, async (pair): Promise<PlannedFrame | null> => {
      ctx.throwIfCancelled()
      ctx.progress(++done, pairs.length, `Reading poses (${pair.key})`)
      const poseName = `${stemOf(basename(pair.depth))}.txt`
      const posePath = tree.path('pose', poseName)
      const pose = poseNames.has(poseName) ? await readMatrixFile(posePath) : null
      return fileFrame(
        {
          sourceName: pair.key,
          timestampSec: null,
          rgbPath: pair.rgb,
          depthPath: pair.depth,
          pose,
          poseFile: posePath,
        },
        issues,
      )
    })
    const intrinsics = await intrinsicsFile(tree)
    if (intrinsics?.endsWith('intrinsic_color.txt'))
      warnings.push(`Only ${intrinsics} was found; the colour intrinsics are used for depth.`)
    return {
      camera: intrinsics ? await readIntrinsicsMatrixFile(intrinsics) : null,
      depthUnitMeters: 0.001,
      depthInvalidValues: [0],
      depthEncoding: 'plain',
      frames: frames.filter(isPlanned),
      issues,
      warnings,
    }
  },
}
