/**
 * Names a person gives (sessions, class sets, classes, saved queries) reach terminals and logs, so
 * control characters (escape sequences, bidirectional overrides, line breaks) are refused.
 */
import { z } from 'zod'

export const controlCharacterClass = '[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]'
const anyControlCharacter = new RegExp(controlCharacterClass)

export function hasControlCharacters(text: string): boolean {
  return anyControlCharacter.test(text)
}

/** A trimmed, non-empty name of at most `max` characters without control characters. */
export function displayName(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      (text) => !hasControlCharacters(text),
      'must not contain control characters (escape sequences, line breaks)',
    )
}
