/** Plain-text formatting of sizes and durations for CLI output (fixed units, easy to grep and compare). */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–'
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${(seconds % 60).toFixed(0)} s` : `${seconds.toFixed(1)} s`
}
