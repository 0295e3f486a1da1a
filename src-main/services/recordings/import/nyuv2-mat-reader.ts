/**
 * The NYU Depth v2 labelled set, `nyu_depth_v2_labeled.mat`: MATLAB v7.3, which is HDF5, read with
 * h5wasm frame by frame (the file is 2.8 GB). MATLAB stores arrays column-major, so HDF5 sees them
 * transposed: `images` [N, 3, 640, 480] uint8, `depths` [N, 640, 480] float metres (in-painted,
 * registered to the colour camera), `labels` [N, 640, 480] uint16 (0 = unlabelled, k = names{k}),
 * `names` a cell of the 894 class names. The file has no intrinsics: the toolbox's colour camera
 * (camera_params.m) is used and said. It has no NYUv2-40 mapping either (that is a separate file).
 */
import { encode as encodePng } from 'fast-png'
import * as h5wasm from 'h5wasm/node'
import { ConsoleError } from '../../../contract'
import type { FormatReader, ImportPlan, PlannedFrame } from './import-plan'
import { mappingFor } from './label-layouts'
import type { SourceTree } from './source-tree'
import { confinedPath } from '../../security/source-confinement'

/** NYU Depth v2 toolbox, camera_params.m: the colour camera the labelled depths are registered to. */
const nyuColourCamera = { fx: 518.8579, fy: 519.4696, cx: 325.5824, cy: 253.7362 }
/** Frames whose labels are read to find the classes present (spread over the file). */
const labelSampleFrames = 24

type H5File = InstanceType<typeof h5wasm.File>
type H5Dataset = InstanceType<typeof h5wasm.Dataset>

const matFile = (tree: SourceTree): string | null =>
  tree.singleFile && /\.mat$/i.test(tree.singleFile) ? tree.path(tree.singleFile) : null

async function openMat(path: string): Promise<H5File> {
  // Confined to the import's source like every other file it reads (h5wasm opens the path itself).
  const real = await confinedPath(path)
  await h5wasm.ready
  try {
    return new h5wasm.File(real, 'r')
  } catch {
    throw new ConsoleError(
      'bad_file',
      `${path}: not a MATLAB v7.3 (HDF5) file; older .mat versions are not read (save with -v7.3).`,
      { file: path },
    )
  }
}

interface NyuDatasets {
  images: H5Dataset
  depths: H5Dataset
  labels: H5Dataset | null
  count: number
  /** Width and height of a frame (HDF5's last two axes are MATLAB's columns and rows). */
  width: number
  height: number
}

function dataset(file: H5File, name: string): H5Dataset | null {
  const entity = file.keys().includes(name) ? file.get(name) : null
  return entity instanceof h5wasm.Dataset ? entity : null
}

/** The labelled set's datasets with their shapes checked, or a sentence saying what is missing. */
function nyuDatasets(file: H5File): NyuDatasets | string {
  const images = dataset(file, 'images')
  const depths = dataset(file, 'depths')
  if (!images || !depths) return `it has no "images" and "depths" datasets (it holds ${file.keys().join(', ')})`
  const [count, channels, width, height] = images.shape ?? []
  const depthShape = depths.shape ?? []
  if (channels !== 3 || !count || !width || !height)
    return `"images" is ${JSON.stringify(images.shape)}; expected [N, 3, width, height]`
  if (depthShape.join() !== [count, width, height].join())
    return `"depths" is ${JSON.stringify(depths.shape)}; expected ${JSON.stringify([count, width, height])}`
  const labels = dataset(file, 'labels')
  const labelsFit = labels && (labels.shape ?? []).join() === [count, width, height].join()
  return { images, depths, labels: labelsFit ? labels : null, count, width, height }
}

type NumericArray = Uint8Array | Uint16Array | Float32Array | Float64Array

/** Row-major (top row first) from MATLAB's column-major frame: HDF5 gives [channel][x][y], y fastest. */
function rowMajor<T extends NumericArray>(
  columnMajor: ArrayLike<number>,
  size: { width: number; height: number },
  out: T,
  channels = 1,
): T {
  const { width, height } = size
  for (let c = 0; c < channels; c++)
    for (let x = 0; x < width; x++)
      for (let y = 0; y < height; y++) out[(y * width + x) * channels + c] = columnMajor[(c * width + x) * height + y]!
  return out
}

/** One frame of a [N, …] dataset (only that frame is read from the file). */
function frameSlice(data: H5Dataset, index: number): NumericArray {
  const value = data.slice([[index, index + 1]])
  if (
    value instanceof Uint8Array ||
    value instanceof Uint16Array ||
    value instanceof Float32Array ||
    value instanceof Float64Array
  )
    return value
  throw new Error(`${data.path}: frame ${index + 1} is not 8/16-bit or float data`)
}

