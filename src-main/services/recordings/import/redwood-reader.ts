/**
 * Open3D / Redwood RGB-D folders: `color/` (or `image/`), `depth/` (mm), a `.log` trajectory
 * (camera→world per entry) and an Open3D intrinsic JSON. Colour and depth are paired by
 * `rgbd.match` when present, else by frame number.
 */
import type { ImportOptions, SkippedFrame } from '../../../contract'
import { depthFilePattern, frameNumberOf, pairFiles, rgbFilePattern, type FilePair } from './frame-pairing'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader } from './import-plan'
import { readOpen3dIntrinsics } from './intrinsics-files'
import { readLogTrajectory } from './pose-files'
import type { SourceTree } from './source-tree'
import { readTextRows } from './text-table'
import { resolveListedFile } from './tum-lists'

const colourDirs = ['color', 'image', 'rgb'] as const
const preferredLogs = ['trajectory.log', 'odometry.log']
const primesenseDefault = { fx: 525, fy: 525, cx: 319.5, cy: 239.5 }

interface RedwoodLayout {
  colourDir: string
  logs: string[]
  intrinsicsJson: string | null
}

async function layout(tree: SourceTree): Promise<RedwoodLayout | null> {
  if (tree.singleFile || !(await tree.hasDir('', 'depth')) || (await tree.hasDir('', 'pose'))) return null
  const colourDir = await tree.firstDir('', colourDirs)
  if (!colourDir) return null
  const logs = await tree.files('', /\.log$/i)
  const jsons = await tree.files('', /^(camera.*|intrinsic)\.json$/i)
  if (logs.length === 0 && jsons.length === 0) return null
  return { colourDir, logs, intrinsicsJson: jsons[0] ?? null }
}

/** Pairs from `rgbd.match` rows "depth/x.png color/x.jpg" (file order = frame order). */
async function matchFilePairs(tree: SourceTree): Promise<{ pairs: FilePair[]; skipped: SkippedFrame[] }> {
  const path = tree.path('rgbd.match')
  const pairs: FilePair[] = []
  const skipped: SkippedFrame[] = []
  for (const row of await readTextRows(path)) {
    const [depth, rgb] = row.fields
    if (!depth || !rgb)
      skipped.push({
        sourceName: `line ${row.line}`,
        file: path,
        line: row.line,
        reason: 'expected "depth-file colour-file"',
      })
    else
      pairs.push({
        key: String(pairs.length),
        rgb: await resolveListedFile(tree, rgb),
        depth: await resolveListedFile(tree, depth),
      })
  }
  return { pairs, skipped }
}

function choosePoseLog(logs: string[], options: ImportOptions, warnings: string[]): string | null {
  const chosen = options.poseFile ?? preferredLogs.find((l) => logs.includes(l)) ?? logs[0] ?? null
  if (chosen && logs.length > 1 && !options.poseFile)
    warnings.push(
      `Poses are from ${chosen}; the source also has ${logs.filter((l) => l !== chosen).join(', ')} (choose with the pose file option).`,
    )
  return chosen
}

export const redwoodReader: FormatReader = {
  format: 'redwood',
  label: 'Open3D / Redwood (color/, depth/, .log trajectory, intrinsic JSON)',
  async detect(tree) {
    const found = await layout(tree)
    if (!found) return null
    const files = [
      found.colourDir + '/',
      'depth/',
      ...found.logs,
      ...(found.intrinsicsJson ? [found.intrinsicsJson] : []),
    ]
    return {
      confidence: 0.85,
      reason: `${files.join(', ')} found`,
      frameCount: (await tree.files('depth', depthFilePattern)).length,
      needs: found.intrinsicsJson ? [] : ['intrinsics'],
    }
  },
  async plan(tree, options) {
    const found = (await layout(tree))!
    const warnings: string[] = []
    const { pairs, skipped } = (await tree.hasFile('', 'rgbd.match'))
      ? await matchFilePairs(tree)
      : pairFiles(
          (await tree.files(found.colourDir, rgbFilePattern)).map((n) => tree.path(found.colourDir, n)),
          (await tree.files('depth', depthFilePattern)).map((n) => tree.path('depth', n)),
          frameNumberOf,
        )
    const issues: SkippedFrame[] = [...skipped]
    const logName = choosePoseLog(found.logs, options, warnings)
    const logPath = logName ? tree.path(logName) : null
    const log = logPath ? await readLogTrajectory(logPath) : { entries: [], skipped: [] }
    issues.push(...log.skipped)
    const badIds = new Set(log.skipped.map((s) => s.sourceName))
    const poseById = new Map(log.entries.map((e) => [e.frameId, e]))
    // Entries the log parser rejected are already reported; their frames are left out.
    const frames = pairs
      .map((pair, k) =>
        badIds.has(String(k))
          ? null
          : fileFrame(
              {
                sourceName: frameNumberOf(pair.depth),
                timestampSec: null,
                rgbPath: pair.rgb,
                depthPath: pair.depth,
                pose: poseById.get(k) ?? null,
                poseFile: logPath ?? '',
              },
              issues,
            ),
      )
      .filter(isPlanned)
    return {
      camera: found.intrinsicsJson ? await readOpen3dIntrinsics(tree.path(found.intrinsicsJson)) : null,
      fallbackCamera: { camera: primesenseDefault, why: "Open3D's PrimeSense default" },
      depthUnitMeters: 0.001,
      depthInvalidValues: [0],
      depthEncoding: 'plain',
      frames,
      issues,
      warnings,
    }
  },
}
