/**
 * Control characters in names and paths: refused where a person names something, escaped where one is
 * shown, so a crafted name cannot move the cursor, clear the screen or rewrite a terminal line.
 */
const controlClass = '[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]'
const controlCharacters = new RegExp(controlClass, 'g')
const anyControlCharacter = new RegExp(controlClass)

/** The text with each control (and bidirectional override) character written as `\u{..}`. */
export function printable(text: string): string {
  return text.replace(controlCharacters, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
}

export function hasControlCharacters(text: string): boolean {
  return anyControlCharacter.test(text)
}
