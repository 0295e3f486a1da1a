/**
 * The preview of an import, before anything is written: the decisions with their reasons, the
 * first frame's colour and depth (downscaled), a depth histogram in metres and a small point cloud
 * of that frame. The Library's import panel shows it; `dve import --dry-run` prints its decisions.
 */
import sharp from 'sharp'
import {
  ConsoleError,
  importOptionsSchema,
  type DepthHistogram,
  type ImportOptions,
  type ImportPreview,
  type PinholeIntrinsics,
} from '../../../contract'
import type { JobContext } from '../../jobs/job-runner'
import { decideImport, metricDepth } from './decide-import'
import { storedSamples } from './depth-encodings'
import { decodeRgb, FrameProblem } from './frame-images'
import { pgmChoice, readImportPlan } from './read-plan'
import { skippedLines } from './skipped-summary'

const previewWidth = 480
const depthPreviewWidth = 320
const histogramBins = 48
const maxPoints = 4000
const skippedShown = 5

function histogramOf(meters: Float32Array): { histogram: DepthHistogram; range: { min: number; max: number } } {
  const valid = Float32Array.from(meters.filter((m) => m > 0)).sort()
  if (valid.length === 0)
    return { histogram: { maxMeters: 1, counts: new Array<number>(histogramBins).fill(0) }, range: { min: 0, max: 1 } }
  const at = (q: number): number => valid[Math.min(valid.length - 1, Math.floor(q * valid.length))]!
  // The axis ends at a round number past the 99.5 % depth, so a few far outliers do not squash it.
  const maxMeters = Math.max(0.5, Math.ceil(at(0.995) * 2) / 2)
  const counts = new Array<number>(histogramBins).fill(0)
  for (const m of valid) counts[Math.min(histogramBins - 1, Math.floor((m / maxMeters) * histogramBins))]!++
  return { histogram: { maxMeters, counts }, range: { min: at(0.02), max: Math.max(at(0.98), at(0.02) + 0.01) } }
}

/** Nearest-neighbour downscale of 16-bit samples to at most `maxWidth` columns. */
function downscale(
  data: Uint16Array,
  width: number,
  height: number,
  maxWidth: number,
): { width: number; height: number; data: Uint16Array } {
  if (width <= maxWidth) return { width, height, data }
  const w = maxWidth
  const h = Math.max(1, Math.round((height * maxWidth) / width))
  const out = new Uint16Array(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      out[y * w + x] = data[Math.floor((y * height) / h) * width + Math.floor((x * width) / w)]!
  return { width: w, height: h, data: out }
}

function pointCloud(
  meters: Float32Array,
  width: number,
  height: number,
  camera: PinholeIntrinsics,
  rgb: Uint8Array,
): { points: number[]; pointColours: number[] } {
  const valid = meters.reduce((n, m) => (m > 0 ? n + 1 : n), 0)
  const stride = Math.max(1, Math.ceil(Math.sqrt(valid / maxPoints)))
  const points: number[] = []
  const pointColours: number[] = []
  for (let v = 0; v < height; v += stride)
    for (let u = 0; u < width; u += stride) {
      const z = meters[v * width + u]!
      if (!(z > 0)) continue
      // Display only: focal lengths taken positive so the cloud looks like the image (ICL stores fy < 0).
      points.push(((u - camera.cx) / Math.abs(camera.fx)) * z, ((v - camera.cy) / Math.abs(camera.fy)) * z, z)
      const o = (v * width + u) * 3
      pointColours.push(rgb[o]!, rgb[o + 1]!, rgb[o + 2]!)
    }
  return { points: points.map((p) => Math.round(p * 1000) / 1000), pointColours }
}

export async function previewImport(
  sourcePath: string,
  rawOptions: ImportOptions,
  ctx: JobContext,
): Promise<ImportPreview> {
  const parsed = importOptionsSchema.safeParse(rawOptions)
  if (!parsed.success)
    throw new ConsoleError(
      'invalid_input',
      `Import options: ${parsed.error.issues[0]?.path.join('.') || 'options'}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    )
  const options = parsed.data
  const { tree, reader, plan } = await readImportPlan(sourcePath, options, ctx)
  try {
    const source = tree.singleFile ? tree.path(tree.singleFile) : tree.root
    const pgm = pgmChoice(options)
    const decided = await decideImport({
      plan,
      formatLabel: reader.label,
      options,
      pgm,
      sourcePath: source,
      allowUndecided: true,
    })
    const skipped = skippedLines(plan.issues)
    const base = {
      format: reader.format,
      formatLabel: reader.label,
      frameCount: decided.frames.length,
      decisions: decided.decisions,
      depthUndecided: decided.depthUndecided,
      warnings: [...plan.warnings, ...decided.warnings],
      skippedSample: skipped.slice(0, skippedShown),
      skippedCount: plan.issues.length,
    }
    const first = decided.firstDepth
    if (!first || !decided.intrinsics) return { ...base, firstFrame: null }
    const { depth: raw, frame } = first
    const meters = metricDepth(
      raw,
      decided.depth,
      new Set(options.depthInvalidValues ?? plan.depthInvalidValues),
    ).meters
    const rgb = await decodeRgb(frame.rgb).catch((error: unknown) => {
      if (error instanceof FrameProblem) return null
      throw error
    })
    const rgbAtDepth = rgb
      ? await sharp(rgb.bytes).removeAlpha().resize(raw.width, raw.height, { fit: 'fill' }).raw().toBuffer()
      : new Uint8Array(raw.width * raw.height * 3).fill(160)
    const rgbPng = rgb
      ? await sharp(rgb.bytes)
          .resize({ width: Math.min(previewWidth, rgb.width) })
          .png()
          .toBuffer()
      : null
    // Invalid codes become 0 so the colour bar shows them as "no depth", not as far away.
    const invalid = new Set(decided.depthInvalidValues)
    const storedFull = storedSamples(raw.data, decided.depth.encoding, decided.depth.unitMeters).map((v) =>
      invalid.has(v) ? 0 : v,
    )
    const stored = downscale(storedFull, raw.width, raw.height, depthPreviewWidth)
    const { histogram, range } = histogramOf(meters)
    return {
      ...base,
      firstFrame: {
        sourceName: frame.sourceName,
        rgbPng: rgbPng ? `data:image/png;base64,${rgbPng.toString('base64')}` : '',
        depth: {
          width: stored.width,
          height: stored.height,
          base64: Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength).toString('base64'),
          unitMeters: decided.depth.storedUnitMeters,
        },
        rangeMeters: range,
        histogram,
        ...pointCloud(meters, raw.width, raw.height, decided.intrinsics.camera, rgbAtDepth),
      },
    }
  } finally {
    await plan.close?.()
  }
}
