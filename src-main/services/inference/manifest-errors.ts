/** Messages for bad JSON files that name the file, the line and the field, so a person can fix them. */
import type { z } from 'zod'

export function describeJsonSyntaxError(file: string, text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const position = /position (\d+)/.exec(message)
  if (!position) return `${file}: not valid JSON (${message}).`
  const offset = Number(position[1])
  const line = text.slice(0, offset).split('\n').length
  return `${file}:${line}: not valid JSON (${message}).`
}

export function describeZodIssues(file: string, text: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '')
    return `${file}:${lineOfField(text, issue.path)}: ${field || '(top level)'}: ${issue.message}`
  })
}

/** Line of the field's key: each key of the path is looked for after the previous one (a missing key: its parent's line). */
function lineOfField(text: string, path: readonly PropertyKey[]): number {
  let position = 0
  for (const key of path) {
    if (typeof key !== 'string') continue
    const found = text.indexOf(`"${key}"`, position)
    if (found < 0) break
    position = found
  }
  return text.slice(0, position).split('\n').length
}
