/**
 * The on-disk session manifest (`session.json`, docs/FORMATS.md §1). Validated on every load;
 * shared with the renderer, which shows the same fields.
 */
import { z } from 'zod'

export const sessionFormatIds = [
  'dve',
  'tum',
  'redwood',
  '7scenes',
  'scannet',
  'replica',
  'dveformer-samples',
  'mcap',
  'rosbag',
  'generic',
  'synthetic',
  'polycam',
  'stray-scanner',
  'record3d',
  'nyuv2-mat',
  // Recorded from a robot over the Foxglove WebSocket protocol (docs/LIVE.md); never an import format.
  'live',
] as const
export type SessionFormatId = (typeof sessionFormatIds)[number]

const finite = z.number().refine(Number.isFinite, 'must be a finite number')
export const matrix4Schema = z.array(finite).length(16)
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a relative path inside the session')

export const cameraSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fx: finite.positive(),
  fy: finite.positive(),
  cx: finite,
  cy: finite,
})

export const sessionFrameSchema = z.object({
  index: z.number().int().nonnegative(),
  timestampSec: finite,
  sourceName: z.string(),
  rgb: relativePath,
  depth: relativePath,
  worldFromCamera: matrix4Schema.nullable(),
  labels: relativePath.nullable().optional(),
})

export const labelClassSchema = z.object({
  id: z.number().int().nonnegative(),
  name: z.string().min(1),
  color: z.tuple([
    z.number().int().min(0).max(255),
    z.number().int().min(0).max(255),
    z.number().int().min(0).max(255),
  ]),
})

export const sessionManifestSchema = z.object({
  format: z.literal('dve-session'),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/),
  name: z.string().min(1),
  createdAt: z.string(),
  source: z.object({ format: z.enum(sessionFormatIds), path: z.string(), report: z.string().optional() }),
  camera: cameraSchema,
  rgbSize: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  depthUnitMeters: finite.positive(),
  depthInvalidValues: z.array(z.number().int().min(0).max(65535)),
  hasPoses: z.boolean(),
  frames: z.array(sessionFrameSchema),
  labelClasses: z.array(labelClassSchema).optional(),
  instances: relativePath.optional(),
})

export type SessionManifest = z.infer<typeof sessionManifestSchema>
export type SessionFrame = z.infer<typeof sessionFrameSchema>
export type LabelClass = z.infer<typeof labelClassSchema>
