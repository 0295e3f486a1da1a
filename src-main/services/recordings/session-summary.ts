/** The Library's row for a session: counts, sizes and flags derived from its manifest and folder. */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { SessionSummary } from '../../contract'
import type { StoredSession } from './session-store'

export function summarizeSession(session: StoredSession, sizeBytes: number, hasIntrinsics: boolean): SessionSummary {
  const { manifest } = session
  const frames = manifest.frames
  const first = frames[0]
  const last = frames[frames.length - 1]
  return {
    id: manifest.id,
    name: manifest.name,
    sourceFormat: manifest.source.format,
    sourcePath: manifest.source.path,
    createdAt: manifest.createdAt,
    frameCount: frames.length,
    durationSec: first && last ? last.timestampSec - first.timestampSec : 0,
    width: manifest.camera.width,
    height: manifest.camera.height,
    rgbWidth: manifest.rgbSize.width,
    rgbHeight: manifest.rgbSize.height,
    depthUnitMeters: manifest.depthUnitMeters,
    hasPoses: manifest.hasPoses,
    posedFrameCount: frames.filter((frame) => frame.worldFromCamera !== null).length,
    hasIntrinsics,
    hasLabels: frames.some((frame) => Boolean(frame.labels)),
    sizeBytes,
    readOnly: session.readOnly,
  }
}

/** Total bytes of the files under `dir` (walks sub-folders; links are not followed). */
export async function folderSize(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true })
  const sizes = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return folderSize(path)
      return entry.isFile() ? (await stat(path)).size : 0
    }),
  )
  return sizes.reduce((sum, size) => sum + size, 0)
}
