/**
 * The live link's problems, each reason listed once: retry counters and running totals change with
 * every repeat, so messages that differ only there replace the earlier one.
 */
const maxProblems = 50

const reasonOf = (message: string): string =>
  message.replace(/Retrying in .*$/, '').replace(/\d+ frames were not recorded so far/, '')

/** Adds `message` to `problems` (in place) or replaces the one with the same reason. */
export function listProblem(problems: string[], message: string): void {
  const key = reasonOf(message)
  const at = problems.findIndex((p) => reasonOf(p) === key)
  if (at >= 0) problems[at] = message
  else problems.push(message)
  if (problems.length > maxProblems) problems.shift()
}
