/**
 * The append-only frame journal of a live recording (`frames.jsonl` next to session.json): one
 * SessionFrame per line, appended only after the frame's image files are complete. session.json is
 * rewritten now and then; a recording cut off (kill -9, power, a crash) is read back as the manifest
 * plus every complete journal line after it, so it opens like any session, up to its last whole frame.
 */
import { stat, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sessionFrameSchema, type SessionFrame, type SessionManifest } from '../../contract'

export const journalFileName = 'frames.jsonl'

export function journalLine(frame: SessionFrame): string {
  return `${JSON.stringify(frame)}\n`
}

async function nonEmptyFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0
  } catch {
    return false
  }
}

/** The manifest with the journal's frames after its last one (stops at the first incomplete line). */
export async function framesFromJournal(sessionDir: string, manifest: SessionManifest): Promise<SessionManifest> {
  let text: string
  try {
    text = await readFile(join(sessionDir, journalFileName), 'utf8')
  } catch {
    return manifest
  }
  const frames = [...manifest.frames]
  // The last piece has no newline when the writer was cut off mid-line: it is not a complete frame.
  for (const line of text.split('\n').slice(0, -1)) {
    let parsed: SessionFrame
    try {
      parsed = sessionFrameSchema.parse(JSON.parse(line))
    } catch {
      break
    }
    if (parsed.index < frames.length) continue
    if (parsed.index !== frames.length) break
    if (!(await nonEmptyFile(join(sessionDir, parsed.rgb))) || !(await nonEmptyFile(join(sessionDir, parsed.depth))))
      break
    frames.push(parsed)
  }
  if (frames.length === manifest.frames.length) return manifest
  return { ...manifest, frames, hasPoses: manifest.hasPoses || frames.some((f) => f.worldFromCamera !== null) }
}
