/**
 * Folders of colour/depth pairs without poses: the DVEFormer `samples/` layout (`rgb/` and `depth/`
 * with matching names, millimetres) and a generic fallback (any colour and depth folders, or files
 * named like `x_rgb.png` / `x_depth.png`) where the person sets the depth unit and intrinsics. A
 * SUN RGB-D frame folder (`image/`, `depth/`, `intrinsics.txt`, `extrinsics/`) reads as generic with
 * its depth convention (rotated millimetres) and intrinsics.
 */
import { basename } from 'node:path'
import type { ImportOptions, SkippedFrame } from '../../../contract'
import { depthFilePattern, pairFiles, rgbFilePattern, stemOf, type FilePair } from './frame-pairing'
import type { FormatReader, ImportPlan } from './import-plan'
import { readIntrinsicsMatrixFile } from './intrinsics-files'
import type { SourceTree } from './source-tree'

const genericColourDirs = ['rgb', 'color', 'colour', 'image', 'images'] as const
const genericDepthDirs = ['depth', 'depths'] as const
const colourToken = /rgb|colou?r|image/i
const depthToken = /depth/i

/** What a folder's extras say: SUN RGB-D frame folders (`depth_bfx/`, `intrinsics.txt`) store depth rotated by 3 bits, in mm. */
interface FolderFacts {
  camera: ImportPlan['camera']
  sunRgbd: boolean
}

async function folderFacts(tree: SourceTree): Promise<FolderFacts> {
  const intrinsics = await tree.files('', /^(camera-)?intrinsics?\.txt$/i)
  const camera = intrinsics[0] ? await readIntrinsicsMatrixFile(tree.path(intrinsics[0])) : null
  return {
    camera,
    sunRgbd:
      (await tree.hasDir('', 'depth_bfx')) ||
      ((await tree.hasDir('', 'image')) && (await tree.hasDir('', 'extrinsics'))),
  }
}

function planFromPairs(
  pairs: FilePair[],
  skipped: SkippedFrame[],
  options: ImportOptions,
  what: string,
  facts: FolderFacts,
): ImportPlan {
  const convention = facts.sunRgbd
    ? {
        source: 'SUN RGB-D frame folder (depth_bfx/ or extrinsics/): depth rotated by 3 bits, millimetres',
        stated: true,
      }
    : {
        source: options.depthUnitMeters
          ? 'set in the import options'
          : `${what} does not state a unit; millimetres are the usual one`,
        stated: options.depthUnitMeters !== undefined,
      }
  return {
    camera: facts.camera,
    depthUnitMeters: 0.001,
    // 65535 is the usual "saturated / no reading" code of 16-bit depth (e.g. the ESANet Kinect v2 sample).
    depthInvalidValues: [0, 65535],
    depthEncoding: facts.sunRgbd ? 'circular-shift-3' : 'plain',
    depthConvention: convention,
    frames: pairs.map((p) => ({
      sourceName: stemOf(basename(p.depth)),
      timestampSec: null,
      rgb: { kind: 'file', path: p.rgb },
      depth: { kind: 'file', path: p.depth },
      worldFromCamera: null,
    })),
    issues: skipped,
    warnings: [],
  }
}

async function folderPairs(
  tree: SourceTree,
  colourDir: string,
  depthDir: string,
): Promise<{ pairs: FilePair[]; skipped: SkippedFrame[] }> {
  const [rgb, depth] = await Promise.all([
    tree.files(colourDir, rgbFilePattern),
    tree.files(depthDir, depthFilePattern),
  ])
  return pairFiles(
    rgb.map((n) => tree.path(colourDir, n)),
    depth.map((n) => tree.path(depthDir, n)),
    (p) => stemOf(basename(p)),
  )
}

/** Files in one folder paired by name with the colour/depth word taken out ("a_rgb.png" ↔ "a_depth.png"). */
async function namedPairs(tree: SourceTree): Promise<{ pairs: FilePair[]; skipped: SkippedFrame[] }> {
  const files = await tree.files('')
  const rgb = files.filter((n) => rgbFilePattern.test(n) && colourToken.test(n) && !depthToken.test(n))
  const depth = files.filter((n) => depthFilePattern.test(n) && depthToken.test(n))
  const key = (p: string): string => stemOf(basename(p)).replace(colourToken, '*').replace(depthToken, '*')
  return pairFiles(
    rgb.map((n) => tree.path(n)),
    depth.map((n) => tree.path(n)),
    key,
  )
}

async function samplesLayout(tree: SourceTree): Promise<boolean> {
  return !tree.singleFile && (await tree.hasDir('', 'rgb')) && (await tree.hasDir('', 'depth'))
}

export const samplesReader: FormatReader = {
  format: 'dveformer-samples',
  label: 'DVEFormer samples (rgb/, depth/ with matching names)',
  async detect(tree) {
    if (!(await samplesLayout(tree))) return null
    const { pairs } = await folderPairs(tree, 'rgb', 'depth')
    if (pairs.length === 0) return null
    return {
      confidence: 0.6,
      reason: `rgb/ and depth/ with ${pairs.length} matching names found`,
      frameCount: pairs.length,
      needs: ['intrinsics', 'depthUnitMeters'],
    }
  },
  async plan(tree, options) {
    const { pairs, skipped } = await folderPairs(tree, 'rgb', 'depth')
    return planFromPairs(pairs, skipped, options, 'The samples layout', await folderFacts(tree))
  },
}

async function genericSource(
  tree: SourceTree,
): Promise<{ pairs: FilePair[]; skipped: SkippedFrame[]; reason: string } | null> {
  if (tree.singleFile) return null
  const colourDir = await tree.firstDir('', genericColourDirs)
  const depthDir = await tree.firstDir('', genericDepthDirs)
  if (colourDir && depthDir)
    return { ...(await folderPairs(tree, colourDir, depthDir)), reason: `${colourDir}/ and ${depthDir}/` }
  const named = await namedPairs(tree)
  return named.pairs.length > 0 ? { ...named, reason: 'colour/depth files paired by name' } : null
}

export const genericReader: FormatReader = {
  format: 'generic',
  label: 'Generic colour + depth folder (set depth unit and intrinsics)',
  async detect(tree) {
    const source = await genericSource(tree)
    if (!source || source.pairs.length === 0) return null
    return {
      confidence: 0.3,
      reason: `${source.reason}: ${source.pairs.length} pairs`,
      frameCount: source.pairs.length,
      needs: ['intrinsics', 'depthUnitMeters'],
    }
  },
  async plan(tree, options) {
    const source = (await genericSource(tree)) ?? { pairs: [], skipped: [] }
    return planFromPairs(source.pairs, source.skipped, options, 'A generic folder', await folderFacts(tree))
  },
}
