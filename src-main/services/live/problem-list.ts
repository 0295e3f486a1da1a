/**
 * The live link's problems, each reason listed once: retry counters, running totals and the space
 * left change with every repeat, so messages that differ only there (or in any number) replace the
 * earlier one.
 */
const maxProblems = 50

const reasonOf = (message: string): string =>
  message
    .replace(/Retrying in .*$/, '')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\b(frame was|frames were)\b/g, 'frames')

/** Whether two messages give the same reason (they differ at most in their numbers). */
export function sameReason(a: string, b: string): boolean {
  return reasonOf(a) === reasonOf(b)
}

/** Adds `message` to `problems` (in place) or replaces the one with the same reason. */
export function listProblem(problems: string[], message: string): void {
  const key = reasonOf(message)
  const at = problems.findIndex((p) => reasonOf(p) === key)
  if (at >= 0) problems[at] = message
  else problems.push(message)
  if (problems.length > maxProblems) problems.shift()
}
