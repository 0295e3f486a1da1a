/**
 * Control characters in names and paths read from disk: escaped where they are shown, so a crafted
 * folder or file name cannot move the cursor, clear the screen or rewrite a terminal line. (Names a
 * person types are refused at the boundary: contract/display-name.ts.)
 */
import { controlCharacterClass } from '../../contract/display-name'

const controlCharacters = new RegExp(controlCharacterClass, 'g')
const controlCharactersButLineBreaks = new RegExp(`(?![\\n\\t])${controlCharacterClass}`, 'g')

const escaped = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`

/** The text with each control (and bidirectional override) character written as `\u{..}`. */
export function printable(text: string): string {
  return text.replace(controlCharacters, escaped)
}

/** The same for terminal output that may span lines: newlines and tabs are kept. */
export function printableLines(text: string): string {
  return text.replace(controlCharactersButLineBreaks, escaped)
}
