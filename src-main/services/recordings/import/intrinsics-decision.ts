/**
 * The depth camera's intrinsics for an import, with the reason: set in the options, read from the
 * source (scaled when the source's intrinsics belong to another resolution), the sensor's usual
 * values, or a 60° field of view.
 */
import type { ImportOptions, PinholeIntrinsics } from '../../../contract'
import type { ImportPlan } from './import-plan'

export interface IntrinsicsChoice {
  camera: PinholeIntrinsics
  assumed: boolean
  reason: string
  warnings: string[]
}

/** Horizontal field of view assumed when a source has no intrinsics (typical RGB-D sensors: 58–70°). */
const assumedFieldOfViewDeg = 60

const values = (k: PinholeIntrinsics): string =>
  `fx ${round(k.fx)}, fy ${round(k.fy)}, cx ${round(k.cx)}, cy ${round(k.cy)}`
const round = (v: number): number => Math.round(v * 1000) / 1000

/** Intrinsics of a `from`-sized image for the same camera at `to` size (pixel centres kept). */
export function scaleIntrinsics(
  k: PinholeIntrinsics,
  from: { width: number; height: number },
  to: { width: number; height: number },
): PinholeIntrinsics {
  const sx = to.width / from.width
  const sy = to.height / from.height
  return { fx: k.fx * sx, fy: k.fy * sy, cx: (k.cx + 0.5) * sx - 0.5, cy: (k.cy + 0.5) * sy - 0.5 }
}

export function resolveIntrinsics(
  plan: ImportPlan,
  options: ImportOptions,
  depthSize: { width: number; height: number },
): IntrinsicsChoice {
  if (options.intrinsics)
    return {
      camera: options.intrinsics,
      assumed: false,
      reason: `set in the import options (${values(options.intrinsics)})`,
      warnings: [],
    }
  if (plan.camera) {
    const from = plan.cameraSize
    if (from && (from.width !== depthSize.width || from.height !== depthSize.height)) {
      const camera = scaleIntrinsics(plan.camera, from, depthSize)
      const reason = `${from.of} gives them for ${from.width}×${from.height}; scaled to the ${depthSize.width}×${depthSize.height} depth (${values(camera)})`
      return { camera, assumed: false, reason, warnings: [`Intrinsics: ${reason}.`] }
    }
    return {
      camera: plan.camera,
      assumed: false,
      reason: `from the source${from ? ` (${from.of})` : ''}: ${values(plan.camera)}`,
      warnings: [],
    }
  }
  if (plan.fallbackCamera) {
    const { camera, why } = plan.fallbackCamera
    return {
      camera,
      assumed: true,
      reason: `assumed: ${why} (${values(camera)})`,
      warnings: [
        `The source has no intrinsics; assumed ${why} (fx ${camera.fx}, fy ${camera.fy}, cx ${camera.cx}, cy ${camera.cy}). Set them in the import options if known.`,
      ],
    }
  }
  const focal = depthSize.width / 2 / Math.tan(((assumedFieldOfViewDeg / 2) * Math.PI) / 180)
  const camera = { fx: focal, fy: focal, cx: (depthSize.width - 1) / 2, cy: (depthSize.height - 1) / 2 }
  return {
    camera,
    assumed: true,
    reason: `assumed: a ${assumedFieldOfViewDeg}° horizontal field of view, principal point at the centre`,
    warnings: [
      `The source has no intrinsics; assumed a ${assumedFieldOfViewDeg}° horizontal field of view (fx = fy = ${focal.toFixed(1)}, principal point at the centre). Set them in the import options if known.`,
    ],
  }
}
