/** Reads a JSON file and validates it with a zod schema; every failure names the file (and field). */
import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import { ConsoleError } from '../../contract'

/** Throws ConsoleError `not_found` for a missing file, `bad_file` for bad JSON or a schema mismatch. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new ConsoleError(
      missing ? 'not_found' : 'bad_file',
      `${path}: ${missing ? 'file is missing' : String(error)}.`,
      { file: path },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConsoleError(
      'bad_file',
      `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
      { file: path },
    )
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length ? issue.path.join('.') : 'top level'
    throw new ConsoleError('bad_file', `${path}: ${where}: ${issue?.message ?? 'invalid'}.`, {
      file: path,
      field: where,
    })
  }
  return parsed.data
}
