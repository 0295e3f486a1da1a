/**
 * Which labelled frames feed training: every session holding labels for the set (or the ones asked
 * for). Labels of a frame the session no longer has are refused by name, never silently skipped.
 */
import { join } from 'node:path'
import { ConsoleError } from '../../contract'
import type { FrameReader } from '../ports'
import { maskFileName, type LabelStore } from './label-store'
import type { LabelledFrameRef } from './labelled-pixels'

export async function labelledFrameRefs(
  labels: LabelStore,
  frames: FrameReader,
  classSetId: string,
  sessionIds?: string[],
): Promise<LabelledFrameRef[]> {
  const sessions = sessionIds ?? (await labels.sessions(classSetId))
  const refs: LabelledFrameRef[] = []
  for (const sessionId of sessions) {
    const count = await frames.frameCount(sessionId).catch(() => {
      throw new ConsoleError(
        'not_found',
        `${labels.dir(sessionId, classSetId)}: labels for session "${sessionId}", which is no longer in the library.`,
      )
    })
    for (const frameIndex of await labels.frames(sessionId, classSetId)) {
      if (frameIndex >= count) {
        throw new ConsoleError(
          'not_found',
          `${join(labels.dir(sessionId, classSetId), maskFileName(frameIndex))}: labels for frame ${frameIndex}, but "${sessionId}" has ${count} frames. Delete the file or re-import the session.`,
        )
      }
      refs.push({
        sessionId,
        frameIndex,
        revision: await labels.revision(sessionId, classSetId, frameIndex),
        mask: () => labels.read(sessionId, classSetId, frameIndex),
      })
    }
  }
  return refs
}
