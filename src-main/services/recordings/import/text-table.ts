/**
 * Whitespace-separated text files (TUM lists, pose files, intrinsics): rows with their 1-based line
 * numbers, comments (`#`) and blank lines dropped, commas accepted as separators.
 */
import { ConsoleError } from '../../../contract'
import { readSourceText } from '../../security/source-confinement'

export interface TextRow {
  line: number
  fields: string[]
}

export async function readTextRows(path: string): Promise<TextRow[]> {
  // Confined to the import's source and size-limited (a pose option naming /dev/zero or a 1 GB log).
  const text = await readSourceText(path)
  const rows: TextRow[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const content = raw.replace(/#.*$/, '').trim()
    if (content) rows.push({ line: i + 1, fields: content.split(/[\s,]+/).filter(Boolean) })
  })
  return rows
}

/** The first `count` fields as finite numbers, or a reason why they are not. */
export function rowNumbers(row: TextRow, count: number): number[] | string {
  if (row.fields.length < count) return `expected ${count} numbers, found ${row.fields.length}`
  const values = row.fields.slice(0, count).map(Number)
  const bad = values.findIndex((v) => !Number.isFinite(v))
  return bad >= 0 ? `field ${bad + 1}${quotedNumberLike(row.fields[bad]!)} is not a finite number` : values
}

/** All numbers of a small numeric file (matrices), in reading order; throws naming file and line. */
export async function readNumbers(path: string): Promise<number[]> {
  const values: number[] = []
  for (const row of await readTextRows(path)) {
    const parsed = rowNumbers(row, row.fields.length)
    if (typeof parsed === 'string')
      throw new ConsoleError('bad_file', `${path}:${row.line}: ${parsed}.`, { file: path, line: row.line })
    values.push(...parsed)
  }
  return values
}

/** A field is quoted only when it looks like a number gone wrong ("nan", "-inf"): no file text leaks into reports. */
function quotedNumberLike(field: string): string {
  return field.length <= 24 && /^[-+]?(\d|\.|e|nan|inf|infinity)*$/i.test(field) ? ` ("${field}")` : ''
}
