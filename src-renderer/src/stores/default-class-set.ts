/**
 * The class set a view opens with: the one that offers the most segmentation modes (the active
 * pack's own set, with means and a probe, over the built-in text-only vocabularies); the first in
 * the list among equals.
 */
export function richestClassSet<T extends { modes: readonly unknown[] }>(sets: readonly T[]): T | undefined {
  return sets.reduce<T | undefined>(
    (best, set) => (!best || set.modes.length > best.modes.length ? set : best),
    undefined,
  )
}
