/**
 * JSON.parse's messages quote the text around the error ("Unexpected token 'r', "root:x:0:0:"... is
 * not valid JSON"); a file a client pointed at must not come back in an error, so only the position
 * is kept.
 */
import { ConsoleError } from '../../contract'
import { printable } from './printable'

export function parseJsonQuietly(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1]
    throw new ConsoleError(
      'bad_file',
      `${printable(file)}: not valid JSON${position ? ` (at character ${position})` : ''}.`,
      { file },
    )
  }
}
