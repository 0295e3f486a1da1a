/** Reading and writing `session.json` (docs/FORMATS.md §1), validated at the boundary. */
import { join } from 'node:path'
import { ConsoleError, sessionManifestSchema, type SessionManifest } from '../../contract'
import { framesFromJournal } from './frame-journal'
import { writeJsonAtomic } from '../../platform/atomic-write'
import { readJsonFile } from './json-file'

export const manifestFileName = 'session.json'

export function manifestPath(sessionDir: string): string {
  return join(sessionDir, manifestFileName)
}

export async function readManifest(sessionDir: string): Promise<SessionManifest> {
  const path = manifestPath(sessionDir)
  // A live recording that stopped without its final manifest: the journal holds the frames after it.
  const manifest = await framesFromJournal(sessionDir, await readJsonFile(path, sessionManifestSchema))
  const misplaced = manifest.frames.findIndex((frame, i) => frame.index !== i)
  if (misplaced >= 0) {
    throw new ConsoleError(
      'bad_file',
      `${path}: frames.${misplaced}.index is ${manifest.frames[misplaced]?.index}, expected ${misplaced} (indices must be 0..n-1).`,
      { file: path },
    )
  }
  return manifest
}

export async function writeManifest(sessionDir: string, manifest: SessionManifest): Promise<void> {
  await writeAssembledManifest(sessionDir, sessionManifestSchema.parse(manifest))
}

/**
 * A manifest this process assembled from typed parts (a live recording's, frame by frame): written
 * without validating every frame again, a pass that costs ~10 µs per frame on the event loop.
 */
export async function writeAssembledManifest(sessionDir: string, manifest: SessionManifest): Promise<void> {
  await writeJsonAtomic(manifestPath(sessionDir), manifest)
}
