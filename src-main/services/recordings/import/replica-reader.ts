/**
 * Replica in the NICE-SLAM layout: `results/frameNNNNNN.jpg` + `depthNNNNNN.png`, `traj.txt` (16
 * numbers per line, camera→world, line k = frame k) and `cam_params.json` (intrinsics and the depth
 * scale, 6553.5 units per metre). The source may be the scene folder or a folder holding one scene
 * and cam_params.json (nvblox's test data).
 */
import type { SkippedFrame } from '../../../contract'
import { frameNumberOf, pairFiles } from './frame-pairing'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader } from './import-plan'
import { readReplicaCamParams } from './intrinsics-files'
import { readMatrixRows } from './pose-files'
import type { SourceTree } from './source-tree'

const camParamsName = 'cam_params.json'
const niceSlamUnitsPerMeter = 6553.5

interface ReplicaLayout {
  /** Scene folder relative to the root ('' when the root is the scene). */
  scene: string
  camParams: string | null
}

async function isScene(tree: SourceTree, dir: string): Promise<boolean> {
  return (await tree.hasDir(dir, 'results')) && (await tree.hasFile(dir, 'traj.txt'))
}

async function layout(tree: SourceTree): Promise<ReplicaLayout | null> {
  if (tree.singleFile) return null
  const sceneDirs = (await isScene(tree, '')) ? [''] : []
  if (sceneDirs.length === 0)
    for (const entry of await tree.list(''))
      if (entry.isDir && (await isScene(tree, entry.name))) sceneDirs.push(entry.name)
  const scene = sceneDirs[0]
  if (scene === undefined) return null
  const camParams = (await tree.hasFile(scene, camParamsName))
    ? tree.path(scene, camParamsName)
    : (await tree.hasFile('', camParamsName))
      ? tree.path(camParamsName)
      : null
  return { scene, camParams }
}

export const replicaReader: FormatReader = {
  format: 'replica',
  label: 'Replica / NICE-SLAM (results/, traj.txt, cam_params.json)',
  async detect(tree) {
    const found = await layout(tree)
    if (!found) return null
    const prefix = found.scene ? `${found.scene}/` : ''
    return {
      confidence: found.camParams ? 0.9 : 0.75,
      reason: `${prefix}results/ and ${prefix}traj.txt${found.camParams ? ` and ${camParamsName}` : ''} found`,
      frameCount: (await tree.files(`${prefix}results`, /^depth\d+\.png$/i)).length,
      needs: found.camParams ? [] : ['intrinsics'],
    }
  },
  async plan(tree) {
    const { scene, camParams } = (await layout(tree))!
    const results = scene ? `${scene}/results` : 'results'
    const names = await tree.files(results)
    const { pairs, skipped } = pairFiles(
      names.filter((n) => /^frame\d+\.(jpe?g|png)$/i.test(n)).map((n) => tree.path(results, n)),
      names.filter((n) => /^depth\d+\.png$/i.test(n)).map((n) => tree.path(results, n)),
      frameNumberOf,
    )
    const trajPath = tree.path(scene, 'traj.txt')
    const poses = await readMatrixRows(trajPath)
    const issues: SkippedFrame[] = [...skipped]
    const frames = pairs
      .map((pair) =>
        fileFrame(
          {
            sourceName: pair.key,
            timestampSec: null,
            rgbPath: pair.rgb,
            depthPath: pair.depth,
            pose: poses[Number(pair.key)] ?? null,
            poseFile: trajPath,
          },
          issues,
        ),
      )
      .filter(isPlanned)
    const params = camParams ? await readReplicaCamParams(camParams) : null
    const warnings =
      poses.length > pairs.length
        ? [`${trajPath} has ${poses.length} poses for ${pairs.length} frames; frame k uses line k.`]
        : []
    return {
      camera: params?.camera ?? null,
      depthUnitMeters: 1 / (params?.unitsPerMeter ?? niceSlamUnitsPerMeter),
      depthInvalidValues: [0],
      depthEncoding: 'plain',
      frames,
      issues,
      warnings,
    }
  },
}