/** Class names from the `names` cell (references to MATLAB char arrays, stored as UTF-16 codes). */
function classNames(file: H5File): string[] {
  const names = dataset(file, 'names')
  const refs = names?.value
  if (!Array.isArray(refs)) return []
  return refs.map((ref) => {
    // `unknown` first: the declared union narrows to never under instanceof (private members).
    const target: unknown = ref instanceof h5wasm.Reference ? file.dereference(ref) : null
    const codes = target instanceof h5wasm.Dataset ? target.value : null
    return ArrayBuffer.isView(codes) ? String.fromCharCode(...(codes as Uint16Array)) : ''
  })
}

function planNyu(file: H5File, path: string, sets: NyuDatasets): ImportPlan {
  const { width, height } = sets
  const names = classNames(file)
  const values = new Map<number, number>()
  if (sets.labels)
    for (let s = 0; s < Math.min(labelSampleFrames, sets.count); s++) {
      const index = Math.floor((s * sets.count) / Math.min(labelSampleFrames, sets.count))
      for (const v of frameSlice(sets.labels, index)) values.set(v, (values.get(v) ?? 0) + 1)
    }
  const byFrequency = [...values.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v)
  const labels = sets.labels ? mappingFor(byFrequency, (v) => names[v - 1] || undefined) : undefined
  const label = (what: string, index: number): string => `${path} ${what}[${index}]`
  const frames: PlannedFrame[] = Array.from({ length: sets.count }, (_, index) => ({
    sourceName: String(index + 1),
    timestampSec: null,
    rgb: {
      kind: 'loaded',
      label: label('images', index),
      load: async () => {
        const rgb = rowMajor(frameSlice(sets.images, index), sets, new Uint8Array(width * height * 3), 3)
        return { kind: 'rgb8', width, height, data: rgb }
      },
    },
    depth: {
      kind: 'loaded',
      label: label('depths', index),
      // Float metres become millimetres here; the depth check still confirms the unit.
      load: async () => {
        const metres = rowMajor(frameSlice(sets.depths, index), sets, new Float32Array(width * height))
        const mm = Uint16Array.from(metres, (m) =>
          m > 0 && Number.isFinite(m) ? Math.min(65534, Math.round(m * 1000)) : 0,
        )
        return { kind: 'depth16', width, height, data: mm }
      },
    },
    worldFromCamera: null,
    ...(sets.labels
      ? {
          labels: {
            kind: 'loaded' as const,
            label: label('labels', index),
            load: async () => {
              const ids = rowMajor(frameSlice(sets.labels!, index), sets, new Uint16Array(width * height))
              return {
                kind: 'encoded' as const,
                bytes: encodePng({ width, height, data: ids, depth: 16, channels: 1 }),
                extension: 'png' as const,
              }
            },
          },
        }
      : {}),
  }))
  const warnings: string[] = []
  if (labels)
    warnings.push(
      `Labels: the ${names.length}-name NYUv2 class table from "names" (${labels.classes.length - 1} classes found in ${Math.min(labelSampleFrames, sets.count)} sampled frames; values not found there become void). The file has no NYUv2-40 mapping; import a labels_40/ export for the 40-class evaluation.`,
    )
  else warnings.push(`${path}: no "labels" dataset of the frames' size, so the session has no ground truth.`)
  return {
    camera: null,
    fallbackCamera: {
      camera: nyuColourCamera,
      why: 'the NYU Depth v2 toolbox colour camera (camera_params.m); the labelled depths are registered to it and the file has no intrinsics',
    },
    depthUnitMeters: 0.001,
    depthInvalidValues: [0],
    depthEncoding: 'plain',
    depthConvention: { source: 'the labelled set stores float metres (read as millimetres)', stated: true },
    frames,
    issues: [],
    warnings,
    ...(labels ? { labels } : {}),
    close: async () => {
      file.close()
    },
  }
}

export const nyuv2MatReader: FormatReader = {
  format: 'nyuv2-mat',
  label: 'NYU Depth v2 labelled set (.mat, MATLAB v7.3)',
  async detect(tree) {
    const path = matFile(tree)
    if (!path) return null
    const file = await openMat(path).catch((error: unknown) =>
      error instanceof Error ? error : new Error(String(error)),
    )
    if (file instanceof Error) return { confidence: 0.3, reason: file.message, frameCount: null, needs: [] }
    try {
      const sets = nyuDatasets(file)
      return typeof sets === 'string'
        ? { confidence: 0.3, reason: `${path}: ${sets}`, frameCount: null, needs: [] }
        : {
            confidence: 0.95,
            reason: `${tree.singleFile} holds images, depths${sets.labels ? ', labels' : ''} of ${sets.count} frames`,
            frameCount: sets.count,
            needs: [],
          }
    } finally {
      file.close()
    }
  },
  async plan(tree) {
    const path = matFile(tree)!
    const file = await openMat(path)
    const sets = nyuDatasets(file)
    if (typeof sets === 'string') {
      file.close()
      throw new ConsoleError('bad_file', `${path}: not the NYUv2 labelled set: ${sets}.`, { file: path })
    }
    return planNyu(file, path, sets)
  },
}
