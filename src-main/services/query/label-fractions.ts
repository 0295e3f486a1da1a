import { ConsoleError, type SessionManifest } from '../../contract'
import type { FrameReader } from '../ports'

/** Per label class name (lower case), the fraction of each frame its pixels cover. */
export async function labelFractions(frames: FrameReader, manifest: SessionManifest): Promise<Map<string, number[]>> {
  const names = new Map((manifest.labelClasses ?? []).map((c) => [c.id, c.name.toLowerCase()]))
  if (names.size === 0)
    throw new ConsoleError(
      'unsupported',
      `Session "${manifest.id}" has no label classes; calibration needs ground-truth labels.`,
    )
  const out = new Map<string, number[]>()
  for (const frame of manifest.frames) {
    const labels = await frames.loadLabels(manifest.id, frame.index)
    if (!labels) continue
    const counts = new Map<number, number>()
    for (const id of labels.data) counts.set(id, (counts.get(id) ?? 0) + 1)
    for (const [id, count] of counts) {
      const name = names.get(id)
      if (!name) continue
      const perFrame = out.get(name) ?? new Array<number>(manifest.frames.length).fill(0)
      perFrame[frame.index] = count / labels.data.length
      out.set(name, perFrame)
    }
  }
  return out
}
