/**
 * The shared back end of every importer: decodes and validates each planned frame once, copies or
 * writes its images into `<library>/.importing-<id>/`, writes session.json (validated with the
 * manifest schema) and import-report.json, then renames the folder to `<library>/<id>/`. A failure
 * or cancel removes the temporary folder, so nothing is left behind.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  ConsoleError,
  sessionManifestSchema,
  type ImportOptions,
  type ImportReport,
  type SessionFormatId,
  type SessionFrame,
  type SessionManifest,
  type SkippedFrame,
} from '../../../contract'
import { writeJsonAtomic } from '../../../platform/atomic-write'
import { diskFullError, isDiskFull } from '../../../platform/disk-full'
import { markOwned, unmarkOwned } from '../../housekeeping/owner-marker'
import type { JobContext } from '../../jobs/job-runner'
import { mapBounded } from './bounded-pool'
import type { DecidedImport } from './decide-import'
import { storedSamples } from './depth-encodings'
import { decodeDepth, decodeRgb, encodeDepthPng, FrameProblem, PgmByteOrderChoice, sourceLabel } from './frame-images'
import type { ImportPlan, PlannedFrame } from './import-plan'
import { resolveIntrinsics } from './intrinsics-decision'
import { labelIndexPng } from './label-images'
import { mirrorPoseForNegativeFocal, rigidPoseProblem } from './pose-math'
import { newSessionId } from './session-id'
import { missingFilesSummary } from './skipped-summary'

export interface SessionTarget {
  libraryDir: string
  sourcePath: string
  format: SessionFormatId
  name: string
  options: ImportOptions
  startedAtMs: number
}

interface WrittenFrame {
  planned: PlannedFrame
  rgb: string
  depth: string
  labels: string | null
  rgbSize: { width: number; height: number }
}

interface ReferenceSize {
  rgb: { width: number; height: number }
  depth: { width: number; height: number }
}

/** Frames decoded at once; sharp decodes on libuv threads, so a few in flight keep the cores busy. */
const concurrentFrames = 4
/** Frame rate assumed for sources without timestamps. */
const assumedFrameRateHz = 30

const pad = (index: number): string => index.toString().padStart(6, '0')

/**
 * Writes the session that `decided` describes. `pgm` is the byte-order choice the decisions were
 * made with, so PGM depth is read the same way.
 */
export async function writeSession(
  plan: ImportPlan,
  decided: DecidedImport,
  pgm: PgmByteOrderChoice,
  target: SessionTarget,
  ctx: JobContext,
): Promise<ImportReport> {
  if (plan.frames.length === 0 && plan.issues.length === 0)
    throw new ConsoleError('bad_file', `${target.sourcePath}: no frames found.`, { file: target.sourcePath })
  const id = await newSessionId(target.name, target.libraryDir)
  const tmp = join(target.libraryDir, `.importing-${id}`)
  try {
    await mkdir(join(tmp, 'rgb'), { recursive: true })
    await mkdir(join(tmp, 'depth'), { recursive: true })
    // Names this process as the owner, so a start-up sweep elsewhere leaves it alone while it runs.
    await markOwned(tmp)
    if (plan.labels) await mkdir(join(tmp, 'labels'), { recursive: true })
    const report = await writeInto(tmp, id, plan, decided, pgm, target, ctx)
    ctx.throwIfCancelled()
    await unmarkOwned(tmp)
    await rename(tmp, join(target.libraryDir, id))
    return report
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    if (isDiskFull(error))
      throw diskFullError(tmp, 'nothing was imported and the partial session was removed; the source is untouched')
    throw error
  }
}

