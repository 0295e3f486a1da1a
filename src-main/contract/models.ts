/**
 * Model packs (docs/FORMATS.md §2): the manifest schema, what the console knows about each pack
 * found on disk, and the execution-provider order the inference worker tries.
 */
import { z } from 'zod'
import { method } from './rpc'

const finite = z.number().finite()
const positiveInt = z.number().int().positive()
const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside the pack folder')

export const imageInputsSchema = z.union([
  z.object({ rgb: z.string().min(1), depth: z.string().min(1) }).strict(),
  z.object({ rgbd: z.string().min(1) }).strict(),
])

export const imageModelSchema = z.object({
  onnx: relativeFile,
  inputs: imageInputsSchema,
  output: z.string().min(1),
  inputSize: z.object({ height: positiveInt, width: positiveInt }),
  outputStride: positiveInt,
  embeddingDim: positiveInt,
  rgbMean: z.tuple([finite, finite, finite]),
  rgbStd: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  depthUnitMeters: z.number().positive(),
  depthMean: finite,
  depthStd: z.number().positive(),
  depthMaxMeters: z.number().positive().nullable().default(null),
  invalidDepthValue: finite.default(0),
})

export const textModelSchema = z.object({
  onnx: relativeFile,
  tokenizer: relativeFile,
  inputs: z.object({ inputIds: z.string().min(1), attentionMask: z.string().min(1).nullable().default(null) }),
  output: z.string().min(1),
  contextLength: positiveInt,
  promptTemplate: z.string().includes('{}').default('{}'),
})

/**
 * The pack's relevancy rule (docs/QUERY.md): one decision for frames, recording search, click
 * matches and the map. `threshold` is calibrated on a recording with ground truth
 * (`dve models calibrate <session>`); packs without it use `defaultRelevancyRule`.
 */
export const relevancyRuleSchema = z.object({
  /** Relevancy at or above this (at `temperature`) counts as "seen". */
  threshold: z.number().min(0.5).max(1),
  temperature: z.number().positive().max(100),
  /** Where it was calibrated, e.g. "demo-apartment (260 frames, 18 classes present, 4 absent)". */
  calibratedOn: z.string().default(''),
  /** Measured figures at the chosen threshold (per-frame precision / recall, absent-class peaks). */
  figures: z.record(z.string(), z.number()).default({}),
})
export type RelevancyRule = z.infer<typeof relevancyRuleSchema>

export const modelManifestSchema = z.object({
  format: z.literal('dve-model-pack'),
  version: z.literal(1),
  name: z.string().min(1),
  description: z.string().default(''),
  image: imageModelSchema,
  text: textModelSchema.nullable().default(null),
  classSets: z.array(relativeFile).default([]),
  /**
   * The data the pack was trained on, when it is narrow (the demo pack: the synthetic world). Views
   * warn once when a recording's source format is not among `sourceFormats`.
   */
  trainedOn: z.object({ description: z.string().min(1), sourceFormats: z.array(z.string().min(1)).min(1) }).optional(),
  /** Null: not calibrated; queries use `defaultRelevancyRule`. */
  relevancy: relevancyRuleSchema.nullable().default(null),
})
export type ModelManifest = z.infer<typeof modelManifestSchema>
export type ImageModelSpec = ModelManifest['image']
export type TextModelSpec = NonNullable<ModelManifest['text']>

export const executionProviders = ['tensorrt', 'cuda', 'cpu'] as const
export type ExecutionProviderName = (typeof executionProviders)[number]

/** What loading the pack's graphs found (null until the pack was checked against its ONNX). */
export interface PackGraphCheck {
  ok: boolean
  /** Provider the image session runs on. */
  provider: string | null
  /** Output dims read from a first run ([N, D, h, w]); the declared metadata may be wrong. */
  imageOutputDims: number[] | null
  checkedAt: string
}

export interface ModelPackInfo {
  /** Folder name; unique across shipped and user packs. */
  id: string
  dir: string
  source: 'shipped' | 'user'
  /** From the manifest, or the folder name when the manifest does not parse. */
  name: string
  manifest: ModelManifest | null
  /** Manifest problems and graph mismatches, each naming the file and field. */
  errors: string[]
  valid: boolean
  active: boolean
  graph: PackGraphCheck | null
}

export interface ProviderStatus {
  /** Order the worker tries when it creates a session. */
  order: ExecutionProviderName[]
  /** Provider the active image session got, or null when nothing is loaded. */
  active: string | null
  /** Why earlier providers were skipped when the active session was created. */
  fallbacks: string[]
}

const packId = z.object({ id: z.string().min(1).max(200) })

export const modelsSpec = {
  list: method<ModelPackInfo[]>()(z.void()),
  /** The pack with its manifest, checked against its ONNX graphs (loads them in the worker). */
  get: method<ModelPackInfo>()(packId),
  activate: method<ModelPackInfo>()(packId),
  providers: method<ProviderStatus>()(z.void()),
  setProviderOrder: method<ProviderStatus>()(
    z.object({
      order: z
        .array(z.enum(executionProviders))
        .min(1)
        .refine((o) => new Set(o).size === o.length, 'providers must not repeat'),
    }),
  ),
}
