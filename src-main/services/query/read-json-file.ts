/** Reads and validates a JSON file of ours; the error names the file and the first bad field. */
import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import { ConsoleError } from '../../contract'

/** The parsed file, or null when it does not exist. */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  hint = '',
): Promise<z.infer<S> | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ConsoleError('bad_file', `${file}: cannot read (${(error as Error).message}).${hint}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConsoleError('bad_file', `${file}: not JSON (${(error as Error).message}).${hint}`)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError('bad_file', `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}.${hint}`)
  }
  return parsed.data
}
