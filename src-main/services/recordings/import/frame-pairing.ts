/**
 * Pairs colour and depth files by a key taken from their names (stem, frame number), reporting files
 * without a partner as skipped frames.
 */
import type { SkippedFrame } from '../../../contract'

export const rgbFilePattern = /\.(png|jpe?g|bmp|tiff?|webp|ppm)$/i
export const depthFilePattern = /\.(png|pgm|tiff?|exr)$/i

export interface FilePair {
  key: string
  rgb: string
  depth: string
}

export const stemOf = (name: string): string => name.replace(/\.[^.]+$/, '')

/** The numeric part of a frame file name ("frame000012.jpg" → "12"), or the stem when it has none. */
export const frameNumberOf = (name: string): string => {
  const digits = /(\d+)(?!.*\d)/.exec(stemOf(name))
  return digits ? String(Number(digits[1])) : stemOf(name)
}

/**
 * Pairs `rgbFiles` and `depthFiles` (paths) on `keyOf(name)`, sorted by key (numerically where
 * possible). Unpaired files become skipped entries naming the file.
 */
export function pairFiles(
  rgbFiles: readonly string[],
  depthFiles: readonly string[],
  keyOf: (path: string) => string,
): { pairs: FilePair[]; skipped: SkippedFrame[] } {
  const depthByKey = new Map(depthFiles.map((d) => [keyOf(d), d]))
  const rgbKeys = new Set<string>()
  const pairs: FilePair[] = []
  const skipped: SkippedFrame[] = []
  for (const rgb of rgbFiles) {
    const key = keyOf(rgb)
    rgbKeys.add(key)
    const depth = depthByKey.get(key)
    if (depth) pairs.push({ key, rgb, depth })
    else skipped.push({ sourceName: key, file: rgb, reason: 'no depth image with the same name' })
  }
  for (const depth of depthFiles)
    if (!rgbKeys.has(keyOf(depth)))
      skipped.push({ sourceName: keyOf(depth), file: depth, reason: 'no colour image with the same name' })
  pairs.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }))
  return { pairs, skipped }
}
