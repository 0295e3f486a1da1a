/**
 * Matrix pose files: one 4×4 per file (7-Scenes, 3DMatch, ScanNet), Redwood/Open3D `.log`
 * trajectories (a header line then four rows) and Replica `traj.txt` (16 numbers per line). All hold
 * camera→world, row-major, OpenCV axes, which is already the session convention.
 */
import { ConsoleError, type SkippedFrame } from '../../../contract'
import type { Matrix4 } from './pose-math'
import { readNumbers, readTextRows, rowNumbers } from './text-table'

export type PoseOrProblem = { matrix: Matrix4; line: number } | { problem: string; line?: number }

/** A file holding one 4×4 matrix; a missing or unreadable file gives the problem instead. */
export async function readMatrixFile(path: string): Promise<PoseOrProblem> {
  try {
    const values = await readNumbers(path)
    return values.length === 16
      ? { matrix: values, line: 1 }
      : { problem: `expected 16 numbers (a 4×4 pose), found ${values.length}` }
  } catch (error) {
    if (!(error instanceof ConsoleError)) throw error
    const line = typeof error.detail?.line === 'number' ? error.detail.line : undefined
    return {
      problem: error.message.replace(`${path}${line ? `:${line}` : ''}: `, '').replace(/\.$/, ''),
      ...(line ? { line } : {}),
    }
  }
}

export interface LogEntry {
  /** Frame id from the entry's header line (its first number). */
  frameId: number
  matrix: Matrix4
  line: number
}

/** Redwood/Open3D `.log`: entries of a header `i j k` and four rows of four numbers. */
export async function readLogTrajectory(path: string): Promise<{ entries: LogEntry[]; skipped: SkippedFrame[] }> {
  const rows = await readTextRows(path)
  const entries: LogEntry[] = []
  const skipped: SkippedFrame[] = []
  for (let k = 0; k + 4 < rows.length + 1; k += 5) {
    const header = rows[k]!
    const body = rows.slice(k + 1, k + 5)
    const frameId = Number(header.fields[0])
    if (header.fields.length !== 3 || !Number.isInteger(frameId)) {
      skipped.push({
        sourceName: `entry ${k / 5}`,
        file: path,
        line: header.line,
        reason: `expected an entry header "i j k", found ${header.fields.length} field(s)`,
      })
      continue
    }
    if (body.length < 4) {
      skipped.push({
        sourceName: String(frameId),
        file: path,
        line: header.line,
        reason: 'the entry is cut short (fewer than four matrix rows)',
      })
      continue
    }
    const parsed = body.map((row) => ({ row, values: rowNumbers(row, 4) }))
    const bad = parsed.find((p) => typeof p.values === 'string')
    if (bad)
      skipped.push({
        sourceName: String(frameId),
        file: path,
        line: bad.row.line,
        reason: `unparseable pose row: ${String(bad.values)}`,
      })
    else entries.push({ frameId, matrix: parsed.flatMap((p) => p.values as number[]), line: header.line })
  }
  return { entries, skipped }
}

/** Rows of 16 numbers (Replica / NICE-SLAM `traj.txt`), one per frame in order. */
export async function readMatrixRows(path: string): Promise<PoseOrProblem[]> {
  return (await readTextRows(path)).map((row) => {
    const values = rowNumbers(row, 16)
    return typeof values === 'string'
      ? { problem: `unparseable pose: ${values}`, line: row.line }
      : { matrix: values, line: row.line }
  })
}
