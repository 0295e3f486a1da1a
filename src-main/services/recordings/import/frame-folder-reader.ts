/**
 * 7-Scenes / 3DMatch frame folders: `frame-XXXXXX.color.{jpg,png}`, `.depth.png` (mm, 0 and 65535
 * invalid), `.pose.txt` (4×4 camera→world) and `camera-intrinsics*.txt`, in the source folder or
 * in sequence subfolders (`seq-01/`). Numbering may have gaps. The Princeton APC variant stores
 * depth with its bits rotated (0.1 mm); it is recognised from the first depth image.
 */
import { decodePng } from '../../images/png-decoding'
import type { DepthEncodingId, PinholeIntrinsics, SkippedFrame } from '../../../contract'
import { bitRotatedShare } from './apc-depth'
import { mapBounded } from './bounded-pool'
import { fileFrame, isPlanned } from './file-frame'
import type { FormatReader, LabelMapping, PlannedFrame } from './import-plan'
import { readIntrinsicsMatrixFile } from './intrinsics-files'
import { readMatrixFile } from './pose-files'
import type { SourceTree } from './source-tree'
import { maxImageFileBytes, readSourceFile } from '../../security/source-confinement'

const colourPattern = /^(frame-\d+)\.color\.(png|jpe?g)$/i
const intrinsicsNames = ['camera-intrinsics.depth.txt', 'camera-intrinsics.txt', 'camera-intrinsics.color.txt']
const originalFrameRateHz = 30
const apcShareThreshold = 0.99

/** APC-style binary object masks ({0, 255}) become a two-class label set. */
const maskLabels: LabelMapping = {
  classes: [
    { id: 0, name: 'void', color: [0, 0, 0] },
    { id: 1, name: 'target object', color: [255, 64, 64] },
  ],
  idOfValue: new Map([[255, 1]]),
}

const frameNumber = (stem: string): number => Number(stem.slice('frame-'.length))

/** Folders (relative to the root) holding frame files: the root itself or its subfolders. */
async function frameFolders(tree: SourceTree): Promise<string[]> {
  if (tree.singleFile) return []
  const hasFrames = async (dir: string): Promise<boolean> => (await tree.files(dir)).some((n) => colourPattern.test(n))
  if (await hasFrames('')) return ['']
  const dirs = (await tree.list('')).filter((e) => e.isDir).map((e) => e.name)
  const withFrames = await Promise.all(dirs.map(async (d) => ((await hasFrames(d)) ? d : null)))
  return withFrames.filter((d): d is string => d !== null)
}

async function findIntrinsics(
  tree: SourceTree,
  folders: string[],
): Promise<{ camera: PinholeIntrinsics; file: string } | null> {
  for (const dir of ['', ...folders])
    for (const name of intrinsicsNames)
      if (await tree.hasFile(dir, name))
        return { camera: await readIntrinsicsMatrixFile(tree.path(dir, name)), file: tree.path(dir, name) }
  return null
}

async function depthEncodingOf(path: string | undefined): Promise<DepthEncodingId> {
  if (!path) return 'plain'
  try {
    const bytes = await readSourceFile(path, maxImageFileBytes, 'an image')
    const png = await decodePng(bytes, path)
    return png.data instanceof Uint16Array && bitRotatedShare(png.data) >= apcShareThreshold
      ? 'circular-shift-3'
      : 'plain'
  } catch {
    return 'plain' // the writer reports the unreadable file with the frame
  }
}

