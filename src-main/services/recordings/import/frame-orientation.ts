/**
 * Frame orientation: phone exporters store frames in the sensor's landscape orientation with an
 * EXIF orientation flag, or turned to portrait while their metadata (intrinsics, poses) describes
 * the other orientation. The import turns colour, depth and labels together by one clockwise
 * quarter turn, so the session's frames are upright and match their metadata; intrinsics and poses
 * are turned with them where they describe the stored frames. One module decides and turns.
 */
import sharp from 'sharp'
import type { FrameRotation, ImportOptions, PinholeIntrinsics } from '../../../contract'
import type { ImageSource, ImportPlan, PlannedFrame } from './import-plan'
import { multiply4, type Matrix4 } from './pose-math'

export interface Size {
  width: number
  height: number
}

export interface OrientationDecision {
  rotationDeg: FrameRotation
  reason: string
  /** True when the plan's intrinsics and poses describe the stored frames (so they are turned too). */
  metadataTurns: boolean
}

/** EXIF orientations that are pure clockwise turns; the mirrored ones (2, 4, 5, 7) are not applied. */
const exifTurns: Partial<Record<number, FrameRotation>> = { 1: 0, 3: 180, 6: 90, 8: 270 }

const isPortrait = (size: Size): boolean => size.height > size.width
const sizeText = (size: Size): string => `${size.width}×${size.height}`
export const turnedSize = (size: Size, rotation: FrameRotation): Size =>
  rotation % 180 ? { width: size.height, height: size.width } : size

/** Size and EXIF orientation of a colour file (header only); null for loaded frames or unreadable files. */
export async function colourHeader(source: ImageSource): Promise<(Size & { exifOrientation: number }) | null> {
  if (source.kind !== 'file') return null
  const meta = await sharp(source.path)
    .metadata()
    .catch(() => null)
  return meta?.width && meta.height
    ? { width: meta.width, height: meta.height, exifOrientation: meta.orientation ?? 1 }
    : null
}

/**
 * The turn for the whole recording: the options' choice; else the colour's EXIF orientation (the
 * metadata then describes the stored frames and is turned with them); else, when the metadata's
 * image size (`plan.cameraSize`) is portrait and the stored frames landscape or the reverse, a
 * quarter turn to the metadata's orientation — clockwise, as ARKit's sensor image turns to an
 * upright phone's portrait, and said as assumed.
 */
export function decideOrientation(
  plan: ImportPlan,
  options: ImportOptions,
  colour: (Size & { exifOrientation: number }) | null,
  storedDepth: Size,
): OrientationDecision {
  const stored = colour ?? storedDepth
  const meta = plan.cameraSize
  const metaDisagrees = !!meta && meta.width !== meta.height && isPortrait(meta) !== isPortrait(stored)
  if (options.rotation !== undefined)
    return {
      rotationDeg: options.rotation,
      reason: `set in the import options (${options.rotation}° clockwise)`,
      metadataTurns: !(metaDisagrees && options.rotation % 180),
    }
  const exif = colour?.exifOrientation ?? 1
  const exifTurn = exifTurns[exif]
  if (exifTurn)
    return {
      rotationDeg: exifTurn,
      reason: `the colour files' EXIF orientation (${exif}) says to turn the stored ${sizeText(stored)} frames ${exifTurn}° clockwise; depth, labels, intrinsics and poses are turned with them`,
      metadataTurns: !(metaDisagrees && exifTurn % 180),
    }
  const unapplied = exifTurn === undefined ? ` (the EXIF orientation ${exif} mirrors the image and is not applied)` : ''
  if (metaDisagrees)
    return {
      rotationDeg: 90,
      reason: `${meta.of} describes ${sizeText(meta)} frames, but they are stored ${sizeText(stored)}: turned 90° clockwise to match (assumed: the files carry no orientation flag, and ARKit's sensor image turns clockwise to an upright portrait)${unapplied}`,
      metadataTurns: false,
    }
  return {
    rotationDeg: 0,
    reason: `kept as stored (${sizeText(stored)}${meta ? `, as ${meta.of} describes them` : ''}; no orientation flag)${unapplied}`,
    metadataTurns: false,
  }
}

