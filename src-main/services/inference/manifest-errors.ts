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

export function describeZodIssues(file: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
    return `${file}: ${field || '(top level)'}: ${issue.message}`
  })
}
