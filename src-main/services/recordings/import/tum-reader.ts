/**
 * TUM RGB-D sequences: `rgb.txt` + `depth.txt` (or a four-column `associate.txt`) and an optional
 * `groundtruth.txt`. Depth is associated to colour and poses by nearest timestamp; depth units are
 * 1/5000 m. TUM ships no intrinsics file, so the Freiburg calibrations are used when the folder name
 * says which sensor it was; ETH3D's SLAM datasets (the same lists) bring `calibration.txt`.
 */
import { ConsoleError, type ImportOptions, type PinholeIntrinsics, type SkippedFrame } from '../../../contract'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader, ImportPlan } from './import-plan'
import type { SourceTree } from './source-tree'
import { readCalibrationLine } from './intrinsics-files'
import { associateOneToOne, nearestIndex } from './timestamp-association'
import { readQuaternionPoses, readTimedFileList, type TimedFile } from './tum-lists'

const defaultToleranceSec = 0.02
const tumDepthUnitMeters = 1 / 5000

/** Published TUM calibrations of the depth-registered colour camera, by sensor. */
const freiburgCameras: Record<string, PinholeIntrinsics> = {
  freiburg1: { fx: 517.3, fy: 516.5, cx: 318.6, cy: 255.3 },
  freiburg2: { fx: 520.9, fy: 521.0, cx: 325.1, cy: 249.7 },
  freiburg3: { fx: 535.4, fy: 539.2, cx: 320.1, cy: 247.6 },
}
const rosDefaultCamera: PinholeIntrinsics = { fx: 525, fy: 525, cx: 319.5, cy: 239.5 }

function tumFallbackCamera(root: string): { camera: PinholeIntrinsics; why: string } {
  const sensor = /freiburg[123]|fr[123]/i
    .exec(root)?.[0]
    .toLowerCase()
    .replace(/^fr(?=\d)/, 'freiburg')
  const camera = sensor ? freiburgCameras[sensor] : undefined
  return camera
    ? { camera, why: `the TUM ${sensor} calibration (from the folder name)` }
    : { camera: rosDefaultCamera, why: 'the TUM/ROS default Kinect intrinsics' }
}

async function colourDepthPairs(
  tree: SourceTree,
  toleranceSec: number,
  warnings: string[],
  skipped: SkippedFrame[],
): Promise<Array<{ rgb: TimedFile; depth: TimedFile }>> {
  if (await tree.hasFile('', 'associate.txt')) {
    // associate.txt rows: rgb_time rgb_file depth_time depth_file, already paired.
    const [rgb, depth] = await Promise.all([
      readTimedFileList(tree, 'associate.txt', 0, 1),
      readTimedFileList(tree, 'associate.txt', 2, 3),
    ])
    skipped.push(...depth.skipped)
    const depthByLine = new Map(depth.rows.map((d) => [d.line, d]))
    // List order, not time order: frame-order.ts checks the timestamps against it.
    return rgb.rows
      .flatMap((r) => {
        const d = depthByLine.get(r.line)
        return d ? [{ rgb: r, depth: d }] : []
      })
      .sort((a, b) => a.depth.line - b.depth.line)
  }
  const [rgb, depth] = await Promise.all([readTimedFileList(tree, 'rgb.txt'), readTimedFileList(tree, 'depth.txt')])
  skipped.push(...rgb.skipped, ...depth.skipped)
  const pairs = associateOneToOne(
    depth.rows.map((d) => d.timestampSec),
    rgb.rows.map((r) => r.timestampSec),
    toleranceSec,
  )
  const lonelyDepth = depth.rows.length - pairs.length
  if (lonelyDepth > 0)
    warnings.push(`${lonelyDepth} depth images had no colour image within ${toleranceSec} s and were left out.`)
  return pairs
    .map(([di, ri]) => ({ rgb: rgb.rows[ri]!, depth: depth.rows[di]! }))
    .sort((a, b) => a.depth.line - b.depth.line)
}

async function planTum(tree: SourceTree, options: ImportOptions): Promise<ImportPlan> {
  const toleranceSec = options.maxTimeDifferenceSec ?? defaultToleranceSec
  const warnings: string[] = []
  const issues: SkippedFrame[] = []
  const pairs = await colourDepthPairs(tree, toleranceSec, warnings, issues)
  const hasGroundTruth = await tree.hasFile('', 'groundtruth.txt')
  const poseRows = hasGroundTruth ? await readQuaternionPoses(tree.path('groundtruth.txt'), true) : []
  const poseFile = tree.path('groundtruth.txt')
  for (const bad of poseRows)
    if ('problem' in bad)
      issues.push({ sourceName: `pose ${bad.timestampSec}`, file: poseFile, line: bad.line, reason: bad.problem })
  const poses = poseRows.filter((p) => 'matrix' in p).sort((a, b) => a.timestampSec - b.timestampSec)
  const poseTimes = poses.map((p) => p.timestampSec)

  const frames = pairs
    .map(({ rgb, depth }) => {
      const nearest = poses.length ? poses[nearestIndex(poseTimes, depth.timestampSec)]! : null
      const pose = nearest && Math.abs(nearest.timestampSec - depth.timestampSec) <= toleranceSec ? nearest : null
      return fileFrame(
        {
          sourceName: depth.timestampSec.toFixed(6),
          timestampSec: depth.timestampSec,
          rgbPath: rgb.path,
          depthPath: depth.path,
          pose,
          poseFile,
        },
        issues,
      )
    })
    .filter(isPlanned)
  // ETH3D SLAM datasets are TUM lists plus calibration.txt ("fx fy cx cy").
  const camera = (await tree.hasFile('', 'calibration.txt'))
    ? await readCalibrationLine(tree.path('calibration.txt'))
    : null
  return {
    camera,
    fallbackCamera: tumFallbackCamera(tree.root),
    depthUnitMeters: tumDepthUnitMeters,
    depthInvalidValues: [0],
    depthEncoding: 'plain',
    frames,
    issues,
    warnings,
  }
}

export const tumReader: FormatReader = {
  format: 'tum',
  label: 'TUM RGB-D (rgb.txt, depth.txt, groundtruth.txt)',
  async detect(tree) {
    if (tree.singleFile) return null
    const [rgb, depth, associate] = await Promise.all([
      tree.hasFile('', 'rgb.txt'),
      tree.hasFile('', 'depth.txt'),
      tree.hasFile('', 'associate.txt'),
    ])
    if (!(rgb && depth) && !associate) return null
    const gt = await tree.hasFile('', 'groundtruth.txt')
    const lists = associate ? 'associate.txt' : 'rgb.txt and depth.txt'
    const calibration = await tree.hasFile('', 'calibration.txt')
    return {
      confidence: 0.95,
      reason: `${lists}${gt ? ' and groundtruth.txt' : ''}${calibration ? ' and calibration.txt (ETH3D)' : ''} found`,
      frameCount: null,
      needs: calibration ? [] : ['intrinsics'],
    }
  },
  async plan(tree, options) {
    const plan = await planTum(tree, options)
    if (plan.frames.length === 0 && plan.issues.length === 0)
      throw new ConsoleError('bad_file', `${tree.root}: the TUM lists name no colour/depth pairs.`, { file: tree.root })
    return plan
  },
}
