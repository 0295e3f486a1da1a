/**
 * Skipped frames summarised for people: a recording with hundreds of missing files gets one line
 * with the count and the first few names, not one line each (the report's `skipped` keeps them all).
 */
import { basename } from 'node:path'
import type { SkippedFrame } from '../../../contract'
import { unavailableSourceFile } from '../../security/source-confinement'

/** Names shown before "…". */
const shownNames = 5
/** Frames with the same reason beyond this are folded into one line. */
const foldAbove = 3

/** One warning for all frames whose files are missing, or null when none are. */
export function missingFilesSummary(skipped: readonly SkippedFrame[]): string | null {
  const missing = skipped.filter((s) => s.reason === unavailableSourceFile)
  if (missing.length === 0) return null
  const names = missing.slice(0, shownNames).map((s) => basename(s.file))
  return `${missing.length} listed frame${missing.length === 1 ? ' is' : 's are'} missing a file (${names.join(', ')}${missing.length > shownNames ? ', …' : ''}); ${missing.length === 1 ? 'it was' : 'they were'} left out.`
}

const skippedLine = (s: SkippedFrame): string => `${s.sourceName}: ${s.file}${s.line ? `:${s.line}` : ''}: ${s.reason}`

/** Lines for the skipped frames: each reason shared by many frames once, with a count and the first names. */
export function skippedLines(skipped: readonly SkippedFrame[]): string[] {
  const byReason = new Map<string, SkippedFrame[]>()
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s])
  return [...byReason.entries()].flatMap(([reason, entries]) =>
    entries.length > foldAbove
      ? [
          `${entries.length} frames: ${reason} (${entries
            .slice(0, shownNames)
            .map((s) => basename(s.file))
            .join(', ')}${entries.length > shownNames ? ', …' : ''})`,
        ]
      : entries.map(skippedLine),
  )
}
