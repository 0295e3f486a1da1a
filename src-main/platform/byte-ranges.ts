/**
 * HTTP `Range: bytes=…` for one range (RFC 9110 §14). Media elements seek with these; Electron's own
 * file fetch ignores them (electron/electron #38749), so the app scheme answers them itself.
 * Several ranges in one header are answered with the whole body, which the RFC allows.
 */
export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' }

export function byteRange(header: string | null, size: number): RangeAnswer {
  if (header === null) return { kind: 'whole' }
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match) return { kind: 'whole' } // malformed or multi-range: ignore the header
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'whole' }
  if (first === '') {
    // suffix range: the last N bytes
    const length = Number(last)
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'part', start: Math.max(0, size - length), end: size - 1 }
  }
  const start = Number(first)
  if (start >= size) return { kind: 'unsatisfiable' }
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (end < start) return { kind: 'whole' }
  return { kind: 'part', start, end }
}
