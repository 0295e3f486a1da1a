/** Sizes as people read them ("24 MB", "1.5 GB"), the same in the views, the CLI and messages. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`
}

/** "26 GB free", or that it could not be read. */
export function freeSpaceText(freeBytes: number | null): string {
  return freeBytes === null ? 'free space unknown' : `${formatBytes(freeBytes)} free`
}
