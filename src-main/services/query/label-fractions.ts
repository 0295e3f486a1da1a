import { ConsoleError, type SessionManifest } from '../../contract'
import type { FrameReader } from '../ports'
import { shownFraction } from './relevancy-calibration'

const listed = (names: string[]): string => {
  const shown = names.slice(0, 8).map((n) => `"${n}"`)
  return names.length > 8 ? `${shown.join(', ')}, … (${names.length})` : shown.join(', ')
}

/**
 * Per vocabulary class name (lower case), the fraction of each frame its pixels cover. Throws, before
 * any frame is scored, when the session's labels cannot calibrate the vocabulary: a calibration on
 * labels that share no class with it would be a threshold fitted to nothing.
 */
export async function labelFractions(
  frames: Pick<FrameReader, 'loadLabels'>,
  manifest: SessionManifest,
  vocabulary: string[],
): Promise<Map<string, number[]>> {
  const names = new Map((manifest.labelClasses ?? []).map((c) => [c.id, c.name.toLowerCase()]))
  if (names.size === 0)
    throw new ConsoleError(
      'unsupported',
      `Session "${manifest.id}" has no label classes; calibration needs ground-truth labels.`,
    )
  const wanted = new Set(vocabulary.map((n) => n.toLowerCase()))
  if (![...names.values()].some((n) => wanted.has(n)))
    throw new ConsoleError(
      'unsupported',
      `Session "${manifest.id}" is labelled ${listed([...new Set(names.values())])}, none of them a class of the pack (${listed(vocabulary)}); calibrate on a session labelled with the pack's class names.`,
    )
  const out = new Map<string, number[]>()
  for (const frame of manifest.frames) {
    const labels = await frames.loadLabels(manifest.id, frame.index)
    if (!labels) continue
    const counts = new Map<number, number>()
    for (const id of labels.data) counts.set(id, (counts.get(id) ?? 0) + 1)
    for (const [id, count] of counts) {
      const name = names.get(id)
      if (!name || !wanted.has(name)) continue
      const perFrame = out.get(name) ?? new Array<number>(manifest.frames.length).fill(0)
      perFrame[frame.index] = count / labels.data.length
      out.set(name, perFrame)
    }
  }
  if (![...out.values()].some((perFrame) => perFrame.some((f) => f >= shownFraction)))
    throw new ConsoleError(
      'unsupported',
      `Session "${manifest.id}": no labelled frame shows a class of the pack on at least ${100 * shownFraction} % of it; nothing to calibrate on.`,
    )
  return out
}