/**
 * A warning when colour and depth are stored in different orientations (one portrait, one
 * landscape): typically phone video whose frames ffmpeg turned upright on extraction while the
 * depth stayed in the sensor's orientation. One turn cannot align them, so the import says so.
 */
export function orientationMismatch(colour: Size | null, depth: Size): string | null {
  if (!colour || colour.width === colour.height || depth.width === depth.height) return null
  if (isPortrait(colour) === isPortrait(depth)) return null
  return `The colour frames are ${sizeText(colour)} but the depth is ${sizeText(depth)}: one of them was turned (ffmpeg turns phone video upright when extracting frames; extract with "ffmpeg -noautorotate -i rgb.mp4 rgb/%06d.jpg"). Colour and depth will not line up as imported.`
}

/** Samples (`channels` interleaved) turned clockwise by `rotation`. */
export function turnSamples<T extends Uint8Array | Uint16Array | Float32Array>(
  data: T,
  size: Size,
  rotation: FrameRotation,
  channels = 1,
): { data: T; width: number; height: number } {
  const { width: w, height: h } = size
  if (rotation === 0) return { data, width: w, height: h }
  const out = new (data.constructor as new (length: number) => T)(data.length)
  const turned = turnedSize(size, rotation)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      // Where pixel (x, y) lands after the turn.
      const [u, v] = rotation === 90 ? [h - 1 - y, x] : rotation === 180 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x]
      for (let c = 0; c < channels; c++) out[(v * turned.width + u) * channels + c] = data[(y * w + x) * channels + c]!
    }
  return { data: out, ...turned }
}

/** Intrinsics of a `size` image turned clockwise by `rotation` (the camera turns about its optical axis). */
export function turnIntrinsics(k: PinholeIntrinsics, size: Size, rotation: FrameRotation): PinholeIntrinsics {
  const { width: w, height: h } = size
  switch (rotation) {
    case 0:
      return k
    case 90:
      return { fx: k.fy, fy: k.fx, cx: h - 1 - k.cy, cy: k.cx }
    case 180:
      return { fx: k.fx, fy: k.fy, cx: w - 1 - k.cx, cy: h - 1 - k.cy }
    case 270:
      return { fx: k.fy, fy: k.fx, cx: k.cy, cy: w - 1 - k.cx }
  }
}

/**
 * camera-before-turn ← camera-after-turn (OpenCV axes), to right-multiply a worldFromCamera: a
 * clockwise image turn makes the new x axis the old −y (90°), the old −x (180°) or the old y (270°).
 */
export function cameraTurn(rotation: FrameRotation): Matrix4 {
  const [c, s] = rotation === 90 ? [0, 1] : rotation === 180 ? [-1, 0] : rotation === 270 ? [0, -1] : [1, 0]
  return [c, s, 0, 0, -s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
}

export const turnPose = (worldFromCamera: Matrix4, rotation: FrameRotation): Matrix4 =>
  rotation ? multiply4(worldFromCamera, cameraTurn(rotation)) : worldFromCamera

/** The plan's intrinsics (sidecar, or the sensor's usual ones) for the turned frames. */
export function turnPlanIntrinsics(plan: ImportPlan, rotation: FrameRotation, storedDepth: Size): ImportPlan {
  if (!rotation) return plan
  const size = plan.cameraSize ?? storedDepth
  return {
    ...plan,
    camera: plan.camera ? turnIntrinsics(plan.camera, size, rotation) : null,
    ...(plan.cameraSize
      ? {
          cameraSize: {
            ...turnedSize(plan.cameraSize, rotation),
            of: `${plan.cameraSize.of}, turned ${rotation}° with the frames`,
          },
        }
      : {}),
    ...(plan.fallbackCamera
      ? {
          fallbackCamera: {
            ...plan.fallbackCamera,
            camera: turnIntrinsics(plan.fallbackCamera.camera, storedDepth, rotation),
          },
        }
      : {}),
  }
}

/** Frames whose colour, depth and labels are decoded turned. */
export function turnFrames(frames: readonly PlannedFrame[], rotation: FrameRotation): PlannedFrame[] {
  if (!rotation) return [...frames]
  return frames.map((f) => ({
    ...f,
    rgb: { ...f.rgb, turn: rotation },
    depth: { ...f.depth, turn: rotation },
    ...(f.labels ? { labels: { ...f.labels, turn: rotation } } : {}),
  }))
}