async function writeInto(
  dir: string,
  id: string,
  plan: ImportPlan,
  decided: DecidedImport,
  pgm: PgmByteOrderChoice,
  target: SessionTarget,
  ctx: JobContext,
): Promise<ImportReport> {
  // Frames finish out of order; problems are sorted back into source order for the report.
  const problems: Array<{ planIndex: number; entry: SkippedFrame }> = []
  const warnings = [...plan.warnings, ...decided.warnings]
  let reference: ReferenceSize | null = null
  let done = 0
  const plannedFrames = decided.frames
  const total = plannedFrames.length

  const importFrame = async (planned: PlannedFrame, planIndex: number): Promise<WrittenFrame | null> => {
    ctx.throwIfCancelled()
    try {
      const written = await writeFrame(dir, planned, planIndex, plan, decided, pgm, reference)
      reference ??= { rgb: written.rgbSize, depth: written.depthSize }
      return written
    } catch (error) {
      if (!(error instanceof FrameProblem)) throw error
      problems.push({
        planIndex,
        entry: {
          sourceName: planned.sourceName,
          file: error.file,
          ...(error.line ? { line: error.line } : {}),
          reason: error.message,
        },
      })
      return null
    } finally {
      ctx.progress(++done, total, `Frame ${planned.sourceName}`)
    }
  }

  // The first good frame fixes the session's image sizes, so frames are tried one by one until then.
  const results: Array<WrittenFrame | null> = []
  let first = 0
  while (first < plannedFrames.length && !reference) results.push(await importFrame(plannedFrames[first]!, first++))
  results.push(...(await mapBounded(plannedFrames.slice(first), concurrentFrames, (f, i) => importFrame(f, first + i))))
  ctx.throwIfCancelled()
  const skipped = [...plan.issues, ...problems.sort((a, b) => a.planIndex - b.planIndex).map((p) => p.entry)]
  const missing = missingFilesSummary(skipped)
  if (missing) warnings.push(missing)

  const frames = results.filter((f): f is WrittenFrame => f !== null)
  if (!reference || frames.length === 0) {
    const reasons = skipped.slice(0, 3).map((s) => `${s.file}${s.line ? `:${s.line}` : ''}: ${s.reason}`)
    throw new ConsoleError(
      'bad_file',
      `${target.sourcePath}: no frame could be imported (${skipped.length} bad). ${reasons.join('; ')}`,
      { file: target.sourcePath },
    )
  }
  const size: ReferenceSize = reference
  const intrinsics = decided.intrinsics ?? resolveIntrinsics(plan, target.options, size.depth)
  if (!decided.intrinsics) warnings.push(...intrinsics.warnings)
  const { camera, assumed } = intrinsics
  const flipX = camera.fx < 0
  const flipY = camera.fy < 0
  if (flipX || flipY)
    warnings.push(
      `The source has a negative focal length (fx ${camera.fx}, fy ${camera.fy}); the session keeps it positive and mirrors the world so poses stay rigid.`,
    )
  const firstTime = frames.find((f) => f.planned.timestampSec !== null)?.planned.timestampSec ?? 0
  if (frames.some((f) => f.planned.timestampSec === null))
    warnings.push(`The source has no timestamps; ${assumedFrameRateHz} Hz is assumed.`)

  const sessionFrames: SessionFrame[] = frames.map((f, index) => {
    const pose = f.planned.worldFromCamera
    return {
      index,
      timestampSec: f.planned.timestampSec === null ? index / assumedFrameRateHz : f.planned.timestampSec - firstTime,
      sourceName: f.planned.sourceName,
      rgb: f.rgb,
      depth: f.depth,
      worldFromCamera: pose && (flipX || flipY) ? mirrorPoseForNegativeFocal(pose, flipX, flipY) : pose,
      ...(f.labels ? { labels: f.labels } : {}),
    }
  })
  const posed = sessionFrames.filter((f) => f.worldFromCamera).length
  if (posed > 0 && posed < sessionFrames.length)
    warnings.push(`${sessionFrames.length - posed} of ${sessionFrames.length} frames have no pose.`)

  const manifest: SessionManifest = sessionManifestSchema.parse({
    format: 'dve-session',
    version: 1,
    id,
    name: target.name,
    createdAt: new Date().toISOString(),
    source: { format: target.format, path: target.sourcePath, report: 'import-report.json' },
    camera: {
      width: size.depth.width,
      height: size.depth.height,
      fx: Math.abs(camera.fx),
      fy: Math.abs(camera.fy),
      cx: camera.cx,
      cy: camera.cy,
    },
    rgbSize: size.rgb,
    depthUnitMeters: decided.depth.storedUnitMeters,
    depthInvalidValues: decided.depthInvalidValues,
    hasPoses: posed > 0,
    frames: sessionFrames,
    ...(plan.labels ? { labelClasses: plan.labels.classes } : {}),
  } satisfies SessionManifest)

  const report: ImportReport = {
    sessionId: id,
    name: target.name,
    format: target.format,
    sourcePath: target.sourcePath,
    imported: sessionFrames.length,
    skipped,
    warnings,
    durationSec: (Date.now() - target.startedAtMs) / 1000,
    intrinsicsAssumed: assumed,
    depthUnitMeters: manifest.depthUnitMeters,
    pgmByteOrder: pgm.chosen,
    ...(decided.decisions ? { decisions: decided.decisions } : {}),
  }
  await writeJsonAtomic(join(dir, 'session.json'), manifest)
  await writeJsonAtomic(join(dir, 'import-report.json'), report)
  return report
}

async function writeFrame(
  dir: string,
  planned: PlannedFrame,
  planIndex: number,
  plan: ImportPlan,
  decided: DecidedImport,
  pgm: PgmByteOrderChoice,
  reference: ReferenceSize | null,
): Promise<WrittenFrame & { depthSize: { width: number; height: number } }> {
  if (planned.worldFromCamera) {
    const problem = rigidPoseProblem(planned.worldFromCamera)
    if (problem) {
      const origin = planned.poseOrigin ?? { file: sourceLabel(planned.depth) }
      throw new FrameProblem(origin.file, `bad pose: ${problem}`, origin.line)
    }
  }
  const [rgb, raw] = await Promise.all([decodeRgb(planned.rgb), decodeDepth(planned.depth, pgm)])
  const data = storedSamples(raw.data, decided.depth.encoding, decided.depth.unitMeters)
  const depth = { width: raw.width, height: raw.height, data, png: data === raw.data ? raw.png : null }
  if (reference) {
    const { depth: d, rgb: c } = reference
    if (depth.width !== d.width || depth.height !== d.height)
      throw new FrameProblem(
        sourceLabel(planned.depth),
        `depth is ${depth.width}×${depth.height}, but the session's depth is ${d.width}×${d.height}`,
      )
    if (rgb.width !== c.width || rgb.height !== c.height)
      throw new FrameProblem(
        sourceLabel(planned.rgb),
        `colour image is ${rgb.width}×${rgb.height}, but the session's colour images are ${c.width}×${c.height}`,
      )
  }
  const labels = planned.labels && plan.labels ? await labelIndexPng(planned.labels, plan.labels, depth) : null
  const rgbName = `rgb/${pad(planIndex)}.${rgb.extension}`
  const depthName = `depth/${pad(planIndex)}.png`
  const labelsName = labels ? `labels/${pad(planIndex)}.png` : null
  await Promise.all([
    writeFile(join(dir, rgbName), rgb.bytes),
    writeFile(join(dir, depthName), await encodeDepthPng(depth)),
    labels && labelsName ? writeFile(join(dir, labelsName), labels) : null,
  ])
  return {
    planned,
    rgb: rgbName,
    depth: depthName,
    labels: labelsName,
    rgbSize: { width: rgb.width, height: rgb.height },
    depthSize: { width: depth.width, height: depth.height },
  }
}