export const frameFolderReader: FormatReader = {
  format: '7scenes',
  label: '7-Scenes / 3DMatch frames (frame-XXXXXX.color/depth/pose)',
  async detect(tree) {
    const folders = await frameFolders(tree)
    if (folders.length === 0) return null
    const counts = await Promise.all(
      folders.map(async (d) => (await tree.files(d)).filter((n) => colourPattern.test(n)).length),
    )
    const intrinsics = await findIntrinsics(tree, folders).catch(() => null)
    return {
      confidence: 0.9,
      reason: `frame-XXXXXX.color/.depth files in ${folders.map((d) => d || 'the folder').join(', ')}${intrinsics ? ` and ${intrinsics.file.slice(tree.root.length + 1)}` : ''}`,
      frameCount: counts.reduce((a, b) => a + b, 0),
      needs: intrinsics ? [] : ['intrinsics'],
    }
  },
  async plan(tree, _options, ctx) {
    const folders = await frameFolders(tree)
    const intrinsics = await findIntrinsics(tree, folders)
    const issues: SkippedFrame[] = []
    const stems: Array<{ dir: string; stem: string; colour: string }> = []
    for (const dir of folders) {
      const names = await tree.files(dir)
      for (const name of names) {
        const match = colourPattern.exec(name)
        if (match) stems.push({ dir, stem: match[1]!, colour: name })
      }
      // A depth image whose colour image is missing is reported, not dropped without a word.
      const colourStems = new Set(stems.filter((s) => s.dir === dir).map((s) => s.stem))
      for (const name of names) {
        const stem = /^(frame-\d+)\.depth\.png$/i.exec(name)?.[1]
        if (stem && !colourStems.has(stem))
          issues.push({
            sourceName: dir ? `${dir}/${stem}` : stem,
            file: tree.path(dir, name),
            reason: 'no colour image for this depth image',
          })
      }
    }
    // Sequence folders follow each other in time: each starts one frame after the previous one ends.
    const folderStartSec = new Map<string, number>()
    let nextStartSec = 0
    for (const dir of folders) {
      folderStartSec.set(dir, nextStartSec)
      const last = Math.max(...stems.filter((s) => s.dir === dir).map((s) => frameNumber(s.stem)))
      nextStartSec += (last + 1) / originalFrameRateHz
    }
    let done = 0
    const frames = await mapBounded(stems, 8, async ({ dir, stem, colour }): Promise<PlannedFrame | null> => {
      ctx.throwIfCancelled()
      ctx.progress(++done, stems.length, `Reading poses (${stem})`)
      const sourceName = dir ? `${dir}/${stem}` : stem
      const posePath = tree.path(dir, `${stem}.pose.txt`)
      const pose = (await tree.hasFile(dir, `${stem}.pose.txt`)) ? await readMatrixFile(posePath) : null
      const timestampSec = folderStartSec.get(dir)! + frameNumber(stem) / originalFrameRateHz
      const frame = fileFrame(
        {
          sourceName,
          timestampSec,
          rgbPath: tree.path(dir, colour),
          depthPath: tree.path(dir, `${stem}.depth.png`),
          pose,
          poseFile: posePath,
        },
        issues,
      )
      const hasMask = await tree.hasFile(dir, `${stem}.mask.png`)
      return frame && hasMask ? { ...frame, labels: { kind: 'file', path: tree.path(dir, `${stem}.mask.png`) } } : frame
    })
    const planned = frames.filter(isPlanned)
    const depthEncoding = await depthEncodingOf(
      planned[0] && planned[0].depth.kind === 'file' ? planned[0].depth.path : undefined,
    )
    const warnings = [
      `The source has no timestamps; frame number / ${originalFrameRateHz} Hz is used, so gaps in the numbering stay gaps in time.`,
    ]
    const masked = planned.some((f) => f.labels)
    if (masked)
      warnings.push(
        'Object masks (frame-*.mask.png) were imported as labels: 255 → "target object", everything else void.',
      )
    const apc = depthEncoding === 'circular-shift-3'
    if (apc)
      warnings.push(
        'The depth values are bit-rotated (Princeton APC encoding: every value a multiple of 8); they were rotated back and read as 0.1 mm.',
      )
    return {
      camera: intrinsics?.camera ?? null,
      depthUnitMeters: apc ? 0.0001 : 0.001,
      depthConvention: {
        source: apc
          ? 'Princeton APC frames: depth rotated by 3 bits, 0.1 mm'
          : '7-Scenes / 3DMatch: 16-bit millimetres',
        stated: true,
      },
      depthInvalidValues: [0, 65535],
      depthEncoding,
      frames: planned,
      issues,
      warnings,
      ...(masked ? { labels: maskLabels } : {}),
    }
  },
}
