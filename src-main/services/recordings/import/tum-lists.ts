/**
 * TUM RGB-D text lists: `timestamp file` lists (rgb.txt, depth.txt), `associate.txt` (four columns)
 * and `groundtruth.txt` (timestamp tx ty tz qx qy qz qw). Tolerant: comments, extra columns,
 * unsorted rows; bad rows become skipped entries with file and line.
 */
import { basename, dirname, isAbsolute } from 'node:path'
import type { SkippedFrame } from '../../../contract'
import type { PoseOrProblem } from './pose-files'
import { matrixFromTranslationQuaternion } from './pose-math'
import type { SourceTree } from './source-tree'
import { readTextRows, rowNumbers } from './text-table'

export interface TimedFile {
  timestampSec: number
  path: string
  line: number
}

export interface Parsed<T> {
  rows: T[]
  skipped: SkippedFrame[]
}

const bySourceTime = <T extends { timestampSec: number }>(rows: T[]): T[] =>
  rows.sort((a, b) => a.timestampSec - b.timestampSec)

/**
 * A listed file, also found when the list names a folder that was renamed (rgb/ → color/): the same
 * file name is looked up in the source's other top-level folders.
 */
export async function resolveListedFile(tree: SourceTree, listed: string): Promise<string> {
  if (isAbsolute(listed)) return listed
  const dir = dirname(listed) === '.' ? '' : dirname(listed)
  const name = basename(listed)
  if (await tree.hasFile(dir, name)) return tree.path(listed)
  for (const entry of await tree.list(''))
    if (entry.isDir && (await tree.hasFile(entry.name, name))) return tree.path(entry.name, name)
  return tree.path(listed)
}

/** Columns: timestamp, file (at `column`), anything after is ignored. */
export async function readTimedFileList(
  tree: SourceTree,
  listName: string,
  timeColumn = 0,
  fileColumn = 1,
): Promise<Parsed<TimedFile>> {
  const path = tree.path(listName)
  const rows: TimedFile[] = []
  const skipped: SkippedFrame[] = []
  for (const row of await readTextRows(path)) {
    const time = Number(row.fields[timeColumn])
    const file = row.fields[fileColumn]
    if (!Number.isFinite(time) || !file) {
      // Only counts in the reason: a list pointed at another file must not copy its text into the report.
      skipped.push({
        sourceName: Number.isFinite(time) ? String(row.fields[timeColumn]) : `line ${row.line}`,
        file: path,
        line: row.line,
        reason: `expected "timestamp file", found ${row.fields.length} field(s)`,
      })
      continue
    }
    rows.push({ timestampSec: time, path: await resolveListedFile(tree, file), line: row.line })
  }
  return { rows: bySourceTime(rows), skipped }
}

/** One row of a pose file in file order: the pose, or why the row could not be read. */
export type PoseRow = PoseOrProblem & { line: number; timestampSec: number }

/** Rows `[timestamp] tx ty tz qx qy qz qw` into camera→world matrices; without timestamps the row ordinal is the time. */
export async function readQuaternionPoses(path: string, withTimestamp: boolean): Promise<PoseRow[]> {
  const offset = withTimestamp ? 1 : 0
  return (await readTextRows(path)).map((row, ordinal) => {
    const values = rowNumbers(row, 7 + offset)
    if (typeof values === 'string')
      return {
        line: row.line,
        timestampSec: withTimestamp ? Number(row.fields[0]) : ordinal,
        problem: `unparseable pose: ${values}`,
      }
    const matrix = matrixFromTranslationQuaternion(values.slice(offset, offset + 3), values.slice(offset + 3))
    return { line: row.line, timestampSec: withTimestamp ? values[0]! : ordinal, matrix }
  })
}
